import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { determinant, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { RealNvpEncoder } from '../../src/encoders/index.ts';
import { Rng } from '../../src/random.ts';
import { testBackend } from '../helpers.ts';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function small(coupling: 'additive' | 'affine', inputDim: number, seed = 1): RealNvpEncoder {
  return new RealNvpEncoder({
    inputDim,
    seed,
    options: { couplings: 3, hidden: [16], coupling },
  });
}

/** Moves every variable far from its ≈0 init (σ = 0.3), so the couplings really act. */
function perturb(flow: RealNvpEncoder, seed: number) {
  const rng = new Rng(seed);
  for (const v of flow.variables) v.assign(tf.tensor(rng.normalArray(v.size, 0.3), v.shape));
}

/** J[k][l] = ∂y_k/∂x_l at one point x: [D], one tf.grad per output coordinate. */
function jacobian(flow: RealNvpEncoder, x: number[]): number[][] {
  const d = x.length;
  return tf.tidy(() => {
    const point = tf.tensor2d([x]);
    return Array.from({ length: d }, (_, k) => {
      const g = tf.grad((p) => tf.sum(tf.slice(flow.apply(p as tf.Tensor2D), [0, k], [1, 1])));
      return Array.from(g(point).dataSync());
    });
  });
}

describe('realnvp', () => {
  before(testBackend);

  for (const coupling of ['additive', 'affine'] as const) {
    it(`${coupling}: inverse(apply(x)) ≈ x at init and after perturbing the weights`, () => {
      const flow = small(coupling, 7); // odd D: kept half ⌊7/2⌋ = 3, transformed half 4
      const x = tf.tensor2d(new Rng(2).normalArray(5 * 7), [5, 7]);
      const roundTrip = () =>
        tf.tidy(() => {
          const y = flow.apply(x);
          return [
            maxAbsDiff(flow.inverse(y).dataSync(), x.dataSync()),
            maxAbsDiff(y.dataSync(), x.dataSync()),
          ];
        });
      const [atInit] = roundTrip();
      assert.ok(atInit < 1e-5, `at init: max |inverse(apply(x)) − x| = ${atInit}`);
      perturb(flow, 3);
      const [perturbed, moved] = roundTrip();
      assert.ok(moved > 0.1, 'the perturbed flow should not be ≈ identity');
      assert.ok(perturbed < 1e-4, `perturbed: max |inverse(apply(x)) − x| = ${perturbed}`);
      x.dispose();
      flow.dispose();
    });
  }

  it('additive at init is ≈ a permutation: same values, reordered', () => {
    const flow = small('additive', 8);
    const x = Array.from(new Rng(4).normalArray(8));
    const y = tf.tidy(() => Array.from(flow.apply(tf.tensor2d([x])).dataSync()));
    const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
    assert.ok(maxAbsDiff(sorted(y), sorted(x)) < 1e-3);
    assert.ok(maxAbsDiff(y, x) > 1e-2, 'the permutations should reorder the coordinates');
    flow.dispose();
  });

  it('additive: Jacobian at init ≈ a permutation matrix (|det| = 1, all σ ≈ 1)', () => {
    const flow = small('additive', 6);
    const j = jacobian(flow, Array.from(new Rng(5).normalArray(6)));
    const svd = new SingularValueDecomposition(new Matrix(j), {
      computeLeftSingularVectors: false,
      computeRightSingularVectors: false,
    });
    for (const s of svd.diagonal) assert.ok(Math.abs(s - 1) < 1e-2, `singular value ${s}`);
    // triangular couplings with unit diagonal and permutations: |det| = 1 exactly
    assert.ok(Math.abs(Math.abs(determinant(new Matrix(j))) - 1) < 1e-3);
    flow.dispose();
  });

  it('affine: Jacobian at init is invertible with |det| ≈ (ln 2)^(couplings · ⌈D/2⌉)', () => {
    const flow = small('affine', 6);
    const j = jacobian(flow, Array.from(new Rng(6).normalArray(6)));
    const svd = new SingularValueDecomposition(new Matrix(j), {
      computeLeftSingularVectors: false,
      computeRightSingularVectors: false,
    });
    // each coordinate is scaled by softplus(≈0) = ln 2 at most once per coupling
    const minSingular = Math.min(...svd.diagonal);
    assert.ok(minSingular > Math.LN2 ** 3 * 0.99, `smallest singular value ${minSingular}`);
    const expectedDet = Math.LN2 ** (3 * 3); // 3 couplings × 3 transformed coordinates
    const det = Math.abs(determinant(new Matrix(j)));
    assert.ok(Math.abs(det / expectedDet - 1) < 1e-2, `|det J| = ${det}, expected ${expectedDet}`);
    flow.dispose();
  });

  it('after perturbing, the Jacobian is still invertible (smallest σ > 0)', () => {
    const flow = small('affine', 6);
    perturb(flow, 7);
    const j = jacobian(flow, Array.from(new Rng(8).normalArray(6)));
    const svd = new SingularValueDecomposition(new Matrix(j), {
      computeLeftSingularVectors: false,
      computeRightSingularVectors: false,
    });
    assert.ok(Math.min(...svd.diagonal) > 1e-6);
    flow.dispose();
  });

  it('rejects a bad coupling kind, naming the option', () => {
    assert.throws(
      () => new RealNvpEncoder({ inputDim: 4, seed: 0, options: { coupling: 'spline' } }),
      /option 'coupling' must be 'additive' or 'affine', got 'spline'/,
    );
  });
});
