import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  conditionPercentiles,
  downsampleTrace,
  EVALUATION_COLUMNS,
  type Frame,
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
  const failed = rows(frames.runs).filter((r) => r['status'] === 'failed');
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
