/**
 * The options of the MINDE estimators (`minde-c`, `minde-j`), with defaults and why. The
 * reference's protocol (github.com/MustaphaBounoua/minde `src/scripts/run_minde.py`: 300 epochs
 * of 100,000 rows, batch 128, Adam 1e-3 for d_x ≤ 5) is ~234,000 steps on a GPU; the defaults
 * here are sized by measurement for a CPU core (README, "MINDE"): a fit on 4,000 train rows of
 * a 1 × 1 to 5 × 5 task takes 32–44 CPU seconds on this machine.
 */
import { resolveOptions } from '../../options.ts';
import { type Options, UserError } from '../../types.ts';
import type { MindeVariant } from './masks.ts';
import { defaultWidth } from './network.ts';

export const MINDE_DEFAULTS = {
  /**
   * Training steps (batches). Default 4,000: on ρ = 0.75 Gaussians at n = 5,000 (README,
   * "MINDE") the held-out estimates were 0.432 (C) / 0.405 (J) vs 0.413 at 1 × 1 and 1.966 /
   * 1.974 vs 2.067 at 5 × 5, in 32–44 CPU seconds per fit (2,000 steps at 1 × 1: 0.421 / 0.396).
   */
  steps: 4_000,
  /** Epochs over the train split instead of `steps` (give one of them). Default null (use steps). */
  epochs: null,
  /** Batch size. Default 128 (reference `run_minde.py`: bs 128 for d_x ≤ 5, 256 above). */
  batchSize: 128,
  /** Adam's learning rate. Default 1e-3 (reference `run_minde.py`: lr 1e-3 for d_x ≤ 5). */
  learningRate: 1e-3,
  /**
   * Hidden width. Default null = by total dimension d = dx + dy as the reference's
   * `calculate_hidden_dim`: 64 for d ≤ 10, 128 for d ≤ 50, 256 above.
   */
  width: null,
  /** Residual blocks (each: dense + time projection, relu, dense, skip). Default 2 (see README). */
  blocks: 2,
  /** Monte Carlo draws of (t, ε) over the held-out rows for the estimate. Default 10 (reference `mc_iter`). */
  mcSamples: 10,
  /** Decay of the weights' moving average used for every estimate. Default 0.999 (reference `EMA(decay=0.999)`). */
  emaDecay: 0.999,
  /** t ~ q ∝ β/σ² (true) or uniform (false), for training and estimate. Default true (the paper's setting). */
  importanceSampling: true,
  /** Estimates along training (the curves' points; 1 draw each, the last one is the estimate). Default 5. */
  evaluations: 5,
};

/** Resolved MINDE options. */
export interface MindeOptions {
  steps: number | null;
  epochs: number | null;
  batchSize: number;
  learningRate: number;
  width: number | null;
  blocks: number;
  mcSamples: number;
  emaDecay: number;
  importanceSampling: boolean;
  evaluations: number;
}

/**
 * `given` over {@link MINDE_DEFAULTS}, validated: an unknown option, a wrong type or a value out
 * of range is a `UserError` naming the field (context: `estimator 'minde-c'`).
 */
export function resolveMindeOptions(
  variant: MindeVariant,
  given: Options | undefined,
): MindeOptions {
  const context = `estimator 'minde-${variant}'`;
  const o = resolveOptions(MINDE_DEFAULTS as Options, given, context) as unknown as MindeOptions;
  const fail = (field: string, want: string, got: unknown) => {
    throw new UserError(
      `${context}: option '${field}' must be ${want}, got ${JSON.stringify(got)}`,
    );
  };
  const integerAtLeast = (field: keyof MindeOptions, min: number) => {
    const v = o[field];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) {
      fail(field, `an integer ≥ ${min}`, v);
    }
  };
  if (o.epochs !== null) {
    integerAtLeast('epochs', 1);
    if (given?.steps !== undefined && given.steps !== null) {
      throw new UserError(`${context}: give the training length as 'steps' or 'epochs', not both`);
    }
    o.steps = null;
  } else {
    integerAtLeast('steps', 1);
  }
  integerAtLeast('batchSize', 2);
  if (!(o.learningRate > 0 && Number.isFinite(o.learningRate))) {
    fail('learningRate', 'a number > 0', o.learningRate);
  }
  if (o.width !== null) integerAtLeast('width', 1);
  integerAtLeast('blocks', 0);
  integerAtLeast('mcSamples', 1);
  if (!(o.emaDecay >= 0 && o.emaDecay < 1)) fail('emaDecay', 'in [0, 1)', o.emaDecay);
  integerAtLeast('evaluations', 1);
  return o;
}

/** The width used for d = dx + dy inputs. */
export function widthFor(options: MindeOptions, d: number): number {
  return options.width ?? defaultWidth(d);
}
