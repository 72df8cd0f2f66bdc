/**
 * A reader and writer of the safetensors format (https://github.com/huggingface/safetensors),
 * the format of mimax's checkpoints: PyTorch, NumPy (`safetensors.numpy.load_file`, or the
 * 10-line reader in the README) and JAX read it directly.
 *
 * Layout: 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`
 * (padded with spaces to a multiple of 8, as the reference writer does, so every tensor starts
 * 8-byte aligned); then the raw little-endian tensor bytes, `data_offsets` counted from the
 * first byte after the header. Written here rather than taken from npm: the format is this
 * small, and a dependency-free module keeps `results/` free of native or TF.js imports.
 * Only the dtypes mimax stores are supported (F32, I32, F64). Never imports TF.js.
 */

/** Dtypes mimax writes (safetensors names). */
export type SafeDtype = 'F32' | 'I32' | 'F64';

export interface SafeTensor {
  dtype: SafeDtype;
  shape: number[];
  data: Float32Array | Int32Array | Float64Array;
}

const BYTES: Record<SafeDtype, number> = { F32: 4, I32: 4, F64: 8 };

/** A file that is not valid safetensors (truncated, bad header, offsets out of range). */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const dtypeOf = (data: SafeTensor['data']): SafeDtype =>
  data instanceof Float32Array ? 'F32' : data instanceof Int32Array ? 'I32' : 'F64';

/** Serializes named tensors (in name order) and string metadata into one buffer. */
export function encodeSafetensors(
  tensors: Record<string, SafeTensor>,
  metadata: Record<string, string> = {},
): Buffer {
  const header: Record<string, unknown> = {};
  const names = Object.keys(tensors).sort();
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (t.dtype !== dtypeOf(t.data)) throw new Error(`tensor '${name}': dtype ${t.dtype} vs data`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new Error(
        `tensor '${name}': shape [${t.shape}] needs ${size} values, has ${t.data.length}`,
      );
    }
    header[name] = {
      dtype: t.dtype,
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  header['__metadata__'] = metadata;
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // 8-byte alignment of the data
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const data = tensors[name].data;
    // Node and every platform TF.js runs on are little-endian, as the format requires.
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, at);
    at += data.byteLength;
  }
  return out;
}

/** Parses a safetensors buffer; throws {@link SafetensorsError} saying what is wrong. */
export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
} {
  if (bytes.length < 8) throw new SafetensorsError(`file too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new SafetensorsError(
      `header of ${headerLength} bytes runs past the end of the file (${bytes.length} bytes): truncated`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'));
  } catch (error) {
    throw new SafetensorsError(`header is not JSON: ${(error as Error).message}`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, SafeTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = entry as {
      dtype: SafeDtype;
      shape: number[];
      data_offsets: [number, number];
    };
    if (!(dtype in BYTES))
      throw new SafetensorsError(`tensor '${name}': unsupported dtype ${dtype}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (end - begin !== size * BYTES[dtype]) {
      throw new SafetensorsError(
        `tensor '${name}': offsets [${begin}, ${end}] do not fit shape [${shape}]`,
      );
    }
    if (end > dataLength) {
      throw new SafetensorsError(
        `tensor '${name}' ends at byte ${end} of the data, which has ${dataLength}: truncated`,
      );
    }
    // Copy: the source buffer need not be aligned for a typed-array view.
    const raw = bytes.slice(dataStart + begin, dataStart + end);
    const data =
      dtype === 'F32'
        ? new Float32Array(raw.buffer, raw.byteOffset, size)
        : dtype === 'I32'
          ? new Int32Array(raw.buffer, raw.byteOffset, size)
          : new Float64Array(raw.buffer, raw.byteOffset, size);
    tensors[name] = { dtype, shape, data };
  }
  return { tensors, metadata };
}
