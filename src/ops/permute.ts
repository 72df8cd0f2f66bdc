/**
 * Column permutations (RealNVP's fixed shuffles between couplings).
 *
 * Stock `tf.gather`'s gradient needs `UnsortedSegmentSum`, which the wasm backend lacks. For a
 * permutation the adjoint is again a permutation: if out[:, k] = x[:, perm[k]] then
 * dx[:, perm[k]] = dout[:, k], i.e. dx = gather(dout, perm⁻¹).
 */
import * as tf from '@tensorflow/tfjs-core';
import { useFastPath } from './path.ts';

/**
 * The inverse of a permutation: inv[perm[k]] = k. perm: int32 [D] → int32 [D].
 * Computed on the device (a scatter), no read-back. The caller disposes the result.
 */
export function inversePermutation(perm: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const d = perm.shape[0];
    const positions = tf.range(0, d, 1, 'int32'); // [D]: k
    return tf.scatterND(tf.reshape(perm, [d, 1]), positions, [d]) as tf.Tensor1D;
  });
}

/**
 * Columns of x in the order of `perm`: out[:, k] = x[:, perm[k]]. x: [B, D], perm: int32 [D]
 * holding each of 0..D-1 once (not checked). Differentiable w.r.t. x (perm is a constant).
 * The caller disposes the result.
 */
export function permuteColumns(x: tf.Tensor2D, perm: tf.Tensor1D): tf.Tensor2D {
  if (!useFastPath()) return tf.gather(x, perm, 1) as tf.Tensor2D;
  // perm is not an input (customGrad would demand a gradient for an int32 tensor) but it is
  // saved: a perm created inside the differentiated function is disposed before backprop.
  const permute = tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([perm]);
    return {
      value: tf.gather(x, perm, 1) as tf.Tensor2D, // out: [B, D]
      gradFunc: (dy: tf.Tensor2D, [saved]: tf.Tensor[]) =>
        tf.tidy(() => tf.gather(dy, inversePermutation(saved as tf.Tensor1D), 1)), // dx: [B, D]
    };
  });
  return permute(x) as tf.Tensor2D;
}
