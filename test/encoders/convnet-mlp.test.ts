import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ConvNetEncoder, createEncoder, MlpEncoder } from '../../src/encoders/index.ts';
import { Rng } from '../../src/random.ts';
import { UserError } from '../../src/types.ts';
import { testBackend } from '../helpers.ts';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function input(rows: number, cols: number, seed = 1): tf.Tensor2D {
  return tf.tensor2d(new Rng(seed).uniformArray(rows * cols, 0, 1), [rows, cols]);
}

describe('convnet', () => {
  before(testBackend);

  it('maps MNIST halves [B, 392] with inputShape [14, 28] to [B, 100] (paper defaults)', () => {
    const encoder = createEncoder('convnet', { inputDim: 392, inputShape: [14, 28], seed: 1 });
    const x = input(2, 392);
    const y = encoder.apply(x);
    assert.deepEqual(y.shape, [2, 100]);
    // conv 5x5x1x64, 5x5x64x128, norm scale/bias 128, dense 128x100
    assert.deepEqual(
      encoder.variables.map((v) => v.shape),
      [[5, 5, 1, 64], [64], [5, 5, 64, 128], [128], [128], [128], [128, 100], [100]],
    );
    tf.dispose([x, y]);
    encoder.dispose();
  });

  it('works with another inputShape ([7, 7]) and infers a square one when not given', () => {
    for (const inputShape of [[7, 7] as [number, number], undefined]) {
      const encoder = createEncoder('convnet', {
        inputDim: 49,
        inputShape,
        seed: 1,
        options: { outputDim: 5 },
      });
      const out = tf.tidy(() => encoder.apply(input(3, 49)).shape);
      assert.deepEqual(out, [3, 5]);
      encoder.dispose();
    }
    assert.throws(
      () => createEncoder('convnet', { inputDim: 392, inputShape: [14, 14], seed: 1 }),
      (e: Error) =>
        e instanceof UserError &&
        /inputShape \[14, 14\] does not match inputDim 392/.test(e.message),
    );
  });

  it('layer norm over (H, W, C) per sample: at init (zero biases) the output ignores input scale', () => {
    // Convs with zero bias and relu are positively homogeneous, and the norm divides the scale
    // out, so f(3x) = f(x) up to the 1e-6 on the std. A norm over the wrong axes would not.
    const encoder = new ConvNetEncoder({
      inputDim: 64,
      seed: 2,
      options: { filters: [4, 8], outputDim: 6 },
    });
    const x = input(3, 64, 5);
    const [a, b] = tf.tidy(() => [
      encoder.apply(x).dataSync(),
      encoder.apply(tf.mul(x, 3) as tf.Tensor2D).dataSync(),
    ]);
    assert.ok(maxAbsDiff(a, b) < 1e-4, `max |f(3x) − f(x)| = ${maxAbsDiff(a, b)}`);
    // Per sample, not over the batch: scaling only sample 0 changes no output either (a norm
    // that also pooled over the batch axis would pass the check above but fail this one).
    const rowScale = tf.tensor2d([[3], [1], [1]]);
    const c = tf.tidy(() => encoder.apply(tf.mul(x, rowScale) as tf.Tensor2D).dataSync());
    assert.ok(maxAbsDiff(a, c) < 1e-4, `max |f(x') − f(x)| = ${maxAbsDiff(a, c)}`);
    tf.dispose([x, rowScale]);
    encoder.dispose();
  });
});

describe('mlp', () => {
  before(testBackend);

  it('default layers [300, 300, 100] → [B, 100]', () => {
    const encoder = createEncoder('mlp', { inputDim: 392, seed: 1 });
    const out = tf.tidy(() => encoder.apply(input(2, 392)).shape);
    assert.deepEqual(out, [2, 100]);
    assert.deepEqual(
      encoder.variables.map((v) => v.shape),
      [[392, 300], [300], [300, 300], [300], [300, 100], [100]],
    );
    encoder.dispose();
  });

  it('shortcuts + truncated-normal(1e-4) start ≈ the identity (non-invertible experiment)', () => {
    const encoder = new MlpEncoder({
      inputDim: 16,
      seed: 3,
      options: {
        layers: [16, 16, 16, 16, 16],
        shortcuts: true,
        init: 'truncated-normal',
        initStd: 1e-4,
      },
    });
    const x = input(4, 16);
    const diff = tf.tidy(() => maxAbsDiff(encoder.apply(x).dataSync(), x.dataSync()));
    assert.ok(diff < 1e-2, `max |g(x) − x| = ${diff}`);
    assert.ok(diff > 0, 'exactly the identity: the layers do nothing');
    x.dispose();
    encoder.dispose();
  });

  it('truncated-normal init stays within ±2σ', () => {
    const encoder = new MlpEncoder({
      inputDim: 8,
      seed: 3,
      options: { layers: [50], init: 'truncated-normal', initStd: 0.5 },
    });
    const kernel = encoder.variables[0].dataSync();
    assert.ok(kernel.every((v) => Math.abs(v) <= 1.0));
    encoder.dispose();
  });

  it('option errors name the field', () => {
    const make = (options: Record<string, unknown>) => () =>
      createEncoder('mlp', { inputDim: 8, seed: 0, options: options as never });
    assert.throws(
      make({ layer: [4] }),
      /encoder 'mlp': unknown option 'layer'; valid options: layers, shortcuts, init, initStd/,
    );
    assert.throws(
      make({ layers: 'big' }),
      /encoder 'mlp': option 'layers' must be array of number, got string/,
    );
    assert.throws(
      make({ shortcuts: true, layers: [8, 4] }),
      /option 'shortcuts' needs every layer width equal to the input width 8/,
    );
    assert.throws(
      make({ init: 'he-normal' }),
      /option 'init' must be one of glorot-uniform, truncated-normal/,
    );
  });

  it('an unknown encoder name lists the valid ones', () => {
    assert.throws(
      () => createEncoder('resnet', { inputDim: 8, seed: 0 }),
      (e: Error) =>
        e instanceof UserError &&
        /unknown encoder 'resnet'; valid encoders: mlp, convnet, realnvp/.test(e.message),
    );
  });
});
