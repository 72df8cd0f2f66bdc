import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from '../../src/ops/index.ts';
import { convGeometry } from '../../src/ops/patches.ts';
import { checkAgainstCpu, leakAfterStep, type OpCase } from './compare.ts';

type T4 = tf.Tensor4D;

function convCase(x: number[], f: number[], stride: number, seed: number): OpCase {
  return {
    name: `conv2d [${x}] * [${f}] s${stride}`,
    seed,
    inputs: [{ shape: x }, { shape: f }],
    op: (a, b) => conv2d(a as T4, b as T4, stride),
    reference: (a, b) => tf.conv2d(a as T4, b as T4, stride, 'same'),
  };
}

const SMALL_CASES: OpCase[] = [
  convCase([2, 5, 6, 1], [3, 3, 1, 2], 1, 21),
  convCase([2, 7, 9, 3], [5, 5, 3, 4], 2, 22), // odd sizes: asymmetric 'same' padding
  convCase([2, 8, 8, 2], [2, 2, 2, 3], 3, 23), // kernel smaller than the stride: empty phases
  convCase([1, 6, 5, 2], [1, 3, 2, 2], 2, 24), // non-square kernel
  convCase([3, 4, 4, 5], [4, 4, 5, 1], 2, 25), // even kernel, one output channel
];

describe('conv2d', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  it('the stock conv2d gradient cannot run on wasm (why this op exists; if this fails, TF.js added Conv2DBackpropFilter and the fast path may be dropped)', () => {
    const x = tf.ones([1, 4, 4, 1]);
    const f = tf.ones([3, 3, 1, 1]);
    assert.throws(
      () =>
        tf.tidy(() => tf.grads((a, b) => tf.sum(tf.conv2d(a as T4, b as T4, 1, 'same')))([x, f])),
      /Conv2DBackpropFilter/,
    );
    tf.dispose([x, f]);
  });

  for (const c of SMALL_CASES) {
    it(`${c.name}: value and gradients on wasm equal plain TF.js on cpu`, async () => {
      await checkAgainstCpu(c, 'wasm');
    });
  }

  it('the real ConvNet layers (128x14x28x1 → 64 k5 s2 → 128 k5 s2) equal cpu', async () => {
    await checkAgainstCpu(convCase([128, 14, 28, 1], [5, 5, 1, 64], 2, 26), 'wasm');
    // Second layer at batch 2, not 128: the stock cpu gradient takes ~1 s per sample here
    // (~3 min for the batch), and samples are independent (the batch only sums into dW).
    await checkAgainstCpu(convCase([2, 7, 14, 64], [5, 5, 64, 128], 2, 27), 'wasm', 'auto', 2e-4);
  });

  it("wasm's own Conv2D is wrong where 'same' padding is clipped, ours is not", async () => {
    const c = convCase([1, 6, 5, 2], [1, 3, 2, 2], 2, 28);
    await checkAgainstCpu(c, 'wasm');
    // The stock forward pass on wasm (its gradient cannot run there at all).
    const [x, f] = [
      tf.randomNormal([1, 6, 5, 2], 0, 1, 'float32', 1),
      tf.randomNormal([1, 3, 2, 2]),
    ];
    const stock = tf.conv2d(x as T4, f as T4, 2, 'same').dataSync();
    const ours = conv2d(x as T4, f as T4, 2).dataSync();
    const worst = Math.max(...stock.map((v, i) => Math.abs(v - ours[i])));
    assert.ok(worst > 0.1, 'TF.js fixed its wasm Conv2D: forwardByProduct in conv.ts may go');
    tf.dispose([x, f]);
  });

  it('the fast path is also correct on cpu', async () => {
    for (const c of SMALL_CASES) await checkAgainstCpu(c, 'cpu', 'always');
    await tf.setBackend('wasm');
  });

  it("geometry matches TF's 'same' padding", () => {
    const g = convGeometry([128, 7, 14, 64], [5, 5, 64, 128], 2);
    // Reference (TF): out = ceil(in / s); total pad = max((out-1)·s + k - in, 0), half before.
    assert.deepEqual([g.outHeight, g.outWidth, g.padTop, g.padLeft], [4, 7, 2, 1]);
    // The phase grid holds every window: floor((k-1)/s) + out.
    assert.deepEqual([g.gridHeight, g.gridWidth], [6, 9]);
    assert.throws(
      () => convGeometry([1, 4, 4, 3], [3, 3, 2, 1], 1),
      /3 channels, filter expects 2/,
    );
  });

  it('leaks no tensors in a tidy forward + backward', () => {
    const step = (x: tf.Tensor, f: tf.Tensor) => conv2d(x as T4, f as T4, 2);
    assert.equal(
      leakAfterStep(step, [
        [2, 7, 9, 3],
        [5, 5, 3, 4],
      ]),
      0,
    );
    assert.equal(
      leakAfterStep(step, [
        [2, 6, 6, 1],
        [3, 3, 1, 2],
      ]),
      0,
    );
  });
});
