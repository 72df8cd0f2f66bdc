/**
 * The non-neural estimators of `mimax estimate`: digamma, the max-norm k-d tree, KSG and the
 * Gaussian baseline, against known MI and against independent implementations.
 *
 * Reference numbers: the data below are regenerated here deterministically (mimax's `Rng`);
 * once, the same values were written to CSV with full precision and run through this script
 * (Debian python3-sklearn 1.2.1, numpy 1.24, scipy 1.10):
 *
 *   import numpy as np
 *   from scipy.spatial import cKDTree
 *   from scipy.special import digamma
 *   from sklearn.feature_selection import mutual_info_regression
 *   def ksg_scipy(x, y, k=3):  # KSG estimator 1, max-norm, scipy's cKDTree
 *       n = len(x); z = np.hstack([x, y])
 *       eps = cKDTree(z).query(z, k=k + 1, p=np.inf)[0][:, -1]  # k+1: the point itself first
 *       r = np.nextafter(eps, 0)  # strictly closer than eps
 *       nx = cKDTree(x).query_ball_point(x, r, p=np.inf, return_length=True) - 1
 *       ny = cKDTree(y).query_ball_point(y, r, p=np.inf, return_length=True) - 1
 *       return digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1))
 *   def gaussian_cca(x, y):  # -1/2 log det(I - Sxx^-1 Sxy Syy^-1 Syx)
 *       dx = x.shape[1]; c = np.cov(np.hstack([x, y]), rowvar=False)
 *       sxx, sxy, syy = c[:dx, :dx], c[:dx, dx:], c[dx:, dx:]
 *       m = np.linalg.solve(sxx, sxy) @ np.linalg.solve(syy, sxy.T)
 *       return -0.5 * np.linalg.slogdet(np.eye(dx) - m)[1]
 *   # 1-d cases: mutual_info_regression(x, y[:, 0], n_neighbors=3, random_state=0)[0], and
 *   # ksg_scipy(x / x.std(), y / y.std()) (scikit-learn scales to unit sd before KSG)
 *
 * scikit-learn's `mutual_info_regression` is KSG estimator 1 with k = 3 after scaling x and y to
 * unit sd (no centering: distances do not care) and adding noise of sd 1e-10 (tie-breaking); it
 * also clips at 0. So our KSG on the same scaled data matches it to ~1e-6 (the noise moves a
 * few boundary counts), and scipy's cKDTree version exactly (same counts, float64 sums).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digamma } from '../../src/estimators/digamma.ts';
import { gaussianMutualInformation } from '../../src/estimators/gaussian-baseline.ts';
import { MaxNormKdTree } from '../../src/estimators/kd-tree.ts';
import { ksgMutualInformation } from '../../src/estimators/ksg.ts';
import { Rng } from '../../src/random.ts';
import { createTask } from '../../src/tasks/index.ts';
import { UserError } from '../../src/types.ts';

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );

/** A Gaussian task's sample as float64 arrays (the float32 values, exactly). */
function gaussianSample(
  options: { dim: number; rho?: number; mi?: number },
  seed: number,
  n: number,
) {
  const task = createTask('gaussian', options);
  const p = task.sample(new Rng(seed), n);
  return { x: Float64Array.from(p.x), y: Float64Array.from(p.y), truth: task.mutualInformation };
}

/** x ~ N(0, 1), y = x² + 0.1 ε (float64), n rows. */
function squareSample(seed: number, n: number) {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    y[i] = x[i] * x[i] + 0.1 * rng.normal();
  }
  return { x, y };
}

/** Divides by the population sd (ddof = 0), as scikit-learn's `scale(with_mean=False)`. */
function scaled(v: Float64Array): Float64Array {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return v.map((t) => t / sd);
}

