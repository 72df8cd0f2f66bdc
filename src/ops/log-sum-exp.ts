/**
 * log Σ exp(x) along one axis, with the gradient written as what it is: softmax(x) · dy.
 *
 * Why: `tf.logSumExp` is composed of max, sub, exp, sum, log and add, and autograd
 * differentiates all of them, including the max, whose gradient (which cancels exactly in
 * the maths: the max only shifts the exponent for stability) is a broadcast `Equal` of x
 * against its max plus a few more kernels. In the `noniid` step that one `Equal` of
 * [128, 128] against [128, 1] was the top kernel (2.5 ms of a ~5 ms step, `npm run bench --
 * --only noniid` after the pair kernel of issue 16). Here the forward is the same stable
 * formula and the gradient is dy · exp(x − lse), one broadcast subtract, exp and multiply.
 *
 * Fast path on wasm only (`useFastPath`, as the other ops): elsewhere `tf.logSumExp` itself.
 * The tests check values and gradients against `tf.logSumExp` on cpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useFastPath } from './path.ts';

/** The stable forward: max + log Σ exp(x − max), reduced over `axis`, dims kept. */
function forwardKeepDims(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => {
    const top = tf.max(x, axis, true); // [..., 1, ...]
    return tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, top)), axis, true)), top); // [..., 1, ...]
  });
}

/** Memoized per (axis): `tf.customGrad` functions close over the axis. */
const fastByAxis = new Map<number, (x: tf.Tensor) => tf.Tensor>();

function fastLogSumExp(axis: number): (x: tf.Tensor) => tf.Tensor {
  let f = fastByAxis.get(axis);
  if (!f) {
    f = tf.customGrad((...args) => {
      const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
      const value = forwardKeepDims(x, axis); // x's shape with `axis` of size 1
      save([x, value]);
      return {
        value,
        // d lse / d x = exp(x − lse), the softmax along `axis`; dy has lse's kept-dims shape.
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, lse] = saved;
          return tf.mul(dy, tf.exp(tf.sub(xs, lse))); // x's shape
        },
      };
    }) as (x: tf.Tensor) => tf.Tensor;
    fastByAxis.set(axis, f);
  }
  return f;
}

/**
 * log Σ_j exp(x_j) along `axis` (default: the last), as `tf.logSumExp(x, axis, keepDims)`.
 * The caller owns the result.
 */
export function logSumExp<T extends tf.Tensor>(x: T, axis = -1, keepDims = false): tf.Tensor {
  const rank = x.rank;
  const a = axis < 0 ? rank + axis : axis;
  if (!(Number.isInteger(a) && a >= 0 && a < rank)) {
    throw new Error(`logSumExp: axis ${axis} out of range for a tensor of rank ${rank}`);
  }
  if (!useFastPath()) return tf.logSumExp(x, a, keepDims);
  return tf.tidy(() => {
    const kept = fastLogSumExp(a)(x);
    return keepDims ? kept : tf.squeeze(kept, [a]);
  });
}
