/** stopgrad(x): the identity forward, a zero gradient backward (TF.js has no such op). */
import * as tf from '@tensorflow/tfjs-core';

const op = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** The value of `x`, treated as a constant by gradients. The caller owns the result. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return op(x) as T;
}
