/** The pixel baseline (`mimax baseline`) on a small slice of MNIST: shape and determinism. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { runBaseline } from '../../src/eval/baseline.ts';
import { testBackend } from '../helpers.ts';

describe('runBaseline', () => {
  before(async () => {
    await testBackend();
  });

  it('reports noisy and clean pixel probes; the same seed gives the same numbers', () => {
    const tensors = tf.memory().numTensors;
    const options = { trainLimit: 2000, testLimit: 500, seed: 1 };
    const a = runBaseline(options);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(a.trainSize, 2000);
    assert.equal(a.testSize, 500);
    assert.equal(a.noiseSigma, 0.05);
    assert.equal(a.colabReference, 0.835, 'the Colab reported MNIST only');
    for (const entry of [a.noisy, a.clean]) {
      assert.ok(entry.accuracy > 0.6 && entry.accuracy <= 1, `accuracy ${entry.accuracy}`);
      assert.ok(entry.seconds > 0 && entry.iterations > 0);
    }
    const b = runBaseline(options);
    assert.equal(b.noisy.accuracy, a.noisy.accuracy);
    assert.equal(b.clean.accuracy, a.clean.accuracy);
    // Another noise draw changes the noisy inputs only.
    const c = runBaseline({ ...options, seed: 2 });
    assert.equal(c.clean.accuracy, a.clean.accuracy);
  });
});
