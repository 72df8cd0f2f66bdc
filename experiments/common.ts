/**
 * Settings shared by the experiments (the Colab's protocol, DESIGN.md section 2).
 */
import type { ExperimentConfig } from '../src/run/experiment.ts';

/** The Colab's shared settings; each experiment changes the grid and a few fields. */
export function colabBase(): ExperimentConfig {
  return {
    dataset: 'mnist',
    dataDir: null,
    trainLimit: null, // all 60,000 training images
    testLimit: null, // all 10,000 test images
    seeds: 20, // Colab: 20 runs per cell; bands are mean ± 1 sd over runs
    firstSeed: 0,
    steps: 21_000, // Colab: n_iters = 21000
    evalEvery: 1_000, // Colab: evaluated at 0, 1000, ..., 20000 (21 evaluations)
    batchSize: 128, // Colab: batch_size = 128
    learningRate: 1e-4, // Colab: Adam(1e-4) on encoders and critic jointly
    noiseSigma: 0,
    probe: {},
    jacobianSamples: 0,
    encoders: {},
    critics: {},
    bounds: ['nwj', 'infonce'],
    estimators: {}, // estimator experiments only
    tasks: {},
    exclude: [], // estimator experiments only
    targets: [null], // maximize the bound
    samplings: [null],
    loop: {},
  };
}

/** The smoke preset's data slice: seconds per run, for tests. */
export const SMOKE_DATA = {
  trainLimit: 512, // 4 batches of 128
  testLimit: 256, // 2 held-out batches
  seeds: 1,
} as const;
