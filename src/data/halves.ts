/**
 * The two views of the paper: x1 = the first half of each flattened image (top rows),
 * x2 = the second half (bottom rows). For MNIST: 784 values → 392 + 392, i.e. 14 rows each.
 */
import type { Rng } from '../random.ts';
import type { Split } from './datasets.ts';

export interface Halves {
  /** [n, dim1] row-major: the top half of each image. */
  x1: Float32Array;
  /** [n, dim2] row-major: the bottom half. */
  x2: Float32Array;
  labels: Uint8Array;
  n: number;
  dim1: number;
  dim2: number;
  /** Image shape of one half, [rows, columns] (MNIST: [14, 28]); encoders that convolve use it. */
  halfShape: [number, number];
}

/** Splits each image into its top and bottom halves (copies). */
export function halves(split: Split): Halves {
  const { n, features } = split;
  const dim1 = Math.floor(features / 2);
  const dim2 = features - dim1;
  const x1 = new Float32Array(n * dim1);
  const x2 = new Float32Array(n * dim2);
  for (let i = 0; i < n; i++) {
    const row = split.images.subarray(i * features, (i + 1) * features);
    x1.set(row.subarray(0, dim1), i * dim1);
    x2.set(row.subarray(dim1), i * dim2);
  }
  return {
    x1,
    x2,
    labels: split.labels,
    n,
    dim1,
    dim2,
    halfShape: [Math.floor(split.height / 2), split.width],
  };
}

/** `values + sigma · N(0, 1)`, elementwise, as a new array (the Colab's noisy inputs). */
export function withNoise(values: Float32Array, sigma: number, rng: Rng): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] + sigma * rng.normal();
  return out;
}
