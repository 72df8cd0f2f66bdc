/**
 * The deep all-pairs concat kernel (src/ops/pair-mlp-deep.ts) vs the composed TF.js form it
 * replaces (`stockPairMlpScores`: broadcast + relu, then the dense ops with their own wasm fast
 * path), forward + backward w.r.t. every input at B = 128, for the concat critics' stacks in the
 * experiments: `noniid` [10]x5, `bmi-benchmark` [16, 8], `correlation` [100, 100], `staircase`
 * [256, 256] (and [32, 32] between). Sets `PAIR_MLP_MAX_WIDTH`. Then one hidden layer: this
 * kernel vs `pairReluScores` (pair-mlp.ts, which the concat critic keeps for that case) at 8, 16
 * and critic-impact's 200 units. Each pair of variants is interleaved rep by rep in one process
 * (the machine is shared); prints medians, their ratio and the load average.
 *
 *   node --import tsx bench/pair-mlp-widths.ts [--reps N]
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.ts';
import { type PairLayer, pairMlpScores, pairReluScores } from '../src/ops/index.ts';
import { PAIR_MLP_MAX_WIDTH, stockPairMlpScores } from '../src/ops/pair-mlp-deep.ts';
import { Rng } from '../src/random.ts';

const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 7;
const B = 128; // Colab: batch_size = 128

await initBackend('wasm');
const rng = new Rng(1);
const normal = (shape: number[], std: number) =>
  tf.tensor(
    rng.normalArray(
      shape.reduce((a, b) => a * b, 1),
      std,
    ),
    shape,
  );

type Scores = (rows: tf.Tensor2D, cols: tf.Tensor2D, layers: PairLayer[]) => tf.Tensor2D;

/** Wall time (ms) of one forward + backward of Σ scores w.r.t. rows, cols and every layer. */
function timeOnce(scores: Scores, inputs: tf.Tensor[]): number {
  const t0 = performance.now();
  tf.tidy(() => {
    const f = (...xs: tf.Tensor[]) => {
      const [rows, cols, ...params] = xs as [tf.Tensor2D, tf.Tensor2D, ...tf.Tensor[]];
      const layers: PairLayer[] = [];
      for (let l = 0; l < params.length; l += 2)
        layers.push({ kernel: params[l] as tf.Tensor2D, bias: params[l + 1] as tf.Tensor1D });
      return tf.sum(scores(rows, cols, layers));
    };
    for (const g of tf.grads(f)(inputs)) g.dataSync();
  });
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Medians of `reps` interleaved runs of `a` and `b`, after `warmUp` runs of each (V8 runs a wasm
 * function's baseline code until it is hot enough to be optimized: the first calls are slower).
 */
function interleaved(
  a: Scores,
  b: Scores,
  inputs: tf.Tensor[],
  reps: number,
  warmUp: number,
): [number, number] {
  const [ta, tb]: number[][] = [[], []];
  for (let i = 0; i < reps + warmUp; i++) {
    const ms = [timeOnce(a, inputs), timeOnce(b, inputs)];
    if (i >= warmUp) [ta.push(ms[0]), tb.push(ms[1])];
  }
  return [median(ta), median(tb)];
}

/** rows, cols and each layer's kernel and bias for `hidden` → 1 at B pairs per side. */
function inputsFor(hidden: number[]): tf.Tensor[] {
  const widths = [...hidden, 1];
  const inputs = [normal([B, hidden[0]], 1), normal([B, hidden[0]], 1)];
  for (let l = 1; l < widths.length; l++) {
    // glorot-like scale, so that activations stay O(1) through the stack
    inputs.push(normal([widths[l - 1], widths[l]], Math.sqrt(2 / (widths[l - 1] + widths[l]))));
    inputs.push(normal([widths[l]], 0.1));
  }
  return inputs;
}

const load = () => loadavg()[0].toFixed(1);

console.log(`PAIR_MLP_MAX_WIDTH = ${PAIR_MLP_MAX_WIDTH}; B = ${B}; ${REPS} reps`);
console.log('| hidden | kernel ms | composed ms | composed/kernel | load |');
console.log('|---|---:|---:|---:|---:|');
for (const hidden of [
  [10, 10, 10, 10, 10],
  [16, 8],
  [32, 32],
  [100, 100],
  [256, 256],
]) {
  const inputs = inputsFor(hidden);
  // Wide stacks take seconds per composed step (and warm the code up on their own): fewer reps.
  const [reps, warmUp] = hidden[0] > 64 ? [Math.min(REPS, 3), 1] : [REPS, 5];
  const [k, c] = interleaved(pairMlpScores, stockPairMlpScores, inputs, reps, warmUp);
  console.log(
    `| [${hidden}] | ${k.toFixed(1)} | ${c.toFixed(1)} | ${(c / k).toFixed(1)}x | ${load()} |`,
  );
  tf.dispose(inputs);
}

const oneLayer: Scores = (rows, cols, [last]) => pairReluScores(rows, cols, last.kernel, last.bias);
console.log('\n| one hidden layer | this kernel ms | pairReluScores ms | this/pairRelu | load |');
console.log('|---|---:|---:|---:|---:|');
for (const h of [8, 16, 200]) {
  const inputs = inputsFor([h]);
  const [k, r] = interleaved(pairMlpScores, oneLayer, inputs, REPS, 5);
  console.log(`| [${h}] | ${k.toFixed(2)} | ${r.toFixed(2)} | ${(k / r).toFixed(2)} | ${load()} |`);
  tf.dispose(inputs);
}
