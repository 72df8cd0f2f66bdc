/**
 * σ_max / σ_min by LU + Lanczos (`src/eval/lu-extremes.ts`) against the Float64 bisection SVD
 * of `svd.ts` (itself checked against ml-matrix in svd.test.ts) and against matrices built with
 * known singular values, including condition 1e6, clustered spectra and near-singular cases.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Matrix, QrDecomposition } from 'ml-matrix';
import { luSingularValueExtremes } from '../../src/eval/lu-extremes.ts';
import { singularValueExtremes } from '../../src/eval/svd.ts';
import { Rng } from '../../src/random.ts';

/** Q1·diag(sigma)·Q2ᵀ with random orthogonal Q1, Q2, returned column-major. */
function withSingularValues(sigma: number[], rng: Rng): Float64Array {
  const n = sigma.length;
  const orthogonal = () =>
    new QrDecomposition(Matrix.from1DArray(n, n, Array.from(rng.normalArray(n * n))))
      .orthogonalMatrix;
  const a = orthogonal().mmul(Matrix.diag(sigma)).mmul(orthogonal().transpose());
  return columnMajor(a.to1DArray(), n);
}

function columnMajor(rowMajor: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i + j * n] = rowMajor[i * n + j];
  return out;
}

function rowMajorOf(colMajor: Float64Array, n: number): Float64Array {
  return columnMajor(colMajor, n); // the transpose map is its own inverse
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('luSingularValueExtremes', () => {
  it('matches the bisection SVD on Gaussian matrices', () => {
    const rng = new Rng(1);
    // Every size mod 4 and odd/even: the kernels work 4 columns (gemv), 2 columns (gemvT),
    // 2 pivots (the LU's rank-2 update) and 8/4/2 doubles at a time, then the remainders.
    for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 13, 60, 61]) {
      const values = rng.normalArray(n * n);
      const ours = luSingularValueExtremes(values, n);
      const reference = singularValueExtremes(rowMajorOf(Float64Array.from(values), n), n, n);
      assert.ok(
        relative(ours.max, reference.max) < 1e-9,
        `n=${n} max ${ours.max} vs ${reference.max}`,
      );
      assert.ok(
        relative(ours.min, reference.min) < 1e-9,
        `n=${n} min ${ours.min} vs ${reference.min}`,
      );
    }
  });

  it('finds known extremes at condition 1e6 to ~1e-9 relative (Lanczos on J⁻¹ converges)', () => {
    const n = 80;
    const sigma = Array.from({ length: n }, (_, i) => 10 ** (-6 * (i / (n - 1)))); // 1 … 1e-6
    const result = luSingularValueExtremes(withSingularValues(sigma, new Rng(2)), n);
    assert.ok(relative(result.max, 1) < 1e-9, `max ${result.max}`);
    // Backward error ~ε·σ_max ≈ 1e-16 is 1e-10 relative to 1e-6; the Lanczos tolerance 1e-10.
    assert.ok(relative(result.min, 1e-6) < 1e-8, `min ${result.min}`);
    assert.ok(
      result.stepsMin < n && result.stepsMax < n,
      `steps ${result.stepsMax}/${result.stepsMin}`,
    );
  });

  it('resolves a clustered spectrum (all σ in 1 ± 1e-3, as a near-identity Jacobian)', () => {
    const n = 60;
    const rng = new Rng(3);
    const sigma = Array.from({ length: n }, () => 1 + 1e-3 * (2 * rng.uniform() - 1));
    const result = luSingularValueExtremes(withSingularValues(sigma, rng), n);
    const max = Math.max(...sigma);
    const min = Math.min(...sigma);
    assert.ok(relative(result.max, max) < 1e-9, `max ${result.max} vs ${max}`);
    assert.ok(relative(result.min, min) < 1e-9, `min ${result.min} vs ${min}`);
    // log condition ~2e-3: exact to far better than its size
    assert.ok(Math.abs(Math.log(result.max / result.min) - Math.log(max / min)) < 1e-9);
  });

  it('near-singular (σ_min = 1e-10) and exactly singular matrices', () => {
    const n = 40;
    const sigma = Array.from({ length: n }, (_, i) => (i === n - 1 ? 1e-10 : 1 + i / n));
    const near = luSingularValueExtremes(withSingularValues(sigma, new Rng(4)), n);
    // Error bound O(ε·σ_max) ≈ 1e-15 absolute, i.e. ~1e-5 relative to 1e-10.
    assert.ok(relative(near.min, 1e-10) < 1e-4, `min ${near.min}`);
    assert.ok(relative(near.max, sigma[n - 2]) < 1e-9, `max ${near.max}`);
    // A zero column: an exactly zero pivot, σ_min = 0.
    const values = new Rng(5).normalArray(5 * 5);
    for (let i = 0; i < 5; i++) values[i + 2 * 5] = 0;
    const singular = luSingularValueExtremes(values, 5);
    assert.equal(singular.min, 0);
    assert.ok(singular.max > 0);
    // Rank 2 of 3 (third column = first + second): σ_min at rounding level.
    const rankTwo = [1, 4, 5, 2, 5, 7, 3, 9, 12]; // column-major
    const r = luSingularValueExtremes(rankTwo, 3);
    assert.ok(r.min <= 1e-14 * r.max, `min ${r.min}`);
    assert.deepEqual(luSingularValueExtremes(new Float64Array(4), 2).max, 0);
  });

  it('does not modify its input and rejects a wrong length', () => {
    const values = new Rng(6).normalArray(9);
    const copy = values.slice();
    luSingularValueExtremes(values, 3);
    assert.deepEqual(values, copy);
    assert.throws(() => luSingularValueExtremes(values, 4), /expected 16 values/);
  });

  it('the committed kernel binary is the assembled f64-kernels.wat', () => {
    const out = execFileSync(process.execPath, ['scripts/build-f64-kernels.mjs', '--check'], {
      encoding: 'utf8',
    });
    assert.match(out, /up to date/);
    assert.match(readFileSync('src/eval/f64-kernels.wat', 'utf8'), /f64x2/);
  });
});
