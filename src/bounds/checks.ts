/** Shape checks shared by the bounds. */
import type * as tf from '@tensorflow/tfjs-core';

/** Throws unless `scores` is a [K, K] matrix with K ≥ `minK`; returns K. */
export function assertSquare(scores: tf.Tensor, bound: string, minK = 1): number {
  const [rows, cols] = scores.shape;
  if (scores.rank !== 2 || rows !== cols) {
    throw new Error(`${bound}: scores must be a square [K, K] matrix, got [${scores.shape}]`);
  }
  if (rows < minK) throw new Error(`${bound}: needs K ≥ ${minK}, got K = ${rows}`);
  return rows;
}
