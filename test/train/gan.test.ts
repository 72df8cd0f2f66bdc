/**
 * The `gan` loop's parts: adaptive clipping of the MI gradient (MINE supplement Sec. 8.1.1),
 * the generator's batch norm (train / eval modes, running averages), and the loop on tiny
 * models (evaluation schedule, determinism, a diverging run failing with its step, no tensor
 * leaks).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createCritic } from '../../src/critics/index.ts';
import { modeDataset, sampleModeDataset } from '../../src/data/mode-datasets.ts';
import { BatchNorm } from '../../src/encoders/batch-norm.ts';
import { createEstimator } from '../../src/estimators/index.ts';
import { Rng } from '../../src/random.ts';
import {
  adaptiveClip,
  Discriminator,
  type GanArgs,
  Generator,
  globalNorm,
  runGan,
} from '../../src/train/gan.ts';
import { testBackend } from '../helpers.ts';

before(async () => {
  await testBackend();
});

const norm = (map: tf.NamedTensorMap) => {
  const n = globalNorm(Object.values(map));
  const v = n.dataSync()[0];
  n.dispose();
  return v;
};

describe('adaptive clipping', () => {
  // g_u over two "variables" with global norm √(3² + 4²) = 5 (not per tensor: 3 and 4).
  const gu = () => ({ a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) });

  it('‖g_m‖ = 10‖g_u‖ → the applied MI gradient has norm ‖g_u‖, same direction', () => {
    const before = tf.memory().numTensors;
    const u = gu();
    const m = { a: tf.tensor1d([30, 0]), b: tf.tensor2d([[0, -40]]) }; // norm 50
    const { applied, scale } = adaptiveClip(u, m);
    assert.ok(Math.abs(norm(applied) - 5) < 1e-5, `norm ${norm(applied)}`);
    assert.ok(Math.abs(scale.dataSync()[0] - 0.1) < 1e-7);
    assert.deepEqual(Array.from(applied['a'].dataSync()), [3, 0]);
    assert.deepEqual(Array.from(applied['b'].dataSync()), [0, -4]);
    tf.dispose([...Object.values(u), ...Object.values(m), ...Object.values(applied), scale]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('leaves a smaller g_m untouched, and any g_m when clipping is off', () => {
    const u = gu();
    const small = { a: tf.tensor1d([1, 2]), b: tf.tensor2d([[2, 0]]) }; // norm 3 < 5
    const kept = adaptiveClip(u, small);
    assert.deepEqual(Array.from(kept.applied['a'].dataSync()), [1, 2]);
    assert.deepEqual(Array.from(kept.applied['b'].dataSync()), [2, 0]);
    const big = { a: tf.tensor1d([30, 0]), b: tf.tensor2d([[0, -40]]) };
    const off = adaptiveClip(u, big, false);
    assert.ok(Math.abs(norm(off.applied) - 50) < 1e-4);
    const zero = { a: tf.zeros([2]), b: tf.zeros([1, 2]) };
    const z = adaptiveClip(u, zero);
    assert.equal(norm(z.applied), 0); // no 0/0
    tf.dispose([u, small, kept, big, off, zero, z] as unknown as tf.Tensor[]);
  });
});

describe('batch norm', () => {
  it('train mode normalizes by batch statistics; update moves the running averages; eval uses them', () => {
    const before = tf.memory().numTensors;
    const rows = [
      [1, 10],
      [2, 20],
      [4, 40],
      [5, 30],
    ];
    const bn = new BatchNorm('test-bn', 2);
    const x = tf.tensor2d(rows);
    const y = bn.apply(x, true, true);
    const out = y.arraySync() as number[][];
    for (let j = 0; j < 2; j++) {
      const col = rows.map((r) => r[j]);
      const mu = col.reduce((a, b) => a + b, 0) / 4;
      const variance = col.reduce((a, b) => a + (b - mu) ** 2, 0) / 4; // biased
      for (let i = 0; i < 4; i++) {
        const want = (rows[i][j] - mu) / Math.sqrt(variance + 1e-5);
        assert.ok(Math.abs(out[i][j] - want) < 1e-4, `${out[i][j]} vs ${want}`);
      }
      // Before update: running averages are still 0 and 1.
    }
    bn.update();
    const mean = Array.from(bn.movingMean.dataSync());
    const variance = Array.from(bn.movingVariance.dataSync());
    // μ̄ = 0.9·0 + 0.1·μ_B; σ̄² = 0.9·1 + 0.1·(unbiased batch variance): columns μ = 3, 25;
    // unbiased variances 10/3 and 500/3.
    assert.ok(Math.abs(mean[0] - 0.3) < 1e-6 && Math.abs(mean[1] - 2.5) < 1e-5);
    assert.ok(Math.abs(variance[0] - (0.9 + 1 / 3)) < 1e-5);
    assert.ok(Math.abs(variance[1] - (0.9 + 50 / 3)) < 1e-4);
    const e = bn.apply(x, false);
    const evalOut = e.arraySync() as number[][];
    assert.ok(Math.abs(evalOut[0][0] - (1 - 0.3) / Math.sqrt(variance[0] + 1e-5)) < 1e-5);
    // γ and β get gradients in train mode.
    const { grads, value } = tf.variableGrads(
      () => tf.sum(tf.square(bn.apply(x, true))),
      bn.variables,
    );
    assert.ok(Object.values(grads).some((g) => Math.abs(g.dataSync()[0]) > 0));
    tf.dispose([x, y, e, value, ...Object.values(grads)]);
    bn.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

/** A tiny GAN with a MINE term (or none) on the ring. */
function tinyGan(mi: boolean, overrides: Partial<GanArgs> = {}) {
  const rng = new Rng(1);
  const generator = new Generator(2, [8, 8], true, rng);
  const discriminator = new Discriminator(2, [8], 'leaky-relu', rng);
  const critic = mi
    ? createCritic('concat', { dim1: 2, dim2: 2, seed: 2, options: { hidden: [4] } })
    : null;
  const estimator = mi ? createEstimator('mine', { rowDim: 2, seed: 3 }) : null;
  const evaluations: { step: number; points: Float32Array; window: Float32Array }[] = [];
  const args: GanArgs = {
    generator,
    discriminator,
    mi:
      critic && estimator
        ? {
            critic,
            estimator,
            mode: 'entropy',
            beta: 1,
            clip: true,
            until: 1000,
            criticSteps: 2,
            classes: 0,
          }
        : null,
    data: sampleModeDataset(modeDataset('ring'), new Rng(4), 64).points,
    noise: 'normal',
    zDim: 2,
    batchSize: 8,
    iterations: 6,
    evalEvery: 3,
    learningRate: 1e-3,
    beta1: 0.5,
    seeds: { order: 5, z: 6, c: 7, eval: 8 },
    evalSamples: 20,
    evaluate: async (step, points, window) => {
      evaluations.push({ step, points, window });
    },
    ...overrides,
  };
  const dispose = () => {
    generator.dispose();
    discriminator.dispose();
    critic?.dispose();
    estimator?.dispose();
  };
  return { args, evaluations, dispose, generator };
}

