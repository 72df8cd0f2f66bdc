/**
 * Dense (fully connected) layers: y = act(x · W + b), the op every MLP, critic and coupling
 * layer is made of.
 *
 * Fast path: the forward pass is one `tf.fused.matMul` (product, bias and relu in one XNNPACK
 * call); the gradient is written out by hand with plain products (see matmul.ts for why
 * transposed products are avoided): dZ = dY ⊙ 1[y > 0] (relu only), dX = dZ · Wᵀ,
 * dW = Xᵀ · dZ, db = Σ_rows dZ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mmTA, mmTB } from './matmul.ts';
import { useFastPath } from './path.ts';

/** Activation applied after the affine map. Default `linear`. */
export type DenseActivation = 'linear' | 'relu';

/** dY → dZ, the gradient before the activation; y is the layer's output. */
function activationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, activation: DenseActivation) {
  // relu: y > 0 exactly where the pre-activation is > 0, so the output suffices (as in TF.js's
  // own Relu gradient, whose derivative at 0 is also 0).
  return activation === 'relu' ? (tf.mul(dy, tf.step(y)) as tf.Tensor2D) : dy;
}

function denseFast(activation: DenseActivation, withBias: boolean) {
  return tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [x, kernel] = args as [tf.Tensor2D, tf.Tensor2D];
    const bias = withBias ? (args[2] as tf.Tensor1D) : undefined;
    const y = tf.fused.matMul({ a: x, b: kernel, bias, activation }) as tf.Tensor2D; // y: [B, out]
    save([x, kernel, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [x, kernel, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const dz = activationGrad(dy, y, activation); // dZ: [B, out]
          const dx = mmTB(dz, kernel); // dX: [B, in]
          const dw = mmTA(x, dz); // dW: [in, out]
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
