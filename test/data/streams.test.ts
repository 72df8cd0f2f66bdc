import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BatchStream } from '../../src/data/batches.ts';
import {
  addCov,
  gaussianMutualInformation,
  NONIID_COV_EPS,
  NONIID_COV_Z,
  sampleIidPairs,
  sampleNonIidBatch,
} from '../../src/data/gaussian.ts';
import type { Halves } from '../../src/data/halves.ts';
import { deriveSeed, Rng } from '../../src/random.ts';
import { leakedTensors, testBackend } from '../helpers.ts';

/** n rows where x1 row i is [i, i] and x2 row i is [-i]: batch contents reveal their indices. */
function indexData(n: number): Halves {
  return {
    x1: Float32Array.from({ length: 2 * n }, (_, k) => Math.floor(k / 2)),
    x2: Float32Array.from({ length: n }, (_, i) => -i),
    labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
    n,
    dim1: 2,
    dim2: 1,
    halfShape: [1, 2],
  };
}

describe('BatchStream', () => {
  before(testBackend);

  function take(stream: BatchStream, steps: number): number[][] {
    const out: number[][] = [];
    for (let s = 0; s < steps; s++) {
      const b = stream.next();
      out.push(Array.from(b.x2.dataSync(), (v) => -v));
      // x1 rows and labels are the same rows as x2's
      assert.deepEqual(
        Array.from(b.x1.dataSync()).filter((_, k) => k % 2 === 0),
        out[s],
      );
      assert.deepEqual(
        Array.from(b.labels.dataSync()),
        out[s].map((i) => i % 10),
      );
      tf.dispose([b.x1, b.x2, b.labels]);
    }
    return out;
  }

  it('same seed, same batches; different seed, different batches', () => {
    const data = indexData(50);
    const a = take(new BatchStream(data, 8, 1), 20);
    const b = take(new BatchStream(data, 8, 1), 20);
    const c = take(new BatchStream(data, 8, 2), 20);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('visits each example at most once per epoch and drops the remainder', () => {
    const stream = new BatchStream(indexData(50), 8, 3);
    assert.equal(stream.batchesPerEpoch, 6); // 50 = 6·8 + 2 dropped
    const epoch0 = take(stream, 6).flat();
    assert.equal(new Set(epoch0).size, 48);
    const epoch1 = take(stream, 6).flat();
    assert.equal(new Set(epoch1).size, 48);
    assert.notDeepEqual(epoch0, epoch1); // each epoch has its own shuffle
  });

  it('leaks no tensors across a batch step', () => {
    const stream = new BatchStream(indexData(50), 8, 4);
    const leaked = leakedTensors(() => {
      for (let i = 0; i < 10; i++) {
        const b = stream.next();
        tf.dispose([b.x1, b.x2, b.labels]);
      }
    });
    assert.equal(leaked, 0);
  });

  it('rejects a batch size larger than the data', () => {
    assert.throws(() => new BatchStream(indexData(5), 8, 0), /batchSize 8 exceeds the 5 examples/);
  });
});

describe('Gaussian samplers', () => {
  function covariance(x: Float32Array, y: Float32Array): [number, number, number] {
    const n = x.length;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      mx += x[i] / n;
      my += y[i] / n;
    }
    for (let i = 0; i < n; i++) {
      sxx += (x[i] - mx) ** 2 / n;
      syy += (y[i] - my) ** 2 / n;
      sxy += ((x[i] - mx) * (y[i] - my)) / n;
    }
    return [sxx, sxy, syy];
  }

  it("true MI of the paper's pair marginal is 0.0204 nats", () => {
    const marginal = addCov(NONIID_COV_Z, NONIID_COV_EPS);
    assert.deepEqual(marginal, [
      [2, 0.4],
      [0.4, 2],
    ]);
    // Reference (by hand): rho = 0.4 / 2 = 0.2; -0.5 * ln(1 - 0.04) = 0.020411
    assert.ok(Math.abs(gaussianMutualInformation(marginal) - 0.020411) < 1e-6);
  });

  it('iid pairs have the requested covariance', () => {
    const { x, y } = sampleIidPairs(new Rng(1), 200_000, [
      [2, 0.4],
      [0.4, 2],
    ]);
    const [sxx, sxy, syy] = covariance(x, y);
    // standard error of a variance of 2 with n = 2e5: 2·sqrt(2/n) ≈ 0.0063; allow 5 SE
    assert.ok(Math.abs(sxx - 2) < 0.032 && Math.abs(syy - 2) < 0.032, `${sxx} ${syy}`);
    assert.ok(Math.abs(sxy - 0.4) < 0.02, `${sxy}`);
  });

  it('non-iid batches: one shared Z per batch, pair marginal [[2, .4], [.4, 2]]', () => {
    const rng = new Rng(deriveSeed(7, 'noniid'));
    const batches = 4000;
    const B = 32;
    const x = new Float32Array(batches * B);
    const y = new Float32Array(batches * B);
    for (let b = 0; b < batches; b++) {
      const p = sampleNonIidBatch(rng, B, NONIID_COV_Z, NONIID_COV_EPS);
      x.set(p.x, b * B);
      y.set(p.y, b * B);
    }
    const [sxx, sxy, syy] = covariance(x, y);
    // The shared Z makes samples within a batch dependent: the effective sample size for the
    // Z part is the number of batches (4000), so the SE of the Z contribution to a variance
    // is about sqrt(2/4000) ≈ 0.022; allow ~5 SE.
    assert.ok(Math.abs(sxx - 2) < 0.12 && Math.abs(syy - 2) < 0.12, `${sxx} ${syy}`);
    assert.ok(Math.abs(sxy - 0.4) < 0.1, `${sxy}`);
    // Within one batch, the spread around the batch mean is that of ε alone: covariance 0.9.
    const one = sampleNonIidBatch(new Rng(3), 20_000, NONIID_COV_Z, NONIID_COV_EPS);
    const [wxx, wxy] = covariance(one.x, one.y);
    assert.ok(Math.abs(wxx - 1) < 0.05 && Math.abs(wxy - 0.9) < 0.05, `${wxx} ${wxy}`);
  });
});
