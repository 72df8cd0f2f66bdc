/**
 * InfoNCE (van den Oord et al., 2018; Poole et al., 2019, Eq. 12), in the scores convention of
 * `src/types.ts`: `scores[i][j] = f(x_i, y_j)`, diagonal = positive pairs.
 *
 *     I_NCE = log K + (1/K) Σ_i [ S_ii − log Σ_j exp(S_ij) ]
 *
 * Row i normalizes the positive pair (x_i, y_i) against every y_j for the same x_i (a
 * K-way classification of the right y for each x). I_NCE ≤ log K for any scores.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSumExp } from '../ops/log-sum-exp.ts';
import { assertSquare } from './checks.ts';

/** scores: [K, K] → I_NCE in nats. The caller owns the returned scalar. */
export function infonce(scores: tf.Tensor2D): tf.Scalar {
  const k = assertSquare(scores, 'infonce');
  return tf.tidy(() => {
    const positive = diagonal(scores); // [K]: S_ii, the joint pairs
    const normalizer = logSumExp(scores, 1); // [K]: log Σ_j exp(S_ij), per row
    return tf.add(Math.log(k), tf.mean(tf.sub(positive, normalizer))) as tf.Scalar;
  });
}

/** The diagonal of a square matrix: [K, K] → [K]. The caller owns the result. */
export function diagonal(scores: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const k = scores.shape[0];
    return tf.sum(tf.mul(scores, tf.eye(k)), 1) as tf.Tensor1D;
  });
}
