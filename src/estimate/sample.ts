/**
 * The data of `mimax estimate` (no TF.js): named numeric matrices, the checks every input goes
 * through (finite values, equal row counts, no constant column), the seeded train / held-out
 * split and the standardization fit on the train split.
 */
import type { DataMatrix } from '../data/tabular.ts';
import { deriveSeed, Rng } from '../random.ts';
import { UserError } from '../types.ts';
import type { FitResult } from './data-estimator.ts';

export type { DataMatrix } from '../data/tabular.ts';

/** n pairs (x_i, y_i) as the estimators see them: x: [n, dx], y: [n, dy], row-major float64. */
export interface Sample {
  n: number;
  dx: number;
  dy: number;
  x: Float64Array;
  y: Float64Array;
}

/** A sample split into the part estimators fit on and the part they report on. */
export interface Split {
  train: Sample;
  test: Sample;
}

/**
 * Checks one matrix: every value finite (NaN or ±∞ names its row and column), no constant
 * column (zero variance names it). `what` names the matrix in messages, e.g. `x`.
 */
export function checkMatrix(m: DataMatrix, what: string): void {
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.d; j++) {
      const v = m.values[i * m.d + j];
      if (!Number.isFinite(v)) {
        throw new UserError(
          `${what}: row ${i + 1}, column '${m.names[j]}': ${Number.isNaN(v) ? 'NaN (a missing value)' : 'infinite value'}; ` +
            'every value must be a finite number',
        );
      }
    }
  }
  for (let j = 0; j < m.d; j++) {
    if (m.n > 0 && isConstant(m.values, m.d, j, allRows(m.n))) {
      throw new UserError(
        `${what}: column '${m.names[j]}' is constant (zero variance); it carries no information, leave it out`,
      );
    }
  }
}

const allRows = (n: number): Int32Array => {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
};

/** Whether column j takes one value on the given rows (exactly: a mean would round). */
function isConstant(values: Float64Array, d: number, j: number, rows: ArrayLike<number>): boolean {
  const first = values[rows[0] * d + j];
  for (let r = 1; r < rows.length; r++) if (values[rows[r] * d + j] !== first) return false;
  return true;
}

/** Sample variance (divisor m − 1; 0 for m < 2) of column j over the given rows. */
function variance(values: Float64Array, d: number, j: number, rows: ArrayLike<number>): number {
  const m = rows.length;
  if (m < 2) return 0;
  let mean = 0;
  for (let r = 0; r < m; r++) mean += values[rows[r] * d + j];
  mean /= m;
  let squares = 0;
  for (let r = 0; r < m; r++) squares += (values[rows[r] * d + j] - mean) ** 2;
  return squares / (m - 1);
}

/** Checks x and y together: each matrix, and the same number of rows. */
export function checkPair(x: DataMatrix, y: DataMatrix, whereX = 'x', whereY = 'y'): void {
  if (x.n !== y.n) {
    throw new UserError(
      `${whereX} has ${x.n} rows but ${whereY} has ${y.n}; x and y must have one row per pair`,
    );
  }
  checkMatrix(x, whereX);
  checkMatrix(y, whereY);
}

/** Rows in the held-out split: round(f · n). */
export function heldOutRows(n: number, testFraction: number): number {
  return Math.round(n * testFraction);
}

/**
 * The fewest rows for which both splits hold at least `minSplit` rows at this test fraction.
 * At least 2 × minSplit (at f = 0.5); more for other fractions (638 at f = 0.2 and minSplit 128: round(0.2 · 638) = 128).
 */
export function minimumRows(minSplit: number, testFraction: number): number {
  let n = 2 * minSplit;
  while (heldOutRows(n, testFraction) < minSplit || n - heldOutRows(n, testFraction) < minSplit)
    n++;
  return n;
}

/**
 * The split of seed `seed`: a seeded permutation of the rows (seed purpose `data:split`), the
 * first n − round(f·n) for training, the rest held out; then every column standardized to mean 0
 * and sd 1 with the *train* split's mean and sd (the held-out split sees the same affine map, so
 * nothing about it leaks into the fit). A column constant on the train split is a `UserError`.
 */
export function splitAndStandardize(
  x: DataMatrix,
  y: DataMatrix,
  testFraction: number,
  seed: number,
): Split {
  const n = x.n;
  const order = new Rng(deriveSeed(seed, 'data:split')).permutation(n);
  const nTest = heldOutRows(n, testFraction);
  const trainRows = order.subarray(0, n - nTest);
  const testRows = order.subarray(n - nTest);
  const standardized = (m: DataMatrix, what: string) => {
    const mean = new Float64Array(m.d);
    const scale = new Float64Array(m.d);
    for (let j = 0; j < m.d; j++) {
      const v = variance(m.values, m.d, j, trainRows);
      if (isConstant(m.values, m.d, j, trainRows) || !(v > 0)) {
        throw new UserError(
          `${what}: column '${m.names[j]}' is constant on the train split of seed ${seed} ` +
            `(${trainRows.length} rows); leave it out or use more rows`,
        );
      }
      let sum = 0;
      for (const r of trainRows) sum += m.values[r * m.d + j];
      mean[j] = sum / trainRows.length;
      scale[j] = 1 / Math.sqrt(v);
    }
    const take = (rows: Int32Array) => {
      const out = new Float64Array(rows.length * m.d);
      for (let r = 0; r < rows.length; r++) {
        for (let j = 0; j < m.d; j++) {
          out[r * m.d + j] = (m.values[rows[r] * m.d + j] - mean[j]) * scale[j];
        }
      }
      return out;
    };
    return { train: take(trainRows), test: take(testRows) };
  };
  const sx = standardized(x, 'x');
  const sy = standardized(y, 'y');
  return {
    train: { n: trainRows.length, dx: x.d, dy: y.d, x: sx.train, y: sy.train },
    test: { n: nTest, dx: x.d, dy: y.d, x: sx.test, y: sy.test },
  };
}

/**
 * A failed {@link FitResult} when either split has fewer than `minRows` rows (an estimator's
 * batch), else null: callers that skip `estimate()`'s up-front check get a clear failure.
 */
export function splitTooSmall(train: Sample, test: Sample, minRows: number): FitResult | null {
  if (train.n >= minRows && test.n >= minRows) return null;
  return {
    status: 'failed',
    error: `each split needs at least ${minRows} rows (one batch); got ${train.n} train and ${test.n} held-out rows`,
    estimate: Number.NaN,
    trainEstimate: Number.NaN,
    trainCurve: [],
    heldOutCurve: [],
    seconds: 0,
    ceiling: null,
  };
}

/** The first `rows` pairs of a sample (a view, no copy). */
export function headOf(sample: Sample, rows: number): Sample {
  const n = Math.min(rows, sample.n);
  return {
    n,
    dx: sample.dx,
    dy: sample.dy,
    x: sample.x.subarray(0, n * sample.dx),
    y: sample.y.subarray(0, n * sample.dy),
  };
}
