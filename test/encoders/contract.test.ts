/**
 * Contract tests over every registered encoder (a user's `registerEncoder` is covered too):
 * shapes, variables, one optimizer step changes every variable, seed determinism, no leaks.
 * Each entry's `testOptions` keep it small.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createEncoder, encoderRegistry } from '../../src/encoders/index.ts';
import { Rng } from '../../src/random.ts';
import type { Encoder } from '../../src/types.ts';
import { leakedTensors, testBackend } from '../helpers.ts';

const BATCH = 4;
const INPUT_SHAPE: [number, number] = [2, 4]; // an 8-pixel "image" for image encoders
const INPUT_DIM = INPUT_SHAPE[0] * INPUT_SHAPE[1];

function build(name: string, seed: number): Encoder {
  return createEncoder(name, {
    inputDim: INPUT_DIM,
    inputShape: INPUT_SHAPE,
    seed,
    options: encoderRegistry.get(name).testOptions,
  });
}

function input(seed = 1): tf.Tensor2D {
  return tf.tensor2d(new Rng(seed).normalArray(BATCH * INPUT_DIM), [BATCH, INPUT_DIM]);
}

function outputOf(encoder: Encoder, x: tf.Tensor2D): Float32Array {
  return tf.tidy(() => encoder.apply(x).dataSync() as Float32Array);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('encoders: contract (every registered encoder)', () => {
  before(testBackend);

  for (const name of encoderRegistry.names()) {
    describe(name, () => {
      it('outputs [B, outputDim] and has named, non-empty trainable variables', () => {
        const encoder = build(name, 3);
        const x = input();
        const y = encoder.apply(x);
        assert.deepEqual(y.shape, [BATCH, encoder.outputDim]);
        assert.equal(encoder.inputDim, INPUT_DIM);
        assert.equal(encoder.kind, name);
        assert.ok(encoder.variables.length > 0);
        for (const v of encoder.variables) assert.ok(v.trainable && v.name, v.name);
        assert.equal(new Set(encoder.variables.map((v) => v.name)).size, encoder.variables.length);
        y.dispose();
        x.dispose();
        encoder.dispose();
      });

      it('one Adam step changes every variable', () => {
        const encoder = build(name, 4);
        const x = input();
        const weights = tf.tensor2d(new Rng(5).normalArray(BATCH * encoder.outputDim), [
          BATCH,
          encoder.outputDim,
        ]);
        const before = encoder.variables.map((v) => v.dataSync().slice());
        const optimizer = tf.train.adam(1e-2);
        // A linear loss with random weights: every output coordinate gets a gradient.
        optimizer.minimize(
          () => tf.sum(tf.mul(encoder.apply(x), weights)),
          false,
          encoder.variables,
        );
        for (const [k, v] of encoder.variables.entries()) {
          assert.ok(maxAbsDiff(before[k], v.dataSync()) > 0, `${v.name} unchanged`);
        }
        optimizer.dispose();
        weights.dispose();
        x.dispose();
        encoder.dispose();
      });

      it('the same seed gives the same outputs, a different seed different ones', () => {
        const x = input();
        const [a, b, c] = [7, 7, 8].map((seed) => {
          const encoder = build(name, seed);
          const out = outputOf(encoder, x);
          encoder.dispose();
          return out;
        });
        assert.deepEqual(a, b);
        assert.ok(maxAbsDiff(a, c) > 1e-6, 'seeds 7 and 8 gave the same output');
        x.dispose();
      });

      it('a forward pass leaks no tensors, in tf.tidy or disposing the result', () => {
        const encoder = build(name, 9);
        const x = input();
        assert.equal(
          leakedTensors(() => tf.tidy(() => void encoder.apply(x))),
          0,
        );
        assert.equal(
          leakedTensors(() => encoder.apply(x).dispose()),
          0,
        );
        const count = tf.memory().numTensors;
        encoder.dispose();
        assert.ok(tf.memory().numTensors < count, 'dispose freed nothing');
        x.dispose();
      });
    });
  }
});
