/**
 * Estimate vs correlation (the figure of MINE-style repositories, e.g. mine-pytorch's and
 * Boudiaf's "MI vs ρ" plots): a fixed, finite data set of correlated Gaussian pairs per ρ,
 * estimators trained for a few epochs and evaluated on a held-out split. Unlike the staircase
 * (fresh samples every step), finite data can be overfitted: estimates above the truth.
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import type { Options } from '../src/types.ts';
import { colabBase } from './common.ts';

/** 13 correlations over (−1, 1), avoiding ±1 (where MI is infinite). */
export const CORRELATION_RHOS = [
  -0.99, -0.9, -0.75, -0.5, -0.25, -0.1, 0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99,
];

/** Task variants `gaussian-d<d>-rho<ρ>` for every ρ and dimension. */
export function correlationTasks(dims: number[], rhos: number[]): { [id: string]: Options } {
  const out: { [id: string]: Options } = {};
  for (const dim of dims) {
    for (const rho of rhos) out[`gaussian-d${dim}-rho${rho}`] = { task: 'gaussian', dim, rho };
  }
  return out;
}

/** The correlations the `fast` preset keeps. */
const FAST_RHOS = [0, 0.5, 0.9, 0.99];

export const correlation: ExperimentDefinition = {
  id: 'correlation',
  title: 'Estimated vs true MI over the correlation, on finite data',
  paper: 'MINE-style repos',
  claim:
    'On a fixed finite sample the estimators track the truth at low MI and fall away (InfoNCE: log K) or overshoot at high MI.',
  loop: 'correlation',
  figures: ['estimates'],
  base: {
    ...colabBase(),
    seeds: 3,
    steps: 6_250, // 10 epochs of the 80,000 training pairs at batch 128 (625 steps per epoch)
    evalEvery: 625, // once per epoch
    batchSize: 128,
    learningRate: 1e-4,
    critics: { concat: { hidden: [100, 100] } }, // MINE-style repositories: MLP 2 × 100 relu
    bounds: [],
    estimators: {
      mine: { rate: 0.01 },
      nwj: {},
      infonce: {},
      'smile-5': { estimator: 'smile', tau: 5 },
    },
    tasks: correlationTasks([1, 10], CORRELATION_RHOS),
    loop: { samples: 100_000, testFraction: 0.2 }, // 80,000 train / 20,000 held out
  },
  presets: {
    paper: {},
    fast: {
      seeds: 1,
      // 4 of the 13 correlations: independence, moderate, high and very high MI (MI is even in ρ).
      tasks: Object.fromEntries(
        Object.keys(correlationTasks([1, 10], CORRELATION_RHOS))
          .filter((id) => !FAST_RHOS.some((rho) => id.endsWith(`-rho${rho}`)))
          .map((id) => [id, null]),
      ),
      steps: 620, // 10 epochs of the 8,000 training pairs (62 batches of 128 per epoch)
      evalEvery: 62, // once per epoch
      loop: { samples: 10_000 },
    },
    smoke: {
      seeds: 1,
      steps: 20,
      evalEvery: 10,
      critics: { concat: { hidden: [8] } },
      estimators: { nwj: null, mine: null },
      tasks: {
        ...Object.fromEntries(
          Object.keys(correlationTasks([1, 10], CORRELATION_RHOS)).map((k) => [k, null]),
        ),
        'gaussian-d1-rho0.5': { task: 'gaussian', dim: 1, rho: 0.5 },
        'gaussian-d2-rho-0.9': { task: 'gaussian', dim: 2, rho: -0.9 },
      },
      loop: { samples: 1_000 },
    },
  },
  fastRationale:
    '1 seed, 4 of the 13 correlations (0, 0.5, 0.9, 0.99), and n = 10,000 pairs (8,000 train, 10 epochs = 620 steps) instead of 3 seeds and 100,000; every estimator and both dimensions kept; the smaller sample overfits more, which is the effect this benchmark shows.',
};
