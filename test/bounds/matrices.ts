/** Score matrices and helpers shared by the bound and estimator tests. */
import * as tf from '@tensorflow/tfjs-core';

/** Evaluates a bound on a plain matrix and returns the number (frees everything). */
export function value(fn: (s: tf.Tensor2D) => tf.Scalar, rows: number[][]): number {
  return tf.tidy(() => fn(tf.tensor2d(rows)).dataSync()[0]);
}

export function transpose(rows: number[][]): number[][] {
  return rows[0].map((_, j) => rows.map((row) => row[j]));
}

// Asymmetric on purpose: infonce(S1) ≠ infonce(S1ᵀ), so swapping rows and columns fails.
export const S1 = [
  [2.0, -1.0, 0.5],
  [0.3, 1.5, 3.0],
  [-2.0, 0.7, 0.1],
];
export const S2 = [
  [1.0, 0.2, -0.4, 0.9],
  [-1.1, 0.6, 0.3, 0.0],
  [0.5, -0.7, 2.2, -0.2],
  [0.8, 1.3, -0.6, -0.3],
];
