/**
 * The Gaussian (canonical-correlation) estimate of I(X; Y): the MI of a jointly Gaussian pair
 * with the data's sample covariance Σ = [[Σ_xx, Σ_xy], [Σ_yx, Σ_yy]],
 *
 *     I_G = −½ log det(I − Σ_xx⁻¹ Σ_xy Σ_yy⁻¹ Σ_yx) = −½ Σ_i log(1 − ρ_i²)
 *         = ½ (log det Σ_xx + log det Σ_yy − log det Σ)
 *
 * with ρ_i the canonical correlations (Cover & Thomas, Elements of Information Theory, 2nd ed.,
 * Eq. 8.56 for the Gaussian entropies; the last form follows from the Schur complement
 * det Σ = det Σ_xx · det(Σ_yy − Σ_yx Σ_xx⁻¹ Σ_xy)). Computed in float64 from three Cholesky
 * factorizations (log det A = 2 Σ log L_ii). Exact (up to sampling error) for jointly Gaussian
 * data; for non-Gaussian data it sees only linear dependence, and it is a lower bound on the MI
 * when each marginal is Gaussian (Foster & Grassberger, PRE 83, 010101, 2011), not in general.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { UserError } from '../types.ts';

/** log det of the symmetric matrix `a`, or null when it is not positive definite. */
function logDetPositive(a: number[][]): number | null {
  const cholesky = new CholeskyDecomposition(new Matrix(a));
  if (!cholesky.isPositiveDefinite()) return null;
  const l = cholesky.lowerTriangularMatrix;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const diagonal = l.get(i, i);
    if (!(diagonal > 0)) return null;
    sum += Math.log(diagonal);
  }
  return 2 * sum;
}

/**
 * The sample covariance of the columns of [x, y] (x: [n, dx], y: [n, dy], row-major), as a
 * (dx + dy)² array of rows, in float64; divisor n − 1 (any divisor cancels in I_G).
 */
export function jointCovariance(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  dx: number,
  dy: number,
): number[][] {
  const d = dx + dy;
  const value = (i: number, j: number) => (j < dx ? x[i * dx + j] : y[i * dy + j - dx]);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += value(i, j);
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = value(i, j) - mean[j];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a][b] += row[a] * row[b];
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a][b] /= n - 1;
      cov[b][a] = cov[a][b]; // exactly symmetric (Cholesky checks it)
    }
  }
  return cov;
}

/**
 * I_G(X; Y) in nats from the sample covariance of x: [n, dx] and y: [n, dy] (row-major).
 * +∞ when y is an exact linear function of x (joint covariance singular, marginals not);
 * linearly dependent columns within x or within y are a `UserError` (the formula needs
 * Σ_xx and Σ_yy invertible).
 */
export function gaussianMutualInformation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  dx: number,
  dy: number,
): number {
  if (n < dx + dy + 1) {
    throw new UserError(
      `gaussian: ${dx + dy} columns need at least ${dx + dy + 1} rows for a full-rank covariance, got ${n}`,
    );
  }
  const cov = jointCovariance(x, y, n, dx, dy);
  const block = (from: number, to: number) => cov.slice(from, to).map((r) => r.slice(from, to));
  const logDetX = logDetPositive(block(0, dx));
  const logDetY = logDetPositive(block(dx, dx + dy));
  for (const [name, logDet] of [
    ['x', logDetX],
    ['y', logDetY],
  ] as const) {
    if (logDet === null) {
      throw new UserError(
        `gaussian: the ${name} columns are linearly dependent (their covariance is singular)`,
      );
    }
  }
  const logDetJoint = logDetPositive(cov);
  if (logDetJoint === null) return Number.POSITIVE_INFINITY;
  return 0.5 * (logDetX! + logDetY! - logDetJoint);
}
