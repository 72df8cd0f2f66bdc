/**
 * End to end: every experiment runs from the CLI at the smoke preset and writes records with
 * the expected cells and evaluations; a rerun skips finished runs; a user experiment file works.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPERIMENTS } from '../../experiments/index.ts';
import { readRecords } from '../../src/results/store.ts';
import { LOOP_AXES } from '../../src/run/experiment.ts';
import { cellKey, expandRuns, resolveConfig } from '../../src/run/grid.ts';
import { tempDir } from '../helpers.ts';
import { mimax } from './helpers.ts';

describe('mimax run --preset smoke', () => {
  const out = tempDir('mimax-smoke-');

  for (const definition of Object.values(EXPERIMENTS)) {
    it(`${definition.id}: every cell runs and records its evaluations`, () => {
      const result = mimax([
        'run',
        definition.id,
        '--preset',
        'smoke',
        '--out',
        out,
        '--jobs',
        '2',
        '--no-plots',
      ]);
      assert.equal(result.status, 0, result.stderr + result.stdout);
      assert.match(result.stdout, /\d+ ok, 0 failed/);
      const config = resolveConfig(definition, 'smoke');
      const expected = expandRuns(definition, config, 'smoke');
      const records = readRecords(out).records.filter((r) => r.experiment === definition.id);
      assert.deepEqual(records.map((r) => r.id).sort(), expected.map((r) => r.id).sort());
      // The estimator loops evaluate once more after the last step (the final window).
      const evalSteps = [
        ...Array.from(
          { length: Math.ceil(config.steps / config.evalEvery) },
          (_, k) => k * config.evalEvery,
        ),
        ...(LOOP_AXES[definition.loop].estimators ? [config.steps] : []),
      ];
      for (const r of records) {
        assert.equal(r.status, 'ok', `${r.id}: ${r.error?.message}`);
        // The benchmark's curve is its estimator's own (test/run/benchmark.test.ts checks it);
        // an ais run is one evaluation at step K or T (test/run/ais.test.ts checks its values).
        if (definition.loop === 'ais') {
          assert.equal(r.evaluations.length, 1, r.id);
          assert.ok(r.evaluations[0].step >= 1, r.id);
        } else if (definition.loop !== 'benchmark') {
          assert.deepEqual(
            r.evaluations.map((e) => e.step),
            evalSteps,
            r.id,
          );
        } else assert.equal(r.evaluations[0].step, 0, r.id);
        assert.ok(expected.some((s) => cellKey(s.cell) === cellKey(r.cell)));
        if (definition.loop === 'sweep') {
          for (const e of r.evaluations) {
            assert.ok(
              e.accuracy !== null && e.accuracy >= 0 && e.accuracy <= 1,
              `${r.id} accuracy ${e.accuracy}`,
            );
            assert.ok(Number.isFinite(e.testBound), `${r.id} testBound`);
          }
          assert.equal(r.traces?.trainBound.values.length, config.steps);
        }
        if (definition.id === 'non-invertible') {
          assert.equal(r.evaluations[0].logCondition?.length, config.jacobianSamples);
        }
        if (definition.id === 'noniid') {
          assert.equal(r.traces?.estimate.values.length, config.steps);
          assert.ok(Math.abs((r.constants?.trueMI ?? 0) - 0.0204) < 1e-4);
        }
        if (definition.id === 'staircase') {
          const levels = config.loop['levels'] as number[];
          assert.equal(r.traces?.estimate.values.length, config.steps);
          assert.equal(r.traces?.estimateEma.values.length, config.steps);
          assert.equal(r.constants?.logK, Math.log(config.batchSize));
          // The window before step s lies in level ⌊(s − 1) / (steps / levels)⌋.
          const perLevel = config.steps / levels.length;
          for (const e of r.evaluations.slice(1)) {
            assert.equal(
              e.trueMI,
              levels[Math.floor((e.step - 1) / perLevel)],
              `${r.id} @${e.step}`,
            );
            assert.ok(Number.isFinite(e.trainBound) && Number.isFinite(e.trainSd), r.id);
          }
        }
        if (definition.id === 'correlation') {
          const task = r.config['task'] as { options: { dim: number; rho: number } };
          const truth = -(task.options.dim / 2) * Math.log(1 - task.options.rho ** 2);
          for (const e of r.evaluations) {
            assert.ok(Math.abs((e.trueMI ?? Number.NaN) - truth) < 1e-12, r.id);
            assert.ok(Number.isFinite(e.testBound), `${r.id} held-out estimate`);
          }
        }
        if (definition.id === 'adversarial') {
          assert.ok(typeof r.evaluations.at(-1)?.encoderLoss === 'number');
        }
      }
    });
  }

  it('a rerun of the same command skips the finished runs', () => {
    const result = mimax(['run', 'noniid', '--preset', 'smoke', '--out', out, '--no-plots']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /0 ok, 0 failed, 4 skipped/);
  });

  it('a user experiment file registers its own encoder and runs', () => {
    const dir = tempDir('mimax-user-');
    const result = mimax([
      'run',
      './examples/my-experiment.ts',
      '--preset',
      'smoke',
      '--out',
      dir,
      '--no-plots',
    ]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const ids = readRecords(dir).records.map((r) => r.id);
    assert.deepEqual(ids.sort(), [
      'linear-vs-mlp/linear.bilinear.infonce/seed-0',
      'linear-vs-mlp/mlp.bilinear.infonce/seed-0',
    ]);
  });
});
