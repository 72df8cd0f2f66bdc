/** Diagonal-Gaussian helpers shared by the proposals, IWAE and AIS. */
import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI } from './model.ts';

/**
 * log N(z; mean, diag(exp(2·logStd))) per row: z, mean, logStd [n, dz] → [n]. Differentiable
 * in all three. The caller owns the result.
 */
export function diagGaussianLogDensity(
  z: tf.Tensor2D,
  mean: tf.Tensor2D,
  logStd: tf.Tensor2D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const dz = z.shape[1];
    const u = tf.mul(tf.sub(z, mean), tf.exp(tf.neg(logStd))); // [n, dz], standardized
    const quad = tf.sum(tf.square(u), 1); // [n]
    return tf.sub(
      tf.add(tf.mul(-0.5, quad), -0.5 * dz * LOG_2PI),
      tf.sum(logStd, 1),
    ) as tf.Tensor1D;
  });
}

/** Rows repeated k times each: a [n, d] → [n·k, d], row i·k + j = a_i. The caller owns it. */
export function repeatRows(a: tf.Tensor2D, k: number): tf.Tensor2D {
  if (k === 1) return a.clone();
  return tf.tidy(() => {
    const [n, d] = a.shape;
    return tf.reshape(tf.tile(tf.reshape(a, [n, 1, d]), [1, k, 1]), [n * k, d]) as tf.Tensor2D;
  });
}
