/**
 * MINDE's maths, independent of training: the VP SDE's closed forms, the importance-sampling
 * density and its normalization, the mask semantics, the weight average, and the C and J
 * estimates fed with the *exact* scores of a Gaussian pair (which must give the closed-form MI).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  alpha,
  BETA_MAX,
  BETA_MIN,
  beta,
  CONDITIONAL_X,
  CONDITIONAL_Y,
  emaDecay,
  IS_NORMALIZER,
  JOINT,
  MARGINAL_X,
  type MindeVariant,
  mindeEstimate,
  type NoisePredictor,
  sigma,
  T_EPSILON,
  timeSampler,
  WeightAverage,
  writeRow,
} from '../../src/estimators/minde/index.ts';
import { Rng } from '../../src/random.ts';
import { testBackend } from '../helpers.ts';

/** Solves A z = b (A: k × k, row-major, symmetric positive definite) by Gaussian elimination. */
function solve(a: number[], b: number[], k: number): number[] {
  const m = a.slice();
  const z = b.slice();
  for (let c = 0; c < k; c++) {
    for (let r = c + 1; r < k; r++) {
      const f = m[r * k + c] / m[c * k + c];
      for (let j = c; j < k; j++) m[r * k + j] -= f * m[c * k + j];
      z[r] -= f * z[c];
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = z[r];
    for (let j = r + 1; j < k; j++) s -= m[r * k + j] * z[j];
    z[r] = s / m[r * k + r];
  }
  return z;
}

/** det of a k × k matrix by elimination (no pivoting: SPD inputs only). */
function det(a: number[], k: number): number {
  const m = a.slice();
  let out = 1;
  for (let c = 0; c < k; c++) {
    out *= m[c * k + c];
    for (let r = c + 1; r < k; r++) {
      const f = m[r * k + c] / m[c * k + c];
      for (let j = c; j < k; j++) m[r * k + j] -= f * m[c * k + j];
    }
  }
  return out;
}

const sub = (a: number[], k: number, rows: number[], cols: number[]) =>
  rows.flatMap((r) => cols.map((c) => a[r * k + c]));

/**
 * The exact noise predictor of a zero-mean Gaussian (x, y) with covariance `cov` (d × d): for
 * diffused coordinates D (time code t), clean conditions C (code 0) and marginalised ones
 * (code 1), z_D | x_C ~ N(α μ, α² S + σ² I) with μ = Σ_DC Σ_CC⁻¹ x_C, S = Σ_DD − Σ_DC Σ_CC⁻¹ Σ_CD,
 * so s = −(α² S + σ² I)⁻¹ (z_D − α μ) and ε̂ = −σ s.
 */
function exactPredictor(cov: number[], dx: number, dy: number): NoisePredictor {
  const d = dx + dy;
  return {
    predict(input: tf.Tensor2D, times: tf.Tensor2D): tf.Tensor2D {
      const z = input.dataSync();
      const tc = times.dataSync();
      const rows = input.shape[0];
      const out = new Float32Array(rows * d);
      for (let r = 0; r < rows; r++) {
        const code = [tc[2 * r], tc[2 * r + 1]];
        const role = (j: number) => {
          const c = code[j < dx ? 0 : 1];
          return c === 0 ? 'condition' : c === 1 ? 'marginal' : 'diffused';
        };
        const all = Array.from({ length: d }, (_, j) => j);
        const D = all.filter((j) => role(j) === 'diffused');
        const C = all.filter((j) => role(j) === 'condition');
        const t = code[role(0) === 'diffused' ? 0 : 1];
        const a = alpha(t);
        const s = sigma(t);
        const k = D.length;
        // μ and S of x_D | x_C
        let mu = D.map(() => 0);
        let S = sub(cov, d, D, D);
        if (C.length > 0) {
          const scc = sub(cov, d, C, C);
          const xc = C.map((j) => z[r * d + j]);
          const w = solve(scc, xc, C.length); // Σ_CC⁻¹ x_C
          mu = D.map((i) => C.reduce((acc, j, q) => acc + cov[i * d + j] * w[q], 0));
          S = D.flatMap((i) =>
            D.map((i2) => {
              const col = solve(
                scc,
                C.map((j) => cov[j * d + i2]),
                C.length,
              );
              return cov[i * d + i2] - C.reduce((acc, j, q) => acc + cov[i * d + j] * col[q], 0);
            }),
          );
        }
        const m = S.map((v, q) => a * a * v + (q % (k + 1) === 0 ? s * s : 0)); // α² S + σ² I
        const resid = D.map((j, q) => z[r * d + j] - a * mu[q]);
        const eps = solve(m, resid, k).map((v) => s * v); // ε̂ = σ (α² S + σ² I)⁻¹ (z_D − α μ)
        for (const [q, j] of D.entries()) out[r * d + j] = eps[q];
      }
      return tf.tensor2d(out, [rows, d]);
    },
  };
}

/** n draws of N(0, cov) via a Cholesky factor, split into x [n, dx] and y [n, dy]. */
function gaussianPairs(cov: number[], dx: number, dy: number, n: number, seed: number) {
  const d = dx + dy;
  const l = new Array(d * d).fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i * d + j];
      for (let q = 0; q < j; q++) s -= l[i * d + q] * l[j * d + q];
      l[i * d + j] = i === j ? Math.sqrt(s) : s / l[j * d + j];
    }
  }
  const rng = new Rng(seed);
  const x = new Float64Array(n * dx);
  const y = new Float64Array(n * dy);
  for (let r = 0; r < n; r++) {
    const e = Array.from({ length: d }, () => rng.normal());
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let q = 0; q <= i; q++) v += l[i * d + q] * e[q];
      if (i < dx) x[r * dx + i] = v;
      else y[r * dy + i - dx] = v;
    }
  }
  return { n, dx, dy, x, y };
}

