/**
 * Executors of the estimator experiments (loop kinds `staircase` and `correlation`): build the
 * critic, the estimator and the task of the run's cell from the registries, run the estimator
 * loop (`train/ground-truth.ts`), and commit one evaluation per interval with the window's
 * mean estimate, its sd and the true MI of the window.
 *
 * Seeds, split by purpose from the run's seed: `init:critic`, `init:estimator`, `data` (the
 * staircase's fresh samples; the correlation data set), `data:epoch:<e>` (batch order).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createCritic } from '../critics/index.ts';
import { createEstimator } from '../estimators/index.ts';
import { deriveSeed, Rng } from '../random.ts';
import type { Evaluation } from '../results/schema.ts';
import { createTask, type Pairs, type Task } from '../tasks/index.ts';
import { heldOutEstimate, runGroundTruth } from '../train/ground-truth.ts';
import type { Critic } from '../types.ts';
import type { LoopOutcome, RunScope } from './execute.ts';

/** Options of the `staircase` loop. */
export interface StaircaseOptions {
  /** True MI of each level (nats), each held for steps / levels.length steps. */
  levels: number[];
}

/** Options of the `correlation` loop. */
export interface CorrelationOptions {
  /** Size n of the fixed data set (train + held-out). */
  samples: number;
  /** Fraction of the n samples held out for the reported estimate. */
  testFraction: number;
}

/** The span-s exponential moving average of pandas' `ewm(span=s).mean()` (adjust=True). */
export function emaSpan(values: readonly number[], span: number): (number | null)[] {
  const decay = 1 - 2 / (span + 1); // pandas: α = 2 / (span + 1)
  const out: (number | null)[] = [];
  let weighted = 0;
  let weights = 0;
  for (const v of values) {
    // A non-finite value (the last one of a failed run) ends the average.
    if (!Number.isFinite(v)) {
      out.push(null);
      continue;
    }
    weighted = decay * weighted + v;
    weights = decay * weights + 1;
    out.push(weighted / weights);
  }
  return out;
}

/** Poole et al. smooth their traces with an EMA of span 200 (vbmi notebook, Fig. 2). */
export const STAIRCASE_EMA_SPAN = 200;

/**
 * Frames keep every 25th step of the staircase traces, unaveraged (the raw trace must show the
 * estimator's variance): 800 points per series for 20,000 steps.
 */
const STAIRCASE_TRACE_KEEP = { every: 25, reduce: 'sample' } as const;

function meanSd(values: Float32Array): { mean: number | null; sd: number | null } {
  const n = values.length;
  if (n === 0) return { mean: null, sd: null };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { mean, sd: null };
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / (n - 1)) };
}

/** JSON has no NaN/Infinity: such values are stored as null. */
const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

function makeCritic({ spec }: RunScope, dimX: number, dimY: number): Critic {
  const c = spec.config;
  return createCritic(c.critic!.name, {
    dim1: dimX,
    dim2: dimY,
    seed: deriveSeed(spec.seed, 'init:critic'),
    options: c.critic!.options,
  });
}

function makeEstimator({ spec }: RunScope, rowDim: number) {
  const e = spec.config.estimator!;
  return createEstimator(e.name, {
    rowDim,
    seed: deriveSeed(spec.seed, 'init:estimator'),
    options: e.options,
  });
}

const toTensors = (pairs: Pairs, task: Task): [tf.Tensor2D, tf.Tensor2D] => [
  tf.tensor2d(pairs.x, [pairs.n, task.dimX]),
  tf.tensor2d(pairs.y, [pairs.n, task.dimY]),
];

/**
 * The staircase (Poole et al. 2019, Sec. 5, Fig. 2): the true MI steps through `levels`, a
 * fresh batch from the task at the current level every step.
 */
