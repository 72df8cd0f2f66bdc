/**
 * Writes small synthetic run records for all eight experiments to `test/fixtures/records/`
 * (a results dir: the records themselves are under `test/fixtures/records/records/`).
 * The numbers are made up but shaped like the paper's curves (accuracy rising or collapsing,
 * bounds saturating, log condition numbers growing, non-iid estimates above the true MI;
 * estimators on the staircase and over the correlation), so the plot and report tests exercise
 * realistic data. Deterministic: rerunning gives the same bytes. Two runs are failed, as a real
 * sweep may have: critic-impact concat/nwj seed 1 and staircase concat/mine/gaussian (its
 * estimate non-finite at step {@link STAIRCASE_FAIL_STEP}).
 *
 * Usage: node --import tsx scripts/make-fixture-records.ts [outDir]
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Cell,
  type Evaluation,
  RECORD_SCHEMA_VERSION,
  type RunRecord,
} from '../src/results/schema.ts';
import { RECORDS_DIR, writeRecord } from '../src/results/store.ts';

/** Seeded uniform [0, 1) generator (mulberry32); nothing here calls Math.random. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal from two uniforms (Box-Muller). */
function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Rounds to `d` decimals so the fixture files stay small. */
const round = (x: number, d = 4) => Number(x.toFixed(d));

/** Rises from `from` to `to` with time constant `tau` steps. */
const saturate = (step: number, from: number, to: number, tau: number) =>
  from + (to - from) * (1 - Math.exp(-step / tau));

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function cellKey(cell: Cell): string {
  const parts = [cell.encoder, cell.critic, cell.bound, cell.sampling].filter((p) => p !== null);
  if (cell.target !== null) parts.push(`t${cell.target}`);
  return parts.join('.');
}

const cell = (c: Partial<Cell>): Cell => ({
  encoder: null,
  critic: null,
  bound: null,
  target: null,
  sampling: null,
  ...c,
});

interface Spec {
  experiment: string;
  cell: Cell;
  seed: number;
  steps: number[];
  evaluate: (step: number, u: () => number) => Omit<Evaluation, 'step' | 'seconds'>;
  traces?: RunRecord['traces'];
  constants?: Record<string, number>;
  failAt?: number;
}

function record(spec: Spec): RunRecord {
  const u = rng(hashString(`${spec.experiment}/${cellKey(spec.cell)}/${spec.seed}`));
  const steps = spec.failAt === undefined ? spec.steps : spec.steps.filter((s) => s < spec.failAt!);
  const secondsPerStep = 0.02 + 0.01 * u();
  const evaluations = steps.map((step) => ({
    step,
    ...spec.evaluate(step, u),
    seconds: round(step * secondsPerStep + 3, 2),
  }));
  const seconds = round((spec.failAt ?? spec.steps.at(-1)!) * secondsPerStep + 4, 2);
  const failed = spec.failAt !== undefined;
  const id = `${spec.experiment}/${cellKey(spec.cell)}/seed-${spec.seed}`;
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id,
    experiment: spec.experiment,
    preset: 'smoke',
    cell: spec.cell,
    seed: spec.seed,
    status: failed ? 'failed' : 'ok',
    ...(failed
      ? { error: { message: `non-finite loss (NaN) at step ${spec.failAt}`, step: spec.failAt } }
      : {}),
    config: {
      steps: spec.steps.at(-1)! + 1,
      evalEvery: spec.steps[1] - spec.steps[0],
      batchSize: 128,
    },
    configHash: `fixture-${spec.experiment}`,
    backend: 'wasm',
    versions: { mimax: '0.1.0', node: '20.20.2', '@tensorflow/tfjs-core': '4.22.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: `2026-01-01T0${1 + (spec.seed % 9)}:00:00.000Z`,
    seconds,
    evaluations,
    ...(spec.traces ? { traces: spec.traces } : {}),
    ...(spec.constants ? { constants: spec.constants } : {}),
  };
}

const range = (n: number, every: number) => Array.from({ length: n }, (_, k) => k * every);
const noisy = (u: () => number, x: number, sd: number, d = 4) => round(x + sd * gaussian(u), d);

