/**
 * σ_max and σ_min of a square matrix in Float64 without a full SVD: one LU factorization with
 * partial pivoting, then Golub-Kahan-Lanczos bidiagonalization (full reorthogonalization) on
 * J for σ_max and on J⁻¹ (two triangular solves per product) for 1/σ_min. The O(n³) work is
 * the LU, 2/3·n³ flops against 8/3·n³ for the bidiagonalization of `svd.ts`, run in a
 * WebAssembly SIMD kernel (`f64-kernels.wat`, two pivots per pass over the trailing matrix),
 * as are the Lanczos products (whole matrix-vector products and triangular solves per call).
 * For the 128 Jacobians of the non-invertible encoder: 1.6 s idle (~12 ms each) against
 * 2.4 s with rank-1 updates and one kernel call per column (one core busy beside it), and 19 s
 * for the bisection SVD (`npm run bench -- --only jacobian --jacobian-before`).
 *
 * ## Why this keeps the accuracy of a full SVD at large condition numbers
 * - LU with partial pivoting is backward stable: the computed factors are the exact LU of
 *   P(J + E) with ‖E‖ ≤ c·n·ε·ρ·‖J‖ (ρ the growth factor, ~1-10 in practice; Higham, Accuracy
 *   and Stability of Numerical Algorithms, 2nd ed., Thm. 9.3). So every singular value of the
 *   factored matrix is within ‖E‖ = O(ε·σ_max) of J's (Weyl), the same absolute error bound
 *   as the Householder bidiagonalization of `svd.ts`: at condition 1e6 that is ~1e-10
 *   relative on σ_min. What loses accuracy is forming JᵀJ (it squares the condition number:
 *   σ_min² drowns in ε·σ_max² near condition 1e8), which is never done here.
 * - J⁻¹ is applied through the triangular factors (forward/back substitution), never
 *   formed. Triangular solves are backward stable too (Higham Thm. 8.5), so each product
 *   J⁻¹·b is exact for a matrix within O(ε·σ_max) of J.
 * - Lanczos on J⁻¹ makes σ_min the *largest* singular value of the operator, where Lanczos
 *   converges fastest (the Ritz value approaches it from below; convergence is governed by
 *   the relative gap 1/σ_min − 1/σ_2, which is large exactly when the condition number is).
 *   Full reorthogonalization keeps the Lanczos vectors orthogonal to working precision, so
 *   no spurious copies appear. Iteration stops when the Ritz value moves by less than
 *   `LANCZOS_TOLERANCE` relative in two consecutive steps, or at n steps (then the Ritz
 *   values are exact); for the geometric convergence seen here that leaves an error of the
 *   order of the last change, ~1e-11 relative.
 * - An exactly zero pivot means the factored matrix is singular: σ_min = 0.
 */
import { Rng } from '../random.ts';
import { F64_KERNELS_BASE64 } from './f64-kernels.ts';
import { bidiagonalSingularValues } from './svd.ts';

/**
 * Relative change of the Ritz value below which Lanczos stops (twice in a row). 1e-10: the
 * log condition is then accurate to ~1e-10 (measured: ~1e-11 at condition 1e6), far below the float32 rounding of the Jacobian
 * itself (~1e-7·condition relative on σ_min).
 */
export const LANCZOS_TOLERANCE = 1e-10;

interface Kernels {
  memory: WebAssembly.Memory;
  /** Rank-2 trailing update after pivots k and k+1 (see f64-kernels.wat). */
  update2(a: number, n: number, k: number): void;
  axpy(x: number, y: number, len: number, alpha: number): void;
  dot(x: number, y: number, len: number): number;
  /** y ← A·x (A n x n column-major; byte offsets). */
  gemv(a: number, x: number, y: number, n: number): void;
  /** y ← Aᵀ·x. */
  gemvT(a: number, x: number, y: number, n: number): void;
  /** x ← U⁻¹·L⁻¹·x with the packed LU factors at `lu` (no pivoting). */
  luSolve(lu: number, x: number, n: number): void;
  /** y ← L⁻ᵀ·U⁻ᵀ·y. */
  luSolveT(lu: number, y: number, n: number): void;
}

let kernels: Kernels | null = null;

function loadKernels(): Kernels {
  if (kernels) return kernels;
  const bytes = Buffer.from(F64_KERNELS_BASE64, 'base64');
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  kernels = instance.exports as unknown as Kernels;
  return kernels;
}

/** Result of {@link luSingularValueExtremes}. */
export interface Extremes {
  max: number;
  min: number;
  /** Lanczos steps taken for σ_max and for σ_min (0 when σ_min = 0 by a zero pivot). */
  stepsMax: number;
  stepsMin: number;
}

