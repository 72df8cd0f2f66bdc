/**
 * The pieces of the known-likelihood MI bounds that need no sampling: the linear-Gaussian
 * model against SciPy, the annealing schedule against NumPy, the t quantiles and the grouped
 * CI, and the HMC kernel's invariance on a Gaussian target (a statistical check).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { type AnnealedTarget, chainState, disposeState, hmcTransition } from '../../src/ais/hmc.ts';
import { linearGaussian } from '../../src/ais/index.ts';
import { annealingSchedule } from '../../src/ais/schedule.ts';
import { groupedMeanCi, logMeanExp, tQuantile975 } from '../../src/ais/summary.ts';
import { Rng } from '../../src/random.ts';
import { UserError } from '../../src/types.ts';
import { leakedTensors, testBackend } from '../helpers.ts';

before(async () => {
  await testBackend();
});

// Reference (NumPy 1.24 / SciPy 1.10):
//   W = [[1,.5],[-.3,2],[.7,-1.1],[.2,.4],[-1.5,.3]]; b = [.1,-.2,.3,0,1]; s = .7
//   0.5*np.linalg.slogdet(np.eye(5) + W@W.T/s**2)[1]                      → 2.3325792979794198
//   mvn(b, W@W.T + s**2*np.eye(5)).logpdf(x)                               → [-5.841153208323947, -6.625107523701411]
//   [mvn(W@z+b, s**2*np.eye(5)).logpdf(x) for x, z in zip(X, Z)]           → [-11.196522027962356, -9.553664885105214]
//   with X = [[.5,1,-1,.2,2],[-1,0,.3,.1,.5]], Z = [[.3,-.2],[1,.5]]
const W = [
  [1.0, 0.5],
  [-0.3, 2.0],
  [0.7, -1.1],
  [0.2, 0.4],
  [-1.5, 0.3],
];
const B = [0.1, -0.2, 0.3, 0.0, 1.0];
const X = [
  [0.5, 1.0, -1.0, 0.2, 2.0],
  [-1.0, 0.0, 0.3, 0.1, 0.5],
];
const Z = [
  [0.3, -0.2],
  [1.0, 0.5],
];

describe('linear-Gaussian model', () => {
  it('matches SciPy: closed-form MI (dz × dz form vs the reference dx × dx form), log p(x), log p(x | z)', () => {
    const model = linearGaussian({
      latentDim: 2,
      dataDim: 5,
      sigma: 0.7,
      seed: 0,
      weights: { w: W, b: B },
    });
    assert.ok(Math.abs(model.trueMI - 2.3325792979794198) < 1e-12);
    const x = tf.tensor2d(X);
    const z = tf.tensor2d(Z);
    const logpx = model.logMarginal(x);
    assert.ok(Math.abs((logpx[0] as number) + 5.841153208323947) < 1e-5);
    assert.ok(Math.abs((logpx[1] as number) + 6.625107523701411) < 1e-5);
    const lik = model.logLikelihood(x, z);
    const values = lik.dataSync();
    assert.ok(Math.abs((values[0] as number) + 11.196522027962356) < 1e-4);
    assert.ok(Math.abs((values[1] as number) + 9.553664885105214) < 1e-4);
    for (const t of [x, z, lik]) t.dispose();
    model.dispose();
  });

  it('samples the joint: mean of log p(x|z) − log p(x) over 4000 draws is within 4 sd of the true MI', () => {
    const model = linearGaussian({ latentDim: 2, dataDim: 5, sigma: 0.5, seed: 1 });
    const n = 4000;
    const leaked = leakedTensors(() => {
      const { x, z } = model.sample(n, 11);
      const lik = model.logLikelihood(x, z);
      const logpx = model.logMarginal(x);
      const values = lik.dataSync();
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const d = (values[i] as number) - (logpx[i] as number);
        s += d;
        s2 += d * d;
      }
      const mean = s / n;
      const sd = Math.sqrt(s2 / n - mean ** 2);
      assert.ok(
        Math.abs(mean - model.trueMI) < (4 * sd) / Math.sqrt(n),
        `${mean} vs ${model.trueMI}`,
      );
      for (const t of [x, z, lik]) t.dispose();
    });
    assert.equal(leaked, 0);
    model.dispose();
  });

  it('rejects bad sizes naming the field', () => {
    assert.throws(
      () => linearGaussian({ latentDim: 0, dataDim: 5, sigma: 1, seed: 0 }),
      /latentDim/,
    );
    assert.throws(() => linearGaussian({ latentDim: 2, dataDim: 5, sigma: 0, seed: 0 }), UserError);
  });
});

describe('annealing schedule and statistics', () => {
  it('sigmoid schedule matches NumPy (T = 4, δ = 4); T = 1 is [0, 1]; linear is even', () => {
    // Reference: t = np.linspace(-4, 4, 5); s = 1/(1+np.exp(-t)); (s - s[0])/(s[-1] - s[0])
    const expected = [0.0, 0.1049935854035065, 0.5, 0.8950064145964933, 1.0];
    const got = annealingSchedule(4, 'sigmoid', 4);
    for (const [j, v] of expected.entries()) assert.ok(Math.abs((got[j] as number) - v) < 1e-12);
    assert.deepEqual(Array.from(annealingSchedule(1, 'sigmoid')), [0, 1]);
    assert.deepEqual(Array.from(annealingSchedule(4, 'linear')), [0, 0.25, 0.5, 0.75, 1]);
  });

  it('t quantiles (scipy.stats.t.ppf(0.975, df)) and the grouped CI', () => {
    assert.equal(tQuantile975(7), 2.3646);
    // scipy.stats.t.ppf(0.975, 60) = 2.0003; the Cornish-Fisher expansion is within 1e-3.
    assert.ok(Math.abs(tQuantile975(60) - 2.0003) < 1e-3);
    // Groups of [1, 2 | 3, 4 | 5, 6 | 7, 8]: means 1.5, 3.5, 5.5, 7.5, sd 2.582, half-width
    // 3.1824 · 2.582 / 2 = 4.108 (t with 3 df).
    const { mean, ci } = groupedMeanCi(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 4);
    assert.equal(mean, 4.5);
    assert.ok(Math.abs(ci - (3.1824 * Math.sqrt(20 / 3)) / 2) < 1e-9);
    assert.ok(Math.abs(logMeanExp([1000, 1000]) - 1000) < 1e-12);
  });
});

describe('HMC transition', () => {
  // Target N(μ, Σ), μ = (1, −2), Σ = [[1, .8], [.8, .9]], Σ⁻¹ = [[.9, −.8], [−.8, 1]] / .26.
  const mu = [1, -2];
  const sigma = [
    [1, 0.8],
    [0.8, 0.9],
  ];
  const prec = [
    [0.9 / 0.26, -0.8 / 0.26],
    [-0.8 / 0.26, 1 / 0.26],
  ];
  const target: AnnealedTarget = {
    logBase: (z) => tf.zeros([z.shape[0]]),
    logRatio: (z) =>
      tf.tidy(() => {
        const d = tf.sub(z, tf.tensor1d(mu)); // [M, 2]
        return tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(d, tf.tensor2d(prec)), d), 1)) as tf.Tensor1D;
      }),
  };
  const m = 2000;

  /** 4 transitions at inverse temperature `beta` from exact draws of N(μ, Σ). */
  function run(beta: number): { z: Float32Array; rate: number } {
    const rng = new Rng(5);
    // Exact draws: z = μ + L ε with L = chol(Σ) = [[1, 0], [.8, √.26]].
    const eps = rng.normalArray(2 * m);
    const start = new Float32Array(2 * m);
    for (let i = 0; i < m; i++) {
      const e0 = eps[2 * i] as number;
      const e1 = eps[2 * i + 1] as number;
      start[2 * i] = (mu[0] as number) + e0;
      start[2 * i + 1] = (mu[1] as number) + 0.8 * e0 + Math.sqrt(0.26) * e1;
    }
    const z0 = tf.tensor2d(start, [m, 2]);
    let state = chainState(target, z0);
    z0.dispose();
    const step = tf.fill([m, 1], 0.5) as tf.Tensor2D;
    let accepted = 0;
    for (let t = 0; t < 4; t++) {
      const moved = hmcTransition(
        target,
        state,
        beta,
        step,
        3,
        rng.normalArray(2 * m),
        rng.uniformArray(m, 0, 1),
      );
      disposeState(state);
      state = moved.state;
      const total = tf.sum(moved.accepted);
      accepted += total.dataSync()[0] as number;
      total.dispose();
      moved.accepted.dispose();
    }
    const z = state.z.dataSync() as Float32Array;
    disposeState(state);
    step.dispose();
    return { z, rate: accepted / (4 * m) };
  }

  /** Moments off N(μ, Σ) by more than 4 standard errors (var of a sample covariance ≈ (Σ_ab² + Σ_aa Σ_bb) / m). */
  function momentFailures(z: Float32Array): string[] {
    const failures: string[] = [];
    const mean = [0, 0];
    for (let i = 0; i < m; i++) {
      mean[0] += (z[2 * i] as number) / m;
      mean[1] += (z[2 * i + 1] as number) / m;
    }
    for (const a of [0, 1]) {
      const saa = (sigma[a] as number[])[a] as number;
      if (Math.abs((mean[a] as number) - (mu[a] as number)) > 4 * Math.sqrt(saa / m))
        failures.push(`mean ${a}`);
      for (const b of [0, 1]) {
        const sab = (sigma[a] as number[])[b] as number;
        const sbb = (sigma[b] as number[])[b] as number;
        let c = 0;
        for (let i = 0; i < m; i++) {
          c +=
            ((z[2 * i + a] as number) - (mean[a] as number)) *
            ((z[2 * i + b] as number) - (mean[b] as number));
        }
        c /= m - 1;
        if (Math.abs(c - sab) > 4 * Math.sqrt((sab ** 2 + saa * sbb) / m))
          failures.push(`cov ${a}${b}: ${c}`);
      }
    }
    return failures;
  }

  it('leaves a correlated Gaussian invariant (2000 chains from the target, 4 transitions) and rejects some moves', () => {
    const leaked = leakedTensors(() => {
      const { z, rate } = run(1);
      assert.ok(rate > 0.2 && rate < 0.98, `acceptance ${rate}`);
      assert.deepEqual(momentFailures(z), []);
    });
    assert.equal(leaked, 0);
  });

  it('the same check fails for a kernel with the wrong target (β = 0.3: N(μ, Σ/0.3))', () => {
    const { z } = run(0.3);
    assert.ok(momentFailures(z).length > 0);
  });
});
