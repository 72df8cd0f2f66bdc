/**
 * Bivariate Gaussian samplers for the `noniid` experiment (paper Sec. 4, Fig. 4c) and the
 * analytic mutual information of a bivariate Gaussian.
 *
 * Non-iid batches: one Z ~ N(0, Σ_z) per batch, shared by all pairs, plus iid
 * ε_i ~ N(0, Σ_ε): (X_i, Y_i) = Z + ε_i. Over many batches each pair is distributed as
 * N(0, Σ_z + Σ_ε), so the iid control draws pairs from that sum directly.
 */
import type { Rng } from '../random.ts';

/** A 2x2 covariance [[varX, cov], [cov, varY]]. */
export type Cov2 = [[number, number], [number, number]];

/** The paper's non-iid setting: Σ_z = [[1, -.5], [-.5, 1]], Σ_ε = [[1, .9], [.9, 1]]. */
export const NONIID_COV_Z: Cov2 = [
  [1, -0.5],
  [-0.5, 1],
];
export const NONIID_COV_EPS: Cov2 = [
  [1, 0.9],
  [0.9, 1],
];

/** Σ_a + Σ_b. */
export function addCov(a: Cov2, b: Cov2): Cov2 {
  return [
    [a[0][0] + b[0][0], a[0][1] + b[0][1]],
    [a[1][0] + b[1][0], a[1][1] + b[1][1]],
  ];
}

/** I(X; Y) in nats for (X, Y) ~ N(μ, cov): -½ ln(1 - ρ²). */
export function gaussianMutualInformation(cov: Cov2): number {
  const rho = cov[0][1] / Math.sqrt(cov[0][0] * cov[1][1]);
  return -0.5 * Math.log(1 - rho * rho);
}

/** Lower Cholesky factor [[l11, 0], [l21, l22]] of a 2x2 covariance. */
function cholesky(cov: Cov2): [number, number, number] {
  const l11 = Math.sqrt(cov[0][0]);
  const l21 = cov[1][0] / l11;
  const l22 = Math.sqrt(cov[1][1] - l21 * l21);
  if (!Number.isFinite(l22))
    throw new Error(`covariance ${JSON.stringify(cov)} is not positive definite`);
  return [l11, l21, l22];
}

export interface Pairs {
  /** [n] first coordinates. */
  x: Float32Array;
  /** [n] second coordinates. */
  y: Float32Array;
}

/** n iid pairs from N(0, cov). */
export function sampleIidPairs(rng: Rng, n: number, cov: Cov2): Pairs {
  const [l11, l21, l22] = cholesky(cov);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    x[i] = l11 * a;
    y[i] = l21 * a + l22 * b;
  }
  return { x, y };
}

/** One non-iid batch of n pairs: Z + ε_i with a single Z ~ N(0, covZ) for the batch. */
export function sampleNonIidBatch(rng: Rng, n: number, covZ: Cov2, covEps: Cov2): Pairs {
  const z = sampleIidPairs(rng, 1, covZ);
  const pairs = sampleIidPairs(rng, n, covEps);
  for (let i = 0; i < n; i++) {
    pairs.x[i] += z.x[0];
    pairs.y[i] += z.y[0];
  }
  return pairs;
}
