/**
 * The bounds the estimators are built from (`dv`, `smile`, `jsObjective`, `interpolated`,
 * `logLeaveOneOutMeanExp`) against NumPy references, plus the upper limit of I_α and a
 * construction that exceeds Poole et al.'s stated log(K/α).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  dv,
  interpolated,
  jsObjective,
  logLeaveOneOutMeanExp,
  smile,
} from '../../src/bounds/index.ts';
import { Rng } from '../../src/random.ts';
// Side effect: registers TF.js's stock gradients (tfjs-core alone has none in Node).
import '../../src/ops/index.ts';
import { leakedTensors, testBackend } from '../helpers.ts';
import { S1, S2, transpose, value } from './matrices.ts';

/** I_α on a plain matrix and baseline. */
function interp(rows: number[][], baseline: number[], alpha: number): number {
  return value((s) => interpolated(s, tf.tensor1d(baseline), alpha), rows);
}

const B1 = [0.5, -0.3, 1.2];
const B2 = [0.2, -0.5, 0.9, -1.0];
// Row [30, 0, -1]: leaving out the 30 needs log(e^0 + e^-1) − log 2; the shortcut
// log(Σ_k e^{S_ik} − e^{S_ij}) computes e^30 + 1.37 − e^30 = 0 in float32.
const DOMINANT = [
  [30.0, 0.0, -1.0],
  [-1.0, 30.0, 0.0],
  [0.0, -1.0, 30.0],
];

/*
Reference (NumPy 2.4.6, float64), written independently of the TF code:

import numpy as np
def lme_off(S):
    K = S.shape[0]
    off = S[~np.eye(K, dtype=bool)]
    m = off.max()
    return m + np.log(np.mean(np.exp(off - m)))
def dv(S): return np.mean(np.diag(S)) - lme_off(S)
def smile(S, tau): return np.mean(np.diag(S)) - lme_off(np.clip(S, -tau, tau))
def softplus(x): return np.logaddexp(0, x)
def js(S):
    K = S.shape[0]
    off = S[~np.eye(K, dtype=bool)]
    return np.mean(-softplus(-np.diag(S))) - np.mean(softplus(off))
def loo(S):
    # out[i, j] = log mean_{k != j} exp(S_ik)
    K = S.shape[0]
    out = np.empty((K, K))
    for i in range(K):
        for j in range(K):
            v = np.delete(S[i], j)
            m = v.max()
            out[i, j] = m + np.log(np.mean(np.exp(v - m)))
    return out
def interp_terms(S, b, a):
    K = S.shape[0]
    m = np.exp(loo(S))                                   # m_ij
    mix = a * m + (1 - a) * np.exp(b)[:, None]           # α m_ij + (1 − α) e^{b_i}
    off = ~np.eye(K, dtype=bool)
    joint = np.mean((np.diag(S)[:, None] - np.log(mix))[off])
    marg = np.mean((np.exp(S) / np.diag(mix)[:, None])[off])
    return joint, marg
def interpolated(S, b, a):
    joint, marg = interp_terms(S, b, a)
    return 1 + joint - marg
S1 = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, 3.0], [-2.0, 0.7, 0.1]])
S2 = np.array([[1.0, 0.2, -0.4, 0.9], [-1.1, 0.6, 0.3, 0.0], [0.5, -0.7, 2.2, -0.2],
               [0.8, 1.3, -0.6, -0.3]])
b1 = np.array([0.5, -0.3, 1.2])
b2 = np.array([0.2, -0.5, 0.9, -1.0])
dv(S1), dv(S1.T), dv(S2), dv(S2.T)
smile(S1, 0.5), smile(S1.T, 0.5), smile(S2, 0.5), smile(S2.T, 0.5)
js(S1), js(S1.T), js(S2), js(S2.T)
interpolated(S1, b1, 0.5), interpolated(S1.T, b1, 0.5)
interpolated(S2, b2, 0.3), interpolated(S2.T, b2, 0.3)
interp_terms(S1, b1, 1.0), interp_terms(S2, b2, 1.0)[0]
interpolated(np.where(np.eye(3, dtype=bool), 10.0, -30.0), np.zeros(3), 0.5)
loo(S1), loo(S1.T)
D = np.array([[30.0, 0.0, -1.0], [-1.0, 30.0, 0.0], [0.0, -1.0, 30.0]]); loo(D)
*/
const REF = {
  dvS1: -0.2508752420377083,
  dvS2: 0.5600832824180138,
  smileS1Tau05: 0.9756459897067253,
  smileS2Tau05: 0.7590861600695347,
  jsS1: -1.3943118709779367,
  jsS2: -1.220225777174612,
  interpS1: 0.12880388600453152, // α = 0.5, baseline B1
  interpS1T: 0.06466302823256664,
  interpS2: 0.3398493413977739, // α = 0.3, baseline B2
  interpS2T: 0.29769828221215056,
  interpS1Alpha1Joint: 0.13186320580279223,
  interpS1Alpha1Marginal: 1.0000000000000002,
  interpS2Alpha1Joint: 0.22996131392398547,
  poole: 2.3862035653822367,
  looS1: [
    [0.00826609742280715, 1.508266097422807, 1.3554401710137967],
    [2.508266097422807, 2.3718963812166454, 1.070135286778086],
    [0.4443407699259403, -0.4776276573801904, 0.07189638121664521],
  ],
  looS1T: [
    [-0.2976017159619823, 1.3250027473578645, 1.4746388488263207],
    [1.1779534853878324, 0.17463884882632064, 0.8857425537326042],
    [2.3604155956580177, 0.3198680718400073, 2.3857425537326042],
  ],
  looDominant: [
    [-0.3798854930417225, 29.30685281944009, 29.30685281944015],
    [29.30685281944015, -0.3798854930417225, 29.30685281944009],
    [29.30685281944009, 29.30685281944015, -0.3798854930417225],
  ],
};