/**
 * The largest and smallest singular values of the n x n matrix held **column-major** in
 * `values` (element (i, j) at i + j·n; float32 or float64 input, computed in float64).
 * Does not modify `values`. Not reentrant (one shared WebAssembly memory).
 */
export function luSingularValueExtremes(values: ArrayLike<number>, n: number): Extremes {
  if (values.length !== n * n) {
    throw new Error(`luSingularValueExtremes: expected ${n * n} values, got ${values.length}`);
  }
  const k = loadKernels();
  // Layout (doubles): J at 0, its LU at n², then the Lanczos bases U and V (n vectors each).
  const needed = 4 * n * n * 8;
  const pageBytes = 65536;
  if (k.memory.buffer.byteLength < needed) {
    k.memory.grow(Math.ceil((needed - k.memory.buffer.byteLength) / pageBytes));
  }
  const heap = new Float64Array(k.memory.buffer);
  const j0 = 0;
  const lu0 = n * n;
  const u0 = 2 * n * n;
  const v0 = 3 * n * n;
  for (let i = 0; i < n * n; i++) heap[j0 + i] = values[i];
  heap.copyWithin(lu0, j0, j0 + n * n);

  const piv = new Int32Array(n);
  const singular = factorize(k, heap, lu0, n, piv);

  // Operators on vectors in the WebAssembly memory (offsets in doubles): out ← op(input).
  /** out ← J·v (J kept unfactored at offset 0). */
  const timesJ = (v: number, out: number) => k.gemv(j0 * 8, v * 8, out * 8, n);
  /** out ← Jᵀ·u. */
  const timesJt = (u: number, out: number) => k.gemvT(j0 * 8, u * 8, out * 8, n);
  /** out ← J⁻¹·b = U⁻¹·L⁻¹·P·b. */
  const solve = (b: number, x: number) => {
    heap.copyWithin(x, b, b + n);
    for (let c = 0; c < n; c++) swap(heap, x + c, x + piv[c]);
    k.luSolve(lu0 * 8, x * 8, n);
  };
  /** out ← J⁻ᵀ·c = Pᵀ·L⁻ᵀ·U⁻ᵀ·c. */
  const solveT = (cIn: number, y: number) => {
    heap.copyWithin(y, cIn, cIn + n);
    k.luSolveT(lu0 * 8, y * 8, n);
    for (let c = n - 1; c >= 0; c--) swap(heap, y + c, y + piv[c]);
  };

  const lanczos = { kernels: k, heap, n, us: u0, vs: v0 };
  const top = largestSingularValue(lanczos, timesJ, timesJt);
  if (singular) return { max: top.value, min: 0, stepsMax: top.steps, stepsMin: 0 };
  const inverseTop = largestSingularValue(lanczos, solve, solveT);
  return {
    max: top.value,
    min: inverseTop.value > 0 && Number.isFinite(inverseTop.value) ? 1 / inverseTop.value : 0,
    stepsMax: top.steps,
    stepsMin: inverseTop.steps,
  };
}

/**
 * LU with partial pivoting, in place on the n x n column-major matrix at offset `lu0` (in
 * doubles): P·J = L·U, L unit lower (multipliers below the diagonal), U upper; piv[c] = the row
 * swapped with row c at step c. Pivots are taken two at a time: pivot c, then column c+1 alone
 * meets it, then pivot c+1, then one rank-2 update of the trailing columns (`update2`), which
 * halves the memory traffic of two rank-1 updates. The arithmetic is that of the rank-1
 * algorithm (each element is updated by pivot c before pivot c+1), so the factors and the
 * backward stability are the same. Returns true when a pivot is exactly zero (J is singular).
 */
