/**
 * The array inputs `estimate(x, y)` accepts, turned into float64 {@link DataMatrix}es.
 * Imports no TF.js (a tensor is recognized by its `shape` and `dataSync`).
 */
import type { DataMatrix } from '../data/tabular.ts';
import { UserError } from '../types.ts';

/** A tensor-like value: a TF.js tensor of rank 1 or 2 (read with `dataSync`). */
export interface TensorLike {
  shape: number[];
  dataSync(): ArrayLike<number>;
}

/**
 * One variable's n samples:
 * - `number[]`, `Float32Array`, `Float64Array`: n scalars (shape [n]);
 * - `number[][]`: n rows of d numbers;
 * - `{ data, shape }`: row-major values with shape [n] or [n, d];
 * - a TF.js tensor of shape [n] or [n, d].
 */
export type ArrayInput =
  | number[]
  | number[][]
  | Float32Array
  | Float64Array
  | { data: ArrayLike<number>; shape: [number] | [number, number] }
  | TensorLike;

function isTensorLike(value: unknown): value is TensorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as TensorLike).shape) &&
    typeof (value as TensorLike).dataSync === 'function'
  );
}

function fromShape(
  data: ArrayLike<number>,
  shape: number[],
  what: string,
  prefix: string,
): DataMatrix {
  if (shape.length !== 1 && shape.length !== 2) {
    throw new UserError(`${what}: shape [${shape.join(', ')}] must be [n] or [n, d]`);
  }
  const [n, d] = shape.length === 2 ? shape : [shape[0], 1];
  if (!(Number.isInteger(n) && Number.isInteger(d) && n >= 0 && d >= 1)) {
    throw new UserError(`${what}: bad shape [${shape.join(', ')}]`);
  }
  if (data.length !== n * d) {
    throw new UserError(
      `${what}: shape [${shape.join(', ')}] needs ${n * d} values, got ${data.length}`,
    );
  }
  return {
    n,
    d,
    values: Float64Array.from(data),
    names: shape.length === 1 ? [prefix] : Array.from({ length: d }, (_, j) => `${prefix}${j}`),
  };
}

/**
 * `input` as a float64 matrix; `what` names it in errors (`x`), `names` overrides the column
 * names (default `x` for one column, else `x0`, `x1`, …).
 */
export function toMatrix(input: ArrayInput, what: string, names?: string[]): DataMatrix {
  let m: DataMatrix;
  if (isTensorLike(input)) {
    m = fromShape(input.dataSync(), input.shape, what, what);
  } else if (input instanceof Float32Array || input instanceof Float64Array) {
    m = fromShape(input, [input.length], what, what);
  } else if (Array.isArray(input)) {
    if (input.length > 0 && Array.isArray(input[0])) {
      const rows = input as number[][];
      const d = rows[0].length;
      const values = new Float64Array(rows.length * d);
      for (let i = 0; i < rows.length; i++) {
        if (!Array.isArray(rows[i]) || rows[i].length !== d) {
          throw new UserError(
            `${what}: row ${i + 1} has ${rows[i]?.length ?? 0} values, row 1 has ${d}`,
          );
        }
        for (let j = 0; j < d; j++) values[i * d + j] = rows[i][j];
      }
      m = fromShape(values, [rows.length, d], what, what);
    } else {
      m = fromShape(input as number[], [input.length], what, what);
    }
  } else if (typeof input === 'object' && input !== null && 'data' in input && 'shape' in input) {
    m = fromShape(input.data, input.shape, what, what);
  } else {
    throw new UserError(`${what}: expected an array, a typed array, {data, shape} or a tensor`);
  }
  if (names) {
    if (names.length !== m.d) {
      throw new UserError(`${what}: ${names.length} column names for ${m.d} columns`);
    }
    m.names = [...names];
  }
  return m;
}
