/**
 * Measures what sizes the `ais-mi` presets (README "ais-mi"): on the current backend (wasm,
 * one thread), per model width,
 *   - VAE training: ms per minibatch of 128 (→ seconds per epoch of 60,000 images);
 *   - GAN training: ms per iteration (batch 128);
 *   - log p(x | z) and its gradient in z (what one HMC leapfrog step costs) on R rows;
 *   - log p(x | z) alone (what IWAE costs) on R rows.
 * Usage: node --import tsx scripts/ais-sizes.ts [--hidden 256,256] [--rows 512] [--dz 10]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { GaussianDecoderModel } from '../src/generative/decoder-model.ts';
import { trainMnistGan } from '../src/generative/mnist-gan.ts';
import { trainVae, Vae } from '../src/generative/vae.ts';
import { Rng } from '../src/random.ts';

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : fallback;
};
const hidden = arg('hidden', '256,256').split(',').map(Number);
const rows = Number(arg('rows', '512'));
const dz = Number(arg('dz', '10'));
const backend = await initBackend(process.env.MIMAX_BACKEND || 'wasm');
console.log(`backend ${backend.name}; hidden [${hidden}], dz ${dz}, rows ${rows}`);

/** CPU ms of this process (user + system): on a shared machine wall time overstates cost. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const data = loadDataset({ name: 'mnist', trainLimit: 128 * 30, testLimit: 128 });
const vae = new Vae({ latentDim: dz, dataDim: 784, hidden, initLogVariance: Math.log(0.1) }, 0);
let t = performance.now();
let c = cpuMs();
await trainVae(vae, data.train.images, data.test.images, {
  epochs: 1,
  batchSize: 128,
  learningRate: 1e-3,
  seed: 0,
});
const vaeMs = (performance.now() - t) / 30;
const vaeCpu = (cpuMs() - c) / 30;
console.log(
  `VAE training: ${vaeMs.toFixed(1)} ms wall, ${vaeCpu.toFixed(1)} ms CPU per batch of 128 → ${((vaeCpu * 468) / 1000).toFixed(0)} CPU s per epoch of 60,000`,
);

t = performance.now();
c = cpuMs();
const gan = await trainMnistGan(data.train.images, 784, {
  latentDim: dz,
  hidden,
  iterations: 30,
  batchSize: 128,
  learningRate: 2e-4,
  beta1: 0.5,
  seed: 0,
});
console.log(
  `GAN training: ${((performance.now() - t) / 30).toFixed(1)} ms wall, ${((cpuMs() - c) / 30).toFixed(1)} ms CPU per iteration (batch 128)`,
);
gan.generator.dispose();

const model = new GaussianDecoderModel('vae', vae.decoderMean(), 0.02);
const rng = new Rng(1);
const z = tf.tensor2d(rng.normalArray(rows * dz), [rows, dz]);
const x = tf.tensor2d(rng.uniformArray(rows * 784, 0, 1), [rows, 784]);
const grad = tf.grad((zz: tf.Tensor) => tf.sum(model.logLikelihood(x, zz as tf.Tensor2D)));
const time = (what: string, fn: () => tf.Tensor, reps = 10) => {
  tf.dispose(fn()); // warm-up
  const start = performance.now();
  const cpu = cpuMs();
  for (let k = 0; k < reps; k++) {
    const out = fn();
    out.dataSync();
    out.dispose();
  }
  const ms = (performance.now() - start) / reps;
  const msCpu = (cpuMs() - cpu) / reps;
  console.log(
    `${what}: ${ms.toFixed(1)} ms wall, ${msCpu.toFixed(1)} ms CPU on ${rows} rows (${((msCpu * 1000) / rows).toFixed(1)} CPU µs per row)`,
  );
};
time('log p(x | z)', () => model.logLikelihood(x, z));
time('∇z log p(x | z) (one leapfrog step)', () => grad(z));
tf.dispose([x, z]);
model.dispose();
