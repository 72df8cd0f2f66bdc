/**
 * The deep all-pairs concat kernel (src/ops/pair-mlp-deep.ts) against an independent composed
 * TF.js reference on cpu: scores and the gradients w.r.t. rows, cols and every layer's kernel
 * and bias, on wasm (the kernel) and on cpu with the fast path forced; for depths 1, 2 and 5,
 * odd widths, B1 ≠ B2 and pair counts that are not a multiple of 4 (nor of the kernel's
 * 16-pair blocks); plus dead relus, the width gate and no leaks.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  PAIR_MLP_MAX_WIDTH,
  type PairLayer,
  pairMlpScores,
  setFastPath,
} from '../../src/ops/index.ts';
import { checkAgainstCpu, itOnEveryPath, leakAfterStep, type OpCase } from './compare.ts';

type T2 = tf.Tensor2D;
type T1 = tf.Tensor1D;

/** [rows, cols, W1, b1, ...] → the op's arguments. */
function unpack(xs: tf.Tensor[]): [T2, T2, PairLayer[]] {
  const [rows, cols, ...params] = xs;
  const layers: PairLayer[] = [];
  for (let l = 0; l < params.length; l += 2)
    layers.push({ kernel: params[l] as T2, bias: params[l + 1] as T1 });
  return [rows as T2, cols as T2, layers];
}

/**
 * Written independently of pair-mlp-deep.ts's stock path: pair by pair along one row i at a
 * time, with plain matMul + add + relu (no dense op, no [B1, B2, h] broadcast).
 */
function reference(...xs: tf.Tensor[]): tf.Tensor {
  const [rows, cols, layers] = unpack(xs);
  const [b1, h0] = rows.shape;
  const scores: tf.Tensor[] = [];
  for (let i = 0; i < b1; i++) {
    const row = tf.slice(rows, [i, 0], [1, h0]); // [1, h0]
    let h: tf.Tensor = tf.relu(tf.add(cols, row)); // [B2, h0]: pairs (i, j) for every j
    for (const [l, { kernel, bias }] of layers.entries()) {
      const z = tf.add(tf.matMul(h as T2, kernel), bias); // [B2, width_l]
      h = l < layers.length - 1 ? tf.relu(z) : z;
    }
    scores.push(tf.transpose(h)); // [1, B2]
  }
  return tf.concat(scores, 0); // [B1, B2]
}

/** `hidden` = the concat critic's hidden widths; the output layer (→ 1) is added. */
function deepCase(b1: number, b2: number, hidden: number[], seed: number): OpCase {
  const widths = [...hidden, 1];
  const inputs = [{ shape: [b1, hidden[0]] }, { shape: [b2, hidden[0]] }];
  for (let l = 1; l < widths.length; l++) {
    inputs.push({ shape: [widths[l - 1], widths[l]] }, { shape: [widths[l]] });
  }
  return {
    name: `pairMlpScores ${b1}x${b2} pairs, hidden [${hidden}]`,
    seed,
    inputs,
    op: (...xs) => pairMlpScores(...unpack(xs)),
    reference,
  };
}

const CASES = [
  deepCase(9, 5, [7], 1), // depth 1; 45 pairs, B2 < one block
  deepCase(6, 19, [3, 10], 2), // depth 2; 114 pairs (not a multiple of 4), B2 past one block
  deepCase(7, 13, [10, 7, 3, 10, 5], 3), // depth 5, odd widths; 91 pairs
  deepCase(5, 32, [10, 10, 10, 10, 10], 4), // noniid's critic; B2 two whole blocks
  deepCase(3, 5, [1, 1], 5), // width 1 everywhere
];

describe('pairMlpScores (concat critic, several hidden layers)', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  for (const c of CASES) itOnEveryPath(c, 1e-5);

  it('dead relus give exactly zero gradient upstream of them', async () => {
    await tf.setBackend('wasm');
    // The second layer's pre-activation is -1 everywhere: nothing reaches rows, cols or W1.
    const rows = tf.fill([4, 3], 0.5) as T2;
    const cols = tf.fill([5, 3], 0.25) as T2;
    const layers: PairLayer[] = [
      { kernel: tf.ones([3, 2]) as T2, bias: tf.fill([2], -10) as T1 }, // 3·0.75 - 10 < 0
      { kernel: tf.ones([2, 1]) as T2, bias: tf.tensor1d([0.5]) },
    ];
    const params = layers.flatMap((l) => [l.kernel, l.bias]);
    const grads = tf.grads((...xs) => tf.sum(pairMlpScores(...unpack(xs))))([
      rows,
      cols,
      ...params,
    ]);
    for (const g of grads.slice(0, 5)) assert.ok(g.dataSync().every((x) => x === 0));
    assert.equal(grads[5].dataSync()[0], 20); // d/d output bias = number of pairs
    const s = pairMlpScores(rows, cols, layers);
    assert.ok(s.dataSync().every((x) => x === 0.5));
    tf.dispose([rows, cols, ...params, ...grads, s]);
  });

  it('rejects shapes that do not fit', () => {
    const a = tf.zeros([2, 3]) as T2;
    const w = tf.zeros([3, 2]) as T2;
    const b = tf.zeros([2]) as T1;
    assert.throws(() => pairMlpScores(a, a, [{ kernel: w, bias: b }]), /do not fit/); // output ≠ 1
    assert.throws(() => pairMlpScores(a, a, []), /do not fit/);
    tf.dispose([a, w, b]);
  });

  it(`takes the stock path above ${PAIR_MLP_MAX_WIDTH} units (same values)`, async () => {
    const wide = deepCase(3, 4, [PAIR_MLP_MAX_WIDTH + 1, 2], 6);
    await checkAgainstCpu(wide, 'wasm', 'auto', 1e-5);
    // Which path ran: the stock one dispatches the dense layers' matmuls, the kernel none.
    const matmuls = async (h0: number) => {
      const xs = [[3, h0], [4, h0], [h0, 2], [2], [2, 1], [1]].map((s) => tf.ones(s));
      const profile = await tf.profile(() => pairMlpScores(...unpack(xs)));
      tf.dispose([...xs, profile.result as tf.Tensor]);
      return profile.kernelNames.filter((n) => n.includes('MatMul')).length;
    };
    assert.equal(await matmuls(PAIR_MLP_MAX_WIDTH), 0);
    assert.ok((await matmuls(PAIR_MLP_MAX_WIDTH + 1)) > 0);
  });

  it('leaks no tensors in a tidy forward + backward (wasm and cpu)', async () => {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const previous = setFastPath('always');
      try {
        const f = (...xs: tf.Tensor[]) => pairMlpScores(...unpack(xs));
        const shapes = [[5, 6], [17, 6], [6, 3], [3], [3, 1], [1]];
        assert.equal(leakAfterStep(f, shapes), 0, backend);
      } finally {
        setFastPath(previous);
      }
    }
    await tf.setBackend('wasm');
  });
});
