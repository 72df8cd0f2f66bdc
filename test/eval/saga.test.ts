/**
 * The `saga` probe against scikit-learn 1.2.1 (Debian's python3-sklearn) on the same features:
 * noisy MNIST top halves (the Colab's baseline features) and 100-d codes of a seeded MLP at
 * init, on a 10,000/10,000 slice (the full 60k takes too long for the test budget).
 *
 * Features: `node --import tsx scripts/saga-reference.ts /tmp/saga/s10k --train 10000
 * --test 10000` writes exactly the features built below (raw float32 + uint8 labels). Reference:
 *
 *   import numpy as np
 *   from sklearn.linear_model import LogisticRegression
 *   from sklearn.preprocessing import MinMaxScaler
 *   d = '/tmp/saga/s10k'
 *   ytr = np.fromfile(f'{d}/train-labels.u8', np.uint8)
 *   yte = np.fromfile(f'{d}/test-labels.u8', np.uint8)
 *   def load(name, dim, dtype):
 *       xtr = np.fromfile(f'{d}/{name}-train.f32', np.float32).reshape(-1, dim).astype(dtype)
 *       xte = np.fromfile(f'{d}/{name}-test.f32', np.float32).reshape(-1, dim).astype(dtype)
 *       s = MinMaxScaler().fit(xtr); return s.transform(xtr), s.transform(xte)
 *   # the dataset seed of random_state=0 (_base.py, make_dataset): 209652397
 *   print(np.random.RandomState(0).randint(1, np.iinfo(np.int32).max))
 *   for name, dim, dtype in [('pixels', 392, 'float64'), ('codes', 100, 'float32')]:
 *       a, b = load(name, dim, dtype)
 *       accs, its = [], []
 *       for rs in range(20):   # the Colab's call, seeded
 *           m = LogisticRegression(solver='saga', multi_class='multinomial', tol=.1, C=10.,
 *                                  random_state=rs).fit(a, ytr)
 *           accs.append(m.score(b, yte)); its.append(int(m.n_iter_[0]))
 *       print(name, accs[0], its[0], np.mean(accs), np.std(accs, ddof=1), min(its), max(its))
 *
 *   pixels (float64, as the Colab's x + 0.05·randn): random_state 0: 0.8202, 4 epochs;
 *     20 states: mean 0.8188, sd 0.0032, n_iter_ 3..4
 *   codes (float32, as TF codes): random_state 0: 0.7605, 5 epochs (float64: the same);
 *     20 states: mean 0.7576, sd 0.0049, n_iter_ 4..5
 *
 * Exact replay (first 1000 pixel rows, float64):
 *   xs = MinMaxScaler().fit_transform(load('pixels', 392, 'float64')[0][:1000] ...)  # see test
 *   m = LogisticRegression(solver='saga', multi_class='multinomial', tol=tol, C=10.,
 *                          max_iter=max_iter, random_state=0).fit(xs, ytr[:1000])
 *   print(m.n_iter_, m.intercept_, m.coef_.T.sum(0), np.linalg.norm(m.coef_),
 *         m.coef_.T[200, 3], m.coef_.T[300, 7])
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '../../src/data/datasets.ts';
import { halves, withNoise } from '../../src/data/halves.ts';
import { createEncoder } from '../../src/encoders/index.ts';
import { encodeAll, linearProbe } from '../../src/eval/probe.ts';
import { sagaMultinomial, sagaStepSize, sklearnSequence } from '../../src/eval/saga.ts';
import { deriveSeed, Rng } from '../../src/random.ts';
import { testBackend } from '../helpers.ts';

/** scikit-learn's dataset seed for `random_state=0` (see the header). */
const SKLEARN_SEED_0 = 209652397;
const DIM = 392;

/** MinMaxScaler in Float64, as scikit-learn computes it: x·scale + min, scale = 1/range. */
function minMax(train: Float32Array, test: Float32Array, dim: number, n: number) {
  const out = [new Float64Array(train.length), new Float64Array(test.length)];
  for (let f = 0; f < dim; f++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, train[i * dim + f]);
      hi = Math.max(hi, train[i * dim + f]);
    }
    const scale = 1 / (hi - lo || 1);
    const shift = -lo * scale;
    for (const [src, dst] of [
      [train, out[0]],
      [test, out[1]],
    ] as const) {
      for (let i = f; i < src.length; i += dim) dst[i] = src[i] * scale + shift;
    }
  }
  return out;
}

