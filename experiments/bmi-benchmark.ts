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
import { bmiTasks } from '../src/tasks/bmi.ts';
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
  'minde-c': {}, // Franzese et al. 2024: conditional and joint variants, defaults in
  'minde-j': {}, // src/estimators/minde/options.ts (4,000 steps, batch 128, Adam 1e-3)
};

/**
 * The `fast` preset's tasks: every one-dimensional task of bmi's list (Gaussian, its uniform
 * margins, additive noise ε = 0.1 and 0.75, bimodal, wiggly, half-cube, Student-t ν = 1 and
 * its asinh, the Swiss roll), and at 5 × 5 the dense and sparse Gaussians, a heavy-tailed
 * Student-t, the spiral and the half-cube of the sparse Gaussian; plus the dense 25 × 25
 * Gaussian, where KSG is known to fail.
 */
export const BMI_FAST_TASKS: string[] = [
  '1v1-normal-0.75',
  'normal_cdf-1v1-normal-0.75',
  '1v1-additive-0.1',
  '1v1-additive-0.75',
  '1v1-bimodal-0.75',
  'wiggly-1v1-normal-0.75',
  'half_cube-1v1-normal-0.75',
  'student-identity-1-1-1',
  'asinh-student-identity-1-1-1',
  'swissroll_x-normal_cdf-1v1-normal-0.75',
  'multinormal-dense-5-5-0.5',
  'multinormal-sparse-5-5-2-2.0',
  'student-identity-5-5-2',
  'spiral-multinormal-sparse-5-5-2-2.0',
  'half_cube-multinormal-sparse-5-5-2-2.0',
  'multinormal-dense-25-25-0.5',
];

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
    tasks: bmiTasks(), // bmi's 40 tasks, in bmi's order (src/tasks/bmi.ts)
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
      // The neural estimators as `mimax estimate` trains them (see its README section): a
      // separable critic (two MLPs 100 relu → 100), K = 128, Adam 5e-4, 1,000 steps. bmi's
      // MLP critic on all K² pairs costs ~2.5x more per step here, and 10,000 steps per fit
      // would not fit the preset's budget.
      steps: 1_000,
      evalEvery: 100,
      batchSize: 128,
      learningRate: 5e-4,
      loop: { critic: 'separable', criticOptions: null },
      // MINDE at half its default training (2,000 steps, ~20 CPU s per fit at ≤ 5 × 5 dims).
      estimators: { 'minde-c': { steps: 2_000 }, 'minde-j': { steps: 2_000 } },
      tasks: Object.fromEntries(
        Object.keys(bmiTasks())
          .filter((id) => !BMI_FAST_TASKS.includes(id))
          .map((id) => [id, null]),
      ),
    },
    smoke: {
      seeds: 1,
      steps: 20,
      evalEvery: 10,
      batchSize: 32,
      learningRate: 1e-3,
      estimators: {
        'ksg-5': null,
        nwj: null,
        dv: null,
        mine: null,
        'smile-5': null,
        'minde-c': null,
        'minde-j': { steps: 20, batchSize: 32, evaluations: 2, mcSamples: 2 },
      },
      tasks: {
        ...Object.fromEntries(Object.keys(bmiTasks()).map((id) => [id, null])),
        '1v1-normal-0.75': bmiTasks(['1v1-normal-0.75'])['1v1-normal-0.75'],
        'asinh-student-identity-1-1-1': bmiTasks(['asinh-student-identity-1-1-1'])[
          'asinh-student-identity-1-1-1'
        ],
      },
      loop: { samples: 200, criticOptions: { hidden: [8] } },
    },
  },
  fastRationale:
    "16 of the 40 tasks (every 1-d task, five at 5 × 5 and the dense 25 × 25 Gaussian), 3 seeds instead of 10, n = 5,000 as in bmi; neural estimators trained as mimax estimate trains them (separable critic, K = 128, Adam 5e-4, 1,000 steps) instead of bmi's MLP critic (16, 8) at K = 256, Adam 0.1, 10,000 steps; MINDE at 2,000 instead of 4,000 steps.",
};
