/**
 * The flat singular-value routine (`src/eval/svd.ts`) against ml-matrix's SVD and against
 * matrices with known singular values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import {
  bidiagonalize,
  bidiagonalSingularValues,
  singularValueExtremes,
} from '../../src/eval/svd.ts';
import { Rng } from '../../src/random.ts';

/** Every singular value, ascending, by the routine under test. */
function ours(values: ArrayLike<number>, rows: number, columns: number): number[] {
  const bd = bidiagonalize(values, rows, columns);
  return bidiagonalSingularValues(bd, [...Array(bd.d.length).keys()]);
}

/** Every singular value, ascending, by ml-matrix (independent reference). */
function reference(values: ArrayLike<number>, rows: number, columns: number): number[] {
  const m = Matrix.from1DArray(rows, columns, Array.from(values));
  return new SingularValueDecomposition(m, { autoTranspose: true }).diagonal.sort((a, b) => a - b);
}

/** Q1·diag(sigma)·Q2ᵀ with random orthogonal Q1, Q2 (QR of Gaussian matrices), row-major. */
function withSingularValues(sigma: number[], rng: Rng): number[] {
  const n = sigma.length;
  const orthogonal = () =>
    new QrDecomposition(Matrix.from1DArray(n, n, Array.from(rng.normalArray(n * n))))
      .orthogonalMatrix;
  return orthogonal().mmul(Matrix.diag(sigma)).mmul(orthogonal().transpose()).to1DArray();
}

describe('singular values (bidiagonalization + bisection)', () => {
  it('match ml-matrix on square, tall and wide Gaussian matrices', () => {
    const rng = new Rng(1);
    for (const [rows, columns] of [
      [1, 1],
      [2, 2],
      [20, 20],
      [30, 10],
      [10, 30],
      [64, 64],
    ]) {
      const values = rng.normalArray(rows * columns);
      const a = ours(values, rows, columns);
      const b = reference(values, rows, columns);
      assert.equal(a.length, Math.min(rows, columns));
      const scale = b[b.length - 1];
      for (let i = 0; i < a.length; i++) {
        assert.ok(
          Math.abs(a[i] - b[i]) < 1e-13 * scale,
          `${rows}x${columns} σ_${i}: ${a[i]} vs ${b[i]}`,
        );
      }
    }
  });

  it('find known singular values spread over 10 decades to high relative accuracy', () => {
    const n = 40;
    const sigma = Array.from({ length: n }, (_, i) => 10 ** (-10 * (i / (n - 1)))); // 1 … 1e-10
    const values = withSingularValues(sigma, new Rng(2));
    const { min, max } = singularValueExtremes(values, n, n);
    assert.ok(Math.abs(max - 1) < 1e-12, `max ${max}`);
    // Backward error ~ε·σ_max ≈ 1e-16 is 1e-6 relative to 1e-10.
    assert.ok(Math.abs(min / 1e-10 - 1) < 1e-4, `min ${min}`);
  });

  it('handle diagonal, zero and rank-deficient matrices', () => {
    const diagonal = [3, 0, 0, 0, -5, 0, 0, 0, 0.5]; // diag(3, −5, 0.5)
    assert.deepEqual(
      ours(diagonal, 3, 3).map((s) => Number(s.toPrecision(14))),
      [0.5, 3, 5],
    );
    assert.deepEqual(singularValueExtremes(new Float64Array(9), 3, 3), { min: 0, max: 0 });
    // Rank 2 of 3: the third row is the sum of the first two.
    const rankTwo = [1, 2, 3, 4, 5, 6, 5, 7, 9];
    const { min, max } = singularValueExtremes(rankTwo, 3, 3);
    assert.ok(min <= 1e-14 * max, `min ${min}`);
  });

  it('do not modify the input', () => {
    const values = new Rng(3).normalArray(5 * 4);
    const copy = values.slice();
    ours(values, 5, 4);
    ours(values, 4, 5);
    assert.deepEqual(values, copy);
  });
});