describe('digamma', () => {
  it('matches scipy.special.digamma', () => {
    // Reference: [repr(float(scipy.special.digamma(v))) for v in ...]
    const reference: [number, number][] = [
      [1, -0.5772156649015329], // −γ
      [0.5, -1.9635100260214235], // −γ − 2 ln 2
      [2, 0.42278433509846713],
      [3, 0.9227843350984671],
      [6.5, 1.792911330399933],
      [9.99, 2.250700372831201],
      [10, 2.251752589066721],
      [100, 4.600161852738088],
      [1e4, 9.21029037114285],
      [1e6, 13.81551005796419],
      [0.001, -1000.5755719318103],
      [-0.5, 0.03648997397857651],
      [-2.5, 1.1031566406452433],
    ];
    for (const [x, expected] of reference) {
      near(digamma(x), expected, 1e-13 * Math.max(1, Math.abs(expected)), `ψ(${x})`);
    }
  });

  it('satisfies the recurrence at integers and has poles at 0, −1, …', () => {
    for (let m = 1; m < 50; m++) near(digamma(m + 1), digamma(m) + 1 / m, 1e-13, `ψ(${m + 1})`);
    assert.ok(Number.isNaN(digamma(0)));
    assert.ok(Number.isNaN(digamma(-3)));
  });
});

describe('max-norm k-d tree', () => {
  it('gives exactly the brute-force k-NN distances and strict radius counts', () => {
    const rng = new Rng(3);
    for (const [n, d] of [
      [500, 1],
      [700, 3],
      [400, 10],
    ]) {
      // Rounded values: many exact ties, the hard case for "strictly closer".
      const values = Float64Array.from({ length: n * d }, () => Math.round(rng.normal() * 8) / 8);
      const tree = new MaxNormKdTree(values, n, d);
      const dist = (i: number, j: number) => {
        let m = 0;
        for (let t = 0; t < d; t++)
          m = Math.max(m, Math.abs(values[i * d + t] - values[j * d + t]));
        return m;
      };
      const kth = tree.kthNeighbourDistances(3);
      const radii = Float64Array.from({ length: n }, () => rng.uniform() * 0.6);
      const counts = tree.countsWithin(radii);
      for (let i = 0; i < n; i++) {
        const others: number[] = [];
        let inside = 0;
        for (let j = 0; j < n; j++) {
          if (j !== i) others.push(dist(i, j));
          if (dist(i, j) < radii[i]) inside++;
        }
        others.sort((a, b) => a - b);
        assert.equal(kth[i], others[2], `n=${n} d=${d}: 3rd neighbour of ${i}`);
        assert.equal(counts[i], inside, `n=${n} d=${d}: count within ${radii[i]} of ${i}`);
        const nearest = tree.nearestDistances(values, i * d, 5, i);
        assert.deepEqual(Array.from(nearest), others.slice(0, 5));
      }
    }
  });
});

