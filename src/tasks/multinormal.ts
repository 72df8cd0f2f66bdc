/**
 * Multivariate normal tasks of `bmi` (Czyż et al. 2023, "Beyond Normal", Sec. 4;
 * bmi `src/bmi/benchmark/tasks/multinormal.py`): (X, Y) ~ N(0, Σ) with Σ a correlation matrix
 * over the d_x + d_y coordinates, X the first d_x, Y the last d_y. For any Gaussian,
 *
 *     I(X; Y) = h(X) + h(Y) − h(X, Y) = ½ (ln det Σ_xx + ln det Σ_yy − ln det Σ),
 *
 * since h(N(0, S)) = ½ ln((2πe)^k det S) and the (2πe) factors cancel (k = d_x + d_y on both
 * sides). The log-determinants come from a float64 Cholesky factor: ln det S = 2 Σ ln L_ii.
 *
 * Two families, named as bmi builds them:
 * - `multinormal-dense` (bmi `task_multinormal_dense`): Σ = (1 − c) I + c 11ᵀ, every
 *   off-diagonal correlation c (bmi: `off_diag = 0.5`). It is positive definite iff
 *   −1/(D − 1) < c < 1, D = d_x + d_y (eigenvalues 1 − c, D − 1 times, and 1 + (D − 1)c).
 * - `multinormal-sparse` (bmi `task_multinormal_sparse` / `_2pair`, ids
 *   `multinormal-sparse-{dx}-{dy}-{k}-{strength}`): bmi's `GaussianLVMParametrization` with
 *   α = β = 0, λ = η = strength, ε = 1 (bmi `samplers/_matrix_utils.py`). Its latent model is
 *   X_i = ε E_i + λ Z_i, Y_i = ε F_i + λ Z_i for the k interacting pairs i < k, and
 *   X_i = ε E_i + η V_i (likewise Y_i) for the others, all latents iid N(0, 1). So every
 *   coordinate has variance 1 + λ², the pair (X_i, Y_i), i < k, has covariance λ², everything
 *   else is uncorrelated, and bmi samples from the *correlation* matrix: k pairs with correlation
 *   ρ = λ²/(1 + λ²) (= 0.8 at bmi's strength 2, the "two pairs with correlation 0.8"),
 *   all other correlations 0. Then I = −(k/2) ln(1 − ρ²) (= −ln 0.36 = 1.0217 nats for k = 2,
 *   whatever the dims), which the determinant route reproduces.
 */
import type { Rng } from '../random.ts';
import { type Options, UserError } from '../types.ts';
import { integerOption } from './checks.ts';
import type { Pairs, Task, TaskEntry } from './entry.ts';

/**
 * The lower Cholesky factor L (row-major [n, n], float64) of the symmetric matrix `a`
 * ([n, n]), or null when `a` is not (numerically) positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/** ln det of the positive-definite [n, n] matrix whose Cholesky factor is `l`: 2 Σ ln L_ii. */
export function choleskyLogDet(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]);
  return 2 * s;
}

/** The [m, m] block of the [n, n] matrix `a` starting at row and column `from`. */
function block(a: Float64Array, n: number, from: number, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) out[i * m + j] = a[(from + i) * n + from + j];
  }
  return out;
}

/**
 * I(X; Y) of (X, Y) ~ N(μ, Σ), X the first `dimX` coordinates: ½ (ln det Σ_xx + ln det Σ_yy −
 * ln det Σ). Throws a `UserError` (with `context`) if Σ is not positive definite.
 */
export function gaussianMIFromCovariance(
  sigma: Float64Array,
  dimX: number,
  dimY: number,
  context: string,
): number {
  const n = dimX + dimY;
  const l = cholesky(sigma, n);
  const lx = cholesky(block(sigma, n, 0, dimX), dimX);
  const ly = cholesky(block(sigma, n, dimX, dimY), dimY);
  if (!l || !lx || !ly) throw new UserError(`${context}: the covariance is not positive definite`);
  return 0.5 * (choleskyLogDet(lx, dimX) + choleskyLogDet(ly, dimY) - choleskyLogDet(l, n));
}

/** N(0, Σ) split into x (first dimX coordinates) and y (the rest), Σ given as a correlation. */
export class MultinormalTask implements Task {
  readonly mutualInformation: number;
  /** The lower Cholesky factor L of Σ, row-major [D, D], D = dimX + dimY. */
  private readonly factor: Float64Array;
  /**
   * L by rows, nonzeros only: row r is `columns[starts[r]..starts[r+1]]` with `values` alike
   * (bmi's sparse Σ has ≤ 2 per row, so a 25 × 25 draw costs O(D) per pair instead of O(D²)).
   * Null when L is mostly nonzero (the dense tasks): the plain triangular loop is faster there.
   */
  private readonly starts: Int32Array | null;
  private readonly columns: Int32Array;
  private readonly values: Float64Array;

  constructor(
    readonly kind: string,
    readonly dimX: number,
    readonly dimY: number,
    /** Σ, row-major [D, D]; positive definite (else the caller's `UserError`). */
    readonly covariance: Float64Array,
    context: string,
  ) {
    const d = dimX + dimY;
    const factor = cholesky(covariance, d);
    if (!factor) throw new UserError(`${context}: the covariance is not positive definite`);
    const starts = new Int32Array(d + 1);
    const columns: number[] = [];
    const values: number[] = [];
    for (let r = 0; r < d; r++) {
      for (let k = 0; k <= r; k++) {
        if (factor[r * d + k] !== 0) {
          columns.push(k);
          values.push(factor[r * d + k]);
        }
      }
      starts[r + 1] = columns.length;
    }
    this.factor = factor;
    this.starts = columns.length < (d * (d + 1)) / 4 ? starts : null;
    this.columns = Int32Array.from(columns);
    this.values = Float64Array.from(values);
    this.mutualInformation = gaussianMIFromCovariance(covariance, dimX, dimY, context);
  }

