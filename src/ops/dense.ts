/**
 * Dense (fully connected) layers: y = act(x · W + b), the op every MLP, critic and coupling
 * layer is made of.
 *
 * Fast path: the forward pass is one `_FusedMatMul` kernel (product, bias and relu in one
 * XNNPACK call); the gradient is written out by hand with plain products (see matmul.ts for why
 * transposed products are avoided): dZ = dY ⊙ 1[y > 0] (relu only), dX = dZ · Wᵀ,
 * dW = Xᵀ · dZ, db = Σ_rows dZ.
 *
 * Per-op overhead (issue 16 §3, measured on wasm with `tf.profile` on the noniid and concat
 * steps, whose dense layers see B² = 16384 rows of width 10 or 200):
 *  - `tf.fused.matMul` does not fuse while a gradient is being recorded (tfjs-core's
 *    `shouldFuse` is false for any activation but linear when `gradientDepth > 0`, i.e. in every
 *    training step): it falls back to matMul + add + relu, three kernels and two extra
 *    [B, out] tensors. The forward here runs inside `tf.customGrad`, whose own gradient is
 *    the one recorded, so it calls the `_FusedMatMul` kernel directly.
 *  - A transpose of a single row or column is a reshape (no copy), e.g. Xᵀ for the noniid
 *    critic's first layers (x: [128, 1]).
 *  - What stays: dW = Xᵀ · dZ with both operands fresh each step costs a copy of X (the
 *    transpose) and one of dZ (XNNPACK packs its right operand, "the weights", on every new
 *    tensor); measured with fresh tensors, (dZᵀ · X)ᵀ, which packs X instead, and the
 *    transposeA kernel (a plain loop) were no faster.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useFastPath } from './path.ts';

/** Activation applied after the affine map. Default `linear`. */
export type DenseActivation = 'linear' | 'relu';

/** dY → dZ, the gradient before the activation; y is the layer's output. */
function activationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, activation: DenseActivation) {
  // relu: y > 0 exactly where the pre-activation is > 0, so the output suffices (as in TF.js's
  // own Relu gradient, whose derivative at 0 is also 0).
  return activation === 'relu' ? (tf.mul(dy, tf.step(y)) as tf.Tensor2D) : dy;
}

/**
 * mᵀ for m: [r, c]: a reshape when r or c is 1 (same memory order), else a transpose.
 * Only for the *left* operand of a product: a reshape shares m's memory, and tfjs-wasm caches
 * one XNNPACK operator per right operand's memory (see matmul.ts), so the right operand must
 * never be a reshape of a tensor that is a right operand elsewhere with another shape.
 */
function transpose2d(m: tf.Tensor2D): tf.Tensor2D {
  const [r, c] = m.shape;
  return r === 1 || c === 1 ? tf.reshape(m, [c, r]) : tf.transpose(m);
}

/** y = act(x · W + b) by one `_FusedMatMul` kernel (see the module header). Caller disposes. */
function fusedForward(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  activation: DenseActivation,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, inner] = x.shape;
    const out = kernel.shape[1];
    const inputs: tf.NamedTensorMap = {
      a: tf.reshape(x, [1, rows, inner]), // [1, B, in]: the kernel takes batched operands
      b: tf.reshape(kernel, [1, inner, out]), // [1, in, out]
    };
    if (bias) inputs.bias = bias;
    const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 };
    const y = tf.engine().runKernel('_FusedMatMul', inputs, attrs as unknown as tf.NamedAttrMap);
    return tf.reshape(y as tf.Tensor, [rows, out]) as tf.Tensor2D; // y: [B, out]
  });
}

function denseFast(activation: DenseActivation, withBias: boolean) {
  return tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [x, kernel] = args as [tf.Tensor2D, tf.Tensor2D];
    const bias = withBias ? (args[2] as tf.Tensor1D) : undefined;
    const y = fusedForward(x, kernel, bias, activation); // y: [B, out]
    save([x, kernel, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [x, kernel, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const dz = activationGrad(dy, y, activation); // dZ: [B, out]
          const dx = tf.matMul(dz, tf.transpose(kernel)); // dX: [B, in] (a copy: right operand)
          const dw = tf.matMul(transpose2d(x), dz); // dW: [in, out]
          return withBias ? [dx, dw, tf.sum(dz, 0)] : [dx, dw]; // db: [out]
        }),
    };
  });
}

// One custom-gradient function per (activation, bias) combination, built once.
const FAST = {
  linear: { bias: denseFast('linear', true), noBias: denseFast('linear', false) },
  relu: { bias: denseFast('relu', true), noBias: denseFast('relu', false) },
};

/**
 * x: [B, in] · kernel: [in, out] (+ bias: [out]), then `activation` (default linear)
 * → [B, out]. Differentiable w.r.t. x, kernel and bias. The caller disposes the result.
 */
export function dense(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias?: tf.Tensor1D,
  activation: DenseActivation = 'linear',
): tf.Tensor2D {
  if (!useFastPath()) {
    return tf.tidy(() => {
      const z = tf.matMul(x, kernel); // z: [B, out]
      const zb = bias ? tf.add(z, bias) : z;
      return (activation === 'relu' ? tf.relu(zb) : zb) as tf.Tensor2D;
    });
  }
  const fast = FAST[activation];
  return (bias ? fast.bias(x, kernel, bias) : fast.noBias(x, kernel)) as tf.Tensor2D;
}

/** `dense` followed by relu: the hidden layer of every MLP here. The caller disposes the result. */
export function denseRelu(x: tf.Tensor2D, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return dense(x, kernel, bias, 'relu');
}
