import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  boundRegistry,
  describeObjective,
  getBound,
  infonce,
  logMeanExpOffDiagonal,
  nwj,
  objectiveLoss,
  tuba,
} from '../../src/bounds/index.ts';
import { gaussianMutualInformation, sampleIidPairs } from '../../src/data/gaussian.ts';
import { Rng } from '../../src/random.ts';
import { UserError } from '../../src/types.ts';
// Side effect: registers TF.js's stock gradients (tfjs-core alone has none in Node).
import '../../src/ops/index.ts';
import { leakedTensors, testBackend } from '../helpers.ts';
import { S1, S2, transpose, value } from './matrices.ts';

const BASELINE = [0.5, -0.3, 1.2];

/*
Reference (NumPy 2.4.6, float64), written independently of the TF code:

import numpy as np
def lse(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)), axis=axis)
def infonce(S):
    K = S.shape[0]
    return np.log(K) + np.mean(np.diag(S) - lse(S, axis=1))
def tuba(S, b=None):
    K = S.shape[0]
    if b is not None:
        S = S - np.reshape(b, (-1, 1)) if np.ndim(b) else S - b
    off = S[~np.eye(K, dtype=bool)]
    return 1 + np.mean(np.diag(S)) - np.mean(np.exp(off))
def nwj(S): return tuba(S - 1)
S1 = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, 3.0], [-2.0, 0.7, 0.1]])
S2 = np.array([[1.0, 0.2, -0.4, 0.9], [-1.1, 0.6, 0.3, 0.0], [0.5, -0.7, 2.2, -0.2],
               [0.8, 1.3, -0.6, -0.3]])
b = np.array([0.5, -0.3, 1.2])
infonce(S1), infonce(S1.T), nwj(S1), tuba(S1), infonce(S2), infonce(S2.T), nwj(S2), tuba(S2)
tuba(S1, b), tuba(S1.T, b), tuba(S1, 0.7)
*/
const REF = {
  infonceS1: 0.07321953377894364,
  infonceS1T: -0.11399894559659574,
  nwjS1: -0.36968543912014806,
  tubaS1: -2.0668474055570556,
  infonceS2: 0.2820757361179982,
  infonceS2T: 0.267711037893662,
  nwjS2: 0.37095175053026386,
  tubaS2: 0.504854802799825,
  tubaS1Baseline: -3.4008634574813037,
  tubaS1TBaseline: -0.043652608692781536,
  tubaS1Scalar07: -0.6188537151201374,
};

/** float32 on wasm vs float64 reference. */
const TOL = 1e-5;

