/**
 * `estimate(x, y, options)`: the protocol (seeded splits, train-split standardization, mean ±
 * sd over seeds, stop requests), the input forms it accepts, and the default neural estimators
 * on a Gaussian of known MI.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { estimate } from '../../src/estimate/estimate.ts';
import { Rng } from '../../src/random.ts';
import { createTask } from '../../src/tasks/index.ts';
import { UserError } from '../../src/types.ts';
import { testBackend } from '../helpers.ts';

function gaussian(options: { dim: number; rho?: number; mi?: number }, seed: number, n: number) {
  const task = createTask('gaussian', options);
  const p = task.sample(new Rng(seed), n);
  return {
    x: { data: p.x, shape: [n, task.dimX] as [number, number] },
    y: { data: p.y, shape: [n, task.dimY] as [number, number] },
    truth: task.mutualInformation,
  };
}

describe('estimate()', () => {
  before(testBackend);

  it('default neural estimators on d = 1, ρ = 0.8 (0.511 nats): within 0.12 after 400 steps', async () => {
    // Tolerance from measurement (separable critic, batch 128, Adam 5e-4, n = 5,000, one seed,
    // data seeds 1, 2, 3): 400-step held-out estimates 0.478 / 0.427 / 0.480 (SMILE) and
    // 0.504 / 0.439 / 0.500 (InfoNCE), i.e. errors up to 0.084 nats, part of it the sampling
    // error of 1,000 held-out rows (sd ≈ 0.03) and part of it training not yet converged;
    // 0.12 keeps a margin above the worst. A broken estimator (0, NaN, a sign error, 2×) fails.
    const { x, y, truth } = gaussian({ dim: 1, rho: 0.8 }, 1, 5_000);
    const tensorsBefore = tf.memory().numTensors;
    const result = await estimate(x, y, { estimators: ['smile', 'infonce'], steps: 400, seeds: 1 });
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
    assert.deepEqual(
      result.estimators.map((e) => e.id),
      ['smile', 'infonce'],
    );
    for (const e of result.estimators) {
      assert.ok(Math.abs(e.estimate! - truth) < 0.12, `${e.id}: ${e.estimate} vs ${truth}`);
      assert.equal(e.heldOutCurve.length, 11); // steps 0, 40, …, 400
      assert.equal(e.trainCurve.length, 10);
      assert.equal(e.heldOutCurve.at(-1)!.estimate, e.estimate);
      assert.ok(e.heldOutCurve[0].estimate! < 0.1, 'an untrained critic estimates ~0');
      assert.equal(e.sd, null, 'one seed: no sd');
      assert.ok(e.seconds > 0);
    }
    const infonce = result.estimators[1];
    assert.equal(infonce.ceiling, Math.log(128));
    assert.equal(result.estimators[0].ceiling, null);
    assert.deepEqual(result.protocol.seeds, [0]);
    assert.equal(result.protocol.testRows, 1_000);
    assert.equal(result.protocol.critic, 'separable');
  });

  it('is deterministic per seed; seeds give different splits; standardization uses the train split', async () => {
    const { x, y } = gaussian({ dim: 2, rho: 0.6 }, 4, 1_500);
    const options = { estimators: ['ksg', 'gaussian'], seeds: 3 };
    const a = await estimate(x, y, options);
    const b = await estimate(x, y, options);
    assert.deepEqual(
      a.estimators.map((e) => e.perSeed.map((s) => s.estimate)),
      b.estimators.map((e) => e.perSeed.map((s) => s.estimate)),
    );
    for (const e of a.estimators) {
      const values = e.perSeed.map((s) => s.estimate!);
      assert.equal(new Set(values).size, 3, `${e.id}: one value per split`);
      const mean = values.reduce((s, v) => s + v, 0) / 3;
      assert.ok(Math.abs(e.estimate! - mean) < 1e-12);
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
      assert.ok(Math.abs(e.sd! - sd) < 1e-12);
    }
    // An affine change of units of any column changes nothing (columns are standardized on the
    // train split before any estimator sees them); up to float rounding of the standardization.
    const xScaled = Float32Array.from(x.data, (v, i) => (i % 2 === 0 ? 1000 * v + 7 : -0.01 * v));
    const c = await estimate({ data: xScaled, shape: x.shape }, y, options);
    for (const [i, e] of c.estimators.entries()) {
      for (const [s, seed] of e.perSeed.entries()) {
        const ref = a.estimators[i].perSeed[s].estimate!;
        assert.ok(Math.abs(seed.estimate! - ref) < 1e-3, `${e.id}: ${seed.estimate} vs ${ref}`);
      }
    }
  });

  it('accepts number[][], number[], typed arrays, {data, shape} and tensors alike', async () => {
    const n = 400;
    const rng = new Rng(9);
    const rows = Array.from({ length: n }, () => {
      const a = rng.normal();
      return [a, a + rng.normal()];
    });
    const xs = rows.map((r) => r[0]);
    const ys = rows.map((r) => r[1]);
    const options = { estimators: ['gaussian'], seeds: 1 };
    const values = [];
    for (const [x, y] of [
      [xs, ys],
      [rows.map((r) => [r[0]]), rows.map((r) => [r[1]])],
      [Float64Array.from(xs), Float64Array.from(ys)],
      [
        { data: xs, shape: [n] as [number] },
        { data: ys, shape: [n, 1] as [number, number] },
      ],
      [tf.tensor1d(xs), tf.tensor2d(ys, [n, 1])],
    ] as const) {
      values.push((await estimate(x, y, options)).estimators[0].estimate!);
      if (x instanceof tf.Tensor) tf.dispose([x, y as tf.Tensor]);
    }
    // Float32 tensors round the values: same to float32 precision.
    for (const v of values) assert.ok(Math.abs(v - values[0]) < 1e-5, `${v} vs ${values[0]}`);
  });

  it('stops on an aborted signal and returns only finished fits', async () => {
    const { x, y } = gaussian({ dim: 1, rho: 0.5 }, 5, 1_000);
    const controller = new AbortController();
    const result = await estimate(x, y, {
      estimators: ['gaussian', 'ksg'],
      seeds: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.finished && p.done === 1) controller.abort(); // after gaussian seed 0
      },
    });
    assert.equal(result.stopped, true);
    assert.deepEqual(
      result.estimators.map((e) => [e.id, e.perSeed.length]),
      [['gaussian', 1]],
    );
  });

  it('rejects bad input before any work, naming the problem', async () => {
    const { x, y } = gaussian({ dim: 1, rho: 0.5 }, 6, 300);
    const rejects = (options: object, pattern: RegExp, xx: unknown = x, yy: unknown = y) =>
      assert.rejects(
        estimate(xx as never, yy as never, options),
        (e: unknown) => e instanceof UserError && pattern.test(e.message),
      );
    await rejects({ steps: 10, epochs: 1 }, /steps or as epochs .* not both/);
    await rejects({ testFraction: 1 }, /must be in \(0, 1\), got 1/);
    await rejects(
      { estimators: ['nope'] },
      /unknown estimator 'nope'; valid estimators: .*infonce.*ksg, gaussian/,
    );
    await rejects({}, /300 rows are too few: at least 638 are needed at test fraction 0.2/);
    await rejects({ estimators: ['ksg'], testFraction: 0.001 }, /at least \d+ are needed/);
    await rejects({}, /x has 300 rows but y has 299/, x, {
      data: y.data.subarray(0, 299),
      shape: [299, 1],
    });
    await rejects({}, /x: column 'x' is constant/, {
      data: new Float32Array(300).fill(2),
      shape: [300],
    });
    const withNaN = Float32Array.from(x.data);
    withNaN[17] = Number.NaN;
    await rejects({}, /x: row 18, column 'x0': NaN/, { data: withNaN, shape: [300, 1] });
    await rejects({ estimators: ['ksg'], critic: 'nope' }, /unknown critic 'nope'/);
    await rejects(
      { estimators: [{ estimator: 'smile', options: { tau: -1 } }] },
      /'tau' must be > 0/,
    );
    await rejects({ estimators: ['ksg', 'ksg'] }, /'ksg' is given twice/);
  });
});
