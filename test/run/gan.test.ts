/**
 * `gan-modes` behind the shared runner: the smoke preset runs end to end (records, metric
 * traces recomputed from the kept samples, the points frame, both figures, resume), a
 * diverging MI estimate is a failed run counted in both figures' captions, the findings-table
 * maths on hand-made frames, and bad grid entries give errors naming the field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ganModes } from '../../experiments/gan-modes.ts';
import { modeDataset } from '../../src/data/mode-datasets.ts';
import { ganMetrics, ganSamples } from '../../src/plots/gan-figures.ts';
import {
  EVALUATION_COLUMNS,
  type Frames,
  POINT_COLUMNS,
  RUN_COLUMNS,
  TRACE_COLUMNS,
  tableFromRows,
} from '../../src/results/frames.ts';
import { formatMeanSe, ganCells, meanSe } from '../../src/results/gan.ts';
import { framesFromRecords } from '../../src/results/io.ts';
import { modeMetrics } from '../../src/results/modes.ts';
import { readRecords } from '../../src/results/store.ts';
import { resolveConfig } from '../../src/run/grid.ts';
import { validateGrid } from '../../src/run/validate.ts';
import { type Options, UserError } from '../../src/types.ts';
import { mimax } from '../cli/helpers.ts';
import { tempDir } from '../helpers.ts';

type Row = Record<string, unknown>;

describe('gan-modes', () => {
  it('runs the smoke preset end to end: records, metrics of the kept samples, frames, figures, resume', () => {
    const out = tempDir('mimax-gan-');
    const result = mimax(['run', 'gan-modes', '--preset', 'smoke', '--out', out]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const records = readRecords(out).records;
    // smoke: gan, mine, infonce on grid and spiral, mine-conditional on the grid only
    assert.equal(records.length, 7);
    for (const r of records) {
      assert.equal(r.status, 'ok', r.id);
      assert.deepEqual(
        r.evaluations.map((e) => e.step),
        [0, 10, 20],
      );
      const traces = r.traces!;
      for (const series of ['modes', 'highQuality', 'reverseKl', 'highQualitySamples']) {
        assert.equal(traces[series].values.length, 3, `${r.id} ${series}`);
      }
      // The plain GAN has no critic: no MI estimate; the others report one after step 0.
      const mi = r.evaluations.map((e) => e.trainBound);
      if (r.cell.bound === 'gan') assert.deepEqual(mi, [null, null, null]);
      else assert.ok(mi[0] === null && Number.isFinite(mi[2]), r.id);
      // Seed 0 keeps its last samples; their metrics are the last trace points.
      const points = r.points!;
      assert.equal(points.step, 20);
      assert.equal(points.x.length, 200);
      const xy = new Float32Array(400);
      points.x.forEach((x, i) => {
        xy[2 * i] = x;
        xy[2 * i + 1] = points.y[i];
      });
      const m = modeMetrics(modeDataset(r.cell.task!), xy);
      assert.equal(traces['modes'].values[2], m.modes, r.id);
      assert.equal(traces['highQualitySamples'].values[2], m.highQualityCount, r.id);
      assert.equal(traces['reverseKl'].values[2], m.reverseKl, r.id);
    }
    const set = framesFromRecords(out).get('gan-modes')!;
    assert.equal(set.frames.points.numRows(), 7 * 200);
    assert.match(result.stdout, /figures: \d+ files/);
    const again = mimax(['run', 'gan-modes', '--preset', 'smoke', '--out', out, '--no-plots']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /0 ok, 0 failed, 7 skipped/);
  });

  it('a diverging MI estimate is a failed run, counted in both figures', () => {
    const out = tempDir('mimax-gan-overflow-');
    const result = mimax([
      'run',
      './test/fixtures/experiments/overflow-gan.ts',
      '--preset',
      'smoke',
      '--out',
      out,
      '--no-plots',
    ]);
    assert.equal(result.status, 1, result.stderr + result.stdout); // a failed run: exit 1
    const failed = readRecords(out).records.find((r) => r.cell.bound === 'overflow-gan')!;
    assert.equal(failed.status, 'failed');
    // train() runs twice per iteration (critic step, then the generator's MI term): calls
    // 0-5 cover iterations 0-2 (the 6th, the generator's at iteration 2, is already +∞ but
    // its value is not recorded), the critic's call at iteration 3 records the first +∞.
    assert.match(failed.error!.message, /overflow-gan estimate became non-finite at step 3/);
    assert.equal(failed.error!.step, 3);
    const set = framesFromRecords(out).get('overflow-gan')!;
    for (const figure of [ganSamples, ganMetrics]) {
      const spec = figure.build(set.frames, set.manifest) as { title: { subtitle: string[] } };
      assert.ok(
        spec.title.subtitle.some((l) => /2 runs: 1 ok, 1 failed/.test(l)),
        spec.title.subtitle.join('\n'),
      );
      assert.ok(
        spec.title.subtitle.some((l) => /failed runs: overflow-gan on ring seed 0/.test(l)),
      );
    }
    // The failed run is not in the curves (only the ok plain GAN is).
    const metrics = ganMetrics.build(set.frames, set.manifest) as { data: { values: Row[] } };
    assert.deepEqual([...new Set(metrics.data.values.map((r) => r['bound']))], ['gan']);
  });
});

describe('gan-modes findings table', () => {
  /** Frames of hand-made runs: (dataset, method, seed, status, last values). */
  function framesOf(
    runs: [string, string, number, string, Record<string, number | null>][],
  ): Frames {
    const traceRows = runs.flatMap(([task, bound, seed, , values]) =>
      Object.entries(values).flatMap(([series, value]) => [
        // An earlier evaluation that must not count.
        { experiment: 'gan-modes', task, bound, seed, step: 0, series, value: 99 },
        { experiment: 'gan-modes', task, bound, seed, step: 100, series, value },
      ]),
    );
    return {
      evaluations: tableFromRows(EVALUATION_COLUMNS, []),
      conditions: tableFromRows({}, []),
      traces: tableFromRows(TRACE_COLUMNS, traceRows),
      runs: tableFromRows(
        RUN_COLUMNS,
        runs.map(([task, bound, seed, status]) => ({
          experiment: 'gan-modes',
          task,
          bound,
          seed,
          status,
        })),
      ),
      points: tableFromRows(POINT_COLUMNS, []),
    };
  }

  it('mean ± standard error of the last evaluation over ok seeds; failed counted, not averaged', () => {
    const cells = ganCells(
      framesOf([
        [
          'grid',
          'gan',
          0,
          'ok',
          { modes: 17, highQuality: 90, reverseKl: 0.5, highQualitySamples: 2250 },
        ],
        [
          'grid',
          'gan',
          1,
          'ok',
          { modes: 19, highQuality: 94, reverseKl: 0.7, highQualitySamples: 2350 },
        ],
        [
          'grid',
          'gan',
          2,
          'ok',
          { modes: 0, highQuality: 0, reverseKl: null, highQualitySamples: 0 },
        ],
        [
          'grid',
          'gan',
          3,
          'failed',
          { modes: 25, highQuality: 100, reverseKl: 0, highQualitySamples: 2500 },
        ],
      ]),
    );
    assert.equal(cells.length, 1);
    const c = cells[0];
    assert.equal(c.ok, 3);
    assert.equal(c.failed, 1);
    assert.equal(c.step, 100);
    assert.equal(c.noHighQuality, 1);
    // modes 17, 19, 0: mean 12; sd² = ((5)² + (7)² + (12)²)/2 = 109; se = √(109/3)
    assert.equal(c.metrics.modes!.mean, 12);
    assert.ok(Math.abs(c.metrics.modes!.se! - Math.sqrt(109 / 3)) < 1e-12);
    // reverse KL: only the two runs with high-quality samples: 0.6 ± √(0.02/2)
    assert.equal(c.metrics.reverseKl!.n, 2);
    assert.ok(Math.abs(c.metrics.reverseKl!.mean - 0.6) < 1e-12);
    assert.ok(Math.abs(c.metrics.reverseKl!.se! - 0.1) < 1e-12);
    assert.equal(formatMeanSe(c.metrics.reverseKl, 2), '0.60 ± 0.10');
  });

  it('one run has no standard error; none has no value', () => {
    assert.deepEqual(meanSe([3]), { mean: 3, se: null, n: 1 });
    assert.equal(meanSe([]), null);
    assert.equal(formatMeanSe(null, 1), '–');
    assert.equal(formatMeanSe(meanSe([2.5]), 1), '2.5');
  });
});