function close(actual: number, expected: number, tol = TOL, what = '') {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tol})`,
  );
}

describe('bounds: reference values (NumPy)', () => {
  before(testBackend);

  it('infonce on fixed matrices; rows and columns are not interchangeable', () => {
    close(value(infonce, S1), REF.infonceS1);
    close(value(infonce, transpose(S1)), REF.infonceS1T);
    close(value(infonce, S2), REF.infonceS2);
    close(value(infonce, transpose(S2)), REF.infonceS2T);
    assert.ok(Math.abs(REF.infonceS1 - REF.infonceS1T) > 0.1); // the check above can fail
  });

  it('nwj and tuba on fixed matrices', () => {
    close(value(nwj, S1), REF.nwjS1);
    close(value(nwj, S2), REF.nwjS2);
    close(
      value((s) => tuba(s), S1),
      REF.tubaS1,
    );
    close(
      value((s) => tuba(s), S2),
      REF.tubaS2,
    );
  });

  it('tuba with a per-row log-baseline subtracts b_i from row i (not column i)', () => {
    const b = () => tf.tensor1d(BASELINE);
    close(
      value((s) => tuba(s, b()), S1),
      REF.tubaS1Baseline,
    );
    close(
      value((s) => tuba(s, b()), transpose(S1)),
      REF.tubaS1TBaseline,
    );
    close(
      value((s) => tuba(s, 0.7), S1),
      REF.tubaS1Scalar07,
    );
    // a constant baseline of 1 is NWJ
    close(
      value((s) => tuba(s, 1), S2),
      REF.nwjS2,
    );
    assert.throws(
      () => value((s) => tuba(s, tf.tensor1d([1, 2])), S1),
      /logBaseline must be \[3\]/,
    );
  });

  it('the off-diagonal mean excludes the diagonal exactly', () => {
    // diagonal = +huge: including it would give ~1e4; excluding it leaves log(mean(e^0)) = 0
    const rows = [
      [1e4, 0, 0],
      [0, 1e4, 0],
      [0, 0, 1e4],
    ];
    close(value(logMeanExpOffDiagonal, rows), 0);
  });

  it('every registered bound gives a finite scalar with finite gradients and leaks nothing', () => {
    const scores = tf.tensor2d(S2);
    for (const [name, entry] of boundRegistry.list()) {
      const leaked = leakedTensors(() => {
        tf.tidy(() => {
          const out = entry.fn(scores);
          assert.equal(out.rank, 0, name);
          assert.ok(Number.isFinite(out.dataSync()[0]), name);
          const grad = tf.grad((s) => entry.fn(s as tf.Tensor2D))(scores);
          assert.ok(Array.from(grad.dataSync()).every(Number.isFinite), `${name} gradient`);
        });
      });
      assert.equal(leaked, 0, `${name} leaked ${leaked} tensors`);
    }
    scores.dispose();
  });

  it('non-square scores are rejected', () => {
    assert.throws(() => value(infonce, [[1, 2]]), /square/);
    assert.throws(() => value(nwj, [[1]]), /K ≥ 2/);
  });
});

describe('bounds: infonce ≤ log K', () => {
  before(testBackend);

  it('on random scores of several scales', () => {
    const rng = new Rng(7);
    for (const k of [2, 16, 64]) {
      for (const scale of [0.1, 5, 100]) {
        const v = tf.tidy(
          () => infonce(tf.tensor2d(rng.normalArray(k * k, scale), [k, k])).dataSync()[0],
        );
        assert.ok(v <= Math.log(k) + 1e-5, `K=${k} scale=${scale}: ${v} > log K`);
      }
    }
  });

  it('on adversarial scores: a huge diagonal reaches log K and does not exceed it', () => {
    const k = 32;
    const v = tf.tidy(() => {
      const s = tf.sub(tf.mul(tf.eye(k), 2e4), 1e4); // diagonal +1e4, off-diagonal −1e4
      return infonce(s as tf.Tensor2D).dataSync()[0];
    });
    close(v, Math.log(k), 1e-4);
    // constant scores carry no information: exactly 0
    close(
      value(
        infonce,
        Array.from({ length: 4 }, () => [3, 3, 3, 3]),
      ),
      0,
    );
  });
});

describe('bounds: optimal critics on a bivariate Gaussian', () => {
  before(testBackend);

  // MI = −½ ln(1 − ρ²) = 0.5 nats ⇔ ρ² = 1 − e^{−1}.
  const rho = Math.sqrt(1 - Math.exp(-1));
  const cov: [[number, number], [number, number]] = [
    [1, rho],
    [rho, 1],
  ];
  const trueMi = gaussianMutualInformation(cov);
  const K = 128;
  const BATCHES = 40;

  /** log p(x, y) / (p(x) p(y)) for unit variances and correlation ρ. */
  function logRatio(x: number, y: number): number {
    const r2 = rho * rho;
    return -0.5 * Math.log(1 - r2) - (r2 * x * x - 2 * rho * x * y + r2 * y * y) / (2 * (1 - r2));
  }

  /** Per-batch values of `bound` on scores[i][j] = critic(x_i, y_j) + offset. */
  function perBatch(bound: (s: tf.Tensor2D) => tf.Scalar, offset: number): number[] {
    const rng = new Rng(2020);
    const out: number[] = [];
    for (let t = 0; t < BATCHES; t++) {
      const { x, y } = sampleIidPairs(rng, K, cov);
      const scores = new Float32Array(K * K);
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < K; j++) scores[i * K + j] = logRatio(x[i], y[j]) + offset;
      }
      out.push(tf.tidy(() => bound(tf.tensor2d(scores, [K, K])).dataSync()[0]));
    }
    return out;
  }

  function meanAndStandardError(values: number[]): [number, number] {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    return [mean, Math.sqrt(variance / values.length)];
  }

  it('nwj with f = 1 + log p(x,y)/(p(x)p(y)) is unbiased: mean over batches ≈ true MI', () => {
    close(trueMi, 0.5, 1e-12);
    // With the optimal critic E[I_NWJ] = MI exactly (the marginal term's expectation is e·e^{-1}
    // = 1), so the mean over independent batches is within a few standard errors of MI. 4 SE
    // makes a false failure ~1e-4 (normal approximation); with 40 batches of 128, SE ≈ 0.01,
    // so a bound off by ≥ 0.05 nats (e.g. a diagonal counted as a negative) fails.
    const [mean, se] = meanAndStandardError(perBatch(nwj, 1));
    assert.ok(se < 0.03, `standard error ${se} unexpectedly large`);
    assert.ok(Math.abs(mean - trueMi) < 4 * se, `nwj mean ${mean} vs MI ${trueMi} (SE ${se})`);
  });

  it('infonce with f = log p(y|x)/p(y) is ≤ true MI and ≤ log K', () => {
    const values = perBatch(infonce, 0);
    for (const v of values) assert.ok(v <= Math.log(K) + 1e-5);
    const [mean, se] = meanAndStandardError(values);
    // A lower bound in expectation: the mean may exceed MI only by sampling error (3 SE).
    assert.ok(mean <= trueMi + 3 * se, `infonce mean ${mean} > MI ${trueMi} + 3 SE (${se})`);
    // And tight here (MI ≪ log K, optimal critic): NumPy gives 0.495 ± 0.01 at this setting.
    assert.ok(mean > trueMi - 0.1, `infonce mean ${mean} far below MI ${trueMi}`);
  });
});

describe('bounds: objective and registry', () => {
  before(testBackend);

  it('maximize is −I; target t is |I − t|', () => {
    const at = (i: number, objective: Parameters<typeof objectiveLoss>[1]) =>
      tf.tidy(() => objectiveLoss(tf.scalar(i), objective).dataSync()[0]);
    close(at(1.5, { kind: 'maximize' }), -1.5);
    close(at(1.5, { kind: 'target', target: 2 }), 0.5);
    close(at(2.5, { kind: 'target', target: 2 }), 0.5);
    assert.equal(describeObjective({ kind: 'target', target: 4 }), '|I − 4|');
    assert.equal(describeObjective({ kind: 'maximize' }), 'maximize I');
  });

  it('an unknown bound name lists the valid ones', () => {
    assert.throws(
      () => getBound('infonc'),
      (e: Error) =>
        e instanceof UserError &&
        /unknown bound 'infonc'; valid bounds: .*infonce.*nwj/.test(e.message),
    );
  });
});
