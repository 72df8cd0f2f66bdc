/**
 * Executes one run (in a worker process): builds the models of its cell from the registries,
 * runs the loop of its experiment, measures at every evaluation, and writes the run record
 * atomically after every evaluation and at the end. A failing run (exception, NaN) is
 * recorded as `failed` with its error; this function does not throw for it.
 *
 * Seeds are split by purpose from the run's seed: `init:g1`, `init:g2`, `init:critic`,
 * `init:classifier` (initializations; RealNVP derives its permutations from its init seed),
 * `data` (batch order), `noise` (training noise), `probe-noise` (fresh noise of probe inputs),
 * `probe:STEP` (the sample order of the `saga` probe at that evaluation, unless `probe.seed` is set).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { getBound } from '../bounds/index.ts';
import type { Objective } from '../bounds/objective.ts';
import { createCritic } from '../critics/index.ts';
import { BatchStream } from '../data/batches.ts';
import { loadDataset } from '../data/datasets.ts';
import { addCov, type Cov2, gaussianMutualInformation } from '../data/gaussian.ts';
import { type Halves, halves } from '../data/halves.ts';
import { createEncoder } from '../encoders/index.ts';
import { heldOutBound } from '../eval/held-out.ts';
import { jacobianConditioning } from '../eval/jacobian.ts';
import { linearProbe, type ProbeOptions } from '../eval/probe.ts';
import { deriveSeed, Rng } from '../random.ts';
import {
  CHECKPOINT_SCHEMA_VERSION,
  deleteCheckpoints,
  findResumePoint,
  type KeepCheckpoints,
  type SavedEncoderSpec,
  writeCheckpoint,
} from '../results/checkpoints.ts';
import { type Evaluation, RECORD_SCHEMA_VERSION, type RunRecord } from '../results/schema.ts';
import { recordPath, writeRecord } from '../results/store.ts';
import { runAdversarial } from '../train/adversarial.ts';
import { runBoundOnly } from '../train/bound-only.ts';
import type { LoopCheckpoint, SavedState } from '../train/checkpoint.ts';
import { runSweep } from '../train/sweep.ts';
import type { Encoder } from '../types.ts';
import { executeAis } from './execute-ais.ts';
import { executeBenchmark } from './execute-benchmark.ts';
import { executeCorrelation, executeStaircase } from './execute-estimators.ts';
import { executeGan } from './execute-gan.ts';
import type { LoopKind } from './experiment.ts';
import type { RunSpec } from './grid.ts';

export interface Progress {
  id: string;
  /** Completed steps (iterations for the adversarial loop). */
  step: number;
  steps: number;
  /** Latest probe accuracy, if any. */
  accuracy: number | null;
  /** Latest bound (train), if any. */
  bound: number | null;
}

export interface ExecuteContext {
  resultsDir: string;
  backend: string;
  versions: Record<string, string>;
  onProgress?(progress: Progress): void;
  shouldStop?(): boolean;
  /** Which checkpoints each run keeps (`--keep-checkpoints`). Default `last`. */
  keepCheckpoints?: KeepCheckpoints;
  /**
   * Continue an unfinished run from its checkpoint. Default true; false (`--force`) starts
   * every run at step 0 and deletes its old checkpoints.
   */
  resume?: boolean;
  /** A line for the user: why a run resumes, or why it restarts from step 0. */
  onNote?(line: string): void;
}

interface LoadedData {
  key: string;
  train: Halves;
  test: Halves;
  trainX1: tf.Tensor2D; // [n, d1]
  testX1: tf.Tensor2D; // [m, d1]
  testX2: tf.Tensor2D; // [m, d2]
}

// One data set stays loaded per worker process: consecutive runs share it.
let loaded: LoadedData | null = null;

function loadData(spec: RunSpec): LoadedData {
  const c = spec.config;
  const key = JSON.stringify([c.dataset, c.dataDir, c.trainLimit, c.testLimit]);
  if (loaded?.key === key) return loaded;
  if (loaded) tf.dispose([loaded.trainX1, loaded.testX1, loaded.testX2]);
  const data = loadDataset({
    name: c.dataset,
    dir: c.dataDir ?? undefined,
    trainLimit: c.trainLimit ?? undefined,
    testLimit: c.testLimit ?? undefined,
  });
  const train = halves(data.train);
  const test = halves(data.test);
  loaded = {
    key,
    train,
    test,
    trainX1: tf.tensor2d(train.x1, [train.n, train.dim1]),
    testX1: tf.tensor2d(test.x1, [test.n, test.dim1]),
    testX2: tf.tensor2d(test.x2, [test.n, test.dim2]),
  };
  return loaded;
}

