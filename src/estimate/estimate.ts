/**
 * `estimate(x, y, options)`: the mutual information of a user's own data, the way a careful
 * researcher would measure it by hand (DESIGN §2b; issue "mimax estimate"):
 *
 * 1. check the data (finite values, equal row counts, no constant column);
 * 2. for each seed: a seeded random split into train and held-out rows (default 20 % held
 *    out), every column standardized with the train split's mean and sd;
 * 3. each estimator fits on the train split and reports on the held-out split: neural
 *    estimators train a critic (default `separable`, 1,000 steps of batch 128) and average
 *    their estimate over held-out batches of the training batch size; KSG and the Gaussian
 *    baseline compute their value on the held-out rows;
 * 4. per estimator: mean ± sd over seeds of the held-out estimate, the train estimate (the
 *    same on as many train rows), the curves and the seconds.
 *
 * Neural estimators need a TF.js backend: call `initBackend()` first (the CLI does).
 */
import { criticRegistry } from '../critics/index.ts';
import { estimatorRegistry } from '../estimators/index.ts';
import { resolveOptions } from '../options.ts';
import { type Options, UserError } from '../types.ts';
import { BASELINES, type BaselineName, createBaseline } from './baselines.ts';
import type { DataEstimator } from './data-estimator.ts';
import { createDiffusionEstimator, DIFFUSION_ESTIMATORS, type DiffusionName } from './diffusion.ts';
import { type ArrayInput, toMatrix } from './input.ts';
import { NeuralDataEstimator, type NeuralSettings } from './neural.ts';
import {
  type EstimateProtocol,
  type EstimateResult,
  type EstimatorSummary,
  type SeedResult,
  summarize,
} from './result.ts';
import {
  checkPair,
  type DataMatrix,
  heldOutRows,
  minimumRows,
  type Split,
  splitAndStandardize,
} from './sample.ts';

/** An estimator to run, with options; `id` names it in the result (default: `estimator`). */
export interface EstimatorSpec {
  estimator: string;
  id?: string;
  options?: Options;
}

/** Progress of `estimate()`, reported often during training and once per finished fit. */
export interface EstimateProgress {
  /** The fit under way: estimator id and seed. */
  id: string;
  seed: number;
  /** Fits finished so far, and in all (estimators × seeds). */
  done: number;
  total: number;
  /** Training steps of this fit done, and in all (baselines: 0 of 1, then 1 of 1). */
  step: number;
  steps: number;
  /** Latest training estimate (nats), if any. */
  estimate: number | null;
  /** Set on the last report of a fit. */
  finished?: SeedResult;
}

export interface EstimateOptions {
  /** Estimators by name or spec. Default {@link DEFAULT_ESTIMATORS}. */
  estimators?: (string | EstimatorSpec)[];
  /** Critic registry id of the neural estimators. Default `separable` (see the README). */
  critic?: string;
  /** Critic options over its registry defaults. Default {} (separable: 100 relu → 100). */
  criticOptions?: Options;
  /** Training steps of each neural fit. Default 1,000 (unless `epochs`). */
  steps?: number;
  /** Epochs over the train split instead of `steps` (not both). */
  epochs?: number;
  /** Batch size K of the neural estimators. Default 128. */
  batchSize?: number;
  /** Adam's learning rate. Default 5e-4. */
  learningRate?: number;
  /** Fraction of rows held out, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Seeds (splits × initializations), 0 … seeds − 1 from `firstSeed`. Default 3. */
  seeds?: number;
  /** First seed. Default 0. */
  firstSeed?: number;
  /** Held-out evaluations along each neural fit (the curves' points, plus step 0). Default 10. */
  evaluations?: number;
  /** Column names of x and y (default `x0`, `x1`, … and `y0`, …). */
  xNames?: string[];
  yNames?: string[];
  onProgress?(progress: EstimateProgress): void;
  /** Aborting stops after the current training step; finished fits are returned. */
  signal?: AbortSignal;
}

