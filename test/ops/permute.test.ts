import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { inversePermutation, permuteColumns } from '../../src/ops/index.ts';
import { Rng } from '../../src/random.ts';
import { checkAgainstCpu, leakAfterStep, type OpCase } from './compare.ts';

type T2 = tf.Tensor2D;

/** permuteColumns on [b, d] with a seeded random permutation, against tf.gather on cpu. */
function permuteCase(b: number, d: number, seed: number): OpCase {
  const perm = new Rng(seed).permutation(d);
  // A fresh int32 tensor per call: the op runs on wasm and the reference on cpu.
  return {
    name: `permuteColumns [${b}, ${d}]`,
    seed,
    inputs: [{ shape: [b, d] }],
    op: (x) => permuteColumns(x as T2, tf.tensor1d(perm, 'int32')),
    reference: (x) => tf.gather(x, tf.tensor1d(perm, 'int32'), 1),
  };
}

describe('permuteColumns', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  it('out[:, k] = x[:, perm[k]] (hand example)', () => {
    const x = tf.tensor2d([
      [10, 11, 12],
      [20, 21, 22],
    ]);
    const perm = tf.tensor1d([2, 0, 1], 'int32');
    assert.deepEqual(permuteColumns(x, perm).arraySync(), [
      [12, 10, 11],
      [22, 20, 21],
    ]);
    assert.deepEqual(Array.from(inversePermutation(perm).dataSync()), [1, 2, 0]);
    tf.dispose([x, perm]);
  });

  it('the stock gather gradient cannot run on wasm (why this op exists)', () => {
    const x = tf.ones([2, 3]);
    const perm = tf.tensor1d([2, 0, 1], 'int32');
    assert.throws(
      () => tf.tidy(() => tf.grad((a) => tf.sum(tf.gather(a, perm, 1)))(x)),
      /UnsortedSegmentSum/,
    );
    tf.dispose([x, perm]);
  });

  // The real width (392); batch 16, as cpu's stock gather gradient (UnsortedSegmentSum) is
  // O(B·D²) here and takes seconds at 128.
  for (const c of [permuteCase(16, 392, 31), permuteCase(5, 2, 32), permuteCase(3, 17, 33)]) {
    it(`${c.name}: value and gradient on wasm equal tf.gather on cpu`, async () => {
      await checkAgainstCpu(c, 'wasm', 'auto', 0);
    });
  }

  it('the fast path is also correct on cpu', async () => {
    await checkAgainstCpu(permuteCase(4, 9, 34), 'cpu', 'always', 0);
    await tf.setBackend('wasm');
  });

  it('a chain of 30 permutations differentiates to the composed inverse (RealNVP shape)', () => {
    const rng = new Rng(35);
    const perms = Array.from({ length: 30 }, () => tf.tensor1d(rng.permutation(392), 'int32'));
    const x = tf.tensor2d(rng.normalArray(4 * 392), [4, 392]);
    const r = tf.tensor2d(rng.normalArray(4 * 392), [4, 392]);
    const chain = (a: tf.Tensor) => perms.reduce((h, p) => permuteColumns(h as T2, p), a as T2);
    const grad = tf.grad((a) => tf.sum(tf.mul(chain(a), r)))(x);
    // ⟨P x, r⟩ = ⟨x, Pᵀ r⟩: the gradient is r pushed back through the chain, i.e. the
    // gradient entry at column chain(identity)[k] is r[:, k].
    const order = chain(
      tf.tensor2d(
        Float32Array.from({ length: 392 }, (_, k) => k),
        [1, 392],
      ),
    );
    const o = order.dataSync();
    const g = grad.arraySync() as number[][];
    const rv = r.arraySync() as number[][];
    for (let k = 0; k < 392; k++) assert.equal(g[1][o[k]], rv[1][k]);
    tf.dispose([...perms, x, r, grad, order]);
  });

  it('leaks no tensors in a tidy forward + backward', () => {
    const perm = tf.tensor1d(new Rng(36).permutation(10), 'int32');
    assert.equal(
      leakAfterStep((x) => permuteColumns(x as T2, perm), [[3, 10]]),
      0,
    );
    perm.dispose();
  });
});
