/**
 * NumPy `.npy` files (format versions 1–3) for `mimax estimate --x-file/--y-file`, parsed by
 * the npm package `npyjs` (maintained by aplbrain). npyjs parses the header and returns the
 * data in file order, but leaves three checks to the caller, done here: that the number of
 * values matches the header's shape (it returns a shorter array for a file truncated by whole
 * values), the memory order (it flags `fortran_order` but does not transpose: done here), and
 * the dtype (it also returns integers, booleans and strings).
 *
 * Accepted: float16/32/64 and (unsigned) integer arrays, little-endian, shape [n] or [n, d];
 * values are returned as float64, row-major. Never imports TF.js.
 */
import { parse } from 'npyjs';
import { UserError } from '../types.ts';
import { readInput } from './files.ts';

/** An array read from a `.npy` file: shape [n] or [n, d], values row-major as float64. */
export interface NpyArray {
  shape: [number] | [number, number];
  values: Float64Array;
  /** numpy's dtype code without the byte-order mark, e.g. `f8`. */
  dtype: string;
}

/** Numeric dtype codes accepted (npyjs names; big-endian ones fail in npyjs itself). */
const NUMERIC = new Set(['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8']);

/** Parses `.npy` bytes; `where` names the file in errors. */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(buffer as ArrayBuffer);
  } catch (error) {
    throw new UserError(
      `${where}: not a readable .npy file (${(error as Error).message}); expected an array saved with numpy.save`,
    );
  }
  const { dtype, shape, fortranOrder } = parsed;
  if (!NUMERIC.has(dtype)) {
    throw new UserError(
      `${where}: dtype '${dtype}' is not numeric; save a float32 or float64 array (x.astype(numpy.float64))`,
    );
  }
  if (shape.length !== 1 && shape.length !== 2) {
    throw new UserError(
      `${where}: shape (${shape.join(', ')}) has ${shape.length} dimensions; expected [n] or [n, d]`,
    );
  }
  const data = parsed.data as unknown as ArrayLike<number | bigint>;
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new UserError(
      `${where}: the header's shape (${shape.join(', ')}) needs ${expected} values but the file holds ${data.length}` +
        `${data.length < expected ? ' (truncated?)' : ''}`,
    );
  }
  const values = new Float64Array(expected);
  const [n, d] = shape.length === 2 ? shape : [shape[0], 1];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      // Fortran (column-major) order stores element (i, j) at j·n + i.
      const at = fortranOrder ? j * n + i : i * d + j;
      values[i * d + j] = Number(data[at]);
    }
  }
  return {
    shape: shape.length === 2 ? [shape[0], shape[1]] : [shape[0]],
    values,
    dtype,
  };
}

/** Reads a `.npy` file (missing or unreadable file → `UserError` naming it). */
export function readNpy(path: string): NpyArray {
  return parseNpy(readInput(path), path);
}
