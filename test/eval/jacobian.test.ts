/**
 * Jacobian conditioning against encoders whose Jacobians are known in closed form: linear
 * (J = Wᵀ at every input), elementwise (diagonal), near-identity residual (log condition ≈ 0).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { createEncoder, encoderRegistry } from '../../src/encoders/index.ts';
import { jacobianConditioning, jacobians, logConditionOf } from '../../src/eval/jacobian.ts';
import { Rng } from '../../src/random.ts';
import type { Encoder } from '../../src/types.ts';
import { testBackend } from '../helpers.ts';

/** x ↦ f(x, variables): a tiny Encoder for tests. */
function encoderOf(
  kind: string,
  inputDim: number,
  outputDim: number,
  variables: tf.Variable[],
  f: (x: tf.Tensor2D) => tf.Tensor2D,
): Encoder {
  return {
    kind,
    inputDim,
    outputDim,
    variables,
    apply: f,
    dispose: () => {
      for (const v of variables) v.dispose();
    },
  };
}

/** x ↦ x·W with W: [dIn, dOut], so ∂y_k/∂x_j = W[j, k] and J = Wᵀ. */
function linearEncoder(w: Float32Array, dIn: number, dOut: number): Encoder {
  const kernel = tf.tidy(() => tf.variable(tf.tensor2d(w, [dIn, dOut])));
  return encoderOf('linear', dIn, dOut, [kernel], (x) => tf.matMul(x, kernel));
}

/** Singular values of a row-major matrix by ml-matrix, computed independently (with U, V). */
function referenceSingularValues(values: Float32Array, rows: number, columns: number): number[] {
  const m = new Matrix(rows, columns);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < columns; j++) m.set(i, j, values[i * columns + j]);
  return new SingularValueDecomposition(m, { autoTranspose: true }).diagonal.sort((a, b) => b - a);
}