export async function executeStaircase(scope: RunScope): Promise<LoopOutcome> {
  const { spec, record, commit, report, ctx, checkpoint } = scope;
  const c = spec.config;
  const { levels } = c.loopOptions as unknown as StaircaseOptions;
  const stepsPerLevel = c.steps / levels.length;
  const taskSpec = c.task!;
  const tasks = levels.map((mi) => createTask(taskSpec.name, { ...taskSpec.options, mi }));
  const levelOf = (step: number) => Math.min(levels.length - 1, Math.floor(step / stepsPerLevel));
  const critic = makeCritic(scope, tasks[0].dimX, tasks[0].dimY);
  const estimator = makeEstimator(scope, tasks[0].dimX);
  record.constants = { logK: Math.log(c.batchSize) };
  const dataSeed = deriveSeed(spec.seed, 'data');
  const started = performance.now();
  const setTraces = (trace: readonly number[]) => {
    record.traces = {
      estimate: {
        start: 0,
        every: 1,
        values: trace.map(finiteOrNull) as number[],
        downsample: STAIRCASE_TRACE_KEEP,
      },
      estimateEma: {
        start: 0,
        every: 1,
        values: emaSpan(trace, STAIRCASE_EMA_SPAN) as number[],
        downsample: STAIRCASE_TRACE_KEEP,
      },
    };
  };
  try {
    return await runGroundTruth({
      critic,
      estimator,
      batch: (step) => {
        const task = tasks[levelOf(step)];
        return toTensors(
          task.sample(new Rng(deriveSeed(dataSeed, `step:${step}`)), c.batchSize),
          task,
        );
      },
      steps: c.steps,
      evalEvery: c.evalEvery,
      learningRate: c.learningRate,
      evaluate: async (step, window, trace) => {
        const { mean, sd } = meanSd(window);
        // The window holds the estimates of trace steps [trace.length − window.length, trace.length).
        let truth = 0;
        for (let s = trace.length - window.length; s < trace.length; s++)
          truth += levels[levelOf(s)];
        const evaluation: Evaluation = {
          step,
          trainBound: mean === null ? null : finiteOrNull(mean),
          testBound: null,
          accuracy: null,
          seconds: (performance.now() - started) / 1000,
          ...(window.length ? { trueMI: truth / window.length } : {}),
          ...(sd === null || !Number.isFinite(sd) ? {} : { trainSd: sd }),
        };
        setTraces(trace);
        commit(evaluation);
      },
      onStep: (step) => report(step + 1),
      shouldStop: ctx.shouldStop,
      checkpoint,
    });
  } finally {
    critic.dispose();
    estimator.dispose();
  }
}

/**
 * The correlation benchmark (the "estimate vs correlation" figure of MINE-style repositories):
 * a fixed data set of n pairs, the first (1 − testFraction)·n for training (epochs of shuffled
 * batches), the rest held out; the reported value is the estimate on the held-out split,
 * averaged over its batches of the training batch size.
 */
export async function executeCorrelation(scope: RunScope): Promise<LoopOutcome> {
  const { spec, commit, report, ctx, checkpoint } = scope;
  const c = spec.config;
  const { samples, testFraction } = c.loopOptions as unknown as CorrelationOptions;
  const task = createTask(c.task!.name, c.task!.options);
  const nTest = Math.round(samples * testFraction);
  const nTrain = samples - nTest;
  const data = task.sample(new Rng(deriveSeed(spec.seed, 'data')), samples);
  const { dimX, dimY } = task;
  const testX = tf.tensor2d(data.x.subarray(nTrain * dimX), [nTest, dimX]);
  const testY = tf.tensor2d(data.y.subarray(nTrain * dimY), [nTest, dimY]);
  const batchesPerEpoch = Math.floor(nTrain / c.batchSize);
  let order: Int32Array | null = null;
  let orderEpoch = -1;
  const critic = makeCritic(scope, dimX, dimY);
  const estimator = makeEstimator(scope, dimX);
  const started = performance.now();
  try {
    return await runGroundTruth({
      critic,
      estimator,
      batch: (step) => {
        const epoch = Math.floor(step / batchesPerEpoch);
        if (epoch !== orderEpoch) {
          order = new Rng(deriveSeed(spec.seed, `data:epoch:${epoch}`)).permutation(nTrain);
          orderEpoch = epoch;
        }
        const first = (step % batchesPerEpoch) * c.batchSize;
        const x = new Float32Array(c.batchSize * dimX);
        const y = new Float32Array(c.batchSize * dimY);
        for (let r = 0; r < c.batchSize; r++) {
          const i = order![first + r];
          x.set(data.x.subarray(i * dimX, (i + 1) * dimX), r * dimX);
          y.set(data.y.subarray(i * dimY, (i + 1) * dimY), r * dimY);
        }
        return [tf.tensor2d(x, [c.batchSize, dimX]), tf.tensor2d(y, [c.batchSize, dimY])];
      },
      steps: c.steps,
      evalEvery: c.evalEvery,
      learningRate: c.learningRate,
      evaluate: async (step, window) => {
        const { mean, sd } = meanSd(window);
        commit({
          step,
          trainBound: mean === null ? null : finiteOrNull(mean),
          testBound: finiteOrNull(heldOutEstimate(critic, estimator, testX, testY, c.batchSize)),
          accuracy: null,
          seconds: (performance.now() - started) / 1000,
          trueMI: task.mutualInformation,
          ...(sd === null || !Number.isFinite(sd) ? {} : { trainSd: sd }),
        });
      },
      onStep: (step) => report(step + 1),
      shouldStop: ctx.shouldStop,
      checkpoint,
    });
  } finally {
    tf.dispose([testX, testY]);
    critic.dispose();
    estimator.dispose();
  }
}
