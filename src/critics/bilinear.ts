/**
 * Bilinear critic f(x, y) = xᵀ W y (paper Sec. 3.1-3.3): scores = (codes1 · W) · codes2ᵀ with
 * W: [d1, d2], no bias. Init as the Colab's `tf.keras.layers.Dense(d2, use_bias=False)` applied
 * to codes1: glorot-uniform with fanIn = d1, fanOut = d2.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initValues, namedVariable } from '../encoders/layers.ts';
import { dense, matMul } from '../ops/index.ts';
import { resolveOptions } from '../options.ts';
import { deriveSeed, Rng } from '../random.ts';
import type { Critic } from '../types.ts';
import type { CriticArgs, CriticEntry } from './entry.ts';

export class BilinearCritic implements Critic {
  readonly kind = 'bilinear';
  /** W: [d1, d2]. */
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly variables: tf.Variable[];

  constructor(args: CriticArgs) {
    resolveOptions({}, args.options, "critic 'bilinear'");
    const rng = new Rng(deriveSeed(args.seed, 'init'));
    const { dim1, dim2 } = args;
    const values = initValues(rng, { kind: 'glorot-uniform' }, dim1 * dim2, dim1, dim2);
    this.kernel = namedVariable(
      'bilinear/kernel',
      tf.tensor2d(values, [dim1, dim2]),
    ) as tf.Variable<tf.Rank.R2>;
    this.variables = [this.kernel];
  }

  /** codes1: [B, d1], codes2: [B, d2] → scores [B, B], scores[i][j] = codes1_i W codes2_jᵀ. */
  scores(codes1: tf.Tensor2D, codes2: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => matMul(dense(codes1, this.kernel), codes2, true)); // [B, d2] · [B, d2]ᵀ
  }

  dispose(): void {
    this.kernel.dispose();
  }
}

export const bilinearEntry: CriticEntry = {
  description: 'bilinear xᵀWy, W: [d1, d2] glorot-uniform, no bias (paper Sec. 3)',
  defaults: {},
  create: (args) => new BilinearCritic(args),
};
