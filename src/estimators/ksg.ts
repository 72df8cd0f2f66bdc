/**
 * The Kraskov–Stögbauer–Grassberger k-nearest-neighbour estimator of I(X; Y), estimator 1 of
 * Kraskov, Stögbauer & Grassberger, "Estimating mutual information", Phys. Rev. E 69, 066138
 * (2004), Eq. (8):
 *
 *     Î(X; Y) = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩
 *
 * where, for each of the N points z_i = (x_i, y_i), ε_i is the distance to its k-th nearest
 * neighbour in the joint space under the max-norm ‖z − z'‖ = max(‖x − x'‖∞, ‖y − y'‖∞), and
 * n_x(i) (n_y(i)) counts the other points whose x (y) lies *strictly* closer than ε_i to x_i
 * (y_i); ⟨·⟩ averages over i. In nats, not clipped at 0 (a slightly negative value on
 * independent data is the estimator's bias, not an error).
 *
 * Exact neighbours from max-norm k-d trees (`kd-tree.ts`): one in the joint space for ε_i, one
 * per marginal for the counts. Time: O(N log N) to build, and in few dimensions O(log N) per
 * query plus the n_x, n_y counted, so about O(N log N) overall; in d_x + d_y ≳ 15–20 dimensions
 * k-d trees approach a scan and the cost approaches O(N²). The estimator's own limits (bias
 * growing with dimension and with MI, Gao et al. 2015) apply regardless of the data structure.
 *
 * Ties (repeated values, e.g. discrete columns) break the "strictly closer" counts; callers add
 * tiny noise first (as scikit-learn does, see `estimate/baselines.ts`).
 */
import { UserError } from '../types.ts';
import { digamma } from './digamma.ts';
import { MaxNormKdTree } from './kd-tree.ts';

/** KSG's default number of neighbours: Kraskov et al. recommend k = 2–4 (Sec. IV). */
export const KSG_DEFAULT_K = 3;

/**
 * KSG estimator 1 of I(X; Y) in nats. x: [n, dx], y: [n, dy], row-major float64 (or float32)
 * values; k ≥ 1 neighbours, n > k rows.
 */
export function ksgMutualInformation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  dx: number,
  dy: number,
  k: number = KSG_DEFAULT_K,
): number {
  if (!Number.isInteger(k) || k < 1) throw new UserError(`ksg: k must be an integer ≥ 1, got ${k}`);
  if (n <= k) throw new UserError(`ksg: k = ${k} needs more than ${k} rows, got ${n}`);
  if (x.length !== n * dx || y.length !== n * dy) {
    throw new Error(
      `ksg: x has ${x.length} values, y ${y.length}; expected ${n}×${dx}, ${n}×${dy}`,
    );
  }
  const dz = dx + dy;
  const z = new Float64Array(n * dz);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dx; j++) z[i * dz + j] = x[i * dx + j];
    for (let j = 0; j < dy; j++) z[i * dz + dx + j] = y[i * dy + j];
  }
  const epsilon = new MaxNormKdTree(z, n, dz).kthNeighbourDistances(k);
  // countsWithin includes the point itself (distance 0 < ε); ε = 0 only for duplicated points,
  // where nothing is strictly closer and the point itself is not counted either.
  const nx = new MaxNormKdTree(x, n, dx).countsWithin(epsilon);
  const ny = new MaxNormKdTree(y, n, dy).countsWithin(epsilon);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const self = epsilon[i] > 0 ? 1 : 0;
    sum += digamma(nx[i] - self + 1) + digamma(ny[i] - self + 1);
  }
  return digamma(k) + digamma(n) - sum / n;
}
