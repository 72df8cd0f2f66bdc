import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  conditionPercentiles,
  downsampleTrace,
  EVALUATION_COLUMNS,
  type Frame,
  levelStatistics,
  movingAverage,
  RUN_COLUMNS,
  recordsToFrames,
  selectExperiment,
  summarize,
  TRACE_COLUMNS,
  tableFromRows,
} from '../../src/results/frames.ts';
import type { RunRecord } from '../../src/results/schema.ts';
import { readRecords } from '../../src/results/store.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'records');
const { records } = readRecords(FIXTURES);
const frames = recordsToFrames(records);
type Row = Record<string, string | number | null>;
const rows = (t: Frame) => t.objects() as Row[];

const byId = (id: string) => records.find((r) => r.id === id)!;
const accuracyAt = (r: RunRecord, step: number) =>
  r.evaluations.find((e) => e.step === step)!.accuracy!;

test('frames have the documented columns and one row per record × evaluation', () => {
  assert.deepEqual(frames.evaluations.columnNames(), Object.keys(EVALUATION_COLUMNS));
  assert.deepEqual(frames.runs.columnNames(), Object.keys(RUN_COLUMNS));
  assert.deepEqual(frames.traces.columnNames(), Object.keys(TRACE_COLUMNS));
  const nEval = records.reduce((n, r) => n + r.evaluations.length, 0);
  assert.equal(frames.evaluations.numRows(), nEval);
  assert.equal(frames.runs.numRows(), records.length);
  const nCond = records.reduce(
    (n, r) => n + r.evaluations.reduce((m, e) => m + (e.logCondition?.length ?? 0), 0),
    0,
  );
  assert.equal(frames.conditions.numRows(), nCond);
  const failed = rows(frames.runs).filter(
    (r) => r['status'] === 'failed' && r['experiment'] === 'critic-impact',
  );
  assert.equal(failed.length, 1);
  assert.match(failed[0]['error'] as string, /NaN/);
  assert.equal(failed[0]['nEvaluations'], 4);
});

test('summarize matches a hand computation (mean, sample sd, n ok, n requested)', () => {
  const ci = selectExperiment(frames, 'critic-impact');
  const summary = rows(summarize(ci.evaluations, ci.runs, 'accuracy'));
  const at = (critic: string, bound: string, step: number) =>
    summary.find((r) => r['critic'] === critic && r['bound'] === bound && r['step'] === step)!;

  // Two ok seeds: mean = (a + b) / 2, sd = |a − b| / √2 (n − 1 = 1).
  const a = accuracyAt(byId('critic-impact/mlp.bilinear.infonce/seed-0'), 3000);
  const b = accuracyAt(byId('critic-impact/mlp.bilinear.infonce/seed-1'), 3000);
  const row = at('bilinear', 'infonce', 3000);
  assert.ok(Math.abs((row['mean'] as number) - (a + b) / 2) < 1e-12);
  assert.ok(Math.abs((row['sd'] as number) - Math.abs(a - b) / Math.SQRT2) < 1e-12);
  assert.equal(row['n'], 2);
  assert.equal(row['nRequested'], 2);

  // concat/nwj: seed 1 failed, so only seed 0 counts; sd is undefined for n = 1.
  const only = accuracyAt(byId('critic-impact/mlp.concat.nwj/seed-0'), 5000);
  const partial = at('concat', 'nwj', 5000);
  assert.equal(partial['mean'], only);
  assert.equal(partial['sd'], null);
  assert.equal(partial['n'], 1);
  assert.equal(partial['nRequested'], 2);

  // Three seeds (invertible): sd with n − 1 in the denominator.
  const inv = selectExperiment(frames, 'invertible');
  const xs = [0, 1, 2].map((s) =>
    accuracyAt(byId(`invertible/realnvp.bilinear.infonce/seed-${s}`), 2000),
  );
  const mean = (xs[0] + xs[1] + xs[2]) / 3;
  const sd = Math.sqrt(xs.reduce((acc, x) => acc + (x - mean) ** 2, 0) / 2);
  const r3 = rows(summarize(inv.evaluations, inv.runs, 'accuracy')).find(
    (r) => r['bound'] === 'infonce' && r['step'] === 2000,
  )!;
  assert.ok(Math.abs((r3['mean'] as number) - mean) < 1e-12);
  assert.ok(Math.abs((r3['sd'] as number) - sd) < 1e-12);
  assert.equal(r3['n'], 3);

  // Including failed runs changes n for concat/nwj at step 3000 (the failed run got there).
  const all = rows(summarize(ci.evaluations, ci.runs, 'accuracy', { statuses: ['ok', 'failed'] }));
  assert.equal(
    all.find((r) => r['critic'] === 'concat' && r['bound'] === 'nwj' && r['step'] === 3000)!['n'],
    2,
  );
});