/** Closed-form MI of a Gaussian: ½ log(det Σ_xx det Σ_yy / det Σ). */
function gaussianMi(cov: number[], dx: number, dy: number): number {
  const d = dx + dy;
  const xs = Array.from({ length: dx }, (_, i) => i);
  const ys = Array.from({ length: dy }, (_, i) => dx + i);
  return (
    0.5 * Math.log((det(sub(cov, d, xs, xs), dx) * det(sub(cov, d, ys, ys), dy)) / det(cov, d))
  );
}

describe('MINDE: VP SDE', () => {
  it('α_t² + σ_t² = 1, and α_t = exp(−½ ∫₀ᵗ β) by the trapezoid rule', () => {
    for (const t of [0, 1e-4, 0.01, 0.3, 0.7, 1]) {
      assert.ok(Math.abs(alpha(t) ** 2 + sigma(t) ** 2 - 1) < 1e-12, `t = ${t}`);
      const steps = 10_000;
      let integral = 0;
      for (let i = 0; i < steps; i++) {
        integral += ((beta((i * t) / steps) + beta(((i + 1) * t) / steps)) / 2) * (t / steps);
      }
      assert.ok(Math.abs(alpha(t) - Math.exp(-0.5 * integral)) < 1e-9, `t = ${t}`);
    }
    assert.equal(beta(0), BETA_MIN);
    assert.equal(beta(1), BETA_MAX);
  });

  it('importance sampling: t in [t_ε, 1] with density ∝ β/σ², and E_q[w(t) h(t)] = ∫ β/σ² h dt', () => {
    // Normalizer by the midpoint rule on a log grid (independent of the closed form).
    const grid = 200_000;
    let z = 0;
    let below = 0; // ∫_{t_ε}^{0.01} β/σ²
    for (let i = 0; i < grid; i++) {
      const u0 = Math.log(T_EPSILON) + (i / grid) * -Math.log(T_EPSILON);
      const u1 = Math.log(T_EPSILON) + ((i + 1) / grid) * -Math.log(T_EPSILON);
      const t = Math.exp((u0 + u1) / 2);
      const dt = Math.exp(u1) - Math.exp(u0);
      const f = (beta(t) / sigma(t) ** 2) * dt;
      z += f;
      if (t < 0.01) below += f;
    }
    assert.ok(Math.abs(IS_NORMALIZER - z) < 1e-3, `Z = ${IS_NORMALIZER} vs quadrature ${z}`);
    const sampler = timeSampler(true);
    const n = 200_000;
    const t = sampler.sample(new Rng(7), n);
    let share = 0;
    let weighted = 0;
    for (const v of t) {
      assert.ok(v >= T_EPSILON && v <= 1);
      if (v < 0.01) share++;
      weighted += sampler.weight(v) * sigma(v) ** 2; // h = σ²: ∫ β dt = B(1) − B(t_ε)
    }
    // Binomial sd of the share: √(p(1 − p)/n) ≈ 0.001; 5 sd.
    assert.ok(
      Math.abs(share / n - below / z) < 0.005,
      `P(t < 0.01) = ${share / n} vs ${below / z}`,
    );
    const integral =
      BETA_MIN +
      0.5 * (BETA_MAX - BETA_MIN) -
      (BETA_MIN * T_EPSILON + 0.5 * (BETA_MAX - BETA_MIN) * T_EPSILON ** 2);
    // w σ² = Z σ² ∈ [0, Z]: sd ≤ Z/2 / √n ≈ 0.02; 0.1 is 5 sd.
    assert.ok(Math.abs(weighted / n - integral) < 0.1, `${weighted / n} vs ${integral}`);
    // Uniform: the same integral with weight (1 − t_ε) β/σ².
    const uniform = timeSampler(false);
    const tu = uniform.sample(new Rng(8), n);
    let wu = 0;
    for (const v of tu) wu += uniform.weight(v) * sigma(v) ** 2;
    assert.ok(Math.abs(wu / n - integral) < 0.1, `${wu / n} vs ${integral}`);
  });
});