/** float32 on wasm vs float64 reference: 1e-5 relative (absolute below 1). */
function close(actual: number, expected: number, tol = 1e-5, what = '') {
  const bound = tol * Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= bound,
    `${what} expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${bound})`,
  );
}

function closeMatrix(actual: number[][], expected: number[][], tol: number, what: string) {
  assert.equal(actual.length, expected.length, what);
  for (const [i, row] of expected.entries()) {
    for (const [j, e] of row.entries()) {
      assert.ok(
        Math.abs(actual[i][j] - e) <= tol,
        `${what}[${i}][${j}]: expected ${e}, got ${actual[i][j]}`,
      );
    }
  }
}

describe('estimator bounds: dv, smile, jsObjective (NumPy)', () => {
  before(testBackend);

  it('dv on fixed matrices and their transposes', () => {
    close(value(dv, S1), REF.dvS1);
    close(value(dv, S2), REF.dvS2);
    // DV sees only the diagonal and the *set* of off-diagonal entries, so it is
    // transpose-invariant (NumPy: dv(S.T) == dv(S) to 1e-16); orientation cannot show here.
    close(value(dv, transpose(S1)), REF.dvS1);
    close(value(dv, transpose(S2)), REF.dvS2);
  });

  it('smile with tau = ∞ is dv exactly; with tau = 0.5 it differs and matches NumPy', () => {
    for (const rows of [S1, S2, transpose(S1)]) {
      assert.equal(
        value((s) => smile(s, Number.POSITIVE_INFINITY), rows),
        value(dv, rows),
      );
    }
    close(
      value((s) => smile(s, 0.5), S1),
      REF.smileS1Tau05,
    );
    close(
      value((s) => smile(s, 0.5), S2),
      REF.smileS2Tau05,
    );
    close(
      value((s) => smile(s, 0.5), transpose(S2)),
      REF.smileS2Tau05,
    );
    assert.ok(Math.abs(REF.smileS1Tau05 - REF.dvS1) > 0.1); // the clip matters on S1
    assert.ok(Math.abs(REF.smileS2Tau05 - REF.dvS2) > 0.1);
    // a tau above every |S_ij| clips nothing
    close(
      value((s) => smile(s, 10), S2),
      REF.dvS2,
    );
    assert.throws(() => value((s) => smile(s, 0), S1), /tau must be > 0/);
  });

  it('jsObjective on fixed matrices (transpose-invariant too)', () => {
    close(value(jsObjective, S1), REF.jsS1);
    close(value(jsObjective, S2), REF.jsS2);
    close(value(jsObjective, transpose(S1)), REF.jsS1);
  });

  it('leak nothing', () => {
    const s = tf.tensor2d(S2);
    for (const fn of [dv, (x: tf.Tensor2D) => smile(x, 0.5), jsObjective]) {
      assert.equal(
        leakedTensors(() => fn(s).dispose()),
        0,
      );
    }
    s.dispose();
  });
});

describe('estimator bounds: logLeaveOneOutMeanExp (NumPy)', () => {
  before(testBackend);

  const loo = (rows: number[][]) =>
    tf.tidy(() => logLeaveOneOutMeanExp(tf.tensor2d(rows)).arraySync());

  it('on S1 and S1ᵀ (they differ: out[i][j] leaves out column j of row i)', () => {
    closeMatrix(loo(S1), REF.looS1, 1e-5, 'loo(S1)');
    closeMatrix(loo(transpose(S1)), REF.looS1T, 1e-5, 'loo(S1ᵀ)');
    assert.ok(Math.abs(REF.looS1[0][0] - REF.looS1T[0][0]) > 0.1);
  });

  it('is exact when one entry dominates its row (no log(sum − e^S_ij) cancellation)', () => {
    closeMatrix(loo(DOMINANT), REF.looDominant, 1e-4, 'loo(dominant)');
  });

  it('leaks nothing', () => {
    const s = tf.tensor2d(S2);
    assert.equal(
      leakedTensors(() => logLeaveOneOutMeanExp(s).dispose()),
      0,
    );
    s.dispose();
  });
});