test('conditionPercentiles matches linear-interpolation percentiles pooled over seeds × samples', () => {
  const ni = selectExperiment(frames, 'non-invertible');
  const out = rows(conditionPercentiles(ni.conditions, ni.runs));
  const row = out.find((r) => r['bound'] === 'nwj' && r['step'] === 5000)!;
  const pooled = [0, 1, 2]
    .flatMap(
      (s) =>
        byId(`non-invertible/mlp.bilinear.nwj/seed-${s}`).evaluations.find((e) => e.step === 5000)!
          .logCondition!,
    )
    .sort((x, y) => x - y);
  // Reference (NumPy): np.percentile(pooled, q) with the default linear method.
  const percentile = (q: number) => {
    const pos = (q / 100) * (pooled.length - 1);
    const lo = Math.floor(pos);
    return pooled[lo] + (pos - lo) * ((pooled[lo + 1] ?? pooled[lo]) - pooled[lo]);
  };
  assert.equal(pooled.length, 24);
  assert.equal(row['n'], 24);
  assert.equal(row['seeds'], 3);
  assert.equal(row['min'], pooled[0]);
  assert.equal(row['max'], pooled[23]);
  for (const [name, q] of [
    ['p20', 20],
    ['p40', 40],
    ['p50', 50],
    ['p60', 60],
    ['p80', 80],
  ] as const) {
    assert.ok(Math.abs((row[name] as number) - percentile(q)) < 1e-12, name);
  }
  assert.equal(new Set(out.map((r) => r['bound'])).size, 2);
});

test('downsampleTrace: block means at the block end, or plain decimation', () => {
  const trace = { start: 0, every: 2, values: [1, 2, 3, 4, 5, 6, 7] };
  assert.deepEqual(downsampleTrace(trace, 6, 'mean'), [
    [4, 2],
    [10, 5],
    [12, 7],
  ]);
  assert.deepEqual(downsampleTrace(trace, 6, 'sample'), [
    [0, 1],
    [6, 4],
    [12, 7],
  ]);
  assert.deepEqual(downsampleTrace(trace, 1, 'mean').length, 7);
  const nf = recordsToFrames(records, { traceEvery: 4 });
  const noniid = rows(nf.traces).filter((r) => r['seed'] === 0 && r['bound'] === 'nwj');
  assert.equal(noniid.length, 2 * 500); // iid + noniid, every point kept (spacing 4 = traceEvery)
});

test('movingAverage: centered window per group, shrinking at the ends', () => {
  const t = tableFromRows({ g: 'string', step: 'number', value: 'number' }, [
    { g: 'a', step: 2, value: 6 },
    { g: 'a', step: 0, value: 0 },
    { g: 'a', step: 1, value: 3 },
    { g: 'b', step: 0, value: 10 },
  ]);
  const out = rows(movingAverage(t, 'value', 3, ['g'])).sort(
    (x, y) =>
      String(x['g']).localeCompare(String(y['g'])) || (x['step'] as number) - (y['step'] as number),
  );
  assert.deepEqual(
    out.map((r) => r['smoothed']),
    [1.5, 3, 4.5, 10],
  );
});

test('levelStatistics: the last window of each level per run; unfinished levels are absent', () => {
  const base = {
    schemaVersion: 1,
    experiment: 'staircase',
    preset: 'smoke',
    seed: 0,
    config: {},
    configHash: 'h',
    backend: 'cpu',
    versions: {},
    startedAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    seconds: 1,
  } as const;
  const cell = (bound: string) => ({
    encoder: null,
    critic: 'separable',
    bound,
    target: null,
    sampling: null,
    task: 'gaussian',
  });
  const e = (step: number, mean: number | null, sd: number | null, trueMI: number) => ({
    step,
    trainBound: mean,
    testBound: null,
    accuracy: null,
    seconds: step,
    ...(step === 0 ? {} : { trueMI }),
    ...(sd === null ? {} : { trainSd: sd }),
  });
  const ok: RunRecord = {
    ...base,
    id: 'staircase/separable.infonce.gaussian/seed-0',
    cell: cell('infonce'),
    status: 'ok',
    // levels [2, 4] of 20 steps, evaluations every 10 steps and after the last
    evaluations: [
      e(0, null, null, 2),
      e(10, 1.0, 0.3, 2),
      e(20, 1.5, 0.2, 2),
      e(30, 2.5, 0.4, 4),
      e(40, 3.0, 0.5, 4),
    ],
  };
  const failed: RunRecord = {
    ...base,
    id: 'staircase/separable.nwj.gaussian/seed-0',
    cell: cell('nwj'),
    status: 'failed',
    error: { message: 'nwj estimate became non-finite at step 35', step: 35 },
    evaluations: [
      e(0, null, null, 2),
      e(10, 1.2, 0.5, 2),
      e(20, 1.9, 0.6, 2),
      e(30, 3.1, 0.9, 4),
      e(40, null, null, 4),
    ],
  };
  const f = recordsToFrames([ok, failed]);
  const stats = rows(levelStatistics(f.evaluations, f.runs));
  const pick = (bound: string, mi: number) =>
    stats.find((d) => d.bound === bound && d.trueMI === mi);
  const close = (a: unknown, b: number) =>
    assert.ok(Math.abs((a as number) - b) < 1e-12, `${a} vs ${b}`);
  close(pick('infonce', 2)?.bias, -0.5); // window of steps 10..19: 1.5 − 2
  close(pick('infonce', 2)?.mse, 0.25 + 0.04);
  close(pick('infonce', 4)?.bias, -1.0);
  close(pick('infonce', 4)?.sd, 0.5);
  close(pick('nwj', 2)?.bias, -0.1);
  assert.equal(pick('nwj', 2)?.status, 'failed');
  assert.equal(pick('nwj', 4), undefined, 'the level the failed run did not finish has no row');
  assert.equal(stats.length, 3);
});
