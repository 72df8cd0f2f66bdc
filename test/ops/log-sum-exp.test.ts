/**
 * logSumExp (src/ops/log-sum-exp.ts): values and gradients against tf.logSumExp on cpu (its
 * autograd differentiates the composed max/exp/sum/log), on wasm and with the fast path forced
 * on cpu, for every axis, keepDims, 3-d inputs and rows with −∞ entries (masked scores); and a
 * hand-computed case.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { logSumExp, setFastPath } from '../../src/ops/index.ts';
import { checkAgainstCpu, leakAfterStep, type OpCase } from './compare.ts';

function lseCase(shape: number[], axis: number, keepDims: boolean, seed: number): OpCase {
  return {
    name: `logSumExp [${shape}] axis ${axis}${keepDims ? ' keepDims' : ''}`,
    seed,
    inputs: [{ shape }],
    op: (x) => logSumExp(x, axis, keepDims),
    reference: (x) => tf.logSumExp(x, axis, keepDims),
  };
}

/** Scores with the diagonal at −∞ (as TUBA and the leave-one-out terms mask it). */
function maskedCase(k: number, seed: number): OpCase {
  const mask = (x: tf.Tensor) =>
    tf.where(tf.cast(tf.eye(k), 'bool'), tf.fill([k, k], Number.NEGATIVE_INFINITY), x);
  return {
    name: `logSumExp of [${k}, ${k}] with a −∞ diagonal`,
    seed,
    inputs: [{ shape: [k, k] }],
    op: (x) => logSumExp(mask(x), 1),
    reference: (x) => tf.logSumExp(mask(x), 1),
  };
}

describe('logSumExp', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  it('log(1 + 3) = log 4 with gradient (1/4, 3/4) (hand example)', async () => {
    await tf.setBackend('cpu');
    const previous = setFastPath('always');
    try {
      const x = tf.tensor2d([[0, Math.log(3)]]);
      const [value] = logSumExp(x, 1).dataSync();
      assert.ok(Math.abs(value - Math.log(4)) < 1e-6, `value ${value}`);
      const grad = tf
        .grad((v: tf.Tensor) => tf.sum(logSumExp(v, 1)))(x)
        .dataSync();
      assert.ok(Math.abs(grad[0] - 0.25) < 1e-6 && Math.abs(grad[1] - 0.75) < 1e-6, `${grad}`);
      // Large values stay finite (the max shift): log(e^1000 + e^1000) = 1000 + log 2.
      const big = logSumExp(tf.tensor2d([[1000, 1000]]), 1).dataSync()[0];
      assert.ok(Math.abs(big - (1000 + Math.LN2)) < 1e-3, `big ${big}`);
    } finally {
      setFastPath(previous);
      await tf.setBackend('wasm');
    }
  });

  const cases = [
    lseCase([128, 128], 1, false, 1),
    lseCase([7, 5], 0, false, 2),
    lseCase([7, 5], -1, true, 3),
    lseCase([3, 4, 6], 1, true, 4),
    lseCase([2, 3, 64], 2, false, 5),
    maskedCase(9, 6),
  ];
  for (const c of cases) {
    it(`${c.name}: wasm and the fast path on cpu match tf.logSumExp`, async () => {
      await checkAgainstCpu(c, 'wasm', 'auto', 1e-5);
      await checkAgainstCpu(c, 'cpu', 'always', 1e-5);
    });
  }

  it('rejects an axis out of range and leaks no tensor', () => {
    assert.throws(() => logSumExp(tf.zeros([2, 3]), 2), /axis 2 out of range/);
    assert.equal(
      leakAfterStep((x) => logSumExp(x, 1), [[16, 16]]),
      0,
    );
  });
});
