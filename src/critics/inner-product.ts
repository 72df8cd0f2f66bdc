/** Inner-product critic f(x, y) = xᵀy: scores = codes1 · codes2ᵀ. No variables. */
import type * as tf from '@tensorflow/tfjs-core';
import { matMul } from '../ops/index.ts';
import { resolveOptions } from '../options.ts';
import { type Critic, UserError } from '../types.ts';
import type { CriticArgs, CriticEntry } from './entry.ts';

export class InnerProductCritic implements Critic {
  readonly kind = 'inner-product';
  readonly variables: tf.Variable[] = [];

  constructor(args: CriticArgs) {
    resolveOptions({}, args.options, "critic 'inner-product'");
    if (args.dim1 !== args.dim2) {
      throw new UserError(
        `critic 'inner-product' needs equal code sizes, got ${args.dim1} and ${args.dim2}`,
      );
    }
  }

  /** codes1: [B, d], codes2: [B, d] → scores [B, B], scores[i][j] = codes1_i · codes2_j. */
  scores(codes1: tf.Tensor2D, codes2: tf.Tensor2D): tf.Tensor2D {
    return matMul(codes1, codes2, true);
  }

  dispose(): void {}
}

export const innerProductEntry: CriticEntry = {
  description: 'inner product xᵀy (no parameters)',
  defaults: {},
  parameterFree: true,
  create: (args) => new InnerProductCritic(args),
};
