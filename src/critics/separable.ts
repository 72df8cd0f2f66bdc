/**
 * Separable critic f(x, y) = g(x)ᵀ h(y) with two MLPs g, h (paper Sec. 3.2, Fig. 3; Poole et
 * al.'s "separable"): relu hidden layers, linear output, glorot-uniform kernels, zero biases.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  applyMlp,
  checkWidths,
  createDenseStack,
  type DenseLayer,
  denseVariables,
} from '../encoders/layers.ts';
import { matMul } from '../ops/index.ts';
import { resolveOptions } from '../options.ts';
import { deriveSeed, Rng } from '../random.ts';
import { type Critic, UserError } from '../types.ts';
import type { CriticArgs, CriticEntry } from './entry.ts';

export type SeparableOptions = {
  /** Hidden widths (relu) of each of g and h. Default [100] (paper Sec. 3.2). */
  hidden: number[];
  /** Output width of g and h (the embedding they dot). Default 100 (paper Sec. 3.2). */
  outputDim: number;
};

export const SEPARABLE_DEFAULTS: SeparableOptions = { hidden: [100], outputDim: 100 };

export class SeparableCritic implements Critic {
  readonly kind = 'separable';
  readonly g: DenseLayer[];
  readonly h: DenseLayer[];
  readonly variables: tf.Variable[];

  constructor(args: CriticArgs) {
    const context = "critic 'separable'";
    const options = resolveOptions(SEPARABLE_DEFAULTS, args.options, context);
    checkWidths(options.hidden, 'hidden', context, 0);
    if (!Number.isInteger(options.outputDim) || options.outputDim < 1) {
      throw new UserError(`${context}: option 'outputDim' must be a positive integer`);
    }
    const rng = new Rng(deriveSeed(args.seed, 'init'));
    const widths = [...options.hidden, options.outputDim];
    const init = { kind: 'glorot-uniform' as const };
    this.g = createDenseStack(rng, 'separable/g', args.dim1, widths, init);
    this.h = createDenseStack(rng, 'separable/h', args.dim2, widths, init);
    this.variables = [...denseVariables(this.g), ...denseVariables(this.h)];
  }

  /** codes1: [B, d1], codes2: [B, d2] → scores [B, B], scores[i][j] = g(codes1_i) · h(codes2_j). */
  scores(codes1: tf.Tensor2D, codes2: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => matMul(applyMlp(this.g, codes1), applyMlp(this.h, codes2), true));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export const separableEntry: CriticEntry = {
  description: 'separable g(x)ᵀh(y), two MLPs 100 relu → 100 (paper Sec. 3.2)',
  defaults: SEPARABLE_DEFAULTS,
  testOptions: { hidden: [8], outputDim: 4 },
  create: (args) => new SeparableCritic(args),
};
