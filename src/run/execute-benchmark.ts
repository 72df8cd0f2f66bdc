/**
 * Executor of the `benchmark` loop (experiment `bmi-benchmark`; Czyż et al., "Beyond Normal",
 * NeurIPS 2023): one run = one estimator on one task with one seed.
 *
 * 1. n pairs from the task (seed `data`), a seeded train / held-out split and each column
 *    standardized with the train split's statistics (`splitAndStandardize`, seed `split`);
 * 2. the estimator — any {@link DataEstimator}: a neural estimator (a critic trained with a
 *    registered training rule), KSG, the Gaussian baseline, or a diffusion estimator — fits on
 *    the train split and reports on the held-out split (`createDataEstimator`, the same factory
 *    as `mimax estimate`; fit seed `fit`);
 * 3. one evaluation per point of the held-out curve (neural estimators; baselines have one
 *    point, at step 0), the last holding the reported estimate; `trueMI` is the task's closed
 *    form. The estimate on as many train rows (an overfitting gauge), the estimator's ceiling
 *    (InfoNCE: log K) and the fit's own seconds go to the record's `constants`.
 *
 * mimax reports the **final** held-out estimate. bmi reports the *best* held-out value over
 * training (`TrainingLog.final_mi` is `_mi_test_best`), which is biased upward: the maximum of
 * noisy evaluations. The evaluations keep the whole curve, so both can be read from the frames
 * (`scripts/findings.ts` prints both).
 *
 * Checkpoints: a neural or diffusion estimator commits each evaluation as it happens and its
 * fit saves its whole state right after (`estimate/neural.ts`, `estimate/diffusion.ts`), so an
 * interrupted run resumes from its last evaluation. The baselines (KSG, Gaussian: nothing
 * trained, one evaluation) commit it after the fit and then save one checkpoint of the run's
 * outcome (no tensors).
 */
import { createDataEstimator, type EstimatorSpec } from '../estimate/estimate.ts';
import type { NeuralSettings } from '../estimate/neural.ts';
import { splitAndStandardize } from '../estimate/sample.ts';
import { deriveSeed, Rng } from '../random.ts';
import type { Evaluation } from '../results/schema.ts';
import { createTask } from '../tasks/index.ts';
import { StateWriter } from '../train/checkpoint.ts';
import type { Options } from '../types.ts';
import type { LoopOutcome, RunScope } from './execute.ts';
import type { RunConfig } from './grid.ts';

/** Options of the `benchmark` loop (`config.loop`). */
export interface BenchmarkOptions {
  /** Pairs n sampled from the task (train + held-out). */
  samples: number;
  /** Fraction of the n pairs held out for the reported estimate. */
  testFraction: number;
  /** Critic registry id of the neural estimators. */
  critic: string;
  /** Critic options over its registry defaults; null = the defaults. */
  criticOptions: Options | null;
}

/** How the neural estimators of a benchmark run train, from its config. */
export function benchmarkSettings(config: RunConfig): NeuralSettings {
  const loop = config.loopOptions as unknown as BenchmarkOptions;
  return {
    critic: loop.critic,
    criticOptions: loop.criticOptions ?? {},
    steps: config.steps,
    epochs: null,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    // Held-out evaluations along training (plus step 0): one per evalEvery steps.
    evaluations: Math.max(1, Math.round(config.steps / config.evalEvery)),
  };
}

/** The estimator spec of a run's cell (its variant id reports as `id`). */
export function benchmarkSpec(config: RunConfig, id: string): EstimatorSpec {
  return { estimator: config.estimator!.name, id, options: config.estimator!.options };
}

const finiteOrNull = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

export async function executeBenchmark(scope: RunScope): Promise<LoopOutcome> {
  const { spec, record, commit, report, ctx, checkpoint } = scope;
  const c = spec.config;
  const loop = c.loopOptions as unknown as BenchmarkOptions;
  const saved = checkpoint.resume?.loop['outcome'] as LoopOutcome | undefined;
  // Resumed after the fit of a non-neural estimator: the record already holds all of it.
  if (saved) return saved;
  const started = performance.now();
  const task = createTask(c.task!.name, c.task!.options);
  const pairs = task.sample(new Rng(deriveSeed(spec.seed, 'data')), loop.samples);
  const matrix = (values: Float32Array, d: number, prefix: string) => ({
    n: pairs.n,
    d,
    names: Array.from({ length: d }, (_, j) => `${prefix}${j}`),
    values: Float64Array.from(values),
  });
  const { train, test } = splitAndStandardize(
    matrix(pairs.x, task.dimX, 'x'),
    matrix(pairs.y, task.dimY, 'y'),
    loop.testFraction,
    deriveSeed(spec.seed, 'split'),
  );
  const estimator = createDataEstimator(benchmarkSpec(c, spec.cell.bound!), benchmarkSettings(c));
  const truth = task.mutualInformation;
  // Wall time at each completed training step, to date the curve's points honestly.
  const secondsAt = new Map<number, number>([[0, (performance.now() - started) / 1000]]);
  const result = await estimator.fit(train, test, {
    seed: deriveSeed(spec.seed, 'fit'),
    onProgress: (p) => {
      secondsAt.set(p.step, (performance.now() - started) / 1000);
      report(p.step);
    },
    shouldStop: ctx.shouldStop,
    // Neural and diffusion estimators: each evaluation is committed as it happens, then saved.
    onEvaluation: (point) =>
      commit({
        step: point.step,
        trainBound: point.train,
        testBound: point.heldOut,
        accuracy: null,
        seconds: (performance.now() - started) / 1000,
        trueMI: truth,
      }),
    checkpoint,
  });
  const fitEnd = (performance.now() - started) / 1000;
  // Ctrl-C: the record stays `running`; it resumes from its last checkpoint (neural) or step 0.
  if (result.status === 'stopped') return { status: 'stopped' };
  const trainAt = new Map(result.trainCurve.map((p) => [p.step, p.estimate]));
  const curve = result.heldOutCurve.length
    ? result.heldOutCurve
    : [{ step: 0, estimate: result.estimate }];
  record.constants = {
    fitSeconds: result.seconds,
    ...(Number.isFinite(result.trainEstimate) ? { trainEstimate: result.trainEstimate } : {}),
    ...(result.ceiling === null ? {} : { ceiling: result.ceiling }),
  };
  // The points not committed during the fit (all of them, for the non-neural estimators).
  const committed = record.evaluations.at(-1)?.step ?? -1;
  const fresh = curve
    .filter((point) => point.step > committed)
    .map(
      (point): Evaluation => ({
        step: point.step,
        trainBound: finiteOrNull(trainAt.get(point.step)),
        testBound: finiteOrNull(point.estimate),
        accuracy: null,
        seconds: secondsAt.get(point.step) ?? fitEnd,
        trueMI: truth,
      }),
    );
  // The last point is the reported estimate (NaN → null when the fit failed), dated at the
  // fit's end (a neural fit's was committed already: the record is saved with it at the end).
  const last = fresh.at(-1) ?? record.evaluations.at(-1);
  if (last) {
    last.testBound = finiteOrNull(result.estimate);
    last.seconds = fitEnd;
  }
  for (const evaluation of fresh) commit(evaluation);
  const outcome: LoopOutcome =
    result.status === 'ok'
      ? { status: 'ok' }
      : { status: 'failed', error: { message: result.error ?? 'the estimate is not finite' } };
  if (committed < 0 && last) {
    // A fit that committed nothing as it went (a baseline) saves once, after its evaluation.
    checkpoint.save(new StateWriter().build(last.step, { outcome }));
  }
  return outcome;
}
