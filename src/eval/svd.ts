/**
 * Singular values of a dense matrix without singular vectors, in Float64: Householder
 * bidiagonalization (Golub & Kahan 1965) on a flat column-major array, then bisection on the
 * bidiagonal's Golub-Kahan tridiagonal matrix (Sturm counts; Demmel & Kahan 1990 show that
 * bisection on a bidiagonal gives every singular value to high relative accuracy).
 *
 * Why not only ml-matrix's `SingularValueDecomposition`: it computes the same reduction with
 * per-element method calls on row arrays and then QR sweeps; this flat version, asked for the
 * two extremes only, is about 2x faster on 392x392 Jacobians (~0.16 s vs ~0.31 s; see
 * `scripts/calibrate-probe.ts`), which matters because the non-invertible experiment
 * decomposes 128 of them at every evaluation. The bidiagonal reduction is backward stable, so
 * the absolute error of each σ is O(ε·σ_max), as with any standard SVD;
 * `test/eval/svd.test.ts` checks it against ml-matrix. Norms are not rescaled: entries must
 * stay within ~1e±150 (Jacobians do).
 */

/** Upper-bidiagonal form: diagonal `d` [n] and superdiagonal `e` [n−1], n = min(rows, cols). */
export interface Bidiagonal {
  d: Float64Array;
  e: Float64Array;
}

/**
 * Reduces a row-major `rows x columns` matrix to upper-bidiagonal form with the same singular
 * values (Householder reflections from both sides). Does not modify `values`.
 */
export function bidiagonalize(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
): Bidiagonal {
  // Work on an m x n column-major copy with m ≥ n (the transpose has the same singular values).
  const transpose = rows < columns;
  const m = transpose ? columns : rows;
  const n = transpose ? rows : columns;
  const a = new Float64Array(m * n); // a[i + j·m] = A[i][j]
  if (transpose) {
    // A = valuesᵀ: A[i][j] = values[j][i] = values[j·columns + i]; column j of A is row j.
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < m; i++) a[i + j * m] = values[j * columns + i];
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) a[i + j * m] = values[i * columns + j];
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const u = new Float64Array(n); // right reflector
  const w = new Float64Array(m); // A·u for the right update

  for (let k = 0; k < n; k++) {
    // Left reflector: zero A[k+1.., k].
    const ck = k * m;
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += a[ck + i] * a[ck + i];
    const x0 = a[ck + k];
    if (norm2 === 0 || k === m - 1) {
      d[k] = x0; // nothing to annihilate
    } else {
      const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2); // sign avoids cancellation
      // v = x − alpha·e1, stored in place of column k; tau = 2 / ||v||².
      const v0 = x0 - alpha;
      a[ck + k] = v0;
      const tau = 2 / (norm2 - x0 * x0 + v0 * v0);
      for (let j = k + 1; j < n; j++) {
        const cj = j * m;
        let s = 0;
        for (let i = k; i < m; i++) s += a[ck + i] * a[cj + i];
        s *= tau;
        if (s !== 0) for (let i = k; i < m; i++) a[cj + i] -= s * a[ck + i];
      }
      d[k] = alpha;
    }
    if (k >= n - 1) continue;

    // Right reflector on row k, columns k+1..n−1: zero A[k, k+2..].
    let rnorm2 = 0;
    for (let j = k + 1; j < n; j++) {
      const v = a[k + j * m];
      u[j] = v;
      rnorm2 += v * v;
    }
    const y0 = u[k + 1];
    if (rnorm2 === 0 || n - k - 1 === 1) {
      e[k] = y0;
      continue;
    }
    const beta = y0 >= 0 ? -Math.sqrt(rnorm2) : Math.sqrt(rnorm2);
    u[k + 1] = y0 - beta;
    const unorm2 = rnorm2 - y0 * y0 + u[k + 1] * u[k + 1];
    const tau = 2 / unorm2;
    e[k] = beta;
    // Rows k+1..m−1: A ← A − tau·(A·u)·uᵀ, with column-wise (contiguous) passes.
    w.fill(0, k + 1, m);
    for (let j = k + 1; j < n; j++) {
      const uj = u[j];
      if (uj === 0) continue;
      const cj = j * m;
      for (let i = k + 1; i < m; i++) w[i] += uj * a[cj + i];
    }
    for (let j = k + 1; j < n; j++) {
      const f = tau * u[j];
      if (f === 0) continue;
      const cj = j * m;
      for (let i = k + 1; i < m; i++) a[cj + i] -= f * w[i];
    }
  }
  return { d, e };
}

/**
 * Number of singular values of the bidiagonal below x > 0: a Sturm count (negative pivots of
 * the LDLᵀ factorization of T − xI) on the Golub-Kahan matrix T (2n x 2n, zero diagonal,
 * off-diagonal d1, e1, d2, ..., dn; eigenvalues ±σ_i), minus its n negative eigenvalues.
 * `b2` holds the 2n − 1 squared off-diagonals.
 */
function countBelow(b2: Float64Array, x: number, pivmin: number): number {
  let negatives = 0;
  let q = -x;
  if (q < 0) negatives++;
  for (let i = 0; i < b2.length; i++) {
    if (Math.abs(q) < pivmin) q = -pivmin; // LAPACK's dstebz guard against a zero pivot
    q = -x - b2[i] / q;
    if (q < 0) negatives++;
  }
  return negatives - (b2.length + 1) / 2;
}

/** Smallest normal double (LAPACK's safmin). */
const SAFE_MIN = 2.2250738585072014e-308;

/**
 * Singular values of the bidiagonal with the given ranks (0 = smallest), by bisection until
 * the bracket is within 2ε relative (at most ~1100 halvings; each costs O(n)). A singular
 * value below 1e-300 of the largest is returned as 0.
 */
export function bidiagonalSingularValues(bd: Bidiagonal, ranks: number[]): number[] {
  const n = bd.d.length;
  const b2 = new Float64Array(2 * n - 1); // d1², e1², d2², ..., dn²
  let upper = 0; // Gershgorin bound on T's eigenvalues: max over rows of |left| + |right|
  for (let i = 0; i < n; i++) {
    b2[2 * i] = bd.d[i] * bd.d[i];
    if (i < n - 1) b2[2 * i + 1] = bd.e[i] * bd.e[i];
    const left = i > 0 ? Math.abs(bd.e[i - 1]) : 0;
    const right = i < n - 1 ? Math.abs(bd.e[i]) : 0;
    upper = Math.max(upper, Math.abs(bd.d[i]) + Math.max(left, right));
  }
  if (upper === 0) return ranks.map(() => 0);
  let maxB2 = 1;
  for (const v of b2) maxB2 = Math.max(maxB2, v);
  const pivmin = SAFE_MIN * maxB2;
  const floor = upper * 1e-300;
  return ranks.map((rank) => {
    let lo = 0;
    let hi = upper * (1 + 1e-12);
    // Invariant: at most `rank` singular values below lo, more than `rank` below hi.
    while (hi - lo > 2.3e-16 * hi && hi > floor) {
      const mid = 0.5 * (lo + hi);
      if (countBelow(b2, mid, pivmin) > rank) hi = mid;
      else lo = mid;
    }
    return hi <= floor ? 0 : 0.5 * (lo + hi);
  });
}

/**
 * The smallest and largest singular values of a row-major `rows x columns` matrix
 * (min(rows, columns) values considered).
 */
export function singularValueExtremes(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
): { min: number; max: number } {
  const bd = bidiagonalize(values, rows, columns);
  const n = bd.d.length;
  const [min, max] = bidiagonalSingularValues(bd, [0, n - 1]);
  return { min, max };
}