function newRecord(spec: RunSpec, ctx: ExecuteContext): RunRecord {
  const now = new Date().toISOString();
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id: spec.id,
    experiment: spec.experiment,
    preset: spec.preset,
    cell: spec.cell,
    seed: spec.seed,
    status: 'running',
    config: spec.config,
    configHash: spec.configHash,
    backend: ctx.backend,
    versions: ctx.versions,
    startedAt: now,
    updatedAt: now,
    seconds: 0,
    evaluations: [],
  };
}

/** Probe inputs for an evaluation: the clean tensors, or fresh noisy copies (Float32). */
function probeInputs(data: LoadedData, sigma: number, seed: number, step: number) {
  if (sigma === 0) return { train: data.trainX1, test: data.testX1 };
  const rng = new Rng(deriveSeed(seed, `probe-noise:${step}`));
  const noisy = (x: Float32Array) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] + sigma * rng.normal();
    return out;
  };
  return { train: noisy(data.train.x1), test: noisy(data.test.x1) };
}

function probe(encoder: Encoder, data: LoadedData, spec: RunSpec, step: number) {
  const inputs = probeInputs(data, spec.config.noiseSigma, spec.seed, step);
  const result = linearProbe(
    encoder,
    { x: inputs.train, labels: data.train.labels },
    { x: inputs.test, labels: data.test.labels },
    // The saga solver's sample order differs per run and evaluation (the Colab's
    // random_state=None); lbfgs ignores the seed. An explicit probe.seed wins.
    { seed: deriveSeed(spec.seed, `probe:${step}`), ...(spec.config.probe as ProbeOptions) },
  );
  return { accuracy: result.accuracy, testInputs: inputs.test };
}

/** The record of one run on disk, or null if absent or unreadable. */
function readOneRecord(dir: string, id: string): RunRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(dir, id), 'utf8')) as RunRecord;
  } catch {
    return null;
  }
}

/**
 * Where a run starts: from its newest checkpoint of this config when its record is unfinished
 * and holds that checkpoint's evaluation (the record then keeps its evaluations up to that
 * step), else from step 0 with a fresh record; every fallback is explained through `onNote`.
 */
function startingPoint(
  spec: RunSpec,
  ctx: ExecuteContext,
): { record: RunRecord; resume: SavedState | null } {
  const fresh = { record: newRecord(spec, ctx), resume: null };
  const note = (line: string) => ctx.onNote?.(`${spec.id}: ${line}`);
  if (ctx.resume === false) {
    deleteCheckpoints(ctx.resultsDir, spec.id);
    return fresh;
  }
  const previous = readOneRecord(ctx.resultsDir, spec.id);
  const { checkpoint, notes } = findResumePoint(ctx.resultsDir, spec.id, spec.configHash);
  for (const line of notes) note(line);
  const restart = (why: string) => {
    note(`starting at step 0: ${why}`);
    deleteCheckpoints(ctx.resultsDir, spec.id);
    return fresh;
  };
  if (!previous || previous.status === 'ok') {
    return checkpoint ? restart('its checkpoint has no unfinished record to continue') : fresh;
  }
  if (!checkpoint) {
    return previous.evaluations.length ? restart('no usable checkpoint') : fresh;
  }
  const step = checkpoint.info.step;
  if (previous.configHash !== spec.configHash) return restart('its record is of another config');
  // The end-of-training checkpoint (step = steps, saved after the last evaluation's commit)
  // has no evaluation of its own: a kill between it and the final record resumes from it.
  const endOfTraining = step === spec.config.steps;
  if (!endOfTraining && !previous.evaluations.some((e) => e.step === step)) {
    return restart(`its record lacks the evaluation of the checkpoint's step ${step}`);
  }
  note(`resuming from the checkpoint of step ${step} (${checkpoint.dir})`);
  const { error: _, ...kept } = previous;
  const record: RunRecord = {
    ...kept,
    status: 'running',
    backend: ctx.backend,
    versions: ctx.versions,
    // Evaluations after the checkpoint (a kill between the record and the checkpoint) are redone.
    evaluations: previous.evaluations.filter((e) => e.step <= step),
  };
  return {
    record,
    resume: {
      step,
      tensors: checkpoint.tensors,
      models: checkpoint.info.models,
      loop: checkpoint.info.loop as Record<string, unknown>,
    },
  };
}

