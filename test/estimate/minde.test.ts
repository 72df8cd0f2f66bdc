/**
 * MINDE-C and MINDE-J as estimators of `mimax estimate` (`estimate/diffusion.ts`): a short
 * training lands near the true MI of a Gaussian pair and near 0 on independent data, leaks no
 * tensors, is deterministic per seed, stops on request, and bad options are `UserError`s naming
 * the field.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MindeDataEstimator } from '../../src/estimate/diffusion.ts';
import { createDataEstimator, estimate, estimatorNames } from '../../src/estimate/estimate.ts';
import { splitAndStandardize } from '../../src/estimate/sample.ts';
import { Rng } from '../../src/random.ts';
import { createTask } from '../../src/tasks/index.ts';
import { UserError } from '../../src/types.ts';
import { testBackend } from '../helpers.ts';

function gaussian(rho: number, seed: number, n: number) {
  const task = createTask('gaussian', { dim: 1, rho });
  const p = task.sample(new Rng(seed), n);
  return {
    x: { data: p.x, shape: [n, 1] as [number, number] },
    y: { data: p.y, shape: [n, 1] as [number, number] },
    truth: task.mutualInformation,
  };
}

const settings = {
  critic: 'separable',
  criticOptions: {},
  steps: 10,
  epochs: null,
  batchSize: 128,
  learningRate: 5e-4,
  evaluations: 1,
};

describe('MINDE estimators', () => {
  before(testBackend);

  // Budget and tolerances from measurement: 800 steps at Adam 2e-3 (the default 4,000 steps at
  // 1e-3 take ~5× longer), n = 5,000 (4,000 train, 1,000 held out), data seeds 1 and 2: ρ = 0.75
  // gave 0.448 (C) and 0.402 (J) vs 0.413, i.e. errors ≤ 0.035, of which the sampling error of
  // 1,000 held-out rows is ≈ 0.03 and the Monte Carlo error of 10 draws ≈ 0.012 (mc sd 0.039 /
  // √10); 0.1 leaves a margin over the worst, and a broken estimator (0, 2×, a missing ½, NaN)
  // fails. Independent data gave 0.018 (C) and 0.020 (J): MINDE is a squared norm, so the
  // network's error biases it upwards; < 0.05 fails a method that sees dependence in noise.
  const SHORT_TRAINING = { steps: 800, learningRate: 2e-3 };
  for (const name of ['minde-c', 'minde-j']) {
    it(`${name}: ρ = 0.75 (0.4133 nats) within 0.1 and independent data below 0.05 after a short training`, async (t) => {
      const before = tf.memory().numTensors;
      const dependent = gaussian(0.75, 1, 5_000);
      const r1 = await estimate(dependent.x, dependent.y, {
        estimators: [{ estimator: name, options: SHORT_TRAINING }],
        seeds: 1,
      });
      const independent = gaussian(0, 2, 5_000);
      const r0 = await estimate(independent.x, independent.y, {
        estimators: [{ estimator: name, options: SHORT_TRAINING }],
        seeds: 1,
      });
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      const [e1, e0] = [r1.estimators[0], r0.estimators[0]];
      t.diagnostic(
        `ρ = 0.75: ${e1.estimate?.toFixed(4)} (mc sd ${e1.perSeed[0].mcSd?.toFixed(4)}); ρ = 0: ${e0.estimate?.toFixed(4)}`,
      );
      assert.equal(e1.kind, 'diffusion');
      assert.equal(e1.perSeed[0].status, 'ok');
      assert.ok(
        Math.abs(e1.estimate! - dependent.truth) < 0.1,
        `${e1.estimate} vs ${dependent.truth}`,
      );
      assert.ok(e0.estimate! >= 0 && e0.estimate! < 0.05, `independent: ${e0.estimate}`);
      assert.ok(e1.perSeed[0].mcSd! > 0, 'the Monte Carlo sd is reported');
      // the curves: step 0 (zero-initialized output: ε̂ identical for every mask → 0) … the end
      assert.equal(e1.heldOutCurve[0].estimate, 0);
      assert.equal(e1.heldOutCurve.at(-1)!.step, SHORT_TRAINING.steps);
      assert.equal(e1.heldOutCurve.at(-1)!.estimate, e1.estimate);
    });
  }

  it('the same seed gives the same estimate; another seed a different one', async () => {
    const { x, y } = gaussian(0.5, 3, 600);
    const run = (firstSeed: number) =>
      estimate(x, y, {
        estimators: [{ estimator: 'minde-j', options: { steps: 30, batchSize: 64, mcSamples: 2 } }],
        seeds: 1,
        firstSeed,
      });
    const [a, b, c] = [await run(0), await run(0), await run(1)];
    assert.equal(a.estimators[0].estimate, b.estimators[0].estimate);
    assert.deepEqual(a.estimators[0].heldOutCurve, b.estimators[0].heldOutCurve);
    assert.notEqual(a.estimators[0].estimate, c.estimators[0].estimate);
  });

  it('stops when asked, and counts epochs as batches of the train split', async () => {
    const { x, y } = gaussian(0.5, 4, 600);
    const split = splitAndStandardize(
      { n: 600, d: 1, names: ['x'], values: Float64Array.from(x.data) },
      { n: 600, d: 1, names: ['y'], values: Float64Array.from(y.data) },
      0.2,
      0,
    );
    const est = new MindeDataEstimator('minde-c', 'minde-c', { epochs: 2, batchSize: 100 });
    assert.equal(est.stepsFor(480), 8); // 2 epochs × ⌊480 / 100⌋
    let polls = 0;
    const before = tf.memory().numTensors;
    const fit = await est.fit(split.train, split.test, { seed: 0, shouldStop: () => ++polls > 3 });
    assert.equal(fit.status, 'stopped');
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  });

  it('a split smaller than the batch is a failed fit that says so (MINDE and a critic)', async () => {
    const { x, y } = gaussian(0.5, 5, 200);
    const split = splitAndStandardize(
      { n: 200, d: 1, names: ['x'], values: Float64Array.from(x.data) },
      { n: 200, d: 1, names: ['y'], values: Float64Array.from(y.data) },
      0.5,
      0,
    );
    for (const name of ['minde-c', 'infonce']) {
      const est = createDataEstimator({ estimator: name }, settings); // batch 128 > 100 rows
      const fit = await est.fit(split.train, split.test, { seed: 0 });
      assert.equal(fit.status, 'failed', name);
      assert.match(fit.error!, /at least 128 rows \(one batch\); got 100 train/);
      assert.ok(Number.isNaN(fit.estimate));
    }
  });

  it('is registered, and bad options are UserErrors naming the field', () => {
    assert.ok(estimatorNames().includes('minde-c') && estimatorNames().includes('minde-j'));
    const make = (options: Record<string, unknown>) =>
      createDataEstimator({ estimator: 'minde-c', options: options as never }, settings);
    assert.equal(make({}).kind, 'diffusion');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ steps: 0 }, /minde-c.*'steps' must be an integer ≥ 1/],
      [{ steps: 1.5 }, /'steps' must be an integer/],
      [{ epochs: 0 }, /'epochs' must be an integer ≥ 1/],
      [{ steps: 10, epochs: 2 }, /'steps' or 'epochs', not both/],
      [{ batchSize: 1 }, /'batchSize' must be an integer ≥ 2/],
      [{ learningRate: 0 }, /'learningRate' must be a number > 0/],
      [{ width: 0 }, /'width' must be an integer ≥ 1/],
      [{ blocks: -1 }, /'blocks' must be an integer ≥ 0/],
      [{ mcSamples: 0 }, /'mcSamples' must be an integer ≥ 1/],
      [{ emaDecay: 1 }, /'emaDecay' must be in \[0, 1\)/],
      [{ evaluations: 0 }, /'evaluations' must be an integer ≥ 1/],
      [{ importanceSampling: 'yes' }, /'importanceSampling' must be boolean/],
      [{ stepz: 3 }, /unknown option 'stepz'; valid options: steps, epochs/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => make(options),
        (e: unknown) => e instanceof UserError && message.test(e.message),
        JSON.stringify(options),
      );
    }
    assert.throws(
      () => createDataEstimator({ estimator: 'minde-x' }, settings),
      /unknown estimator 'minde-x'.*minde-c, minde-j/,
    );
  });
});
