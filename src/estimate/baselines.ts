/**
 * The two non-neural baselines of `mimax estimate` as {@link DataEstimator}s: KSG (estimator 1
 * of Kraskov et al. 2004, `estimators/ksg.ts`) and the Gaussian/canonical-correlation estimate
 * (`estimators/gaussian-baseline.ts`). Neither trains: the reported value is computed on the
 * held-out split and the train value on as many train rows. Imports no TF.js.
 */
import { gaussianMutualInformation } from '../estimators/gaussian-baseline.ts';
import { KSG_DEFAULT_K, ksgMutualInformation } from '../estimators/ksg.ts';
import { resolveOptions } from '../options.ts';
import { deriveSeed, Rng } from '../random.ts';
import { type Options, UserError } from '../types.ts';
import type { DataEstimator, FitContext, FitResult } from './data-estimator.ts';
import { headOf, type Sample } from './sample.ts';

/** Names of the baselines (never shared with a neural estimator). */
export const BASELINES = ['ksg', 'gaussian'] as const;
export type BaselineName = (typeof BASELINES)[number];

/** One line per baseline, for `--help` and errors. */
export const BASELINE_DESCRIPTIONS: Record<BaselineName, string> = {
  ksg: 'KSG estimator 1 (Kraskov et al. 2004), k nearest neighbours under the max-norm',
  gaussian: 'MI of a Gaussian with the sample covariance (canonical correlations)',
};

export const KSG_DEFAULTS = {
  /** Neighbours k. Default 3 (Kraskov et al. 2004 recommend 2–4; scikit-learn's default). */
  k: KSG_DEFAULT_K,
  /**
   * Tie-breaking noise: each standardized value gets noise · max(1, mean |column|) · N(0, 1)
   * (scikit-learn's `mutual_info_regression` rule, 1e-10), so repeated values do not break
   * KSG's "strictly closer" counts; far below any real difference. 0 turns it off.
   */
  noise: 1e-10,
};

function withNoise(
  values: Float64Array,
  n: number,
  d: number,
  scale: number,
  rng: Rng,
): Float64Array {
  if (scale === 0) return values;
  const out = new Float64Array(values);
  for (let j = 0; j < d; j++) {
    let meanAbs = 0;
    for (let i = 0; i < n; i++) meanAbs += Math.abs(values[i * d + j]);
    const sd = scale * Math.max(1, meanAbs / n);
    for (let i = 0; i < n; i++) out[i * d + j] += sd * rng.normal();
  }
  return out;
}

class BaselineEstimator implements DataEstimator {
  readonly kind = 'baseline';
  constructor(
    readonly id: string,
    readonly estimator: BaselineName,
    readonly options: Options,
    readonly minSplitRows: number,
    private readonly compute: (sample: Sample, rng: Rng) => number,
  ) {}

  async fit(train: Sample, test: Sample, context: FitContext): Promise<FitResult> {
    const started = performance.now();
    const rng = new Rng(deriveSeed(context.seed, `${this.estimator}:noise`));
    context.onProgress?.({ step: 0, steps: 1, estimate: null });
    const estimate = this.compute(test, rng);
    const trainEstimate = this.compute(headOf(train, test.n), rng);
    context.onProgress?.({ step: 1, steps: 1, estimate });
    return {
      status: 'ok',
      estimate,
      trainEstimate,
      trainCurve: [],
      heldOutCurve: [],
      seconds: (performance.now() - started) / 1000,
      ceiling: null,
    };
  }
}

/**
 * The baseline `name` with `options` over its defaults (unknown option or bad value →
 * `UserError` naming it); `id` is what it reports under.
 */
export function createBaseline(
  name: BaselineName,
  options: Options | undefined,
  id: string = name,
): DataEstimator {
  if (name === 'ksg') {
    const o = resolveOptions(KSG_DEFAULTS, options, "estimator 'ksg'");
    if (!Number.isInteger(o.k) || o.k < 1) {
      throw new UserError(`estimator 'ksg': option 'k' must be an integer ≥ 1, got ${o.k}`);
    }
    if (!(o.noise >= 0)) {
      throw new UserError(`estimator 'ksg': option 'noise' must be ≥ 0, got ${o.noise}`);
    }
    return new BaselineEstimator(id, name, o, o.k + 1, (s, rng) =>
      ksgMutualInformation(
        withNoise(s.x, s.n, s.dx, o.noise, rng),
        withNoise(s.y, s.n, s.dy, o.noise, rng),
        s.n,
        s.dx,
        s.dy,
        o.k,
      ),
    );
  }
  const o = resolveOptions({}, options, "estimator 'gaussian'");
  // minSplitRows: the covariance of dx + dy columns needs dx + dy + 1 rows (checked per fit).
  return new BaselineEstimator(id, name, o, 2, (s) =>
    gaussianMutualInformation(s.x, s.y, s.n, s.dx, s.dy),
  );
}
