/**
 * Checks an op against a reference on another backend: values and gradients w.r.t. every
 * input. The loss is ⟨op(inputs), R⟩ with a fixed random cotangent R, so the gradients are the
 * exact vector-Jacobian products (a plain sum would hide errors that cancel across outputs).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { setFastPath } from '../../src/ops/index.ts';
import { Rng } from '../../src/random.ts';

export interface InputSpec {
  shape: number[];
  /** Values; default N(0, 1) from the case's seed. */
  values?: Float32Array;
}

export interface OpCase {
  name: string;
  seed: number;
  inputs: InputSpec[];
  /** The op under test (from src/ops). */
  op: (...xs: tf.Tensor[]) => tf.Tensor;
  /** The plain TF.js reference. */
  reference: (...xs: tf.Tensor[]) => tf.Tensor;
}

export interface Outputs {
  value: Float32Array;
  shape: number[];
  grads: Float32Array[];
}

/** Value and gradients of ⟨f(inputs), R⟩ on the current backend, read back to arrays. */
export function evaluate(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Float32Array[],
  shapes: number[][],
  cotangent: (shape: number[]) => Float32Array,
): Outputs {
  return tf.tidy(() => {
    const xs = inputs.map((v, i) => tf.tensor(v, shapes[i]));
    const y = f(...xs);
    const r = tf.tensor(cotangent(y.shape), y.shape);
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), r)))(xs);
    return {
      value: y.dataSync() as Float32Array,
      shape: y.shape,
      grads: grads.map((g) => g.dataSync() as Float32Array),
    };
  });
}

/** max |a - b| ≤ tol · (1 + max |b|), with a message naming the worst element. */
export function assertClose(
  actual: Float32Array,
  expected: Float32Array,
  tol: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) [worst, at] = [d, i]; // also catches NaN
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(
    worst <= tol * (1 + scale),
    `${what}: max |diff| ${worst} at ${at} (got ${actual[at]}, want ${expected[at]}), scale ${scale}`,
  );
}

/**
 * Runs `c.op` on `backend` (fast path as chosen by `mode`) and `c.reference` on cpu, and
 * asserts equal values and gradients. Leaves the backend set to `backend`.
 */
export async function checkAgainstCpu(
  c: OpCase,
  backend: 'wasm' | 'cpu',
  mode: 'auto' | 'always' = 'auto',
  tol = 1e-4,
) {
  const rng = new Rng(c.seed);
  const inputs = c.inputs.map((s) => s.values ?? rng.normalArray(sizeOf(s.shape)));
  const shapes = c.inputs.map((s) => s.shape);
  const cotangent = (shape: number[]) => new Rng(c.seed + 1).normalArray(sizeOf(shape));

  await tf.setBackend(backend);
  const previous = setFastPath(mode);
  let got: Outputs;
  try {
    got = evaluate(c.op, inputs, shapes, cotangent);
  } finally {
    setFastPath(previous);
  }
  await tf.setBackend('cpu');
  const want = evaluate(c.reference, inputs, shapes, cotangent);
  await tf.setBackend(backend);

  const where = `${c.name} on ${backend} (${mode})`;
  assert.deepEqual(got.shape, want.shape, `${where}: output shape`);
  assertClose(got.value, want.value, tol, `${where}: value`);
  assert.equal(got.grads.length, c.inputs.length);
  for (const [i, g] of got.grads.entries()) {
    assertClose(g, want.grads[i], tol, `${where}: d/d input ${i}`);
  }
}

/** Tensors left behind by a tidy'd forward + backward of `f` at fresh inputs of `shapes`. */
export function leakAfterStep(f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][]): number {
  const xs = shapes.map((s) => tf.randomNormal(s, 0, 1, 'float32', 7));
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(f(...args)))(xs);
    for (const g of grads) g.dataSync();
  });
  const leaked = tf.memory().numTensors - before;
  tf.dispose(xs);
  return leaked;
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Registers the three checks of a fast-path op: the wasm kernel (auto), the fast path forced
 * on cpu, and the stock path on cpu, each against `c.reference` on cpu within `tol`.
 */
export function itOnEveryPath(c: OpCase, tol = 1e-5) {
  it(`${c.name}: the wasm kernel equals composed TF.js on cpu (to ${tol})`, async () => {
    await checkAgainstCpu(c, 'wasm', 'auto', tol);
  });
  it(`${c.name}: the fast path on cpu equals composed TF.js (to ${tol})`, async () => {
    await checkAgainstCpu(c, 'cpu', 'always', tol);
  });
  it(`${c.name}: the stock path on cpu equals the reference`, async () => {
    await checkAgainstCpu(c, 'cpu', 'auto', tol);
  });
}