function allSpecs(): Spec[] {
  const specs: Spec[] = [];
  const bounds = ['nwj', 'infonce'];

  // invertible (Fig 1a/1b): bound ~ constant-ish near its ceiling, accuracy rises.
  for (const bound of bounds) {
    for (const seed of [0, 1, 2]) {
      specs.push({
        experiment: 'invertible',
        cell: cell({ encoder: 'realnvp', critic: 'bilinear', bound }),
        seed,
        steps: range(6, 1000),
        evaluate: (step, u) => ({
          trainBound: noisy(u, saturate(step, 1, bound === 'infonce' ? 4.6 : 5.5, 800), 0.05),
          testBound: noisy(u, saturate(step, 1, bound === 'infonce' ? 4.5 : 5.2, 800), 0.05),
          accuracy: noisy(u, saturate(step, 0.84, bound === 'infonce' ? 0.93 : 0.9, 1500), 0.004),
        }),
      });
    }
  }

  // adversarial (Fig 1c): accuracy collapses; classifier and encoder losses.
  for (const seed of [0, 1, 2]) {
    specs.push({
      experiment: 'adversarial',
      cell: cell({ encoder: 'realnvp' }),
      seed,
      steps: range(6, 400),
      evaluate: (step, u) => ({
        trainBound: null,
        testBound: null,
        accuracy: noisy(u, saturate(step, 0.84, 0.2, 600), 0.01),
        classifierLoss: noisy(u, saturate(step, 0.5, 2.2, 600), 0.02),
        encoderLoss: noisy(u, saturate(step, -0.5, -2.2, 600), 0.02),
      }),
    });
  }

  // non-invertible (Fig 2): accuracy and bound rise, Jacobian condition numbers grow.
  for (const bound of bounds) {
    for (const seed of [0, 1, 2]) {
      specs.push({
        experiment: 'non-invertible',
        cell: cell({ encoder: 'mlp', critic: 'bilinear', bound }),
        seed,
        steps: range(6, 1000),
        evaluate: (step, u) => ({
          trainBound: noisy(u, saturate(step, 0.5, 4, 1000), 0.05),
          testBound: noisy(u, saturate(step, 0.5, 3.8, 1000), 0.05),
          accuracy: noisy(u, saturate(step, 0.83, 0.88, 1500), 0.004),
          logCondition: Array.from({ length: 8 }, () =>
            round(saturate(step, 0.5, bound === 'nwj' ? 6 : 4, 2000) + 0.4 * gaussian(u) ** 2, 3),
          ),
        }),
      });
    }
  }

  // critic-impact (Fig 3): simpler critics, looser bounds, better accuracy. One failed run.
  const criticShape: Record<string, { bound: number; accuracy: number }> = {
    bilinear: { bound: 3.4, accuracy: 0.94 },
    separable: { bound: 4.1, accuracy: 0.9 },
    concat: { bound: 4.6, accuracy: 0.85 },
  };
  for (const critic of Object.keys(criticShape)) {
    for (const bound of bounds) {
      for (const seed of [0, 1]) {
        const shape = criticShape[critic];
        specs.push({
          experiment: 'critic-impact',
          cell: cell({ encoder: 'mlp', critic, bound }),
          seed,
          steps: range(6, 1000),
          failAt: critic === 'concat' && bound === 'nwj' && seed === 1 ? 3500 : undefined,
          evaluate: (step, u) => ({
            trainBound: noisy(u, saturate(step, 0.2, shape.bound + 0.1, 1200), 0.05),
            testBound: noisy(u, saturate(step, 0.2, shape.bound, 1200), 0.05),
            accuracy: noisy(u, saturate(step, 0.8, shape.accuracy, 1500), 0.004),
          }),
        });
      }
    }
  }

  // encoder-impact (Fig 4a/4b): same bound (≈ target), different accuracy.
  for (const encoder of ['mlp', 'convnet']) {
    for (const bound of bounds) {
      for (const target of [2, 4]) {
        for (const seed of [0, 1]) {
          const accuracy = encoder === 'convnet' ? 0.97 - 0.01 * target : 0.92 - 0.02 * target;
          specs.push({
            experiment: 'encoder-impact',
            cell: cell({ encoder, critic: 'bilinear', bound, target }),
            seed,
            steps: range(6, 1000),
            evaluate: (step, u) => ({
              trainBound: noisy(u, saturate(step, 0.2, target, 600), 0.03),
              testBound: noisy(u, saturate(step, 0.2, target - 0.05, 600), 0.05),
              accuracy: noisy(u, saturate(step, 0.8, accuracy, 1200), 0.004),
            }),
          });
        }
      }
    }
  }

  // noniid (Fig 4c): per-step estimates; non-iid ones exceed the true MI.
  const trueMI = -0.5 * Math.log(1 - 0.04); // = 0.0204 nats
  for (const bound of bounds) {
    for (const sampling of ['iid', 'noniid']) {
      for (const seed of [0, 1]) {
        const u = rng(hashString(`noniid-trace/${bound}/${sampling}/${seed}`));
        const level = sampling === 'noniid' ? 0.12 : trueMI;
        const values = range(500, 4).map((step) =>
          round(saturate(step, 0, level, 300) + (bound === 'nwj' ? 0.05 : 0.03) * gaussian(u)),
        );
        specs.push({
          experiment: 'noniid',
          cell: cell({ critic: 'concat', bound, sampling }),
          seed,
          steps: range(5, 500),
          evaluate: (step, v) => ({
            trainBound: noisy(v, saturate(step, 0, level, 300), 0.01),
            testBound: noisy(v, saturate(step, 0, level, 300), 0.01),
            accuracy: null,
          }),
          traces: { estimate: { start: 0, every: 4, values } },
          constants: { trueMI: round(trueMI, 6) },
        });
      }
    }
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Estimator experiments (staircase, correlation): records shaped like the estimator loop's
// (`src/run/execute-estimators.ts`): the full resolved config, `cell.task`, evaluations with
// `trueMI` and `trainSd`, the staircase's per-step traces and its `logK` constant.

/** The staircase fixture: 2 levels of 200 steps, an evaluation every 100 steps, K = 64. */
const STAIRCASE_LEVELS = [2, 4];
const STAIRCASE_STEPS_PER_LEVEL = 200;
const STAIRCASE_EVAL_EVERY = 100;
const STAIRCASE_BATCH = 64;
/** The step whose estimate is non-finite in the failed staircase run (concat/mine/gaussian). */
export const STAIRCASE_FAIL_STEP = 312;

/** pandas' `ewm(span).mean()` (adjust=True), as the loop's `estimateEma`; null ends it. */
function emaSpan(values: readonly (number | null)[], span: number): (number | null)[] {
  const decay = 1 - 2 / (span + 1);
  let weighted = 0;
  let weights = 0;
  return values.map((v) => {
    if (v === null) return null;
    weighted = decay * weighted + v;
    weights = decay * weights + 1;
    return weighted / weights;
  });
}

/** Mean and sample sd (n − 1) of a window; null where undefined or non-finite (JSON). */
function windowStats(values: readonly (number | null)[]): {
  mean: number | null;
  sd: number | null;
} {
  if (values.length === 0 || values.some((v) => v === null)) return { mean: null, sd: null };
  const xs = values as number[];
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, sd: null };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

/** The config fields of an estimator-loop record, in the runner's order. */
function estimatorConfig(c: {
  loop: string;
  steps: number;
  evalEvery: number;
  batchSize: number;
  learningRate: number;
  critic: { name: string; options: Record<string, unknown> };
  bound: string;
  loopOptions: Record<string, unknown>;
  estimator: { name: string; options: Record<string, unknown> };
  task: { name: string; options: Record<string, unknown> };
}): Record<string, unknown> {
  return {
    loop: c.loop,
    dataset: 'mnist',
    dataDir: null,
    trainLimit: null,
    testLimit: null,
    steps: c.steps,
    evalEvery: c.evalEvery,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    noiseSigma: 0,
    probe: {},
    jacobianSamples: 0,
    encoder: null,
    critic: c.critic,
    bound: c.bound,
    target: null,
    sampling: null,
    loopOptions: c.loopOptions,
    estimator: c.estimator,
    task: c.task,
  };
}

/** Estimator variant id → the registry estimator and options its config resolves to. */
const ESTIMATOR_CONFIG: Record<string, { name: string; options: Record<string, unknown> }> = {
  infonce: { name: 'infonce', options: {} },
  mine: { name: 'mine', options: { rate: 0.01 } },
  'smile-5': { name: 'smile', options: { tau: 5 } },
};

/** The common frame of an estimator record (everything but config, evaluations and extras). */
function estimatorRecord(options: {
  experiment: string;
  critic: string;
  bound: string;
  task: string;
  seed: number;
  config: Record<string, unknown>;
  evaluations: Evaluation[];
  seconds: number;
  error?: { message: string; step: number };
  traces?: RunRecord['traces'];
  constants?: Record<string, number>;
}): RunRecord {
  const { experiment, critic, bound, task, seed } = options;
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id: `${experiment}/${critic}.${bound}.${task}/seed-${seed}`,
    experiment,
    preset: 'smoke',
    cell: { encoder: null, critic, bound, target: null, sampling: null, task },
    seed,
    status: options.error ? 'failed' : 'ok',
    ...(options.error ? { error: options.error } : {}),
    config: options.config,
    configHash: `fixture-${experiment}`,
    backend: 'wasm',
    versions: { mimax: '0.1.0', node: '20.20.2', '@tensorflow/tfjs-core': '4.22.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: `2026-01-01T0${1 + (seed % 9)}:00:00.000Z`,
    seconds: options.seconds,
    evaluations: options.evaluations,
    ...(options.constants ? { constants: options.constants } : {}),
    ...(options.traces ? { traces: options.traces } : {}),
  };
}

/** Mean estimate at true MI `mi` (nats): InfoNCE saturates below log K, MINE is nearly unbiased, SMILE biased low. */
function staircaseMean(bound: string, mi: number, logK: number): number {
  if (bound === 'infonce') return -Math.log(Math.exp(-mi) + Math.exp(-logK)); // soft-min(mi, log K)
  if (bound === 'mine') return mi - 0.1;
  return mi - 0.125 * mi; // smile-5
}

/** Per-step sd of the estimate: MINE's grows with the MI, InfoNCE's stays small. */
function staircaseSd(bound: string, mi: number): number {
  if (bound === 'infonce') return 0.08;
  if (bound === 'mine') return 0.25 * mi;
  return 0.2;
}

/**
 * Staircase records: 2 critics × 3 estimators × 2 tasks × 1 seed. Each step's estimate
 * approaches the level's mean (time constant 25 steps) with Gaussian noise; the cubic task is
 * harder (lower, noisier), the separable critic slightly weaker. concat/mine/gaussian fails.
 */
function staircaseRecords(): RunRecord[] {
  const logK = Math.log(STAIRCASE_BATCH);
  const steps = STAIRCASE_LEVELS.length * STAIRCASE_STEPS_PER_LEVEL;
  const levelOf = (step: number) => STAIRCASE_LEVELS[Math.floor(step / STAIRCASE_STEPS_PER_LEVEL)];
  const out: RunRecord[] = [];
  for (const critic of ['separable', 'concat']) {
    for (const bound of ['infonce', 'mine', 'smile-5']) {
      for (const task of ['gaussian', 'cubic']) {
        const seed = 0;
        const u = rng(hashString(`staircase/${critic}.${bound}.${task}/${seed}`));
        const scale = (task === 'cubic' ? 0.9 : 1) * (critic === 'separable' ? 0.97 : 1);
        const noise = task === 'cubic' ? 1.2 : 1;
        const failAt =
          critic === 'concat' && bound === 'mine' && task === 'gaussian'
            ? STAIRCASE_FAIL_STEP
            : undefined;
        const trace: (number | null)[] = [];
        let previous = 0;
        for (let step = 0; step < steps; step++) {
          const mi = levelOf(step);
          if (step > 0 && mi !== levelOf(step - 1))
            previous = scale * staircaseMean(bound, levelOf(step - 1), logK);
          const since = step % STAIRCASE_STEPS_PER_LEVEL;
          const mean = scale * staircaseMean(bound, mi, logK);
          const value = previous + (mean - previous) * (1 - Math.exp(-since / 25));
          trace.push(round(value + noise * staircaseSd(bound, mi) * gaussian(u)));
          if (step === failAt) {
            trace[step] = null; // the non-finite estimate, stored as null (JSON)
            break;
          }
        }
        const secondsPerStep = 0.004 + 0.002 * u();
        const evaluations: Evaluation[] = [];
        for (let step = 0; step <= steps; step += STAIRCASE_EVAL_EVERY) {
          const window = trace.slice(Math.max(0, step - STAIRCASE_EVAL_EVERY), step);
          const { mean, sd } = windowStats(window);
          const truth = window.length
            ? window.reduce<number>((a, _, k) => a + levelOf(step - window.length + k), 0) /
              window.length
            : null;
          evaluations.push({
            step,
            trainBound: mean === null ? null : round(mean),
            testBound: null,
            accuracy: null,
            seconds: round(Math.min(step, failAt ?? step) * secondsPerStep + 0.5, 2),
            ...(truth === null ? {} : { trueMI: truth }),
            ...(sd === null ? {} : { trainSd: round(sd) }),
          });
          if (failAt !== undefined && step > failAt) break; // the failing window's evaluation ends the run
        }
        const every = { start: 0, every: 1, downsample: { every: 25, reduce: 'sample' as const } };
        out.push(
          estimatorRecord({
            experiment: 'staircase',
            critic,
            bound,
            task,
            seed,
            config: estimatorConfig({
              loop: 'staircase',
              steps,
              evalEvery: STAIRCASE_EVAL_EVERY,
              batchSize: STAIRCASE_BATCH,
              learningRate: 0.0005,
              critic:
                critic === 'separable'
                  ? { name: 'separable', options: { hidden: [256, 256], outputDim: 32 } }
                  : { name: 'concat', options: { hidden: [256, 256] } },
              bound,
              loopOptions: { levels: STAIRCASE_LEVELS },
              estimator: ESTIMATOR_CONFIG[bound],
              task: { name: task, options: { dim: 20 } },
            }),
            evaluations,
            seconds: round((failAt ?? steps) * secondsPerStep + 0.6, 2),
            ...(failAt === undefined
              ? {}
              : {
                  error: {
                    message: `${bound} estimate became non-finite at step ${failAt}`,
                    step: failAt,
                  },
                }),
            constants: { logK: round(logK) },
            traces: {
              estimate: { ...every, values: trace as number[] },
              estimateEma: {
                ...every,
                values: emaSpan(trace, 200).map((v) => (v === null ? null : round(v))) as number[],
              },
            },
          }),
        );
      }
    }
  }
  return out;
}

/**
 * Correlation records: 3 estimators × ρ ∈ {−0.5, 0, 0.5, 0.9} × d ∈ {1, 10} × 1 seed, 200
 * steps, evaluated every 100. The held-out estimate approaches InfoNCE's soft-min(I, log K),
 * MINE's I (overshooting on the training split), SMILE's 0.9·I.
 */
function correlationRecords(): RunRecord[] {
  const batchSize = 128;
  const logK = Math.log(batchSize);
  const out: RunRecord[] = [];
  for (const bound of ['infonce', 'mine', 'smile-5']) {
    for (const dim of [1, 10]) {
      for (const rho of [-0.5, 0, 0.5, 0.9]) {
        const seed = 0;
        const task = `gaussian-d${dim}-rho${rho}`;
        const u = rng(hashString(`correlation/concat.${bound}.${task}/${seed}`));
        const trueMI = -(dim / 2) * Math.log(1 - rho * rho);
        const final =
          bound === 'infonce'
            ? -Math.log(Math.exp(-trueMI) + Math.exp(-logK))
            : bound === 'mine'
              ? trueMI
              : 0.9 * trueMI;
        const secondsPerStep = 0.01 + 0.005 * u();
        const evaluations: Evaluation[] = range(3, 100).map((step) => {
          const level = final * (1 - Math.exp(-step / 60));
          const sd = 0.05 + 0.1 * level;
          return {
            step,
            trainBound: step === 0 ? null : noisy(u, level * (bound === 'mine' ? 1.1 : 1), 0.02),
            testBound: noisy(u, level, 0.02 + 0.02 * level),
            accuracy: null,
            seconds: round(step * secondsPerStep + 0.3, 2),
            trueMI,
            ...(step === 0 ? {} : { trainSd: round(sd) }),
          };
        });
        out.push(
          estimatorRecord({
            experiment: 'correlation',
            critic: 'concat',
            bound,
            task,
            seed,
            config: estimatorConfig({
              loop: 'correlation',
              steps: 200,
              evalEvery: 100,
              batchSize,
              learningRate: 0.0001,
              critic: { name: 'concat', options: { hidden: [100, 100] } },
              bound,
              loopOptions: { samples: 20_000, testFraction: 0.2 },
              estimator: ESTIMATOR_CONFIG[bound],
              task: { name: 'gaussian', options: { dim, rho } },
            }),
            evaluations,
            seconds: round(200 * secondsPerStep + 0.4, 2),
          }),
        );
      }
    }
  }
  return out;
}

/** Run whose fit diverges in the bmi-benchmark fixtures: InfoNCE on the Student-t task, seed 1. */
export const BMI_FAILED_RUN = 'bmi-benchmark/infonce.student-identity-1-1-1/seed-1';

/**
 * bmi-benchmark records: 2 tasks × {KSG k = 10, Gaussian, InfoNCE} × 2 seeds. Baselines have
 * one evaluation (step 0); InfoNCE a held-out curve every 100 of 200 steps. Estimates: KSG
 * 0.95·I, the Gaussian I on the normal task but 0.3·I on Student-t, InfoNCE 0.9·I; one
 * InfoNCE run on Student-t fails (diverged), so that cell averages 1 of 2 runs.
 */
function bmiBenchmarkRecords(): RunRecord[] {
  const tasks: [string, number, { name: string; options: Record<string, unknown> }][] = [
    ['1v1-normal-0.75', 0.4133, { name: 'gaussian', options: { dim: 1, rho: 0.75 } }],
    [
      'student-identity-1-1-1',
      0.2242,
      { name: 'student-t', options: { dimX: 1, dimY: 1, dof: 1 } },
    ],
  ];
  const estimators: Record<string, { name: string; options: Record<string, unknown> }> = {
    'ksg-10': { name: 'ksg', options: { k: 10 } },
    gaussian: { name: 'gaussian', options: {} },
    infonce: { name: 'infonce', options: {} },
  };
  const out: RunRecord[] = [];
  for (const [bound, estimator] of Object.entries(estimators)) {
    for (const [task, trueMI, taskSpec] of tasks) {
      for (const seed of [0, 1]) {
        const u = rng(hashString(`bmi-benchmark/${bound}.${task}/${seed}`));
        const factor =
          bound === 'ksg-10'
            ? 0.95
            : bound === 'infonce'
              ? 0.9
              : task === '1v1-normal-0.75'
                ? 1
                : 0.3;
        const neural = bound === 'infonce';
        const failed = `bmi-benchmark/${bound}.${task}/seed-${seed}` === BMI_FAILED_RUN;
        const steps = neural ? (failed ? [0, 100] : [0, 100, 200]) : [0];
        const evaluations: Evaluation[] = steps.map((step, k) => ({
          step,
          trainBound: neural && step > 0 ? noisy(u, factor * trueMI, 0.01) : null,
          testBound:
            failed && k === steps.length - 1
              ? null
              : noisy(u, factor * trueMI * (neural ? (k + 1) / steps.length : 1), 0.01),
          accuracy: null,
          seconds: round(neural ? 0.5 + 0.1 * step : 0.05 + 0.01 * u(), 2),
          trueMI,
        }));
        const record = estimatorRecord({
          experiment: 'bmi-benchmark',
          critic: 'separable',
          bound,
          task,
          seed,
          config: {
            ...estimatorConfig({
              loop: 'benchmark',
              steps: 200,
              evalEvery: 100,
              batchSize: 128,
              learningRate: 0.0005,
              critic: { name: 'separable', options: {} },
              bound,
              loopOptions: {
                samples: 5_000,
                testFraction: 0.5,
                critic: 'separable',
                criticOptions: null,
              },
              estimator,
              task: taskSpec,
            }),
            critic: null,
          },
          evaluations,
          seconds: evaluations.at(-1)!.seconds + 0.1,
          ...(failed
            ? { error: { message: 'infonce estimate became non-finite at step 150', step: 150 } }
            : {}),
        });
        record.id = `bmi-benchmark/${bound}.${task}/seed-${seed}`;
        record.cell = { ...record.cell, critic: null };
        out.push(record);
      }
    }
  }
  return out;
}

/** Writes every generated fixture record under `outDir/records`. Returns the ids. */
export function makeFixtureRecords(outDir: string): string[] {
  const records = [
    ...allSpecs().map(record),
    ...staircaseRecords(),
    ...correlationRecords(),
    ...bmiBenchmarkRecords(),
  ];
  // Replace the folders of the experiments generated here; `gan-modes` and `ais-mi` hold real
  // smoke-run records (`mimax run <id> --preset smoke`, copied in), which this script keeps.
  for (const experiment of new Set(records.map((r) => r.experiment))) {
    rmSync(join(outDir, RECORDS_DIR, experiment), { recursive: true, force: true });
  }
  return records.map((r) => {
    writeRecord(outDir, r);
    return r.id;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? join('test', 'fixtures', 'records');
  const ids = makeFixtureRecords(out);
  console.log(`wrote ${ids.length} records to ${join(out, RECORDS_DIR)}`);
}
