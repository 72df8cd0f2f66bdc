/**
 * `bmi-benchmark` behind the shared runner: the smoke preset runs end to end (records, frames,
 * both figures, resume), each run's estimate is the estimator on the held-out split of the
 * task's seeded sample (checked for the Gaussian baseline by recomputing it from the task),
 * a diverging estimator is a failed run shown as a failed cell, the table maths (mean, best,
 * ln ratio clipping, within 10 %) and bad grid entries give clear errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bmiBenchmark } from '../../experiments/bmi-benchmark.ts';
import { EXPERIMENTS } from '../../experiments/index.ts';
import { splitAndStandardize } from '../../src/estimate/sample.ts';
import { gaussianMutualInformation } from '../../src/estimators/gaussian-baseline.ts';
import { bmiHeatmap, bmiWithin } from '../../src/plots/benchmark-figures.ts';
import { deriveSeed, Rng } from '../../src/random.ts';
import { benchmarkCells, isWithin, logRatio, withinSummary } from '../../src/results/benchmark.ts';
import {
  EVALUATION_COLUMNS,
  type Frames,
  RUN_COLUMNS,
  tableFromRows,
} from '../../src/results/frames.ts';
import { framesFromRecords, type Manifest } from '../../src/results/io.ts';
import { readRecords } from '../../src/results/store.ts';
import { type RunConfig, resolveConfig } from '../../src/run/grid.ts';
import { validateGrid } from '../../src/run/validate.ts';
import { createTask } from '../../src/tasks/index.ts';
import type { Options } from '../../src/types.ts';
import { UserError } from '../../src/types.ts';
import { mimax } from '../cli/helpers.ts';
import { tempDir } from '../helpers.ts';

type Row = Record<string, unknown>;

describe('bmi-benchmark', () => {
  it('runs the smoke preset end to end: records, truth, the held-out estimate, figures, resume', () => {
    const out = tempDir('mimax-bmi-');
    const result = mimax(['run', 'bmi-benchmark', '--preset', 'smoke', '--out', out]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const records = readRecords(out).records;
    // smoke: 4 estimators (ksg-10, gaussian, infonce, minde-j) × 2 tasks × 1 seed
    assert.equal(records.length, 8);
    for (const r of records) {
      assert.equal(r.status, 'ok', r.id);
      const spec = (r.config as unknown as RunConfig).task!;
      const truth = createTask(spec.name, spec.options).mutualInformation;
      for (const e of r.evaluations) assert.equal(e.trueMI, truth);
      assert.ok(Number.isFinite(r.evaluations.at(-1)!.testBound), r.id);
      assert.ok(Number.isFinite(r.constants!['fitSeconds']));
    }
    // The neural run keeps its held-out curve: step 0, 10, 20 (steps 20, evalEvery 10).
    const nce = records.find((r) => r.cell.bound === 'infonce')!;
    assert.deepEqual(
      nce.evaluations.map((e) => e.step),
      [0, 10, 20],
    );
    assert.equal(nce.constants!['ceiling'], Math.log(32)); // smoke batch K = 32
    // The Gaussian baseline on the held-out split of the task's own seeded sample, recomputed.
    for (const r of records.filter((x) => x.cell.bound === 'gaussian')) {
      const spec = (r.config as unknown as RunConfig).task!;
      const task = createTask(spec.name, spec.options);
      const n = (r.config.loopOptions as { samples: number }).samples;
      const pairs = task.sample(new Rng(deriveSeed(r.seed, 'data')), n);
      const matrix = (v: Float32Array, d: number) => ({
        n,
        d,
        names: Array.from({ length: d }, (_, j) => `c${j}`),
        values: Float64Array.from(v),
      });
      const { test } = splitAndStandardize(
        matrix(pairs.x, task.dimX),
        matrix(pairs.y, task.dimY),
        0.5,
        deriveSeed(r.seed, 'split'),
      );
      assert.equal(test.n, n / 2);
      const expected = gaussianMutualInformation(test.x, test.y, test.n, test.dx, test.dy);
      assert.ok(Math.abs(r.evaluations.at(-1)!.testBound! - expected) < 1e-12, r.id);
    }
    assert.match(result.stdout, /bmi-benchmark-heatmap\.|figures: \d+ files/);
    // Resume: a second call finds every run done.
    const again = mimax(['run', 'bmi-benchmark', '--preset', 'smoke', '--out', out, '--no-plots']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /0 ok, 0 failed, 8 skipped/);
  });

  it('a diverging estimator is a failed run, shown as a failed cell in the heatmap', () => {
    const out = tempDir('mimax-bmi-overflow-');
    const result = mimax([
      'run',
      './test/fixtures/experiments/overflow-benchmark.ts',
      '--preset',
      'smoke',
      '--out',
      out,
      '--no-plots',
    ]);
    assert.equal(result.status, 1, result.stderr + result.stdout); // a failed run: exit 1
    const records = readRecords(out).records;
    const failed = records.find((r) => r.cell.bound === 'overflow-bmi')!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!.message, /non-finite|not finite/);
    const set = framesFromRecords(out).get('overflow-benchmark')!;
    const spec = bmiHeatmap.build(set.frames, set.manifest) as {
      data: { values: Row[] };
      title: { subtitle: string[] };
    };
    const cell = spec.data.values.find((r) => r['estimator'] === 'overflow-bmi')!;
    assert.equal(cell['status'], 'failed');
    assert.equal(cell['text'], 'failed');
    assert.ok(spec.title.subtitle.some((line) => /failed runs: overflow-bmi on/.test(line)));
    assert.ok(spec.title.subtitle.some((line) => /2 runs: 1 ok, 1 failed/.test(line)));
  });
});

/** Frames of hand-made runs: (task, estimator, seed, status, curve of held-out estimates). */
function framesOf(
  runs: [string, string, number, string, number[]][],
  truth: Record<string, number>,
): Frames {
  const runRows = runs.map(([task, bound, seed, status]) => ({
    experiment: 'bmi-benchmark',
    task,
    bound,
    seed,
    status,
    error: status === 'failed' ? 'diverged' : null,
  }));
  const evalRows = runs.flatMap(([task, bound, seed, , curve]) =>
    curve.map((v, k) => ({
      experiment: 'bmi-benchmark',
      task,
      bound,
      seed,
      step: k * 100,
      testBound: v,
      trueMI: truth[task],
      seconds: 1 + k,
    })),
  );
  return {
    evaluations: tableFromRows(EVALUATION_COLUMNS, evalRows),
    runs: tableFromRows(RUN_COLUMNS, runRows),
    conditions: tableFromRows({}, []),
    points: tableFromRows({}, []),
    traces: tableFromRows({}, []),
  };
}