/** The checkpoint hook of a run: its resume point and how it saves (per `keepCheckpoints`). */
function loopCheckpoint(
  spec: RunSpec,
  ctx: ExecuteContext,
  resume: SavedState | null,
): RunCheckpoint {
  const keep = ctx.keepCheckpoints ?? 'last';
  const encoders: Record<string, SavedEncoderSpec> = {};
  return {
    resume,
    encoders,
    save: (state) => {
      writeCheckpoint(
        ctx.resultsDir,
        {
          schemaVersion: CHECKPOINT_SCHEMA_VERSION,
          runId: spec.id,
          step: state.step,
          configHash: spec.configHash,
          backend: ctx.backend,
          versions: ctx.versions,
          createdAt: new Date().toISOString(),
          models: state.models,
          loop: state.loop,
          ...(Object.keys(encoders).length ? { encoders } : {}),
        },
        state.tensors,
        keep,
      );
    },
  };
}

/**
 * The linear probe of a saved encoder on the data of the run whose config and seed are given,
 * with the probe inputs of evaluation `step` (`mimax probe`); `probe` replaces the config's
 * probe options. Returns the test accuracy.
 */
export function probeSavedEncoder(
  encoder: Encoder,
  config: RunSpec['config'],
  seed: number,
  step: number,
  probeOptions: object,
): number {
  const spec = { config: { ...config, probe: probeOptions }, seed } as RunSpec;
  return probe(encoder, loadData(spec), spec, step).accuracy;
}

/** Runs one spec to completion (or failure, or stop) and returns its final record. */
export async function executeRun(spec: RunSpec, ctx: ExecuteContext): Promise<RunRecord> {
  const { record, resume } = startingPoint(spec, ctx);
  const started = performance.now() - record.seconds * 1000;
  const save = () => {
    record.updatedAt = new Date().toISOString();
    record.seconds = (performance.now() - started) / 1000;
    writeRecord(ctx.resultsDir, record);
  };
  const progress = {
    id: spec.id,
    step: 0,
    steps: spec.config.steps,
    accuracy: null,
    bound: null,
  } as Progress;
  const report = (step: number) => {
    progress.step = step;
    ctx.onProgress?.(progress);
  };
  // Every evaluation: appended, shown, and the record saved (at most one interval is lost).
  const commit: Commit = (evaluation) => {
    record.evaluations.push(evaluation);
    progress.accuracy = evaluation.accuracy ?? progress.accuracy;
    progress.bound = evaluation.trainBound ?? progress.bound;
    // An ais run's one evaluation sits at step = its K or T, not a training step (steps = 1).
    report(Math.min(evaluation.step, progress.steps));
    save();
  };
  save();
  const checkpoint = loopCheckpoint(spec, ctx, resume);
  if (resume) report(resume.step);
  const scope: RunScope = { spec, record, commit, report, ctx, checkpoint };
  try {
    const outcome = await EXECUTORS[spec.config.loop].run(scope);
    if (outcome.status === 'ok') record.status = 'ok';
    else if (outcome.status === 'failed') {
      record.status = 'failed';
      record.error = outcome.error;
    }
  } catch (error) {
    record.status = 'failed';
    record.error = { message: (error as Error).message };
  }
  save();
  return record;
}

export type Commit = (evaluation: Evaluation) => void;
export type Report = (step: number) => void;

/** How a loop executor ended (the record's status and error follow it). */
export interface LoopOutcome {
  status: 'ok' | 'failed' | 'stopped';
  error?: { message: string; step?: number };
}

/**
 * How a loop kind checkpoints (DESIGN §6; every kind must, and says how):
 * - `every-evaluation`: after each evaluation's commit it saves its whole state (variables,
 *   optimizers, streams, its own state) and a `running` record resumes from the newest one,
 *   ending with the record an uninterrupted run would have;
 * - `final-evaluation`: it evaluates once, at its end; the checkpoint of that evaluation keeps
 *   what the run trained and its outcome (an interruption before it restarts the run).
 * `test/run/checkpoint-contract.test.ts` runs every kind and holds it to what it declares.
 */
export type Checkpointing = 'every-evaluation' | 'final-evaluation';

/** A loop kind's executor and how it checkpoints. */
export interface LoopExecutor {
  run(scope: RunScope): Promise<LoopOutcome>;
  checkpointing: Checkpointing;
}