function factorize(
  k: Kernels,
  heap: Float64Array,
  lu0: number,
  n: number,
  piv: Int32Array,
): boolean {
  /** Pivot search in column c, row swap across all columns, multipliers scaled. */
  const pivotColumn = (c: number): boolean => {
    const col = lu0 + c * n;
    let p = c;
    let best = Math.abs(heap[col + c]);
    for (let i = c + 1; i < n; i++) {
      const v = Math.abs(heap[col + i]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[c] = p;
    if (p !== c) {
      for (let j = 0; j < n; j++) swap(heap, lu0 + j * n + c, lu0 + j * n + p);
    }
    const pivot = heap[col + c];
    // A zero pivot: the whole column below is zero too, its multipliers stay 0.
    if (pivot === 0) return false;
    const inverse = 1 / pivot;
    for (let i = c + 1; i < n; i++) heap[col + i] *= inverse;
    return true;
  };
  let singular = false;
  let c = 0;
  for (; c + 1 < n; c += 2) {
    if (!pivotColumn(c)) singular = true;
    // Column c+1 meets pivot c: A[c+1.., c+1] −= L[c+1.., c]·A[c, c+1].
    const a = heap[lu0 + (c + 1) * n + c];
    if (a !== 0) k.axpy((lu0 + c * n + c + 1) * 8, (lu0 + (c + 1) * n + c + 1) * 8, n - c - 1, -a);
    if (!pivotColumn(c + 1)) singular = true;
    k.update2(lu0 * 8, n, c);
  }
  // An odd last column has no trailing columns to update.
  if (c < n && !pivotColumn(c)) singular = true;
  return singular;
}

function swap(a: Float64Array, i: number, j: number): void {
  if (i === j) return;
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** out ← op(input), both offsets (in doubles) into the WebAssembly memory. */
type Operator = (input: number, output: number) => void;

interface LanczosSpace {
  kernels: Kernels;
  heap: Float64Array;
  n: number;
  /** Offsets of the bases (n vectors of n doubles each). */
  us: number;
  vs: number;
}

/**
 * Largest singular value of the n x n operator A (with its transpose) by Golub-Kahan-Lanczos
 * bidiagonalization, A·V_k = U_k·B_k, with full reorthogonalization of both bases (Golub & Van
 * Loan, Matrix Computations, 4th ed., Sec. 10.4 and the reorthogonalization of Sec. 10.3.5);
 * the answer is the largest singular value of the k x k upper-bidiagonal B_k (by bisection,
 * `svd.ts`), which increases with k towards σ_max(A). Deterministic start vector (fixed seed).
 */
function largestSingularValue(
  space: LanczosSpace,
  apply: Operator,
  applyT: Operator,
): { value: number; steps: number } {
  const { heap, n, us, vs } = space;
  const alphas: number[] = [];
  const betas: number[] = [];
  heap.set(new Rng(20_201).normalArray(n), vs);
  normalize(space, vs);
  apply(vs, us);
  let alpha = normalize(space, us);
  alphas.push(alpha);
  if (!(alpha > 0)) return { value: 0, steps: 1 };
  let estimate = alpha;
  let calm = 0; // consecutive steps with a relative change below the tolerance
  for (let step = 1; step < n; step++) {
    // v_{k+1} ∝ Aᵀ·u_k − α_k·v_k, reorthogonalized against every v.
    const v = vs + step * n;
    const u = us + step * n;
    applyT(u - n, v);
    space.kernels.axpy((v - n) * 8, v * 8, n, -alpha);
    reorthogonalize(space, v, vs, step);
    const beta = normalize(space, v);
    // β = 0: the Krylov space is invariant, the current estimate is exact.
    if (!(beta > 1e-15 * estimate)) return { value: estimate, steps: step };
    betas.push(beta);
    // u_{k+1} ∝ A·v_{k+1} − β_k·u_k, reorthogonalized against every u.
    apply(v, u);
    space.kernels.axpy((u - n) * 8, u * 8, n, -beta);
    reorthogonalize(space, u, us, step);
    alpha = normalize(space, u);
    alphas.push(alpha);
    const next = bidiagonalSingularValues(
      { d: Float64Array.from(alphas), e: Float64Array.from(betas) },
      [alphas.length - 1],
    )[0];
    calm = next - estimate <= LANCZOS_TOLERANCE * next ? calm + 1 : 0;
    estimate = Math.max(estimate, next);
    if (calm >= 2 || !(alpha > 1e-15 * estimate)) return { value: estimate, steps: step + 1 };
  }
  return { value: estimate, steps: n };
}

/** Scales the vector at `x` to unit norm (unless zero); returns its norm before. */
function normalize(space: LanczosSpace, x: number): number {
  const norm = Math.sqrt(space.kernels.dot(x * 8, x * 8, space.n));
  if (norm > 0) {
    const f = 1 / norm;
    for (let i = x; i < x + space.n; i++) space.heap[i] *= f;
  }
  return norm;
}

/**
 * Removes from the vector at `w` its components along the first `count` basis vectors
 * (orthonormal, at `basis`): modified Gram-Schmidt, repeated once when the first pass removed
 * most of the vector (Kahan-Parlett "twice is enough": ‖w‖ fell below 1/√2 of its value).
 */
function reorthogonalize(space: LanczosSpace, w: number, basis: number, count: number): void {
  const { kernels: k, n } = space;
  let before = Math.sqrt(k.dot(w * 8, w * 8, n));
  for (let pass = 0; pass < 2; pass++) {
    for (let b = 0; b < count; b++) {
      const offset = (basis + b * n) * 8;
      const s = k.dot(offset, w * 8, n);
      if (s !== 0) k.axpy(offset, w * 8, n, -s);
    }
    const after = Math.sqrt(k.dot(w * 8, w * 8, n));
    if (after > Math.SQRT1_2 * before) return;
    before = after;
  }
}
