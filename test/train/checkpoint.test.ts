/**
 * The state a loop saves restores bit-exactly: variables by owner, Adam's moments and its
 * running β^t products (TF.js's own `setWeights` recomputes them with `pow`, which is why mimax
 * saves them directly), and RNG / stream positions.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/random.ts';
import { StateReader, StateWriter, stableName } from '../../src/train/checkpoint.ts';
import { testBackend } from '../helpers.ts';

let counter = 0;
function model() {
  const rng = new Rng(7);
  // Variables outlive the tidy; their initial-value tensors do not.
  return tf.tidy(() => [
    tf.variable(tf.tensor2d(rng.normalArray(12), [3, 4]), true, `m/kernel_${counter++}`),
    tf.variable(tf.tensor1d(rng.normalArray(4)), true, `m/bias_${counter++}`),
  ]);
}
function step(vars: tf.Variable[], opt: tf.Optimizer, t: number) {
  const x = tf.tensor2d(new Rng(100 + t).normalArray(15), [5, 3]);
  tf.tidy(() => {
    opt.minimize(
      () => tf.sum(tf.square(tf.add(tf.matMul(x, vars[0]), vars[1]))) as tf.Scalar,
      false,
      vars,
    );
  });
  x.dispose();
}

describe('loop state', () => {
  before(testBackend);

  it('strips the per-process counters from variable names', () => {
    assert.equal(
      stableName('g/realnvp/coupling0/dense1/kernel_123'),
      'g/realnvp/coupling0/dense1/kernel',
    );
    assert.equal(stableName('classifier_3/kernel'), 'classifier/kernel');
  });

  it('continues Adam bit-for-bit after a save and restore into fresh objects', () => {
    const tensorsBefore = tf.memory().numTensors;
    const a = model();
    const optA = tf.train.adam(0.05);
    for (let t = 0; t < 20; t++) step(a, optA, t);
    const reference = a.map((v) => Array.from(v.dataSync()));

    const b = model();
    const optB = tf.train.adam(0.05);
    for (let t = 0; t < 7; t++) step(b, optB, t);
    const saved = new StateWriter().model('m', b).adam('adam', optB).build(7, {});
    tf.dispose(b);
    optB.dispose();
    const c = model();
    const optC = tf.train.adam(0.05);
    new StateReader(saved).model('m', c).adam('adam', optC);
    for (let t = 7; t < 20; t++) step(c, optC, t);
    assert.deepEqual(
      c.map((v) => Array.from(v.dataSync())),
      reference,
    );
    tf.dispose([...a, ...c]);
    optA.dispose();
    optC.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
  });

  it('continues an Rng stream exactly, the spare normal included', () => {
    const a = new Rng(3);
    a.normal(); // leaves a spare
    const b = new Rng(99);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    assert.deepEqual(Array.from(b.normalArray(5)), Array.from(a.normalArray(5)));
  });
});