/** The runner's dispatch: one executor per loop kind (each in the module of its family). */
export const EXECUTORS: Readonly<Record<LoopKind, LoopExecutor>> = {
  sweep: { run: executeSweep, checkpointing: 'every-evaluation' },
  adversarial: { run: executeAdversarial, checkpointing: 'every-evaluation' },
  'bound-only': { run: executeBoundOnly, checkpointing: 'every-evaluation' },
  staircase: { run: executeStaircase, checkpointing: 'every-evaluation' },
  correlation: { run: executeCorrelation, checkpointing: 'every-evaluation' },
  // The baselines (one evaluation, nothing trained) save their outcome once (see the module).
  benchmark: { run: executeBenchmark, checkpointing: 'every-evaluation' },
  gan: { run: executeGan, checkpointing: 'every-evaluation' },
  ais: { run: executeAis, checkpointing: 'final-evaluation' },
};

/** What a loop executor needs: its run, the record it fills, and how to commit and report. */
export interface RunScope {
  spec: RunSpec;
  record: RunRecord;
  commit: Commit;
  report: Report;
  ctx: ExecuteContext;
  /**
   * Saves the loop's state after each evaluation's commit (the record and the checkpoint then
   * always agree) and gives the state to resume from; every loop kind uses it as its
   * {@link Checkpointing} says.
   */
  checkpoint: RunCheckpoint;
}

/** A run's checkpoint hook; executors name the encoders they save so they can be reloaded. */
export interface RunCheckpoint extends LoopCheckpoint {
  /** Saved encoders by owner (`g1`, `encoder`): how `encoders.load` rebuilds them. */
  encoders: Record<string, SavedEncoderSpec>;
}

/**
 * A fresh encoder of the run's cell for view 1 (x1's shape), seeded for `purpose`; with
 * `checkpoint` and `owner`, it is described in the run's checkpoints for reloading.
 */
function makeEncoder(
  spec: RunSpec,
  data: LoadedData,
  purpose: string,
  saved?: { checkpoint: RunCheckpoint; owner: string },
): Encoder {
  const encoder = spec.config.encoder!;
  const args = {
    inputDim: data.train.dim1,
    inputShape: data.train.halfShape,
    seed: deriveSeed(spec.seed, purpose),
    options: encoder.options,
  };
  if (saved) {
    saved.checkpoint.encoders[saved.owner] = {
      name: encoder.name,
      options: encoder.options as Record<string, unknown>,
      inputDim: args.inputDim,
      inputShape: [...args.inputShape],
      seed: args.seed,
    };
  }
  return createEncoder(encoder.name, args);
}

async function executeSweep({ spec, record, commit, report, ctx, checkpoint }: RunScope) {
  const c = spec.config;
  const data = loadData(spec);
  const criticSpec = c.critic!;
  const g1 = makeEncoder(spec, data, 'init:g1', { checkpoint, owner: 'g1' });
  const g2 = makeEncoder(spec, data, 'init:g2', { checkpoint, owner: 'g2' });
  const critic = createCritic(criticSpec.name, {
    dim1: g1.outputDim,
    dim2: g2.outputDim,
    seed: deriveSeed(spec.seed, 'init:critic'),
    options: criticSpec.options,
  });
  const bound = getBound(c.bound!);
  const objective: Objective =
    c.target === null ? { kind: 'maximize' } : { kind: 'target', target: c.target };
  const stream = new BatchStream(data.train, c.batchSize, deriveSeed(spec.seed, 'data'));
  const started = performance.now();
  try {
    const outcome = await runSweep({
      g1,
      g2,
      critic,
      bound,
      objective,
      stream,
      steps: c.steps,
      evalEvery: c.evalEvery,
      learningRate: c.learningRate,
      noiseSigma: c.noiseSigma,
      noiseSeed: deriveSeed(spec.seed, 'noise'),
      evaluate: async (step, trainBound, trace) => {
        const { accuracy, testInputs } = probe(g1, data, spec, step);
        const noise =
          c.noiseSigma > 0
            ? tf.tensor2d(
                new Rng(deriveSeed(spec.seed, `heldout-noise:${step}`)).normalArray(
                  data.test.n * data.test.dim1,
                  c.noiseSigma,
                ),
                [data.test.n, data.test.dim1],
              )
            : undefined;
        const testBound = heldOutBound({
          g1,
          g2,
          critic,
          bound,
          x1: data.testX1,
          x2: data.testX2,
          batchSize: c.batchSize,
          noise,
        });
        noise?.dispose();
        const evaluation: Evaluation = {
          step,
          trainBound,
          testBound,
          accuracy,
          seconds: (performance.now() - started) / 1000,
        };
        if (c.jacobianSamples > 0) {
          const rows = Math.min(c.jacobianSamples, data.test.n);
          const x =
            testInputs instanceof Float32Array
              ? tf.tensor2d(testInputs.subarray(0, rows * data.test.dim1), [rows, data.test.dim1])
              : (tf.slice(testInputs, [0, 0], [rows, -1]) as tf.Tensor2D);
          evaluation.logCondition = jacobianConditioning(g1, x).logCondition;
          x.dispose();
        }
        record.traces = { trainBound: { start: 0, every: 1, values: [...trace] } };
        commit(evaluation);
      },
      onStep: (step) => report(step + 1),
      shouldStop: ctx.shouldStop,
      checkpoint,
    });
    record.traces = { trainBound: { start: 0, every: 1, values: outcome.trainBound } };
    return outcome;
  } finally {
    stream.dispose();
    g1.dispose();
    g2.dispose();
    critic.dispose();
  }
}

