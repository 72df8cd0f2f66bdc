/**
 * The models of `ais-mi`: the Gaussian decoder model's log-likelihood and prior against a
 * hand computation (plain JS loops over the exported weights, float64), the VAE's validation
 * ELBO improving with training, weights files round-tripping (VAE and GAN generator), the
 * once-only training guard (one trainer among concurrent callers; a dead holder's lock taken
 * over), the model registry's errors, and no tensor leaks.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '../../src/data/datasets.ts';
import { GaussianDecoderModel } from '../../src/generative/decoder-model.ts';
import {
  createMnistGenerator,
  GAN_OBSERVATION_VARIANCE,
  generatorMean,
  generatorVariables,
  trainMnistGan,
} from '../../src/generative/mnist-gan.ts';
import { aisModelRegistry } from '../../src/generative/models.ts';
import {
  exportVariables,
  importVariables,
  meanElbo,
  trainVae,
  Vae,
} from '../../src/generative/vae.ts';
import {
  hasWeights,
  readWeights,
  TrainingStopped,
  trainOnce,
  writeWeights,
} from '../../src/generative/weights-file.ts';
import { UserError } from '../../src/types.ts';
import { tempDir, testBackend } from '../helpers.ts';

const SHAPE = { latentDim: 2, dataDim: 784, hidden: [16, 8], initLogVariance: Math.log(0.1) };

/** relu MLP (sigmoid output) over exported weights, float64: z [dz] → [dx]. */
function decodeByHand(
  weights: Map<string, { shape: number[]; values: Float32Array }>,
  z: number[],
) {
  let h = z;
  for (let k = 0; weights.has(`decoder/dense${k}/kernel`); k++) {
    const w = weights.get(`decoder/dense${k}/kernel`)!;
    const b = weights.get(`decoder/dense${k}/bias`)!;
    const [inDim, outDim] = w.shape;
    const out: number[] = [];
    for (let j = 0; j < outDim; j++) {
      let s = b.values[j];
      for (let i = 0; i < inDim; i++) s += h[i] * w.values[i * outDim + j];
      out.push(s);
    }
    const last = !weights.has(`decoder/dense${k + 1}/kernel`);
    h = last ? out.map((v) => 1 / (1 + Math.exp(-v))) : out.map((v) => Math.max(0, v));
  }
  return h;
}