describe('gan-modes grid errors', () => {
  const check = (override: Options, pattern: RegExp) => {
    assert.throws(
      () => validateGrid(ganModes, resolveConfig(ganModes, 'smoke', [override])),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
      JSON.stringify(override),
    );
  };

  it('names the field of a bad method, data set or loop option', () => {
    check(
      { estimators: { mine: { beta: -1 } } },
      /estimators\.mine: option 'beta' must be a number ≥ 0/,
    );
    check(
      { estimators: { mine: { mi: 'joint' } } },
      /option 'mi' must be 'entropy' or 'conditional'/,
    );
    check({ estimators: { mine: { miUntil: 0 } } }, /option 'miUntil' must be in \(0, 1\]/);
    check({ estimators: { mine: { rate: 2 } } }, /estimator 'mine': option 'rate'/);
    check({ estimators: { gan: { beta: 1 } } }, /plain GAN \(estimator 'none'\) needs beta = 0/);
    check({ estimators: { x: { estimator: 'nope' } } }, /unknown estimator 'nope'/);
    check(
      { tasks: { swiss: {} } },
      /unknown gan data set 'swiss'; valid data sets: grid, ring, spiral/,
    );
    check({ loop: { noise: 'cauchy' } }, /option 'noise' must be 'normal' or 'uniform'/);
    check({ loop: { criticHidden: [] } }, /option 'criticHidden' must be a non-empty array/);
    check({ loop: { discriminatorActivation: 'tanh' } }, /'relu' or 'leaky-relu'/);
    check({ loop: { trainSize: 8 } }, /option 'trainSize' must be an integer ≥ batchSize \(16\)/);
    check({ steps: 25 }, /steps \(25\) must be a multiple of evalEvery \(10\)/);
    assert.throws(
      () => resolveConfig(ganModes, 'smoke', [{ loop: { width: 3 } }]),
      /unknown option 'width'/,
    );
  });
});