  /** v = L z with z ~ N(0, I_D) per pair (D normals drawn in order), then split into x and y. */
  sample(rng: Rng, n: number): Pairs {
    const { dimX, dimY } = this;
    const starts = this.starts;
    const columns = this.columns;
    const values = this.values;
    const factor = this.factor;
    const d = dimX + dimY;
    const x = new Float32Array(n * dimX);
    const y = new Float32Array(n * dimY);
    const z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) z[k] = rng.normal();
      for (let r = 0; r < d; r++) {
        let v = 0; // (L z)_r
        if (starts) for (let e = starts[r]; e < starts[r + 1]; e++) v += values[e] * z[columns[e]];
        else for (let k = 0, o = r * d; k <= r; k++) v += factor[o + k] * z[k];
        if (r < dimX) x[i * dimX + r] = v;
        else y[i * dimY + r - dimX] = v;
      }
    }
    return { n, x, y };
  }
}

export const MULTINORMAL_DENSE_DEFAULTS: Options = {
  /** d_x. Default 2 (bmi's smallest dense task, `multinormal-dense-2-2-0.5`). */
  dimX: 2,
  /** d_y. Default 2. */
  dimY: 2,
  /** The off-diagonal correlation c of every pair of coordinates. Default 0.5 (bmi `off_diag`). */
  correlation: 0.5,
};

/** Σ = (1 − c) I + c 11ᵀ over D coordinates, row-major [D, D]. */
export function equicorrelation(d: number, c: number): Float64Array {
  const sigma = new Float64Array(d * d).fill(c);
  for (let i = 0; i < d; i++) sigma[i * d + i] = 1;
  return sigma;
}

export function createMultinormalDense(options: Options): MultinormalTask {
  const context = "task 'multinormal-dense'";
  const dimX = integerOption(options, 'dimX', 1, context);
  const dimY = integerOption(options, 'dimY', 1, context);
  const c = options.correlation;
  const d = dimX + dimY;
  if (typeof c !== 'number' || !(c > -1 / (d - 1) && c < 1)) {
    throw new UserError(
      `${context}: option 'correlation' must lie in (−1/(d_x + d_y − 1), 1) = (${(-1 / (d - 1)).toFixed(4)}, 1) for a positive-definite Σ, got ${JSON.stringify(c)}`,
    );
  }
  return new MultinormalTask('multinormal-dense', dimX, dimY, equicorrelation(d, c), context);
}

export const MULTINORMAL_SPARSE_DEFAULTS: Options = {
  /** d_x. Default 3 (bmi's base of the transformed tasks, `multinormal-sparse-3-3-2-2.0`). */
  dimX: 3,
  /** d_y. Default 3. */
  dimY: 3,
  /** k: the interacting pairs (X_i, Y_i), i < k. Default 2 (bmi `task_multinormal_2pair`). */
  interacting: 2,
  /** bmi's λ = η: each pair's correlation is λ²/(1 + λ²). Default 2.0 (bmi), i.e. 0.8. */
  strength: 2,
};

/** Σ of bmi's sparse parametrization: I plus ρ = λ²/(1 + λ²) at (i, d_x + i), i < k. */
export function sparseCorrelation(
  dimX: number,
  dimY: number,
  interacting: number,
  strength: number,
): Float64Array {
  const d = dimX + dimY;
  const rho = (strength * strength) / (1 + strength * strength);
  const sigma = new Float64Array(d * d);
  for (let i = 0; i < d; i++) sigma[i * d + i] = 1;
  for (let i = 0; i < interacting; i++) {
    sigma[i * d + dimX + i] = rho;
    sigma[(dimX + i) * d + i] = rho;
  }
  return sigma;
}

export function createMultinormalSparse(options: Options): MultinormalTask {
  const context = "task 'multinormal-sparse'";
  const dimX = integerOption(options, 'dimX', 1, context);
  const dimY = integerOption(options, 'dimY', 1, context);
  const k = integerOption(options, 'interacting', 0, context);
  if (k > Math.min(dimX, dimY)) {
    throw new UserError(
      `${context}: option 'interacting' must be ≤ min(dimX, dimY) = ${Math.min(dimX, dimY)}, got ${k}`,
    );
  }
  const strength = options.strength;
  if (typeof strength !== 'number' || !Number.isFinite(strength)) {
    throw new UserError(
      `${context}: option 'strength' must be a finite number, got ${JSON.stringify(strength)}`,
    );
  }
  const sigma = sparseCorrelation(dimX, dimY, k, strength);
  return new MultinormalTask('multinormal-sparse', dimX, dimY, sigma, context);
}

export const multinormalDenseEntry: TaskEntry = {
  description: 'bmi dense Gaussian: every correlation c; I = ½(ln|Σxx| + ln|Σyy| − ln|Σ|)',
  defaults: MULTINORMAL_DENSE_DEFAULTS,
  create: createMultinormalDense,
};

export const multinormalSparseEntry: TaskEntry = {
  description: 'bmi sparse Gaussian: k pairs with correlation λ²/(1+λ²); I = −(k/2) ln(1 − ρ²)',
  defaults: MULTINORMAL_SPARSE_DEFAULTS,
  create: createMultinormalSparse,
};