describe('bmi-benchmark table', () => {
  const truth = { a: 1, b: 2 };
  const frames = framesOf(
    [
      ['a', 'ksg-10', 0, 'ok', [0.9]],
      ['a', 'ksg-10', 1, 'ok', [1.1]],
      ['a', 'nwj', 0, 'ok', [0.2, 1.4, 1.2]], // final 1.2, best 1.4
      ['a', 'nwj', 1, 'failed', [0.3]],
      ['b', 'ksg-10', 0, 'ok', [0.5]],
      ['b', 'nwj', 0, 'failed', []],
      ['b', 'dv', 0, 'running', []], // not finished: no truth of its own, no result yet
    ],
    truth,
  );

  it('cells: mean and sd of final estimates, best over the curve, failed counts', () => {
    const cells = benchmarkCells(frames);
    const get = (task: string, est: string) =>
      cells.find((c) => c.task === task && c.estimator === est)!;
    const ksg = get('a', 'ksg-10');
    assert.deepEqual(ksg.estimates, [0.9, 1.1]);
    assert.ok(Math.abs(ksg.mean! - 1) < 1e-12);
    assert.ok(Math.abs(ksg.sd! - Math.SQRT2 * 0.1) < 1e-12); // sd(0.9, 1.1), n − 1
    const nwj = get('a', 'nwj');
    assert.deepEqual([nwj.estimates, nwj.best, nwj.ok, nwj.failed], [[1.2], [1.4], 1, 1]);
    assert.equal(nwj.seconds, 3); // the final evaluation's seconds
    const failed = get('b', 'nwj');
    assert.deepEqual([failed.mean, failed.failed, failed.truth], [null, 1, 2]); // the task's truth
    assert.deepEqual(failed.errors, ['diverged']);
    const running = get('b', 'dv');
    assert.deepEqual([running.unfinished, running.mean, running.truth], [1, null, 2]); // the task's truth
  });

  it('ln(estimate / truth) clipped to [−1, 1]; ≤ 0 estimates count as −1; within 10 %', () => {
    assert.equal(logRatio(3, 1), 1);
    assert.equal(logRatio(0.1, 1), -1);
    assert.equal(logRatio(-0.2, 1), -1);
    assert.equal(logRatio(0, 1), -1);
    assert.ok(Math.abs(logRatio(0.9, 1) - Math.log(0.9)) < 1e-15);
    assert.ok(isWithin(1.1, 1) && isWithin(0.9, 1) && !isWithin(1.11, 1) && !isWithin(0.89, 1));
    const summary = withinSummary(benchmarkCells(frames));
    assert.deepEqual(
      summary.map((s) => [s.estimator, s.within, s.tasks, s.failedTasks]),
      [
        ['ksg-10', 1, 2, 0], // a: mean 1.0 within; b: 0.5 vs 2 not
        ['nwj', 0, 2, 1], // a: 1.2 vs 1 not within; b: every run failed
      ],
    );
  });

  it('figures: rows per task with the truth, failed cells grey, the within count', () => {
    const meta = { preset: 'fast', seeds: [0, 1], backend: 'wasm' } as unknown as Manifest;
    const heat = bmiHeatmap.build(frames, meta) as { data: { values: Row[] } };
    const rows = heat.data.values;
    assert.equal(rows.length, 5);
    const bDv = rows.find((r) => r['task'] === 'b' && r['estimator'] === 'dv')!;
    assert.deepEqual([bDv['status'], bDv['text']], ['running', 'running']); // not "failed"
    const bNwj = rows.find((r) => r['task'] === 'b' && r['estimator'] === 'nwj')!;
    assert.equal(bNwj['status'], 'failed');
    const aNwj = rows.find((r) => r['task'] === 'a' && r['estimator'] === 'nwj')!;
    assert.equal(aNwj['text'], '1.20*'); // one of its two runs failed
    assert.ok(Math.abs((aNwj['ratio'] as number) - Math.log(1.2)) < 1e-12);
    assert.equal(
      rows.find((r) => r['task'] === 'a' && r['estimator'] === 'ksg-10')!['taskLabel'],
      'a (1.00)',
    );
    const within = bmiWithin.build(frames, meta) as { data: { values: Row[] } };
    assert.deepEqual(
      within.data.values.map((r) => r['text']),
      ['1 / 2', '0 / 2 (1 failed)'],
    );
  });
});

describe('bmi-benchmark grid errors', () => {
  const check = (override: Options, pattern: RegExp) => {
    assert.throws(
      () => validateGrid(bmiBenchmark, resolveConfig(bmiBenchmark, 'smoke', [override])),
      (e: unknown) => e instanceof UserError && pattern.test(e.message),
    );
  };

  it('unknown estimators list every valid one (baselines too); bad options name the field', () => {
    check({ estimators: { bogus: {} } }, /unknown estimator 'bogus'.*ksg.*gaussian/);
    check({ estimators: { 'ksg-3': { estimator: 'ksg', k: 0 } } }, /option 'k'/);
    check({ loop: { critic: 'nope' } }, /nope/);
    check({ loop: { testFraction: 1.5 } }, /testFraction/);
    check({ loop: { samples: 40 } }, /samples/);
    // MINDE's default batch (128) does not fit the smoke preset's 100-row splits.
    check({ estimators: { 'minde-c': {} } }, /estimators\.minde-c: needs at least 128 rows/);
  });

  it('is registered, with both figures', () => {
    assert.equal(EXPERIMENTS['bmi-benchmark'], bmiBenchmark);
    assert.deepEqual(bmiBenchmark.figures, ['heatmap', 'within']);
  });
});
