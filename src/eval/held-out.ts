/**
 * The bound on held-out data: the test split in consecutive batches of the training batch size
 * (remainder dropped), averaged over batches. The Colab's plotted "test" value was in fact
 * computed on fresh *training* batches (its feed dict is ignored); mimax computes it honestly
 * on the test split.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BoundFn, Critic, Encoder } from '../types.ts';

export interface HeldOutArgs {
  g1: Encoder;
  g2: Encoder;
  critic: Critic;
  bound: BoundFn;
  /** [n, d1] and [n, d2] test inputs (the caller owns them). */
  x1: tf.Tensor2D;
  x2: tf.Tensor2D;
  batchSize: number;
  /**
   * Optional [n, d1] noise added to both views, as in training (non-invertible experiment).
   * The caller owns it.
   */
  noise?: tf.Tensor2D;
}

/** Mean bound over the full test batches (nats). One device read at the end. */
export function heldOutBound(args: HeldOutArgs): number {
  const n = args.x1.shape[0];
  const batches = Math.floor(n / args.batchSize);
  if (batches === 0) return Number.NaN;
  const total = tf.tidy(() => {
    let sum = tf.scalar(0);
    for (let b = 0; b < batches; b++) {
      const next = tf.tidy(() => {
        const begin = b * args.batchSize;
        let v1 = tf.slice(args.x1, [begin, 0], [args.batchSize, -1]) as tf.Tensor2D; // [B, d1]
        let v2 = tf.slice(args.x2, [begin, 0], [args.batchSize, -1]) as tf.Tensor2D; // [B, d2]
        if (args.noise) {
          const e = tf.slice(args.noise, [begin, 0], [args.batchSize, -1]) as tf.Tensor2D;
          v1 = tf.add(v1, e);
          v2 = tf.add(v2, e);
        }
        const scores = args.critic.scores(args.g1.apply(v1), args.g2.apply(v2)); // [B, B]
        return tf.add(sum, args.bound(scores)) as tf.Scalar;
      });
      sum.dispose();
      sum = next;
    }
    return sum;
  });
  const value = total.dataSync()[0] / batches;
  total.dispose();
  return value;
}