/**
 * The default set: two robust neural estimators and the two classical baselines.
 * SMILE τ = 5 (Song & Ermon 2020: the clipped DV estimate with low variance; τ = 5 is their
 * recommended value and the registry default) and InfoNCE (low variance, but ≤ log K: the
 * table prints the ceiling), plus KSG and the Gaussian baseline.
 */
export const DEFAULT_ESTIMATORS: readonly string[] = ['smile', 'infonce', 'ksg', 'gaussian'];

/** Defaults of {@link EstimateOptions}, each with why. */
export const ESTIMATE_DEFAULTS = {
  /**
   * Separable critic g(x)ᵀh(y), two MLPs of 100 relu → 100 (the registry default): its cost per
   * step grows with K, the concat critic's with K² (measured on 2 shared cores at K = 128,
   * d = 5: 17 ms vs 240 ms per step), at a small loss in accuracy on Gaussians (README).
   */
  critic: 'separable',
  /**
   * 1,000 steps: on the examples most of the rise is over by then (the curve in the figure
   * says whether it has levelled off; raise --steps if not). Measured in the README.
   */
  steps: 1_000,
  /** K = 128: the correlation benchmark's batch (and InfoNCE's ceiling log 128 = 4.85 nats). */
  batchSize: 128,
  /** 5e-4: the staircase benchmark's Adam rate (Poole et al. 2019's vbmi notebook). */
  learningRate: 5e-4,
  /** 20 % held out, as in the correlation benchmark. */
  testFraction: 0.2,
  /** 3 seeds: the least that gives an sd. */
  seeds: 3,
  evaluations: 10,
} as const;