function assertClose(actual: number[], expected: number[], relTol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(...expected.map(Math.abs));
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= relTol * scale,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

describe('jacobianConditioning', () => {
  before(async () => {
    await testBackend();
  });

  it('a linear encoder has J = Wᵀ at every sample: same singular values as W', () => {
    for (const [dIn, dOut] of [
      [20, 20],
      [30, 10],
      [10, 30],
    ]) {
      const w = new Rng(dIn * 100 + dOut).normalArray(dIn * dOut);
      const encoder = linearEncoder(w, dIn, dOut);
      const x = tf.tensor2d(new Rng(5).normalArray(7 * dIn), [7, dIn]);
      // Entries: J_i[k, j] = W[j, k], for every sample i.
      const all = jacobians(encoder, x, 3);
      for (let i = 0; i < 7; i++) {
        for (let k = 0; k < dOut; k++) {
          for (let j = 0; j < dIn; j++) {
            assert.ok(Math.abs(all[(i * dOut + k) * dIn + j] - w[j * dOut + k]) < 1e-6);
          }
        }
      }
      const expected = referenceSingularValues(w, dIn, dOut);
      const result = jacobianConditioning(encoder, x, { keepSingularValues: true });
      assert.equal(result.logCondition.length, 7);
      for (let i = 0; i < 7; i++) {
        assertClose(result.singularValues![i], expected, 1e-5, `${dIn}x${dOut} sample ${i}`);
        assert.ok(Math.abs(result.sigmaMax[i] - expected[0]) < 1e-5 * expected[0]);
        assert.ok(
          Math.abs(result.sigmaMin[i] - expected[expected.length - 1]) < 1e-5 * expected[0],
        );
        const cond = Math.log(expected[0] / expected[expected.length - 1]);
        assert.ok(
          Math.abs(result.logCondition[i] - cond) < 1e-4,
          `${result.logCondition[i]} vs ${cond}`,
        );
      }
      x.dispose();
      encoder.dispose();
    }
  });

  it('an elementwise encoder tanh(x)·w has diagonal Jacobians with |w_k·(1 − tanh²(x_k))|', () => {
    const d = 12;
    const w = Float32Array.from({ length: d }, (_, k) => (k % 2 ? -1 : 1) * (0.5 + 0.25 * k)); // distinct
    const scale = tf.tidy(() => tf.variable(tf.tensor1d(w)));
    const encoder = encoderOf('tanh', d, d, [scale], (x) => tf.mul(tf.tanh(x), scale));
    const n = 5;
    const xs = new Rng(11).normalArray(n * d);
    const x = tf.tensor2d(xs, [n, d]);
    const all = jacobians(encoder, x, 2);
    const result = jacobianConditioning(encoder, x, { keepSingularValues: true });
    for (let i = 0; i < n; i++) {
      const expected: number[] = [];
      for (let k = 0; k < d; k++) {
        const t = Math.tanh(xs[i * d + k]);
        expected.push(Math.abs(w[k] * (1 - t * t)));
        for (let j = 0; j < d; j++) {
          const value = all[(i * d + k) * d + j];
          if (j !== k) assert.ok(value === 0, `off-diagonal (${i}, ${k}, ${j}): ${value}`); // ±0
        }
      }
      expected.sort((a, b) => b - a);
      assertClose(result.singularValues![i], expected, 1e-5, `sample ${i}`);
      const cond = Math.log(expected[0] / expected[d - 1]);
      assert.ok(Math.abs(result.logCondition[i] - cond) < 1e-4);
    }
    x.dispose();
    encoder.dispose();
  });

  it('a near-identity residual encoder x + 1e-4·relu(xA) has log condition ≈ 0', () => {
    const d = 20;
    const a = tf.tidy(() => tf.variable(tf.tensor2d(new Rng(3).normalArray(d * d), [d, d])));
    const encoder = encoderOf('residual', d, d, [a], (x) =>
      tf.add(x, tf.mul(1e-4, tf.relu(tf.matMul(x, a)))),
    );
    const x = tf.tensor2d(new Rng(4).normalArray(16 * d), [16, d]);
    const result = jacobianConditioning(encoder, x, { chunkSize: 5 });
    for (const c of result.logCondition) assert.ok(c >= 0 && c < 1e-2, `log condition ${c}`);
    for (const s of result.sigmaMax) assert.ok(Math.abs(s - 1) < 1e-2);
    x.dispose();
    encoder.dispose();
  });

  it('chunking does not change the result; nothing leaks; variables are unchanged', () => {
    const dIn = 8;
    const dOut = 6;
    const encoder = linearEncoder(new Rng(9).normalArray(dIn * dOut), dIn, dOut);
    const x = tf.tensor2d(new Rng(10).normalArray(9 * dIn), [9, dIn]);
    const before = encoder.variables.map((v) => v.dataSync().slice());
    const tensors = tf.memory().numTensors;
    const reference = jacobians(encoder, x, 9);
    for (const chunk of [1, 2, 4, 100]) assert.deepEqual(jacobians(encoder, x, chunk), reference);
    jacobianConditioning(encoder, x);
    assert.equal(tf.memory().numTensors, tensors);
    for (const [i, v] of encoder.variables.entries()) assert.deepEqual(v.dataSync(), before[i]);
    assert.throws(() => jacobians(encoder, x, 0), /chunkSize/);
    const wrong = tf.zeros([2, dIn + 1]) as tf.Tensor2D;
    assert.throws(() => jacobians(encoder, wrong), /expects 8 inputs/);
    wrong.dispose();
    x.dispose();
    encoder.dispose();
  });

  it('a singular Jacobian has σ_min ≈ 0 and a huge (or infinite) log condition', () => {
    assert.equal(logConditionOf(2, 0), Number.POSITIVE_INFINITY);
    assert.equal(logConditionOf(0, 0), Number.POSITIVE_INFINITY);
    assert.equal(logConditionOf(Math.E, 1), 1);
    // x ↦ x·W with a zero column in W: J has a zero row, rank 3 of 4, everywhere.
    const w = new Rng(12).normalArray(4 * 4);
    for (let j = 0; j < 4; j++) w[j * 4 + 2] = 0;
    const encoder = linearEncoder(w, 4, 4);
    const x = tf.ones([2, 4]) as tf.Tensor2D;
    for (const svd of ['bisection', 'ml-matrix'] as const) {
      const result = jacobianConditioning(encoder, x, { svd });
      for (const [i, c] of result.logCondition.entries()) {
        // Exactly 0 or rounding-level (≤ 1e-14·σ_max), depending on the reflections' rounding.
        assert.ok(
          result.sigmaMin[i] <= 1e-14 * result.sigmaMax[i],
          `${svd}: ${result.sigmaMin[i]}`,
        );
        assert.ok(c > 30, `${svd}: log condition ${c}`);
      }
    }
    assert.throws(
      () => jacobianConditioning(encoder, x, { svd: 'lapack' as 'bisection' }),
      /svd must be/,
    );
    x.dispose();
    encoder.dispose();
  });

  it('both SVD routines agree on a nonlinear encoder', () => {
    const d = 16;
    const a = tf.tidy(() => tf.variable(tf.tensor2d(new Rng(13).normalArray(d * d, 0.5), [d, d])));
    const encoder = encoderOf(
      'tanh-linear',
      d,
      d,
      [a],
      (x) => tf.tanh(tf.matMul(x, a)) as tf.Tensor2D,
    );
    const x = tf.tensor2d(new Rng(14).normalArray(6 * d), [6, d]);
    const fast = jacobianConditioning(encoder, x, { keepSingularValues: true });
    const reference = jacobianConditioning(encoder, x, {
      keepSingularValues: true,
      svd: 'ml-matrix',
    });
    for (let i = 0; i < 6; i++) {
      assertClose(fast.singularValues![i], reference.singularValues![i], 1e-12, `sample ${i}`);
      assert.ok(Math.abs(fast.logCondition[i] - reference.logCondition[i]) < 1e-9);
    }
    x.dispose();
    encoder.dispose();
  });

  it('matches central finite differences for every registered encoder (custom-gradient ops)', () => {
    const shape: [number, number] = [2, 4]; // an 8-pixel "image" for image encoders
    for (const name of encoderRegistry.names()) {
      const encoder = createEncoder(name, {
        inputDim: 8,
        inputShape: shape,
        seed: 3,
        options: encoderRegistry.get(name).testOptions,
      });
      const dOut = encoder.outputDim;
      const xs = new Rng(15).normalArray(2 * 8);
      const x = tf.tensor2d(xs, [2, 8]);
      const all = jacobians(encoder, x);
      const h = 1e-2; // float32 forward: a larger step keeps rounding (~1e-7/h) small
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 8; j++) {
          const shifted = (delta: number) => {
            const row = xs.slice(i * 8, i * 8 + 8);
            row[j] += delta;
            return tf.tidy(() => encoder.apply(tf.tensor2d(row, [1, 8])).dataSync());
          };
          const plus = shifted(h);
          const minus = shifted(-h);
          for (let k = 0; k < dOut; k++) {
            const numeric = (plus[k] - minus[k]) / (2 * h);
            const analytic = all[(i * dOut + k) * 8 + j];
            assert.ok(
              Math.abs(numeric - analytic) < 2e-2 * Math.max(1, Math.abs(numeric)),
              `${name}: ∂y_${k}/∂x_${j} at sample ${i}: ${analytic} vs finite difference ${numeric}`,
            );
          }
        }
      }
      x.dispose();
      encoder.dispose();
    }
  });

  it('the MLP closed form (forward-mode products) equals autograd, with and without shortcuts', () => {
    for (const [shortcuts, layers] of [
      [true, [12, 12, 12]],
      [false, [10, 7, 5]],
    ] as const) {
      const encoder = createEncoder('mlp', {
        inputDim: 12,
        seed: 21,
        options: { layers: [...layers], shortcuts, init: 'truncated-normal', initStd: 0.3 },
      });
      assert.ok(encoder.transposedJacobians, 'mlp has a closed form');
      const x = tf.tensor2d(new Rng(22).normalArray(9 * 12), [9, 12]);
      const tensors = tf.memory().numTensors;
      const closed = jacobians(encoder, x, 4);
      const autograd = jacobians(encoder, x, 4, 'autograd');
      assert.equal(tf.memory().numTensors, tensors);
      for (let i = 0; i < closed.length; i++) {
        assert.ok(
          Math.abs(closed[i] - autograd[i]) < 1e-5,
          `entry ${i}: ${closed[i]} vs ${autograd[i]}`,
        );
      }
      // The relu masks matter: Jacobians differ between samples (a linear net's would not).
      const block = 12 * encoder.outputDim;
      let change = 0;
      for (let i = 0; i < block; i++)
        change = Math.max(change, Math.abs(closed[i] - closed[block + i]));
      assert.ok(change > 1e-2, `samples 0 and 1 differ by ${change}`);
      x.dispose();
      encoder.dispose();
    }
  });

  it("svd 'lu' (the default for square Jacobians) agrees with bisection on a residual MLP", () => {
    const d = 24;
    const encoder = createEncoder('mlp', {
      inputDim: d,
      seed: 23,
      options: { layers: [d, d, d, d, d], shortcuts: true, init: 'truncated-normal', initStd: 0.2 },
    });
    const x = tf.tensor2d(new Rng(24).normalArray(6 * d), [6, d]);
    const tensors = tf.memory().numTensors;
    const lu = jacobianConditioning(encoder, x);
    const reference = jacobianConditioning(encoder, x, { svd: 'bisection', method: 'autograd' });
    assert.equal(tf.memory().numTensors, tensors);
    for (let i = 0; i < 6; i++) {
      // float32 Jacobians by two routes differ at ~1e-7 relative per entry (log condition ~4.5
      // here; at initStd 0.4, ~12, the two float32 Jacobians differ at 1e-2 in it)
      assert.ok(Math.abs(lu.logCondition[i] - reference.logCondition[i]) < 1e-4);
      assert.ok(Math.abs(lu.sigmaMax[i] / reference.sigmaMax[i] - 1) < 1e-5);
    }
    assert.ok(Math.max(...lu.logCondition) > 1, 'a spread of singular values, not ≈ identity');
    // Same Jacobians (autograd for both): the routines agree to Lanczos tolerance.
    const same = jacobianConditioning(encoder, x, { svd: 'lu', method: 'autograd' });
    for (let i = 0; i < 6; i++) {
      assert.ok(Math.abs(same.logCondition[i] - reference.logCondition[i]) < 1e-8);
    }
    assert.throws(
      () => jacobianConditioning(encoder, x, { svd: 'lu', keepSingularValues: true }),
      /square Jacobian and no keepSingularValues/,
    );
    assert.throws(() => jacobians(encoder, x, 2, 'finite-differences' as 'auto'), /method must be/);
    x.dispose();
    encoder.dispose();
  });
});
