/**
 * Microbenchmark of src/ops on wasm: forward + backward time of the hot ops, plain TF.js
 * ("before", `setFastPath('never')`) vs our ops ("after"), and a large matmul's GFLOP/s as the
 * machine's reference. Not a test: timings are noisy on a shared machine (medians are shown).
 *
 *   node --import tsx bench/ops-bench.ts [--reps N]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.ts';
import { conv2d, dense, matMul, permuteColumns, setFastPath } from '../src/ops/index.ts';
import { Rng } from '../src/random.ts';

const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 10;

/** Wall time (ms) of one tidy'd run of `step` in fast-path `mode`, reading results back. */
function timeOnce(step: () => tf.Tensor | tf.Tensor[], mode: 'never' | 'auto' = 'auto'): number {
  const previous = setFastPath(mode);
  try {
    const t0 = performance.now();
    tf.tidy(() => {
      const out = step();
      for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    });
    return performance.now() - t0;
  } finally {
    setFastPath(previous);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of `reps` runs after 2 warm-up runs. */
function medianMs(step: () => tf.Tensor | tf.Tensor[], reps = REPS): number {
  timeOnce(step);
  timeOnce(step);
  return median(Array.from({ length: reps }, () => timeOnce(step)));
}

/**
 * "before" (plain TF.js) and "after" (src/ops fast path) of one step, as medians. The two are
 * interleaved rep by rep, so that load from other processes hits both alike.
 */
function beforeAfter(step: () => tf.Tensor | tf.Tensor[], reps = REPS): [string, string] {
  let before: number[] | string = [];
  const after: number[] = [];
  for (let i = 0; i < reps + 2; i++) {
    if (Array.isArray(before)) {
      try {
        const ms = timeOnce(step, 'never');
        if (i >= 2) before.push(ms); // the first two runs are warm-up
      } catch (error) {
        before = `fails: ${(error as Error).message.split('\n')[0].slice(0, 60)}`;
      }
    }
    const ms = timeOnce(step, 'auto');
    if (i >= 2) after.push(ms);
  }
  const show = (ms: number[]) => `${median(ms).toFixed(1)} ms`;
  return [Array.isArray(before) ? show(before) : before, show(after)];
}

const rng = new Rng(1);
const normal = (shape: number[], std = 1) =>
  tf.tensor(
    rng.normalArray(
      shape.reduce((a, b) => a * b, 1),
      std,
    ),
    shape,
  );

const report = await initBackend('wasm');
console.log(`backend: ${report.summary}, ${JSON.stringify(report.details)}; reps: ${REPS}\n`);

const rows: [string, string, string][] = [];

// Dense 128x392 → 512 (+ bias), gradients w.r.t. x, W, b.
{
  const [x, w, b] = [normal([128, 392]), normal([392, 512], 0.05), normal([512])];
  const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
    tf.sum(dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'relu'));
  rows.push(['dense 128x392→512 relu, fwd+bwd', ...beforeAfter(() => tf.grads(f)([x, w, b]))]);
}

// Bilinear critic: scores = (u · W) · vᵀ, [128, 128]; gradients w.r.t. u, W, v.
{
  const [u, w, v] = [normal([128, 392]), normal([392, 392], 0.05), normal([128, 392])];
  const f = (u: tf.Tensor, w: tf.Tensor, v: tf.Tensor) =>
    tf.sum(matMul(matMul(u as tf.Tensor2D, w as tf.Tensor2D), v as tf.Tensor2D, true));
  rows.push(['bilinear scores 128x392, fwd+bwd', ...beforeAfter(() => tf.grads(f)([u, w, v]))]);
}

// The ConvNet's conv stack on [128, 14, 28, 1]: conv 64 k5 s2 relu, conv 128 k5 s2 relu.
{
  const x = normal([128, 14, 28, 1]);
  const [f1, b1] = [normal([5, 5, 1, 64], 0.2), normal([64], 0.1)];
  const [f2, b2] = [normal([5, 5, 64, 128], 0.025), normal([128], 0.1)];
  const f = (f1: tf.Tensor, b1: tf.Tensor, f2: tf.Tensor, b2: tf.Tensor) => {
    const h1 = tf.relu(tf.add(conv2d(x as tf.Tensor4D, f1 as tf.Tensor4D, 2), b1)); // [128,7,14,64]
    const h2 = tf.relu(tf.add(conv2d(h1 as tf.Tensor4D, f2 as tf.Tensor4D, 2), b2)); // [128,4,7,128]
    return tf.sum(h2);
  };
  rows.push([
    'conv stack (64 k5 s2, 128 k5 s2) on 128x14x28x1, fwd+bwd',
    ...beforeAfter(() => tf.grads(f)([f1, b1, f2, b2]), 5),
  ]);
  const fwd = () => f(f1, b1, f2, b2);
  rows.push(['conv stack, forward only', ...beforeAfter(() => [fwd()], 5)]);
}

// 30 fixed permutations of [128, 392] in a chain (RealNVP's shuffles), gradient w.r.t. x.
{
  const x = normal([128, 392]);
  const perms = Array.from({ length: 30 }, () => tf.tensor1d(rng.permutation(392), 'int32'));
  const f = (x: tf.Tensor) =>
    tf.sum(
      tf.square(perms.reduce((h, p) => permuteColumns(h as tf.Tensor2D, p), x as tf.Tensor2D)),
    );
  rows.push(['30 permutations of 128x392, fwd+bwd', ...beforeAfter(() => tf.grads(f)([x]))]);
}

console.log('| op (wasm, 1 thread) | before: plain TF.js | after: src/ops |');
console.log('|---|---|---|');
for (const [name, before, after] of rows) console.log(`| ${name} | ${before} | ${after} |`);

// Reference: a large plain product, and what the transpose flags cost at the same size.
const n = 1024;
const [a, b] = [normal([n, n]), normal([n, n])];
const gflops = (ms: number) => ((2 * n ** 3) / (ms * 1e6)).toFixed(1);
const plain = medianMs(() => tf.matMul(a, b), 5);
const ta = medianMs(() => tf.matMul(a, b, true, false), 1);
const tb = medianMs(() => tf.matMul(a, b, false, true), 1);
console.log(`\nmatmul ${n}³: ${plain.toFixed(1)} ms = ${gflops(plain)} GFLOP/s`);
console.log(`  with transposeA: ${ta.toFixed(0)} ms = ${gflops(ta)} GFLOP/s`);
console.log(`  with transposeB: ${tb.toFixed(0)} ms = ${gflops(tb)} GFLOP/s`);
