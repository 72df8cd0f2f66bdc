/**
 * Reader for the IDX format of MNIST-style data sets (raw or gzip-compressed).
 *
 * Layout (big-endian): two zero bytes, a type byte (0x08 = unsigned byte, the only type MNIST
 * uses), a dimension count n, then n uint32 sizes, then the values in row-major order.
 * Every error names the file and what is wrong with it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../types.ts';

export interface IdxArray {
  /** Sizes, e.g. [60000, 28, 28] for an image file, [60000] for labels. */
  dims: number[];
  /** Values in row-major order (unsigned bytes). */
  data: Uint8Array;
}

/** Thrown for a malformed IDX file; the message names the file. */
export class IdxError extends UserError {
  override name = 'IdxError';
}

const UNSIGNED_BYTE = 0x08;

/** Parses IDX bytes; `file` is used in error messages only. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) {
    throw new IdxError(`${file}: truncated: ${bytes.length} bytes, too short for an IDX header`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new IdxError(
      `${file}: wrong magic number 0x${magic}: not an IDX file (expected 0x0000080n)`,
    );
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new IdxError(
      `${file}: unsupported IDX value type 0x${bytes[2].toString(16)} (only 0x08, unsigned byte)`,
    );
  }
  const ndims = bytes[3];
  if (ndims < 1) throw new IdxError(`${file}: IDX header declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new IdxError(
      `${file}: truncated: header needs ${headerBytes} bytes, file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual < expected) {
    throw new IdxError(
      `${file}: truncated: dimensions [${dims.join(', ')}] need ${expected} values, file has ${actual}`,
    );
  }
  if (actual > expected) {
    throw new IdxError(
      `${file}: ${actual - expected} trailing bytes after the ${expected} values of dimensions [${dims.join(', ')}]`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads an IDX file; a name ending in `.gz` is decompressed first. */
export function readIdx(file: string): IdxArray {
  if (!existsSync(file)) throw new IdxError(`${file}: file not found`);
  let bytes: Uint8Array = readFileSync(file);
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new IdxError(`${file}: corrupt gzip data (${(error as Error).message})`);
    }
  }
  return parseIdx(bytes, file);
}
