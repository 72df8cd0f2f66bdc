/**
 * Options of the `gan` loop (experiment `gan-modes`): the loop's own (`config.loop`) and a
 * method's GAN settings (the options of a variant in the `estimators` map besides its
 * estimator's). Plain data and checks only; never imports TF.js (experiment files import it).
 */
import { type Options, UserError } from '../types.ts';

/** Options of the `gan` loop (`config.loop`); every field documented with its default in `GAN_LOOP_DEFAULTS`. */
export interface GanLoopOptions {
  [key: string]: number | string | boolean | number[] | Options | null;
  trainSize: number;
  zDim: number;
  noise: string;
  generatorHidden: number[];
  batchNorm: boolean;
  discriminatorHidden: number[];
  discriminatorActivation: string;
  criticHidden: number[];
  beta1: number;
  evalSamples: number;
  pointsSeed: number;
}

/** The GAN settings of a method (the variant's options besides its estimator's). */
export interface GanMethod {
  /** Estimator id, or `none` for the plain GAN (β = 0, no critic). */
  estimator: string;
  /** Options of the estimator. */
  estimatorOptions: Options;
  /** Weight β of −Î in the generator loss. 0 = plain GAN. */
  beta: number;
  /** Adaptive gradient clipping of the MI gradient (MINE supplement Sec. 8.1.1). */
  clip: boolean;
  /** `entropy` (I(Z; G(Z))) or `conditional` (I(c; G(ε, c))). */
  mi: 'entropy' | 'conditional';
  /** Fraction of the iterations during which the MI term acts on the generator (1 = always). */
  miUntil: number;
  /** Critic steps per iteration. */
  criticSteps: number;
}

/** Defaults of a method's GAN settings (issue 15: β = 1, clipping on, entropy, always, 1 critic step). */
export const GAN_METHOD_DEFAULTS = {
  beta: 1,
  clip: true,
  mi: 'entropy',
  miUntil: 1,
  criticSteps: 1,
} as const;

/**
 * A method variant's options → its GAN settings; `context` names it in errors. Checks names,
 * types and ranges (the estimator's options through its registry).
 */
export function ganMethod(
  name: string,
  options: Options,
  context: string,
  validateEstimator: (name: string, options: Options) => void,
): GanMethod {
  const { beta, clip, mi, miUntil, criticSteps, ...estimatorOptions } = {
    ...GAN_METHOD_DEFAULTS,
    ...options,
  } as Options;
  if (typeof beta !== 'number' || !(beta >= 0) || !Number.isFinite(beta)) {
    throw new UserError(
      `${context}: option 'beta' must be a number ≥ 0, got ${JSON.stringify(beta)}`,
    );
  }
  if (typeof clip !== 'boolean') {
    throw new UserError(
      `${context}: option 'clip' must be true or false, got ${JSON.stringify(clip)}`,
    );
  }
  if (mi !== 'entropy' && mi !== 'conditional') {
    throw new UserError(
      `${context}: option 'mi' must be 'entropy' or 'conditional', got ${JSON.stringify(mi)}`,
    );
  }
  if (typeof miUntil !== 'number' || !(miUntil > 0 && miUntil <= 1)) {
    throw new UserError(
      `${context}: option 'miUntil' must be in (0, 1], got ${JSON.stringify(miUntil)}`,
    );
  }
  if (typeof criticSteps !== 'number' || !Number.isInteger(criticSteps) || criticSteps < 1) {
    throw new UserError(
      `${context}: option 'criticSteps' must be a positive integer, got ${JSON.stringify(criticSteps)}`,
    );
  }
  if (name === 'none') {
    if (beta !== 0) {
      throw new UserError(
        `${context}: the plain GAN (estimator 'none') needs beta = 0, got ${beta}`,
      );
    }
    if (Object.keys(estimatorOptions).length) {
      throw new UserError(
        `${context}: estimator 'none' takes no options; got ${Object.keys(estimatorOptions).join(', ')}`,
      );
    }
  } else validateEstimator(name, estimatorOptions);
  return { estimator: name, estimatorOptions, beta, clip, mi, miUntil, criticSteps };
}

/** The `gan` loop's options with their defaults (issue 15 and PacGAN, cited per field). */
export const GAN_LOOP_DEFAULTS: GanLoopOptions = {
  /** Training set drawn once per seed (issue 15: 100,000 points). */
  trainSize: 100_000,
  /** Width of z (issue 15: z ∈ R²). */
  zDim: 2,
  /** `normal` N(0, I) (issue 15) or `uniform` U(−1, 1). */
  noise: 'normal',
  /** Generator hidden widths (PacGAN 2-d experiments: 4 × 400 relu with batch norm). */
  generatorHidden: [400, 400, 400, 400],
  /** Batch norm after each hidden generator layer (PacGAN). */
  batchNorm: true,
  /** Discriminator hidden widths (issue 15: 3 × 400). */
  discriminatorHidden: [400, 400, 400],
  /** `relu` or `leaky-relu` (slope 0.2). */
  discriminatorActivation: 'relu',
  /** Hidden widths of the concat MI critic T(code, G(z)) (issue 15: 3 × 400 relu). */
  criticHidden: [400, 400, 400],
  /**
   * Adam β1 of the generator, discriminator and critic. 0.5 (issue 15; PacGAN's and DCGAN's
   * GAN setting); MINE's own critic training uses the Adam default 0.9.
   */
  beta1: 0.5,
  /** Generated samples per evaluation (VEEGAN / PacGAN: 2,500). */
  evalSamples: 2_500,
  /** The seed whose latest generated points are kept for the samples figure. */
  pointsSeed: 0,
};
