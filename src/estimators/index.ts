/**
 * Estimators: how a critic is trained to estimate MI, and what it reports (see `entry.ts`).
 * Every entry is listed by `mimax list` and covered by the registry-wide contract tests
 * (`test/estimators/estimators.test.ts`).
 *
 * | id            | critic trained by                 | reported value                  |
 * |---------------|-----------------------------------|---------------------------------|
 * | infonce       | −I_NCE                            | I_NCE (≤ log K)                 |
 * | nwj           | −I_NWJ                            | I_NWJ                           |
 * | tuba          | −I_TUBA (learned or no baseline)  | I_TUBA                          |
 * | dv            | −I_DV (biased minibatch gradient) | I_DV (biased upwards)           |
 * | mine          | EMA-corrected DV surrogate        | I_DV                            |
 * | js            | f-GAN JS objective                | I_NWJ(S + 1)                    |
 * | smile         | f-GAN JS objective                | DV with clip(S, −τ, τ)          |
 * | interpolated  | −I_α (learned baseline)           | I_α (≤ 1 + log((K−1)/α))        |
 *
 * ## Adding an estimator
 * Write one file with a class implementing `Estimator`, then one `estimatorRegistry.register`
 * line below (or `registerEstimator` from your own experiment file).
 */
import { resolveOptions } from '../options.ts';
import { Registry } from '../registry.ts';
import { type Options, UserError } from '../types.ts';
import type { Estimator, EstimatorArgs, EstimatorEntry } from './entry.ts';
import { BaselineNetwork, interpolatedWithBaseline, tubaWithBaseline } from './learned-baseline.ts';
import { MineEstimator } from './mine.ts';
import {
  dvEstimator,
  infonceEstimator,
  jsEstimator,
  nwjEstimator,
  smileEstimator,
  tubaPlainEstimator,
} from './stateless.ts';

export type {
  Estimator,
  EstimatorArgs,
  EstimatorBatch,
  EstimatorEntry,
  TrainingTerms,
} from './entry.ts';
export { BaselineNetwork } from './learned-baseline.ts';
export { MineEstimator } from './mine.ts';
export { jsReportedValue, StatelessEstimator } from './stateless.ts';
export { stopGradient } from './stop-gradient.ts';

/** Every estimator by id. */
export const estimatorRegistry = new Registry<EstimatorEntry>('estimator');

/** Poole et al.'s baseline MLP: 2 hidden layers of 512 relu (vbmi notebook, "baseline_fn"). */
const BASELINE_HIDDEN = [512, 512];

function inUnitInterval(value: unknown, field: string, context: string, closedBelow = false) {
  const ok = typeof value === 'number' && (closedBelow ? value >= 0 : value > 0) && value <= 1;
  if (!ok) {
    throw new UserError(
      `${context}: option '${field}' must be in ${closedBelow ? '[0' : '(0'}, 1], got ${JSON.stringify(value)}`,
    );
  }
}

estimatorRegistry.register('infonce', {
  description: 'InfoNCE: train and report I_NCE ≤ log K (van den Oord 2018)',
  defaults: {},
  create: () => infonceEstimator(),
});
estimatorRegistry.register('nwj', {
  description: 'NWJ: train and report I_NWJ (Nguyen et al. 2010; Poole 2019 Eq. 9)',
  defaults: {},
  create: () => nwjEstimator(),
});
estimatorRegistry.register('tuba', {
  description: "TUBA, baseline 'learned' a(x) = exp(b(x)) (MLP 2×512) or 'none' (Poole 2019 Eq. 8)",
  defaults: { baseline: 'none', baselineHidden: BASELINE_HIDDEN },
  testOptions: { baseline: 'learned', baselineHidden: [8] },
  validate(options) {
    if (options['baseline'] !== 'none' && options['baseline'] !== 'learned') {
      throw new UserError(
        `estimator 'tuba': option 'baseline' must be 'none' or 'learned', got ${JSON.stringify(options['baseline'])}`,
      );
    }
  },
  create(args) {
    const o = args.options!;
    if (o['baseline'] === 'none') return tubaPlainEstimator();
    const hidden = o['baselineHidden'] as number[];
    return tubaWithBaseline(
      new BaselineNetwork('tuba', args.rowDim, hidden, args.seed, "estimator 'tuba'"),
    );
  },
});
estimatorRegistry.register('dv', {
  description: 'Donsker-Varadhan: train and report I_DV (minibatch value biased upwards)',
  defaults: {},
  create: () => dvEstimator(),
});
estimatorRegistry.register('mine', {
  description: 'MINE: DV value, gradient through a moving average (rate α) of the partition',
  defaults: { rate: 0.01 },
  validate(options) {
    inUnitInterval(options['rate'], 'rate', "estimator 'mine'");
  },
  create: (args) => new MineEstimator(args.options!['rate'] as number),
});
estimatorRegistry.register('js', {
  description: 'JS: critic trained by the f-GAN JS objective, report I_NWJ(S + 1) (Poole 2019)',
  defaults: {},
  create: () => jsEstimator(),
});
estimatorRegistry.register('smile', {
  description:
    'SMILE: JS-trained critic, DV with scores clipped to ±τ (null = ∞) (Song & Ermon 2020)',
  defaults: { tau: 5 },
  validate(options) {
    const tau = options['tau'];
    if (tau !== null && !(typeof tau === 'number' && tau > 0)) {
      throw new UserError(
        `estimator 'smile': option 'tau' must be > 0 (or null for ∞), got ${JSON.stringify(tau)}`,
      );
    }
  },
  create(args) {
    const tau = args.options!['tau'] as number | null;
    return smileEstimator(tau ?? Number.POSITIVE_INFINITY);
  },
});
estimatorRegistry.register('interpolated', {
  description:
    'I_α: InfoNCE-TUBA interpolation, learned baseline, leave-one-out (Poole 2019 Eq. 12)',
  defaults: { alpha: 0.5, baselineHidden: BASELINE_HIDDEN },
  testOptions: { baselineHidden: [8] },
  validate(options) {
    inUnitInterval(options['alpha'], 'alpha', "estimator 'interpolated'");
  },
  create(args) {
    const o = args.options!;
    const baseline = new BaselineNetwork(
      'interpolated',
      args.rowDim,
      o['baselineHidden'] as number[],
      args.seed,
      "estimator 'interpolated'",
    );
    return interpolatedWithBaseline(baseline, o['alpha'] as number);
  },
});

/**
 * The options of estimator `name` (defaults ← `given`): an unknown name lists the valid
 * estimators; an unknown option, a wrong type or a value out of range names the field.
 */
export function resolveEstimatorOptions(name: string, given: Options | undefined): Options {
  const entry = estimatorRegistry.get(name);
  const resolved = resolveOptions(entry.defaults, given, `estimator '${name}'`);
  entry.validate?.(resolved);
  return resolved;
}

/**
 * A new estimator `name` with `args.options` over its defaults (unknown name, option, type or
 * range → `UserError` naming it). The caller disposes it.
 */
export function createEstimator(name: string, args: EstimatorArgs): Estimator {
  const options = resolveEstimatorOptions(name, args.options);
  return estimatorRegistry.get(name).create({ ...args, options });
}

/** Adds an estimator (e.g. from a user's experiment file); a name taken twice is an error. */
export function registerEstimator(name: string, entry: EstimatorEntry): void {
  estimatorRegistry.register(name, entry);
}
