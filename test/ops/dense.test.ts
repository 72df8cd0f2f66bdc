import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { dense, denseRelu, matMul, useFastPath } from '../../src/ops/index.ts';
import { checkAgainstCpu, leakAfterStep, type OpCase } from './compare.ts';

type T2 = tf.Tensor2D;
type T1 = tf.Tensor1D;

function denseCase(b: number, n: number, m: number, relu: boolean, bias: boolean, seed: number) {
  const c: OpCase = {
    name: `dense ${b}x${n}→${m}${relu ? ' relu' : ''}${bias ? '' : ' no bias'}`,
    seed,
    inputs: [{ shape: [b, n] }, { shape: [n, m] }, ...(bias ? [{ shape: [m] }] : [])],
    op: (x, w, bb) => dense(x as T2, w as T2, bb as T1 | undefined, relu ? 'relu' : 'linear'),
    reference: (x, w, bb) => {
      const z = tf.matMul(x, w);
      const zb = bb ? tf.add(z, bb) : z;
      return relu ? tf.relu(zb) : zb;
    },
  };
  return c;
}

const DENSE_CASES: OpCase[] = [
  denseCase(128, 392, 512, true, true, 1), // the real hidden layer (RealNVP / shortcut MLP)
  denseCase(128, 392, 512, false, true, 2),
  denseCase(7, 5, 3, false, false, 3),
  denseCase(1, 9, 4, true, false, 4),
  denseCase(33, 17, 1, true, true, 5),
];

function matMulCase(m: number, k: number, n: number, transposeB: boolean, seed: number): OpCase {
  return {
    name: `matMul ${m}x${k}·${transposeB ? `(${n}x${k})ᵀ` : `${k}x${n}`}`,
    seed,
    inputs: [{ shape: [m, k] }, { shape: transposeB ? [n, k] : [k, n] }],
    op: (a, b) => matMul(a as T2, b as T2, transposeB),
    reference: (a, b) => tf.matMul(a, b, false, transposeB),
  };
}

const MATMUL_CASES: OpCase[] = [
  matMulCase(128, 392, 392, false, 11), // bilinear critic: g1(x) · W
  matMulCase(128, 100, 128, true, 12), // scores = u · vᵀ
  matMulCase(3, 7, 5, false, 13),
  matMulCase(6, 2, 9, true, 14),
];

describe('dense and matMul', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  it('take the fast path on wasm and the plain one on cpu', async () => {
    await tf.setBackend('cpu');
    assert.equal(useFastPath(), false);
    await tf.setBackend('wasm');
    assert.equal(useFastPath(), true);
  });

  for (const c of [...DENSE_CASES, ...MATMUL_CASES]) {
    it(`${c.name}: value and gradients on wasm equal plain TF.js on cpu`, async () => {
      await checkAgainstCpu(c, 'wasm');
    });
  }

  it('the fast path is also correct on cpu', async () => {
    for (const c of [DENSE_CASES[2], DENSE_CASES[4], MATMUL_CASES[2], MATMUL_CASES[3]]) {
      await checkAgainstCpu(c, 'cpu', 'always');
    }
  });

  it('denseRelu is dense with relu', async () => {
    const [x, w, b] = [
      tf.tensor2d([[1, -2]]),
      tf.tensor2d([
        [1, 0],
        [0, 1],
      ]),
      tf.tensor1d([0.5, 0.5]),
    ];
    assert.deepEqual(Array.from(denseRelu(x, w, b).dataSync()), [1.5, 0]);
    tf.dispose([x, w, b]);
  });

  it('leaks no tensors in a tidy forward + backward', () => {
    assert.equal(
      leakAfterStep((x, w, b) => denseRelu(x as T2, w as T2, b as T1), [[8, 6], [6, 4], [4]]),
      0,
    );
    assert.equal(
      leakAfterStep(
        (x, w) => dense(x as T2, w as T2),
        [
          [8, 6],
          [6, 4],
        ],
      ),
      0,
    );
    assert.equal(
      leakAfterStep(
        (a, b) => matMul(a as T2, b as T2, true),
        [
          [8, 6],
          [5, 6],
        ],
      ),
      0,
    );
    assert.equal(
      leakAfterStep(
        (a, b) => matMul(a as T2, b as T2),
        [
          [8, 6],
          [6, 5],
        ],
      ),
      0,
    );
  });

  it('trains through tf.variableGrads (variables as inputs)', () => {
    const w = tf.variable(tf.ones([3, 2]));
    const x = tf.tensor2d([[1, 2, 3]]);
    const { value, grads } = tf.variableGrads(() => tf.sum(dense(x, w as tf.Variable<tf.Rank.R2>)));
    assert.equal(value.dataSync()[0], 12);
    // d/dW Σ xW = xᵀ · 1: every column equals x.
    assert.deepEqual(Array.from(grads[w.name].dataSync()), [1, 1, 2, 2, 3, 3]);
    tf.dispose([w, x, value, grads[w.name]]);
  });
});
