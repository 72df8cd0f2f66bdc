/**
 * Writes small synthetic run records for all six experiments to `test/fixtures/records/`
 * (a results dir: the records themselves are under `test/fixtures/records/records/`).
 * The numbers are made up but shaped like the paper's curves (accuracy rising or collapsing,
 * bounds saturating, log condition numbers growing, non-iid estimates above the true MI), so
 * the plot and report tests exercise realistic data. Deterministic: rerunning gives the same
 * bytes. One run (critic-impact concat/nwj, seed 1) is failed, as a real sweep may have.
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

/** Writes every fixture record under `outDir` (replacing `outDir/records`). Returns the ids. */
export function makeFixtureRecords(outDir: string): string[] {
  rmSync(join(outDir, RECORDS_DIR), { recursive: true, force: true });
  return allSpecs().map((spec) => {
    const r = record(spec);
    writeRecord(outDir, r);
    return r.id;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? join('test', 'fixtures', 'records');
  const ids = makeFixtureRecords(out);
  console.log(`wrote ${ids.length} records to ${join(out, RECORDS_DIR)}`);
}