describe('ais-mi models', () => {
  before(async () => {
    await testBackend();
  });

  it('the VAE decoder model: log p(x | z) and log p(z) match a hand computation', () => {
    const vae = new Vae(SHAPE, 7);
    const weights = new Map(exportVariables(vae.namedVariables()).map((t) => [t.name, t]));
    const variance = 0.07;
    const model = new GaussianDecoderModel('vae', vae.decoderMean(), variance);
    const zs = [
      [0.3, -1.2],
      [2.0, 0.5],
    ];
    const x = Array.from({ length: 2 * 784 }, (_, i) => ((i * 37) % 101) / 100);
    const before = tf.memory().numTensors;
    const zt = tf.tensor2d(zs);
    const xt = tf.tensor2d(x, [2, 784]);
    const ll = model.logLikelihood(xt, zt);
    const lp = model.logPrior(zt);
    const got = Array.from(ll.dataSync());
    const gotPrior = Array.from(lp.dataSync());
    tf.dispose([zt, xt, ll, lp]);
    assert.equal(tf.memory().numTensors, before);
    for (const [r, z] of zs.entries()) {
      const mean = decodeByHand(weights, z);
      let sq = 0;
      for (let j = 0; j < 784; j++) sq += (x[r * 784 + j] - mean[j]) ** 2;
      const expected = -0.5 * (sq / variance + 784 * Math.log(2 * Math.PI * variance));
      assert.ok(
        Math.abs(got[r] - expected) < 1e-3 * Math.abs(expected),
        `${got[r]} vs ${expected}`,
      );
      const prior = -0.5 * (z[0] ** 2 + z[1] ** 2 + 2 * Math.log(2 * Math.PI));
      assert.ok(Math.abs(gotPrior[r] - prior) < 1e-5);
    }
    // sample(): x − g(z) is the observation noise, of variance σ² (seeded, reproducible).
    const a = model.sample(400, 3);
    const b = model.sample(400, 3);
    const mean = vae.decode(a.z);
    const diff = tf.sub(a.x, mean);
    const noise = Array.from(diff.dataSync());
    diff.dispose();
    const m2 = noise.reduce((s, v) => s + v * v, 0) / noise.length;
    assert.ok(Math.abs(m2 / variance - 1) < 0.01, `noise variance ${m2}`);
    assert.deepEqual(a.x.dataSync(), b.x.dataSync());
    tf.dispose([a.x, a.z, b.x, b.z, mean]);
    model.dispose();
  });

  it('a stop request during training throws TrainingStopped (the run resumes, not fails)', async () => {
    const data = loadDataset({ name: 'mnist', trainLimit: 128, testLimit: 64 });
    const vae = new Vae(SHAPE, 1);
    const before = tf.memory().numTensors;
    const training = { epochs: 1, batchSize: 64, learningRate: 1e-3, seed: 2 };
    await assert.rejects(
      trainVae(vae, data.train.images, data.test.images, training, undefined, () => true),
      TrainingStopped,
    );
    assert.equal(tf.memory().numTensors, before);
    vae.dispose();
  });

  it('the VAE: its validation ELBO improves with training; its weights round-trip', async () => {
    const data = loadDataset({ name: 'mnist', trainLimit: 512, testLimit: 128 });
    const vae = new Vae(SHAPE, 1);
    const start = meanElbo(vae, data.test.images, 5);
    const before = tf.memory().numTensors;
    const history = await trainVae(vae, data.train.images, data.test.images, {
      epochs: 3,
      batchSize: 64,
      learningRate: 1e-3,
      seed: 2,
    });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(history.length, 3);
    const end = meanElbo(vae, data.test.images, 5);
    assert.ok(end > start + 20, `validation ELBO ${start} → ${end}`);
    assert.ok(history[2].validationElbo > history[0].validationElbo);
    assert.ok(history[2].loss < history[0].loss);
    const folder = join(tempDir('mimax-vae-'), 'w');
    writeWeights(folder, exportVariables(vae.namedVariables()), { history: [] });
    const copy = new Vae(SHAPE, 99);
    importVariables(copy.namedVariables(), readWeights(folder).tensors, folder);
    const z = tf.tensor2d([[0.1, -0.4]]);
    const y1 = vae.decode(z);
    const y2 = copy.decode(z);
    assert.deepEqual(y1.dataSync(), y2.dataSync());
    assert.equal(copy.variance(), vae.variance());
    tf.dispose([z, y1, y2]);
    vae.dispose();
    copy.dispose();
  });

  it('the GAN generator: trains a few iterations on MNIST, round-trips, σ² = 0.03', async () => {
    const data = loadDataset({ name: 'mnist', trainLimit: 128, testLimit: 128 });
    const settings = {
      latentDim: 2,
      hidden: [8],
      iterations: 3,
      batchSize: 16,
      learningRate: 2e-4,
      beta1: 0.5,
      seed: 4,
    };
    const before = tf.memory().numTensors;
    const result = await trainMnistGan(data.train.images, 784, settings);
    assert.equal(result.losses.at(-1)!.iteration, 3);
    const folder = join(tempDir('mimax-gan-'), 'w');
    writeWeights(folder, exportVariables(generatorVariables(result.generator)), {});
    const copy = createMnistGenerator({ ...settings, seed: 77 }, 784);
    importVariables(generatorVariables(copy), readWeights(folder).tensors, folder);
    const model = new GaussianDecoderModel('gan', generatorMean(copy), GAN_OBSERVATION_VARIANCE);
    const z = tf.tensor2d([[0.5, -0.5]]);
    const y1 = result.generator.apply(z, false);
    const y2 = copy.apply(z, false);
    assert.deepEqual(y1.dataSync(), y2.dataSync());
    const drawn = model.sample(1, 0);
    const ll = model.logLikelihood(drawn.x, z);
    assert.ok(Number.isFinite(ll.dataSync()[0]));
    tf.dispose([z, y1, y2, drawn.x, drawn.z, ll]);
    model.dispose();
    result.generator.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('trainOnce: one trainer among concurrent callers; a dead holder’s lock is taken over', async () => {
    const dir = tempDir('mimax-once-');
    const folder = join(dir, 'm');
    let calls = 0;
    const train = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 50));
      writeWeights(folder, [{ name: 'a', shape: [2], values: Float32Array.of(1, 2) }], {});
    };
    const results = await Promise.all([trainOnce(folder, train, 10), trainOnce(folder, train, 10)]);
    assert.equal(calls, 1);
    assert.deepEqual(results.map((r) => r.fresh).sort(), [false, true]);
    // A lock left by a process that no longer exists (pid 2^22 + 1 is above Linux's default
    // pid_max of 2^22) does not block: the weights are trained.
    const other = join(dir, 'n');
    writeFileSync(`${other}.lock`, String(2 ** 22 + 1));
    let trained = false;
    await trainOnce(
      other,
      async () => {
        trained = true;
        writeWeights(other, [], {});
      },
      10,
    );
    assert.ok(trained && hasWeights(other) && !existsSync(`${other}.lock`));
  });

  it('the model registry: bad latent sizes and options name the field', () => {
    const vae = aisModelRegistry.get('vae');
    assert.throws(
      () => vae.validate({ latentDim: 7 }, 'tasks.vae-z7'),
      (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /tasks\.vae-z7: option 'latentDim' must be one of 2, 10, 100/);
        return true;
      },
    );
    assert.throws(
      () => vae.validate({ epochs: 0 }, 'tasks.v'),
      /option 'epochs' must be a positive integer/,
    );
    assert.throws(() => vae.validate({ hiden: [3] }, 'tasks.v'), /unknown option 'hiden'/);
    assert.throws(
      () => aisModelRegistry.get('gan').validate({ hidden: [] }, 'tasks.g'),
      /option 'hidden' must be a non-empty array/,
    );
    assert.throws(
      () => aisModelRegistry.get('linear-gaussian').validate({ sigma: 0 }, 'tasks.l'),
      /option 'sigma' must be a finite number > 0/,
    );
    assert.throws(() => aisModelRegistry.get('flow'), /unknown model 'flow'; valid models: /);
  });
});