describe('MINDE: masks', () => {
  it('a marginalised variable gets zeros and time code 1, a condition its clean value and 0', () => {
    const clean = [1, 2, 3];
    const noisy = [10, 20, 30];
    const input = new Float32Array(3);
    const times = new Float32Array(2);
    const row = (mask: typeof JOINT) => {
      writeRow(mask, 0.4, clean, noisy, 1, 2, input, 0, times, 0);
      return [Array.from(input), Array.from(times).map((v) => Number(v.toFixed(6)))];
    };
    assert.deepEqual(row(MARGINAL_X), [
      [10, 0, 0],
      [0.4, 1],
    ]);
    assert.deepEqual(row(CONDITIONAL_X), [
      [10, 2, 3],
      [0.4, 0],
    ]);
    assert.deepEqual(row(CONDITIONAL_Y), [
      [1, 20, 30],
      [0, 0.4],
    ]);
    assert.deepEqual(row(JOINT), [
      [10, 20, 30],
      [0.4, 0.4],
    ]);
  });
});

describe('MINDE: weight average', () => {
  it('θ̄ ← δ θ̄ + (1 − δ) θ with δ = min(decay, (1 + n)/(10 + n))', () => {
    assert.equal(emaDecay(0.999, 0), 0.1);
    assert.equal(emaDecay(0.999, 1e6), 0.999);
    const ema = new WeightAverage([Float32Array.of(1, -1)], 0.5);
    const theta = Float32Array.of(3, 5);
    ema.update([theta]); // δ = 0.1: 0.1·1 + 0.9·3 = 2.8; 0.1·(−1) + 0.9·5 = 4.4
    assert.deepEqual(
      Array.from(ema.averages[0]).map((v) => Number(v.toFixed(5))),
      [2.8, 4.4],
    );
    for (let i = 0; i < 10; i++) ema.update([theta]); // δ ≤ 0.5: converges to θ
    ema.update([Float32Array.of(0, 0)]); // n = 11: δ = min(0.5, 12/21) = 0.5
    assert.ok(Math.abs(ema.averages[0][0] - 1.5) < 0.01, `${ema.averages[0][0]}`);
    assert.equal(theta[0], 3, 'the model weights are not touched');
  });
});

describe('MINDE: estimates with the exact scores of a Gaussian', () => {
  before(testBackend);

  // 1 × 1 with ρ = 0.75 (bmi's 1v1-normal-0.75): −½ log(1 − ρ²) = 0.41334 nats.
  const cov1 = [1, 0.75, 0.75, 1];
  // 2 × 2 with correlations within and across; MI = 0.22726 nats. Reference (NumPy):
  //   S = np.array([[1,.3,.5,.1],[.3,1,.2,.4],[.5,.2,1,.25],[.1,.4,.25,1]])
  //   .5*np.log(np.linalg.det(S[:2,:2])*np.linalg.det(S[2:,2:])/np.linalg.det(S))  # 0.2272584...
  const cov2 = [1, 0.3, 0.5, 0.1, 0.3, 1, 0.2, 0.4, 0.5, 0.2, 1, 0.25, 0.1, 0.4, 0.25, 1];

  const cases: [string, number[], number, number, MindeVariant, boolean][] = [
    ['1 × 1 ρ = 0.75, C, importance sampling', cov1, 1, 1, 'c', true],
    ['1 × 1 ρ = 0.75, J, importance sampling', cov1, 1, 1, 'j', true],
    ['1 × 1 ρ = 0.75, C, uniform t', cov1, 1, 1, 'c', false],
    ['2 × 2, C, importance sampling', cov2, 2, 2, 'c', true],
    ['2 × 2, J, importance sampling', cov2, 2, 2, 'j', true],
  ];
  for (const [name, cov, dx, dy, variant, importance] of cases) {
    it(`${name}: the closed-form MI within 4 Monte Carlo sd`, (t) => {
      const truth = gaussianMi(cov, dx, dy);
      assert.ok(Math.abs(gaussianMi(cov1, 1, 1) - 0.41334) < 1e-5);
      assert.ok(Math.abs(gaussianMi(cov2, 2, 2) - 0.227258) < 1e-5);
      const pairs = gaussianPairs(cov, dx, dy, 4_000, 11);
      const before = tf.memory().numTensors;
      const draws = 8;
      const est = mindeEstimate(
        exactPredictor(cov, dx, dy),
        variant,
        pairs,
        timeSampler(importance),
        new Rng(12),
        draws,
      );
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      // The sd of the mean over draws (each draw: fresh t and ε on the same rows) plus the
      // sampling error of the 4,000 rows (≈ √(Var log-density ratio / n) ≈ 0.012 for 1 × 1,
      // included through a floor of 0.015 on the tolerance).
      const se = est.sd / Math.sqrt(draws);
      const tolerance = Math.max(4 * se, 0.015) + 0.01;
      t.diagnostic(`${est.mean.toFixed(4)} ± ${se.toFixed(4)} vs ${truth.toFixed(4)}`);
      assert.ok(
        Math.abs(est.mean - truth) < tolerance,
        `${est.mean.toFixed(4)} (sd of draws ${est.sd.toFixed(4)}) vs ${truth.toFixed(4)}, tolerance ${tolerance.toFixed(4)}`,
      );
    });
  }
});