describe('estimator bounds: interpolated I_α (NumPy)', () => {
  before(testBackend);

  it('on S1, S2 and their transposes; the baseline is per row', () => {
    close(interp(S1, B1, 0.5), REF.interpS1);
    close(interp(transpose(S1), B1, 0.5), REF.interpS1T);
    close(interp(S2, B2, 0.3), REF.interpS2);
    close(interp(transpose(S2), B2, 0.3), REF.interpS2T);
    // the checks above can fail: rows and columns are not interchangeable
    assert.ok(Math.abs(REF.interpS1 - REF.interpS1T) > 0.05);
    assert.ok(Math.abs(REF.interpS2 - REF.interpS2T) > 0.03);
  });

  it('α = 1: the marginal term is 1, the value is the joint term and ≤ log(K − 1)', () => {
    close(REF.interpS1Alpha1Marginal, 1, 1e-12); // NumPy agrees the marginal term is 1
    close(interp(S1, B1, 1), REF.interpS1Alpha1Joint);
    close(interp(S2, B2, 1), REF.interpS2Alpha1Joint);
    // the learned baseline drops out entirely
    close(interp(S1, [40, -40, 3], 1), REF.interpS1Alpha1Joint);
    assert.ok(REF.interpS1Alpha1Joint <= Math.log(2));
    assert.ok(REF.interpS2Alpha1Joint <= Math.log(3));
  });

  it('I_α ≤ 1 + log((K − 1)/α) on 240 random matrices; α = 1 also ≤ log(K − 1)', () => {
    // Half the matrices are plain noise (baselines up to ±50); the other half separate the
    // diagonal (+20..40) from the off-diagonal (−20..−40) with baselines in between, where the
    // limit is nearly attained: without them every value stays ≥ 1 nat below it and the check
    // could not fail.
    const rng = new Rng(11);
    const alphas = [0.01, 0.5, 0.99, 1];
    let count = 0;
    let nearLimit = 0;
    let abovePoole = 0;
    for (let t = 0; t < 60; t++) {
      const k = 2 + rng.int(11); // 2..12
      const scale = [0.1, 1, 5, 20][t % 4];
      const scores = rng.normalArray(k * k, scale);
      const separated = t % 2 === 1;
      const gap = separated ? 20 + 20 * rng.uniform() : 0;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) scores[i * k + j] += i === j ? gap : -gap;
      }
      const shift = separated ? 0 : rng.uniform() * 100 - 50;
      const baseline = Array.from(rng.normalArray(k, separated ? 1 : 5), (b) =>
        Math.max(-50, Math.min(50, b + shift)),
      );
      for (const alpha of alphas) {
        const v = tf.tidy(
          () =>
            interpolated(tf.tensor2d(scores, [k, k]), tf.tensor1d(baseline), alpha).dataSync()[0],
        );
        const limit = 1 + Math.log((k - 1) / alpha);
        const what = `K=${k} scale=${scale} gap=${gap.toFixed(1)} shift=${shift.toFixed(1)} α=${alpha}: ${v}`;
        assert.ok(Number.isFinite(v), what);
        // float32: the limit is reached up to rounding (measured: 5e-6 above it at most)
        assert.ok(v <= limit + 1e-4 * Math.max(1, limit), `${what} > ${limit}`);
        if (alpha === 1) assert.ok(v <= Math.log(k - 1) + 1e-4, `${what} > log(K − 1)`);
        if (v > limit - 0.1) nearLimit++;
        if (v > Math.log(k / alpha)) abovePoole++;
        count++;
      }
    }
    assert.equal(count, 240);
    assert.ok(nearLimit >= 20, `only ${nearLimit} values within 0.1 of the limit`);
    assert.ok(abovePoole >= 20, `only ${abovePoole} values above log(K/α)`);
  });

  it("exceeds Poole et al.'s stated log(K/α): diagonal ≫ baseline ≫ off-diagonal", () => {
    // K = 3, α = 0.5, S_ii = 10, S_ij = −30, b_i = 0: the joint term is ≈ log((K−1)/α) = log 4,
    // the marginal term ≈ e^{−30}/0.5 ≈ 0, so I_α ≈ 1 + log 4 = 2.386 > log(3/0.5) = 1.792.
    const rows = [
      [10, -30, -30],
      [-30, 10, -30],
      [-30, -30, 10],
    ];
    const v = interp(rows, [0, 0, 0], 0.5);
    close(v, REF.poole);
    assert.ok(v > Math.log(3 / 0.5) + 0.5, `${v} not above log(K/α)`);
    assert.ok(v <= 1 + Math.log(2 / 0.5) + 1e-5, `${v} above 1 + log((K−1)/α)`);
    close(v, 1 + Math.log(4), 1e-3);
  });

  it('rejects a bad α or baseline shape; leaks nothing', () => {
    assert.throws(() => interp(S1, B1, 0), /alpha must be in \(0, 1\]/);
    assert.throws(() => interp(S1, B1, 1.5), /alpha must be in \(0, 1\]/);
    assert.throws(() => interp(S1, [1, 2], 0.5), /logBaseline must be \[3\]/);
    const s = tf.tensor2d(S2);
    const b = tf.tensor1d(B2);
    for (const alpha of [0.3, 1]) {
      assert.equal(
        leakedTensors(() => interpolated(s, b, alpha).dispose()),
        0,
      );
    }
    tf.dispose([s, b]);
  });
});
