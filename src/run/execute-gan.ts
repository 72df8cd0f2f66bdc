/**
 * Executor of the `gan` loop (experiment `gan-modes`; MI as a GAN regularizer, Belghazi et al.
 * 2018 Sec. 5.1, measured as in VEEGAN / PacGAN): one run = one method on one 2-d data set with
 * one seed. The cell's `bound` is the method id (a variant in the `estimators` map whose
 * options hold the GAN settings `beta`, `clip`, `mi`, `miUntil` beside the estimator's own), its
 * `task` the data set id.
 *
 * Seeds by purpose: `data` (the training set, drawn once), `data:order` (minibatch order),
 * `init:generator`, `init:discriminator`, `init:critic`, `init:estimator`, `noise:z`,
 * `noise:c` (conditional classes), `noise:eval` (the fixed noise of the evaluation samples).
 *
 * Each evaluation commits `trainBound` = the critic's mean training estimate since the previous
 * evaluation (null for the plain GAN and at iteration 0), and the traces `modes`,
 * `highQuality`, `reverseKl` (null where no sample is high quality), `highQualitySamples` (0
 * there: the explicit record of that case) at the evaluation iterations. The seed named by
 * `loop.pointsSeed` also keeps the generated points of its latest evaluation (`record.points`)
 * for the samples figure.
 *
 * Checkpoints: the loop saves its whole state at every evaluation (`src/train/gan.ts`); this
 * executor adds its own, the evaluation series and the kept points (`executor` in the loop
 * state), so a resumed run ends with the same record as an uninterrupted one.
 */
import { createCritic } from '../critics/index.ts';
import { modeDataset, sampleModeDataset } from '../data/mode-datasets.ts';
import { createEstimator } from '../estimators/index.ts';
import { deriveSeed, Rng } from '../random.ts';
import { modeMetrics } from '../results/modes.ts';
import type { RunRecord, Trace } from '../results/schema.ts';
import { withCallerState } from '../train/checkpoint.ts';
import { Discriminator, type GanActivation, Generator, runGan } from '../train/gan.ts';
import { mean } from '../train/pending.ts';
import type { LoopOutcome, RunScope } from './execute.ts';
import { type GanLoopOptions, ganMethod } from './gan-options.ts';

/** Trace of values at the evaluation iterations, one point each (never averaged by frames). */
function evaluationTrace(steps: number[], values: (number | null)[]): Trace {
  const every = steps.length > 1 ? steps[1] - steps[0] : 1;
  return { start: 0, every, values, downsample: { every, reduce: 'sample' } };
}

export async function executeGan(scope: RunScope): Promise<LoopOutcome> {
  const { spec, record, commit, report, ctx, checkpoint } = scope;
  const c = spec.config;
  const loop = c.loopOptions as unknown as GanLoopOptions;
  const dataset = modeDataset(c.task!.name);
  const method = ganMethod(
    c.estimator!.name,
    c.estimator!.options,
    `estimators.${spec.cell.bound}`,
    () => {},
  );
  const classes = method.mi === 'conditional' ? dataset.modes : 0;
  const data = sampleModeDataset(
    dataset,
    new Rng(deriveSeed(spec.seed, 'data')),
    loop.trainSize,
  ).points;
  const generator = new Generator(
    loop.zDim + classes,
    loop.generatorHidden,
    loop.batchNorm,
    new Rng(deriveSeed(spec.seed, 'init:generator')),
  );
  const discriminator = new Discriminator(
    2,
    loop.discriminatorHidden,
    loop.discriminatorActivation as GanActivation,
    new Rng(deriveSeed(spec.seed, 'init:discriminator')),
  );
  const hasCritic = method.estimator !== 'none';
  const codeDim = classes > 0 ? classes : loop.zDim;
  const critic = hasCritic
    ? createCritic('concat', {
        dim1: codeDim,
        dim2: 2,
        seed: deriveSeed(spec.seed, 'init:critic'),
        options: { hidden: loop.criticHidden },
      })
    : null;
  const estimator = hasCritic
    ? createEstimator(method.estimator, {
        rowDim: codeDim,
        seed: deriveSeed(spec.seed, 'init:estimator'),
        options: method.estimatorOptions,
      })
    : null;
  const started = performance.now();
  let steps: number[] = [];
  let series: Record<string, (number | null)[]> = {
    modes: [],
    highQuality: [],
    reverseKl: [],
    highQualitySamples: [],
  };
  const setTraces = () => {
    record.traces = Object.fromEntries(
      Object.entries(series).map(([name, values]) => [name, evaluationTrace(steps, values)]),
    );
  };
  try {
    // What the record holds beyond its evaluations, as of the checkpoint's step (a record
    // written after the checkpoint, by a run killed before its next one, may hold more).
    const loopCheckpoint = withCallerState(
      checkpoint,
      'executor',
      () => ({ steps, series, points: record.points ?? null }),
      (saved: { steps: number[]; series: typeof series; points: RunRecord['points'] | null }) => {
        steps = saved.steps;
        series = saved.series;
        if (saved.points) record.points = saved.points;
        else delete record.points;
        setTraces();
      },
    );
    const outcome = await runGan({
      generator,
      discriminator,
      mi:
        critic && estimator
          ? {
              critic,
              estimator,
              mode: method.mi,
              beta: method.beta,
              clip: method.clip,
              until: Math.round(method.miUntil * c.steps),
              criticSteps: method.criticSteps,
              classes,
            }
          : null,
      data,
      noise: loop.noise as 'normal' | 'uniform',
      zDim: loop.zDim,
      batchSize: c.batchSize,
      iterations: c.steps,
      evalEvery: c.evalEvery,
      learningRate: c.learningRate,
      beta1: loop.beta1,
      seeds: {
        order: deriveSeed(spec.seed, 'data:order'),
        z: deriveSeed(spec.seed, 'noise:z'),
        c: deriveSeed(spec.seed, 'noise:c'),
        eval: deriveSeed(spec.seed, 'noise:eval'),
      },
      evalSamples: loop.evalSamples,
      evaluate: async (step, points, miWindow) => {
        const m = modeMetrics(dataset, points);
        steps.push(step);
        series['modes'].push(m.modes);
        series['highQuality'].push(m.highQuality);
        series['reverseKl'].push(m.reverseKl);
        series['highQualitySamples'].push(m.highQualityCount);
        setTraces();
        if (spec.seed === loop.pointsSeed) {
          record.points = { step, x: [], y: [] };
          for (let i = 0; i < points.length; i += 2) {
            record.points.x.push(Number(points[i].toPrecision(5)));
            record.points.y.push(Number(points[i + 1].toPrecision(5)));
          }
        }
        commit({
          step,
          trainBound: miWindow.length ? mean(miWindow) : null,
          testBound: null,
          accuracy: null,
          seconds: (performance.now() - started) / 1000,
        });
      },
      onStep: (step) => report(step + 1),
      shouldStop: ctx.shouldStop,
      checkpoint: loopCheckpoint,
    });
    return outcome;
  } finally {
    generator.dispose();
    discriminator.dispose();
    critic?.dispose();
    estimator?.dispose();
  }
}
