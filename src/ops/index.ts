/**
 * The few hot ops every model uses. Models call these, never `tf.matMul`/`tf.conv2d`/`tf.gather`
 * directly, so that making them fast and complete on the wasm backend happens in one place.
 *
 * PLACEHOLDER IMPLEMENTATION (plain TF.js): replaced by the fast, gradient-complete versions.
 */
import * as tf from '@tensorflow/tfjs-core';

/** x: [B, in] · kernel: [in, out] (+ bias: [out]) → [B, out]. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  const y = tf.matMul(x, kernel) as tf.Tensor2D;
  return bias ? (tf.add(y, bias) as tf.Tensor2D) : y;
}

/** a: [M, K] · b: [K, N] → [M, N]; with transposeB, b: [N, K]. */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeB = false): tf.Tensor2D {
  return tf.matMul(a, b, false, transposeB);
}

/** x: [B, H, W, Cin], filter: [kh, kw, Cin, Cout] → [B, H', W', Cout] (NHWC, 'same' padding). */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(x, filter, stride, 'same');
}

/** Columns of x in the order of `perm`: out[:, k] = x[:, perm[k]]. perm: int32 [D]. */
export function permuteColumns(x: tf.Tensor2D, perm: tf.Tensor1D): tf.Tensor2D {
  return tf.gather(x, perm, 1) as tf.Tensor2D;
}