describe('gan loop', () => {
  it('evaluates at 0, every evalEvery and at the end, one critic estimate per iteration; same seeds → same run; no leaks', async () => {
    const before = tf.memory().numTensors;
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const gan = tinyGan(true);
      const outcome = await runGan(gan.args);
      assert.equal(outcome.status, 'ok');
      gan.dispose();
      runs.push(gan.evaluations);
    }
    assert.equal(tf.memory().numTensors, before);
    const [a, b] = runs;
    assert.deepEqual(
      a.map((e) => e.step),
      [0, 3, 6],
    );
    assert.deepEqual(
      a.map((e) => e.window.length),
      [0, 3, 3],
    );
    assert.equal(a[2].points.length, 40);
    assert.deepEqual(Array.from(a[2].points), Array.from(b[2].points));
    assert.notDeepEqual(Array.from(a[0].points), Array.from(a[2].points)); // it trained
  });

  it('the plain GAN (no MI term) runs without a critic and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const gan = tinyGan(false);
    assert.equal((await runGan(gan.args)).status, 'ok');
    gan.dispose();
    assert.equal(tf.memory().numTensors, before);
    assert.ok(gan.evaluations.every((e) => e.window.length === 0));
  });

  it('a diverging generator (NaN weights) fails the run at its step, naming what went non-finite', async () => {
    const before = tf.memory().numTensors;
    const gan = tinyGan(true);
    const kernel = gan.generator.output.kernel;
    const evaluate = gan.args.evaluate;
    // After the first evaluation, poison the output kernel: the next losses are NaN.
    gan.args.evaluate = async (step, points, window) => {
      await evaluate(step, points, window);
      if (step === 0)
        tf.tidy(() => kernel.assign(tf.fill(kernel.shape, Number.NaN) as tf.Tensor2D));
    };
    const outcome = await runGan(gan.args);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error!.message, /non-finite at step 0/);
    assert.equal(outcome.error!.step, 0);
    gan.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
