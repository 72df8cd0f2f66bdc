/**
 * The `bmi` benchmark (Czyż, Grabowski, Vogt, Beerenwinkel & Marx, "Beyond Normal: On the
 * Evaluation of Mutual Information Estimators", NeurIPS 2023, Fig. 2): every estimator mimax
 * has — classical (KSG, the Gaussian/CCA estimate), variational (MINE, InfoNCE, NWJ, DV,
 * SMILE) and diffusion (MINDE-C, MINDE-J; Franzese et al., ICLR 2024) — on distributions with
 * a closed-form MI that are not Gaussian (Student-t, additive uniform noise, bimodal) or are
 * Gaussians seen through invertible maps (normal CDF, half-cube, asinh, wiggly, spiral, Swiss
 * roll), which keep MI unchanged. One run = one estimator × task × seed on n = 5,000 pairs.
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import type { Options } from '../src/types.ts';
import { colabBase } from './common.ts';

/** The estimators of the table, by variant id (the cell's `bound`). */
export const BMI_ESTIMATORS: { [id: string]: Options } = {
  'ksg-10': { estimator: 'ksg', k: 10 }, // bmi's main figure: KSG with k = 10 (and k = 5)
  'ksg-5': { estimator: 'ksg', k: 5 },
  gaussian: {}, // bmi: "CCA", the MI of a Gaussian with the sample covariance
  mine: {},
  infonce: {},
  nwj: {},
  dv: {},
  'smile-5': { estimator: 'smile', tau: 5 }, // Song & Ermon 2020: τ = 5
};

/** The bmi tasks of the `fast` preset (see `fastRationale`). */
export const BMI_FAST_TASKS: string[] = [];

export const bmiBenchmark: ExperimentDefinition = {
  id: 'bmi-benchmark',
  title: 'Every estimator on the bmi tasks (Beyond Normal)',
  paper: 'Czyż et al. 2023 Fig. 2',
  claim:
    'No estimator is right everywhere: KSG fails in high dimensions, InfoNCE stops at log K, heavy tails and the spiral mislead the Gaussian estimate.',
  loop: 'benchmark',
  figures: ['heatmap', 'within'],
  base: {
    ...colabBase(),
    seeds: 10, // bmi: 10 seeds per task and estimator
    steps: 10_000, // bmi's neural estimators: max_n_steps = 10,000
    evalEvery: 250, // bmi: test_every_n_steps = 250
    batchSize: 256, // bmi: batch_size = 256
    learningRate: 0.1, // bmi: Adam, learning_rate = 0.1
    bounds: [],
    estimators: BMI_ESTIMATORS,
    tasks: {},
    loop: {
      samples: 5_000, // bmi: 5,000 samples per task and seed
      testFraction: 0.5, // bmi's neural estimators: train_test_split = 0.5
      critic: 'concat', // bmi: an MLP on [x; y] ...
      criticOptions: { hidden: [16, 8] }, // ... with hidden layers (16, 8), relu
    },
  },
  presets: {
    paper: {},
    fast: {
      seeds: 3,
    },
    smoke: {
      seeds: 1,
      steps: 20,
      evalEvery: 10,
      batchSize: 32,
      learningRate: 1e-3,
      estimators: { 'ksg-5': null, nwj: null, dv: null, mine: null, 'smile-5': null },
      tasks: {
        'gaussian-d1-rho0.75': { task: 'gaussian', dim: 1, rho: 0.75 },
        'cubic-d2-rho0.5': { task: 'cubic', dim: 2, rho: 0.5 },
      },
      loop: { samples: 200, criticOptions: { hidden: [8] } },
    },
  },
  fastRationale: 'TODO',
};