/** Accuracy of argmax(x·W + b). */
function accuracyOf(
  x: Float64Array,
  labels: ArrayLike<number>,
  dim: number,
  w: Float64Array,
  b: Float64Array,
) {
  const K = b.length;
  let correct = 0;
  const logits = new Float64Array(K);
  for (let i = 0; i < labels.length; i++) {
    logits.set(b);
    for (let f = 0; f < dim; f++) {
      for (let k = 0; k < K; k++) logits[k] += w[f * K + k] * x[i * dim + f];
    }
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[k] > logits[best]) best = k;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

describe('saga probe (scikit-learn SAGA)', () => {
  let trainLabels: Uint8Array;
  let testLabels: Uint8Array;
  let pixelsTrain: Float32Array;
  let pixelsTest: Float32Array;

  before(async () => {
    await testBackend();
    // The features of scripts/saga-reference.ts: runBaseline's noise on a 10k/10k slice.
    const data = loadDataset({ name: 'mnist', trainLimit: 10_000, testLimit: 10_000 });
    const train = halves(data.train);
    const test = halves(data.test);
    const rng = new Rng(deriveSeed(0, 'probe-noise'));
    pixelsTrain = withNoise(train.x1, 0.05, rng); // Colab: noise_std = 0.05
    pixelsTest = withNoise(test.x1, 0.05, rng);
    trainLabels = Uint8Array.from(train.labels);
    testLabels = Uint8Array.from(test.labels);
  });

  it("uses get_auto_step_size's rule", () => {
    // Reference: sklearn.linear_model._sag.get_auto_step_size(100., 1/(10*1000),
    //   'multinomial', True, n_samples=1000, is_saga=True) and (5., 1/(0.001*100), ..., 100, ...)
    assert.ok(Math.abs(sagaStepSize(100, 1 / (10 * 1000), 1000) - 0.019723788071841924) < 1e-15);
    assert.ok(Math.abs(sagaStepSize(5, 1 / (0.001 * 100), 100) - 0.028985507246376812) < 1e-15);
  });

  it("replays scikit-learn's iterates exactly on its own sample sequence", () => {
    const n = 1000;
    const [x] = minMax(pixelsTrain.subarray(0, n * DIM), new Float32Array(0), DIM, n);
    const y = trainLabels.subarray(0, n);
    const cases = [
      {
        tol: 0.1, // the Colab's: stops on tol
        maxEpochs: 100,
        epochs: 4,
        stop: 'tol',
        intercept: [
          -0.125701339908, 0.137983788998, -0.00968497631, -0.11471650384, 0.101402643068,
          -0.029212226517, 0.056324819813, 0.03468409646, -0.083451877395, 0.032371575632,
        ],
        colsum: [
          2.992344116978, -7.587856326007, 3.992254464908, 3.018806151592, -0.175140958558,
          2.778606335329, 2.17523442238, -3.830371425727, 2.341599077187, -5.705475858081,
        ],
        fro: 8.73659720266,
        w200x3: 0.113904447182,
        w300x7: 0.309415302431,
      },
      {
        tol: 1e-4, // stops on max_iter = 6
        maxEpochs: 6,
        epochs: 6,
        stop: 'maxIterations',
        intercept: [
          -0.135052287021, 0.153513347451, -0.027988922952, -0.125656730127, 0.104971828084,
          -0.03284905888, 0.063873976615, 0.044961862529, -0.096601200944, 0.050827185244,
        ],
        colsum: [
          3.285974461792, -8.07787294826, 4.083322730631, 3.282108827448, -1.128601524647,
          3.29295860936, 3.130202548337, -4.445631330645, 3.035182645481, -6.457644019497,
        ],
        fro: 9.77687280455,
        w200x3: 0.152466917286,
        w300x7: 0.347498644161,
      },
    ];
    for (const c of cases) {
      const fit = sagaMultinomial(x, y, DIM, 10, {
        C: 10,
        tol: c.tol,
        maxEpochs: c.maxEpochs,
        seed: 0,
        nextIndex: sklearnSequence(SKLEARN_SEED_0, n),
      });
      assert.equal(fit.epochs, c.epochs);
      assert.equal(fit.stop, c.stop);
      const close = (a: number, b: number, what: string) =>
        assert.ok(Math.abs(a - b) < 1e-10 + 1e-9 * Math.abs(b), `${what}: ${a} vs ${b}`);
      let fro = 0;
      for (let k = 0; k < 10; k++) {
        close(fit.bias[k], c.intercept[k], `intercept[${k}]`);
        let sum = 0;
        for (let f = 0; f < DIM; f++) sum += fit.weights[f * 10 + k];
        close(sum, c.colsum[k], `column sum ${k}`);
      }
      for (const v of fit.weights) fro += v * v;
      close(Math.sqrt(fro), c.fro, 'Frobenius norm');
      close(fit.weights[200 * 10 + 3], c.w200x3, 'W[200, 3]');
      close(fit.weights[300 * 10 + 7], c.w300x7, 'W[300, 7]');
    }
  });

  it('matches scikit-learn on noisy top-half pixels (the Colab baseline), 10k slice', () => {
    // Same sample sequence as random_state=0: the same accuracy (±0.003) and epochs.
    const [xTrain, xTest] = minMax(pixelsTrain, pixelsTest, DIM, trainLabels.length);
    const fit = sagaMultinomial(xTrain, trainLabels, DIM, 10, {
      C: 10,
      tol: 0.1,
      maxEpochs: 100,
      seed: 0,
      nextIndex: sklearnSequence(SKLEARN_SEED_0, trainLabels.length),
    });
    const replayed = accuracyOf(xTest, testLabels, DIM, fit.weights, fit.bias);
    assert.ok(Math.abs(replayed - 0.8202) <= 0.003, `replayed accuracy ${replayed}`);
    assert.equal(fit.epochs, 4);
    // Our own sample sequence, through the probe: within scikit-learn's spread over
    // random states (mean 0.8188, sd 0.0032 over 20) and its n_iter_ (3..4) ± 1.
    const probe = linearProbe(
      null,
      { x: pixelsTrain, labels: trainLabels },
      { x: pixelsTest, labels: testLabels },
      { solver: 'saga', seed: 0 },
    );
    assert.equal(probe.solver, 'saga');
    assert.ok(Math.abs(probe.accuracy - 0.8188) <= 2.5 * 0.0032, `accuracy ${probe.accuracy}`);
    assert.ok(probe.iterations >= 2 && probe.iterations <= 5, `epochs ${probe.iterations}`);
    assert.equal(probe.stop, 'tol');
  });

  it('matches scikit-learn on 100-d codes of a seeded MLP at init, 10k slice', () => {
    const encoder = createEncoder('mlp', {
      inputDim: DIM,
      seed: 1,
      options: { layers: [300, 300, 100] },
    });
    const tensors = tf.memory().numTensors;
    const codes = (x: Float32Array) => {
      const t = encodeAll(encoder, { x, labels: new Uint8Array(x.length / DIM) }); // [n, 100]
      const values = t.dataSync() as Float32Array;
      t.dispose();
      return values;
    };
    const [xTrain, xTest] = minMax(codes(pixelsTrain), codes(pixelsTest), 100, trainLabels.length);
    const fit = sagaMultinomial(xTrain, trainLabels, 100, 10, {
      C: 10,
      tol: 0.1,
      maxEpochs: 100,
      seed: 0,
      nextIndex: sklearnSequence(SKLEARN_SEED_0, trainLabels.length),
    });
    const replayed = accuracyOf(xTest, testLabels, 100, fit.weights, fit.bias);
    assert.ok(Math.abs(replayed - 0.7605) <= 0.003, `replayed accuracy ${replayed}`);
    assert.equal(fit.epochs, 5);
    // Through the probe with our own sequence: within the spread (mean 0.7576, sd 0.0049 over 20
    // random states) and n_iter_ (4..5) ± 1.
    const probe = linearProbe(
      encoder,
      { x: pixelsTrain, labels: trainLabels },
      { x: pixelsTest, labels: testLabels },
      { solver: 'saga', seed: 0 },
    );
    assert.ok(Math.abs(probe.accuracy - 0.7576) <= 2.5 * 0.0049, `accuracy ${probe.accuracy}`);
    assert.ok(probe.iterations >= 3 && probe.iterations <= 6, `epochs ${probe.iterations}`);
    assert.equal(probe.featureDim, 100);
    assert.equal(tf.memory().numTensors, tensors); // the probe freed what it made
    encoder.dispose();
  });

  it('is deterministic under a seed, and the seed changes the fit', () => {
    const n = 500;
    const split = { x: pixelsTrain.subarray(0, n * DIM), labels: trainLabels.subarray(0, n) };
    const test = { x: pixelsTest.subarray(0, n * DIM), labels: testLabels.subarray(0, n) };
    const tensors = tf.memory().numTensors;
    const a = linearProbe(null, split, test, { solver: 'saga', seed: 3 });
    const b = linearProbe(null, split, test, { solver: 'saga', seed: 3 });
    const c = linearProbe(null, split, test, { solver: 'saga', seed: 4 });
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(a.weights, b.weights);
    assert.deepEqual(a.bias, b.bias);
    assert.equal(a.accuracy, b.accuracy);
    assert.notDeepEqual(a.weights, c.weights);
    assert.ok(a.loss > 0 && Number.isFinite(a.loss));
    assert.equal(a.evaluations, a.iterations);
  });
});
