/**
 * The all-pairs concat kernel (src/ops/pair-mlp.ts) against the composed TF.js formulation on
 * cpu: scores and gradients w.r.t. rows, cols, v and the bias, on wasm (the kernel) and on cpu
 * with the fast path forced; plus padding (H not a multiple of 4), unequal batch sizes, dead
 * relus (exact zeros in the mask) and no leaks.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { pairReluScores, setFastPath } from '../../src/ops/index.ts';
import { itOnEveryPath, leakAfterStep, type OpCase } from './compare.ts';

type T2 = tf.Tensor2D;
type T1 = tf.Tensor1D;

/** The composed reference, written independently of pair-mlp.ts's own stock path. */
function reference(rows: tf.Tensor, cols: tf.Tensor, v: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [b1, h] = rows.shape;
  const b2 = cols.shape[0];
  const scores: tf.Tensor[] = [];
  for (let i = 0; i < b1; i++) {
    const row = tf.slice(rows, [i, 0], [1, h]); // [1, H]
    const hidden = tf.relu(tf.add(cols, row)); // [B2, H]: pairs (i, j) for every j
    scores.push(tf.reshape(tf.add(tf.matMul(hidden, v), bias), [1, b2])); // [1, B2]
  }
  return tf.concat(scores, 0); // [B1, B2]
}

function pairCase(b1: number, b2: number, h: number, seed: number): OpCase {
  return {
    name: `pairReluScores ${b1}x${b2} pairs, H ${h}`,
    seed,
    inputs: [{ shape: [b1, h] }, { shape: [b2, h] }, { shape: [h, 1] }, { shape: [1] }],
    op: (rows, cols, v, bias) => pairReluScores(rows as T2, cols as T2, v as T2, bias as T1),
    reference,
  };
}

const CASES = [
  pairCase(16, 16, 200, 1), // the paper's width (a multiple of 4)
  pairCase(9, 5, 10, 2), // padded H, unequal batches
  pairCase(3, 7, 1, 3),
];

describe('pairReluScores (concat critic, one hidden layer)', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  for (const c of CASES) itOnEveryPath(c, 1e-5);

  it('dead relus give exactly zero gradient (pre-activation ≤ 0 everywhere)', async () => {
    await tf.setBackend('wasm');
    const rows = tf.fill([4, 6], -1) as T2;
    const cols = tf.fill([3, 6], 0.5) as T2;
    const v = tf.ones([6, 1]) as T2;
    const bias = tf.tensor1d([0.25]);
    const [dr, dc, dv] = tf.grads((a, c, w) =>
      tf.sum(pairReluScores(a as T2, c as T2, w as T2, bias)),
    )([rows, cols, v]);
    for (const g of [dr, dc, dv]) assert.ok(g.dataSync().every((x) => x === 0));
    const s = pairReluScores(rows, cols, v, bias);
    assert.ok(s.dataSync().every((x) => x === 0.25));
    tf.dispose([rows, cols, v, bias, dr, dc, dv, s]);
  });

  it('rejects shapes that do not fit', () => {
    const a = tf.zeros([2, 3]) as T2;
    const v = tf.zeros([4, 1]) as T2;
    const bias = tf.zeros([1]) as T1;
    assert.throws(() => pairReluScores(a, a, v, bias), /do not fit/);
    tf.dispose([a, v, bias]);
  });

  it('leaks no tensors in a tidy forward + backward (wasm and cpu)', async () => {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const previous = setFastPath('always');
      try {
        const f = (a: tf.Tensor, c: tf.Tensor, v: tf.Tensor, b: tf.Tensor) =>
          pairReluScores(a as T2, c as T2, v as T2, b as T1);
        assert.equal(leakAfterStep(f, [[5, 6], [4, 6], [6, 1], [1]]), 0, backend);
      } finally {
        setFastPath(previous);
      }
    }
    await tf.setBackend('wasm');
  });
});