async function executeAdversarial({ spec, record, commit, report, ctx, checkpoint }: RunScope) {
  const c = spec.config;
  const options = c.loopOptions as {
    warmupSteps: number;
    classifierSteps: number;
    classifierLearningRate: number;
    encoderLearningRate: number;
  };
  const data = loadData(spec);
  const encoder = makeEncoder(spec, data, 'init:g1', { checkpoint, owner: 'encoder' });
  const stream = new BatchStream(data.train, c.batchSize, deriveSeed(spec.seed, 'data'));
  const started = performance.now();
  try {
    const outcome = await runAdversarial({
      encoder,
      classes: 10,
      stream,
      warmupSteps: options.warmupSteps,
      iterations: c.steps,
      classifierSteps: options.classifierSteps,
      classifierLearningRate: options.classifierLearningRate,
      encoderLearningRate: options.encoderLearningRate,
      recordEvery: c.evalEvery,
      initSeed: deriveSeed(spec.seed, 'init:classifier'),
      evaluate: async (iteration, losses) => {
        const { accuracy } = probe(encoder, data, spec, iteration);
        commit({
          step: iteration,
          trainBound: null,
          testBound: null,
          accuracy,
          seconds: (performance.now() - started) / 1000,
          ...(losses.classifierLoss === null ? {} : { classifierLoss: losses.classifierLoss }),
          ...(losses.encoderLoss === null ? {} : { encoderLoss: losses.encoderLoss }),
        });
      },
      onStep: (iteration) => report(iteration + 1),
      shouldStop: ctx.shouldStop,
      checkpoint,
    });
    record.traces = {
      classifierLoss: { start: 0, every: 1, values: outcome.classifierLoss },
      encoderLoss: { start: 0, every: 1, values: outcome.encoderLoss },
    };
    return outcome;
  } finally {
    stream.dispose();
    encoder.dispose();
  }
}

async function executeBoundOnly({ spec, record, commit, report, ctx, checkpoint }: RunScope) {
  const c = spec.config;
  const options = c.loopOptions as { covZ: Cov2; covEps: Cov2 };
  const critic = createCritic(c.critic!.name, {
    dim1: 1,
    dim2: 1,
    seed: deriveSeed(spec.seed, 'init:critic'),
    options: c.critic!.options,
  });
  record.constants = { trueMI: gaussianMutualInformation(addCov(options.covZ, options.covEps)) };
  const started = performance.now();
  try {
    const outcome = await runBoundOnly({
      critic,
      bound: getBound(c.bound!),
      objective: c.target === null ? { kind: 'maximize' } : { kind: 'target', target: c.target },
      sampling: c.sampling === 'noniid' ? 'noniid' : 'iid',
      covZ: options.covZ,
      covEps: options.covEps,
      batchSize: c.batchSize,
      steps: c.steps,
      evalEvery: c.evalEvery,
      learningRate: c.learningRate,
      dataSeed: deriveSeed(spec.seed, 'data'),
      evaluate: async (step, trainBound, trace) => {
        record.traces = { estimate: { start: 0, every: 1, values: [...trace] } };
        commit({
          step,
          trainBound,
          testBound: null,
          accuracy: null,
          seconds: (performance.now() - started) / 1000,
        });
      },
      onStep: (step) => report(step + 1),
      shouldStop: ctx.shouldStop,
      checkpoint,
    });
    record.traces = { estimate: { start: 0, every: 1, values: outcome.estimate } };
    return outcome;
  } finally {
    critic.dispose();
  }
}