describe('KSG', () => {
  it('d = 1, ρ = 0.8 (0.511 nats), n = 10,000: within 0.05 of the truth; equals scipy and scikit-learn', () => {
    const { x, y, truth } = gaussianSample({ dim: 1, rho: 0.8 }, 101, 10_000);
    near(truth, 0.5108256237659907, 1e-12, 'true MI');
    const value = ksgMutualInformation(x, y, 10_000, 1, 1);
    near(value, truth, 0.05, 'KSG vs truth');
    near(value, 0.5229445870515192, 1e-9, 'KSG vs scipy cKDTree reference'); // ksg_scipy(x, y)
    const sk = ksgMutualInformation(scaled(x), scaled(y), 10_000, 1, 1);
    near(sk, 0.5229357983821696, 1e-9, 'KSG (scaled) vs scipy'); // ksg_scipy(x/x.std(), y/y.std())
    near(sk, 0.522934084055807, 1e-5, 'KSG (scaled) vs scikit-learn'); // mutual_info_regression
  });

  it('d = 5 at 2 nats, n = 10,000: equals scipy; biased low by ~0.31 nats (a property of KSG)', () => {
    // The issue asked for ±0.05 here; KSG estimator 1 with k = 3 cannot meet it in 10 joint
    // dimensions at 2 nats and n = 10,000: scipy's independent cKDTree implementation gives
    // the same 1.686 on these very data (Kraskov et al. 2004 and Gao, Ver Steeg & Galstyan 2015
    // describe this underestimate, growing with dimension and MI). What is tested: the exact
    // agreement, and that the bias stays what we measured and document (README).
    const { x, y, truth } = gaussianSample({ dim: 5, mi: 2 }, 105, 10_000);
    const value = ksgMutualInformation(x, y, 10_000, 5, 5);
    near(value, 1.6859317900454638, 1e-9, 'KSG vs scipy cKDTree reference');
    assert.ok(truth - value > 0.25 && truth - value < 0.35, `bias ${value - truth}`);
  });

  it('independent columns: |I| < 0.05 (also for the Gaussian baseline)', () => {
    const rng = new Rng(106);
    const n = 5_000;
    const x = new Float64Array(2 * n);
    const y = new Float64Array(2 * n);
    for (let i = 0; i < 2 * n; i++) {
      x[i] = rng.normal();
      y[i] = rng.normal();
    }
    const ksg = ksgMutualInformation(x, y, n, 2, 2);
    near(ksg, 7.203845133041398e-5, 1e-9, 'KSG vs scipy');
    assert.ok(Math.abs(ksg) < 0.05);
    const gauss = gaussianMutualInformation(x, y, n, 2, 2);
    near(gauss, 0.00014998078995902557, 1e-12, 'Gaussian vs numpy');
    assert.ok(Math.abs(gauss) < 0.05);
  });

  it('y = x² + 0.1ε: KSG sees ~2 nats where the Gaussian baseline sees ~0; equals scikit-learn', () => {
    // True I = 1.9940 nats (numerical integration, examples/estimate/make-examples.ts).
    const { x, y } = squareSample(107, 2_000);
    const value = ksgMutualInformation(scaled(x), scaled(y), 2_000, 1, 1);
    near(value, 1.9753427643898656, 1e-9, 'KSG (scaled) vs scipy');
    near(value, 1.9753427643898664, 1e-5, 'KSG (scaled) vs scikit-learn');
    near(ksgMutualInformation(x, y, 2_000, 1, 1), 1.9524984895516546, 1e-9, 'KSG (raw) vs scipy');
    assert.ok(value > 1.5);
    const gauss = gaussianMutualInformation(x, y, 2_000, 1, 1);
    near(gauss, 0.00017328391587129397, 1e-12, 'Gaussian vs numpy');
    assert.ok(gauss < 0.01);
  });

  it('rejects k ≥ n and k < 1', () => {
    const v = new Float64Array(3);
    assert.throws(() => ksgMutualInformation(v, v, 3, 1, 1, 3), UserError);
    assert.throws(() => ksgMutualInformation(v, v, 3, 1, 1, 0), UserError);
  });
});

describe('Gaussian baseline', () => {
  it('d = 1, ρ = 0.8 and d = 5 at 2 nats, n = 10,000: within 0.02 of the truth; equals numpy', () => {
    // The sampling sd of I_G at n = 10,000 is about 0.005 (d = 1) and 0.017 (d = 5: about
    // √(Σ ρ_i² / n)), so ±0.02 is ~1 sd at d = 5: a loose check of the formula, which the
    // numpy reference (same data, the −½ log det(I − Σxx⁻¹ΣxyΣyy⁻¹Σyx) form) pins exactly.
    const g1 = gaussianSample({ dim: 1, rho: 0.8 }, 101, 10_000);
    const v1 = gaussianMutualInformation(g1.x, g1.y, 10_000, 1, 1);
    near(v1, 0.5157672931222885, 1e-12, 'd = 1 vs numpy');
    near(v1, g1.truth, 0.02, 'd = 1 vs truth');
    const g5 = gaussianSample({ dim: 5, mi: 2 }, 105, 10_000);
    const v5 = gaussianMutualInformation(g5.x, g5.y, 10_000, 5, 5);
    near(v5, 2.0105573149598657, 1e-12, 'd = 5 vs numpy');
    near(v5, 2, 0.02, 'd = 5 vs truth');
  });

  it('is +∞ for y an exact linear function of x, and names linearly dependent columns', () => {
    const rng = new Rng(5);
    const n = 50;
    const x = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => x[2 * i] - 2 * x[2 * i + 1]);
    assert.equal(gaussianMutualInformation(x, y, n, 2, 1), Number.POSITIVE_INFINITY);
    const dup = Float64Array.from({ length: 2 * n }, (_, t) => x[2 * Math.floor(t / 2)]);
    assert.throws(
      () => gaussianMutualInformation(dup, y, n, 2, 1),
      (e: unknown) => e instanceof UserError && /x columns are linearly dependent/.test(e.message),
    );
  });
});