function integerAtLeast(value: number, min: number, what: string): number {
  if (!Number.isInteger(value) || value < min) {
    throw new UserError(`${what} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/**
 * Every estimator name `estimate` accepts: the registered neural ones, the diffusion ones
 * (MINDE) and the baselines.
 */
export function estimatorNames(): string[] {
  return [...estimatorRegistry.names(), ...DIFFUSION_ESTIMATORS, ...BASELINES];
}

/**
 * The {@link DataEstimator} of one spec: a baseline (KSG, Gaussian) or a diffusion estimator
 * (MINDE-C, MINDE-J: its training is set by its own options, not by `settings`) by name, else a
 * registered neural estimator trained as `settings` say. An unknown name lists every valid one; a bad
 * option is a `UserError` naming it. Shared by `estimate()` and the `bmi-benchmark` loop.
 */
export function createDataEstimator(spec: EstimatorSpec, settings: NeuralSettings): DataEstimator {
  const id = spec.id ?? spec.estimator;
  if ((BASELINES as readonly string[]).includes(spec.estimator)) {
    return createBaseline(spec.estimator as BaselineName, spec.options, id);
  }
  if ((DIFFUSION_ESTIMATORS as readonly string[]).includes(spec.estimator)) {
    return createDiffusionEstimator(spec.estimator as DiffusionName, spec.options, id);
  }
  if (!estimatorRegistry.has(spec.estimator)) {
    throw new UserError(
      `unknown estimator '${spec.estimator}'; valid estimators: ${estimatorNames().join(', ')}`,
    );
  }
  return new NeuralDataEstimator(id, spec.estimator, spec.options, settings);
}

/** Resolves and validates everything before any work starts (bad input → `UserError`). */
function plan(
  x: DataMatrix,
  y: DataMatrix,
  options: EstimateOptions,
): { estimators: DataEstimator[]; settings: NeuralSettings; protocol: EstimateProtocol } {
  checkPair(x, y);
  const testFraction = options.testFraction ?? ESTIMATE_DEFAULTS.testFraction;
  if (!(typeof testFraction === 'number' && testFraction > 0 && testFraction < 1)) {
    throw new UserError(`test fraction (--test-fraction) must be in (0, 1), got ${testFraction}`);
  }
  if (options.steps !== undefined && options.epochs !== undefined) {
    throw new UserError(
      'give the training length as steps or as epochs (--steps or --epochs), not both',
    );
  }
  const seeds = integerAtLeast(options.seeds ?? ESTIMATE_DEFAULTS.seeds, 1, 'seeds (--seeds)');
  const firstSeed = integerAtLeast(options.firstSeed ?? 0, 0, 'firstSeed');
  const batchSize = integerAtLeast(
    options.batchSize ?? ESTIMATE_DEFAULTS.batchSize,
    2,
    'batch size (--batch-size)',
  );
  const epochs =
    options.epochs === undefined ? null : integerAtLeast(options.epochs, 1, 'epochs (--epochs)');
  const steps =
    epochs !== null
      ? null
      : integerAtLeast(options.steps ?? ESTIMATE_DEFAULTS.steps, 1, 'steps (--steps)');
  const learningRate = options.learningRate ?? ESTIMATE_DEFAULTS.learningRate;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new UserError(`learning rate (--learning-rate) must be > 0, got ${learningRate}`);
  }
  const critic = options.critic ?? ESTIMATE_DEFAULTS.critic;
  const criticOptions = resolveOptions(
    criticRegistry.get(critic).defaults,
    options.criticOptions,
    `critic '${critic}'`,
  );
  const settings: NeuralSettings = {
    critic,
    criticOptions: options.criticOptions ?? {},
    steps,
    epochs,
    batchSize,
    learningRate,
    evaluations: integerAtLeast(
      options.evaluations ?? ESTIMATE_DEFAULTS.evaluations,
      1,
      'evaluations',
    ),
  };
  const specs = (options.estimators ?? DEFAULT_ESTIMATORS).map((s) =>
    typeof s === 'string' ? { estimator: s } : s,
  );
  if (specs.length === 0) throw new UserError('no estimator given');
  const estimators = specs.map((spec) => createDataEstimator(spec, settings));
  const ids = new Set<string>();
  for (const e of estimators) {
    if (ids.has(e.id))
      throw new UserError(`estimator '${e.id}' is given twice; give variants distinct ids`);
    ids.add(e.id);
  }
  const minSplit = Math.max(...estimators.map((e) => e.minSplitRows));
  const needed = minimumRows(minSplit, testFraction);
  if (x.n < needed) {
    const neural = estimators.some((e) => e.kind === 'neural');
    throw new UserError(
      `${x.n} rows are too few: at least ${needed} are needed at test fraction ${testFraction}, so that ` +
        `the train and the held-out split each hold ${minSplit} rows` +
        (neural
          ? ` (one batch of --batch-size ${batchSize}; at least 2 × batch size = ${2 * batchSize} rows in any case); lower --batch-size or add rows`
          : ''),
    );
  }
  const testRows = heldOutRows(x.n, testFraction);
  const anyNeural = estimators.some((e) => e.kind === 'neural');
  const protocol: EstimateProtocol = {
    seeds: Array.from({ length: seeds }, (_, i) => firstSeed + i),
    testFraction,
    trainRows: x.n - testRows,
    testRows,
    critic: anyNeural ? critic : null,
    criticOptions: anyNeural ? criticOptions : null,
    steps: anyNeural ? steps : null,
    epochs: anyNeural ? epochs : null,
    batchSize: anyNeural ? batchSize : null,
    learningRate: anyNeural ? learningRate : null,
    standardize: 'train split',
  };
  return { estimators, settings, protocol };
}

/** Everything {@link runEstimate} needs, validated: the data, the estimators, the splits. */
export interface PreparedEstimate {
  x: DataMatrix;
  y: DataMatrix;
  estimators: DataEstimator[];
  protocol: EstimateProtocol;
  /** The standardized split of each seed. */
  splits: Map<number, Split>;
  /** Whether any estimator needs a TF.js backend. */
  needsBackend: boolean;
}

/**
 * Checks the input and the options and makes each seed's split, without training anything
 * and without TF.js tensors: bad input (shapes, non-finite values, constant columns, too few
 * rows, unknown estimators or options) is a `UserError` here.
 */
export function prepareEstimate(
  x: ArrayInput,
  y: ArrayInput,
  options: EstimateOptions = {},
): PreparedEstimate {
  const mx = toMatrix(x, 'x', options.xNames);
  const my = toMatrix(y, 'y', options.yNames);
  const { estimators, protocol } = plan(mx, my, options);
  // Every seed's split up front: a column constant on some train split is bad input,
  // reported before any training.
  const splits = new Map<number, Split>();
  for (const seed of protocol.seeds) {
    splits.set(seed, splitAndStandardize(mx, my, protocol.testFraction, seed));
  }
  return {
    x: mx,
    y: my,
    estimators,
    protocol,
    splits,
    needsBackend: estimators.some((e) => e.kind !== 'baseline'),
  };
}

/**
 * Estimates I(X; Y) (nats) between the rows of `x` and `y` (see the module comment for the
 * protocol and {@link EstimateOptions} for the defaults). Bad input is a `UserError` thrown
 * before any work ({@link prepareEstimate}). A fit whose estimate becomes NaN/±∞ is recorded
 * as `failed` and the others go on; an aborted `signal` returns what finished, with
 * `stopped: true`.
 */
export async function estimate(
  x: ArrayInput,
  y: ArrayInput,
  options: EstimateOptions = {},
): Promise<EstimateResult> {
  return runEstimate(prepareEstimate(x, y, options), options);
}

/** Runs the fits of a {@link prepareEstimate}d call (`options`: its progress and signal). */
export async function runEstimate(
  prepared: PreparedEstimate,
  options: Pick<EstimateOptions, 'onProgress' | 'signal'> = {},
): Promise<EstimateResult> {
  const started = performance.now();
  const { x: mx, y: my, estimators, protocol, splits } = prepared;
  const splitOf = (seed: number) => splits.get(seed)!;
  const shouldStop = () => options.signal?.aborted ?? false;
  const total = estimators.length * protocol.seeds.length;
  let done = 0;
  let stopped = false;
  const summaries: EstimatorSummary[] = [];
  for (const e of estimators) {
    const perSeed: SeedResult[] = [];
    let ceiling: number | null = null;
    for (const seed of protocol.seeds) {
      if (shouldStop()) {
        stopped = true;
        break;
      }
      const { train, test } = splitOf(seed);
      const report = (step: number, steps: number, estimate: number | null) =>
        options.onProgress?.({ id: e.id, seed, done, total, step, steps, estimate });
      const fit = await e.fit(train, test, {
        seed,
        onProgress: (p) => report(p.step, p.steps, p.estimate),
        shouldStop,
      });
      ceiling = fit.ceiling;
      const ok = fit.status === 'ok';
      const result: SeedResult = {
        seed,
        status: fit.status,
        ...(fit.error ? { error: fit.error } : {}),
        estimate: ok ? fit.estimate : null,
        trainEstimate: ok ? fit.trainEstimate : null,
        ...(ok && fit.mcSd !== undefined ? { mcSd: fit.mcSd } : {}),
        seconds: fit.seconds,
        trainCurve: fit.trainCurve,
        heldOutCurve: fit.heldOutCurve,
      };
      if (fit.status === 'stopped') {
        stopped = true;
        break; // an unfinished fit is not a result
      }
      perSeed.push(result);
      done++;
      options.onProgress?.({
        id: e.id,
        seed,
        done,
        total,
        step: fit.trainCurve.at(-1)?.step ?? 1,
        steps: fit.trainCurve.at(-1)?.step ?? 1,
        estimate: result.estimate,
        finished: result,
      });
    }
    if (perSeed.length > 0) {
      summaries.push(
        summarize(
          { id: e.id, estimator: e.estimator, kind: e.kind, options: e.options },
          perSeed,
          ceiling,
        ),
      );
    }
    if (stopped) break;
  }
  return {
    n: mx.n,
    dx: mx.d,
    dy: my.d,
    xNames: mx.names,
    yNames: my.names,
    protocol,
    estimators: summaries,
    stopped,
    seconds: (performance.now() - started) / 1000,
  };
}
