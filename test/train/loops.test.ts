/** The three training loops on tiny data: record shape, NaN handling, no tensor leaks. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { getBound } from '../../src/bounds/index.ts';
import { createCritic } from '../../src/critics/index.ts';
import { BatchStream } from '../../src/data/batches.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { NONIID_COV_EPS, NONIID_COV_Z } from '../../src/data/gaussian.ts';
import { type Halves, halves } from '../../src/data/halves.ts';
import { createEncoder } from '../../src/encoders/index.ts';
import { runAdversarial } from '../../src/train/adversarial.ts';
import { runBoundOnly } from '../../src/train/bound-only.ts';
import { runSweep, type SweepArgs } from '../../src/train/sweep.ts';
import type { BoundFn } from '../../src/types.ts';
import { testBackend } from '../helpers.ts';

let data: Halves;

function sweepArgs(overrides: Partial<SweepArgs> = {}): SweepArgs {
  const g1 = createEncoder('mlp', { inputDim: 392, seed: 1, options: { layers: [32, 16] } });
  const g2 = createEncoder('mlp', { inputDim: 392, seed: 2, options: { layers: [32, 16] } });
  const critic = createCritic('bilinear', { dim1: 16, dim2: 16, seed: 3 });
  return {
    g1,
    g2,
    critic,
    bound: getBound('infonce'),
    objective: { kind: 'maximize' },
    stream: new BatchStream(data, 32, 4),
    steps: 10,
    evalEvery: 5,
    learningRate: 1e-3,
    noiseSigma: 0,
    noiseSeed: 5,
    evaluate: async () => {},
    ...overrides,
  };
}

function disposeSweep(args: SweepArgs) {
  args.g1.dispose();
  args.g2.dispose();
  args.critic.dispose();
  args.stream.dispose();
}

describe('training loops', () => {
  before(async () => {
    await testBackend();
    data = halves(loadDataset({ name: 'mnist', trainLimit: 256, testLimit: 128 }).train);
  });

  it('sweep: evaluates at 0 and every evalEvery before the update, records every step', async () => {
    const calls: [number, number | null, number][] = [];
    const args = sweepArgs({
      steps: 12,
      evalEvery: 5,
      evaluate: async (step, trainBound, trace) => {
        calls.push([step, trainBound, trace.length]);
      },
    });
    const outcome = await runSweep(args);
    assert.equal(outcome.status, 'ok');
    assert.deepEqual(
      calls.map(([s, , n]) => [s, n]),
      [
        [0, 0],
        [5, 5],
        [10, 10],
      ],
    );
    assert.equal(calls[0][1], null);
    assert.ok(Number.isFinite(calls[1][1]));
    assert.equal(outcome.trainBound.length, 12);
    // mean reported at step 10 is the mean of steps 5..9
    const mean = outcome.trainBound.slice(5, 10).reduce((a, b) => a + b, 0) / 5;
    assert.ok(Math.abs((calls[2][1] as number) - mean) < 1e-5);
    // InfoNCE ≤ log K throughout
    for (const v of outcome.trainBound) assert.ok(v <= Math.log(32) + 1e-4);
    disposeSweep(args);
  });

  it('sweep: training increases the bound (it learns)', async () => {
    const args = sweepArgs({ steps: 60, evalEvery: 60 });
    const outcome = await runSweep(args);
    const first = outcome.trainBound.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = outcome.trainBound.slice(-5).reduce((a, b) => a + b) / 5;
    assert.ok(last > first + 0.2, `bound ${first} → ${last}`);
    disposeSweep(args);
  });

  it('sweep: a NaN bound ends the run as failed at its step, without throwing', async () => {
    let calls = 0;
    const infonce = getBound('infonce');
    const poisoned: BoundFn = (scores) => {
      calls++;
      return calls === 7 ? tf.mul(infonce(scores), Number.NaN) : infonce(scores);
    };
    const args = sweepArgs({ bound: poisoned, steps: 20, evalEvery: 5 });
    const outcome = await runSweep(args);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.step, 6);
    assert.match(outcome.error?.message ?? '', /non-finite at step 6/);
    disposeSweep(args);
  });

  it('sweep: an exception in evaluate ends the run as failed', async () => {
    const args = sweepArgs({
      evaluate: async (step) => {
        if (step === 5) throw new Error('probe exploded');
      },
    });
    const outcome = await runSweep(args);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error?.message ?? '', /probe exploded/);
    disposeSweep(args);
  });

  it('sweep: no tensor leaks over 50 training steps (with noise)', async () => {
    const args = sweepArgs({ steps: 50, evalEvery: 25, noiseSigma: 0.05 });
    await runSweep({ ...args, steps: 2 }); // warm-up: optimizer slots, kernels
    const before = tf.memory().numTensors;
    const outcome = await runSweep(args);
    assert.equal(outcome.status, 'ok');
    assert.equal(tf.memory().numTensors, before);
    disposeSweep(args);
  });

  it('adversarial: schedule, both losses recorded, encoder loss approaches log 10', async () => {
    const encoder = createEncoder('realnvp', {
      inputDim: 392,
      seed: 1,
      options: { couplings: 2, hidden: [16], coupling: 'affine' },
    });
    const stream = new BatchStream(data, 32, 2);
    const evaluated: number[] = [];
    const before = tf.memory().numTensors;
    const outcome = await runAdversarial({
      encoder,
      classes: 10,
      stream,
      warmupSteps: 3,
      iterations: 7,
      classifierSteps: 2,
      classifierLearningRate: 1e-3,
      encoderLearningRate: 1e-5,
      recordEvery: 3,
      initSeed: 4,
      evaluate: async (iteration) => {
        evaluated.push(iteration);
      },
    });
    assert.equal(outcome.status, 'ok', outcome.error?.message);
    assert.deepEqual(evaluated, [0, 3, 6]);
    assert.equal(outcome.classifierLoss.length, 7);
    assert.equal(outcome.encoderLoss.length, 7);
    // CE against uniform is ≥ log 10, with equality iff the softmax is uniform
    for (const v of outcome.encoderLoss) assert.ok(v >= Math.log(10) - 1e-4, `${v}`);
    assert.equal(tf.memory().numTensors, before);
    stream.dispose();
    encoder.dispose();
  });

  it('bound-only: estimates every step; non-iid and iid batches differ', async () => {
    const run = async (sampling: 'iid' | 'noniid') => {
      const critic = createCritic('concat', {
        dim1: 1,
        dim2: 1,
        seed: 1,
        options: { hidden: [10, 10] },
      });
      const outcome = await runBoundOnly({
        critic,
        bound: getBound('infonce'),
        objective: { kind: 'maximize' },
        sampling,
        covZ: NONIID_COV_Z,
        covEps: NONIID_COV_EPS,
        batchSize: 64,
        steps: 30,
        evalEvery: 10,
        learningRate: 1e-3,
        dataSeed: 3,
        evaluate: async () => {},
      });
      critic.dispose();
      return outcome;
    };
    const iid = await run('iid');
    const noniid = await run('noniid');
    assert.equal(iid.status, 'ok');
    assert.equal(iid.estimate.length, 30);
    assert.notDeepEqual(iid.estimate, noniid.estimate);
  });
});
