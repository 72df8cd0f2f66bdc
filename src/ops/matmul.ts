/**
 * Matrix products whose gradients never ask the backend for a transposed product.
 *
 * Why: on wasm, `BatchMatMul` with `transposeA` or `transposeB` runs a plain loop outside
 * XNNPACK. Measured on this machine (1 thread, SIMD): dY·Wᵀ for [128,512]x[392,512] 25 ms
 * with transposeB vs 3.3 ms as transpose + plain matmul; Xᵀ·dY 24 ms with transposeA vs 2-4 ms;
 * at 1024³, 72 ms plain vs 0.8 s (transposeB) and 1.5 s (transposeA). Stock autograd of
 * `tf.matMul` uses both flags for every dense layer, so we transpose explicitly (a cheap
 * copy) and keep every product plain.
 *
 * A hazard of tfjs-wasm 4.22 that every product here respects: its matmul caches one XNNPACK
 * operator (with the right operand's packed values and *its shape*) per right operand's
 * memory id (`batch_mat_mul_impl.cc`, cache key = (b id, bias id, activation)), and a reshape
 * shares the memory id. So a tensor used as the right operand in two shapes (e.g. [128, 25600]
 * and then [16384, 200], both reshapes of one [128, 128, 200] tensor) reuses the first
 * operator: wrong results, then "memory access out of bounds" (reproduced here). Right
 * operands are therefore variables, fresh transposes (wasm's Transpose copies, even when it is
 * a no-op), or tensors in their own shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useFastPath } from './path.ts';

/** a: [M, K] · b: [K, N] → [M, N], plain product (no transpose flags). Caller disposes. */
export function mm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(a, b);
}

/** aᵀ · b for a: [K, M], b: [K, N] → [M, N], via an explicit transpose. Caller disposes. */
export function mmTA(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(tf.transpose(a), b));
}

/** a · bᵀ for a: [M, K], b: [N, K] → [M, N], via an explicit transpose. Caller disposes. */
export function mmTB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(a, tf.transpose(b)));
}

/** c = a · b with gradients da = dc · bᵀ, db = aᵀ · dc, all as plain products. */
const productFast = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: mm(a, b), // c: [M, N]
    gradFunc: (dc: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [a, b] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [mmTB(dc, b), mmTA(a, dc)]; // da: [M, K], db: [K, N]
    },
  };
});

/** c = a · bᵀ (b: [N, K]) with gradients da = dc · b, db = dcᵀ · a, all as plain products. */
const productTransposedFast = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: mmTB(a, b), // c: [M, N]
    gradFunc: (dc: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [a, b] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [mm(dc, b), mmTA(dc, a)]; // da: [M, K], db: [N, K]
    },
  };
});

/**
 * a: [M, K] · b: [K, N] → [M, N]; with `transposeB`, b is [N, K] and the result is a · bᵀ
 * (e.g. scores[i][j] = ⟨u_i, v_j⟩ from codes u: [B, D], v: [B, D]).
 * Differentiable w.r.t. both inputs. The caller disposes the result.
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeB = false): tf.Tensor2D {
  if (!useFastPath()) return tf.matMul(a, b, false, transposeB);
  return (transposeB ? productTransposedFast(a, b) : productFast(a, b)) as tf.Tensor2D;
}
