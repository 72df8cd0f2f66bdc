/**
 * Adversarial invertible encoder (paper Sec. 3.1, Fig. 1c). A RealNVP encoder (affine
 * couplings, scale = 1e-7 + softplus) is trained to make a linear classifier's softmax uniform.
 * The encoder is bijective, so MI is unchanged, yet linear-probe accuracy collapses.
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import { colabBase, SMOKE_DATA } from './common.ts';

export const adversarial: ExperimentDefinition = {
  id: 'adversarial',
  title: 'Adversarially trained invertible encoder',
  paper: 'Sec. 3.1, Fig. 1c',
  claim:
    'A bijective encoder (MI constant) can be trained so that linear-probe accuracy collapses.',
  loop: 'adversarial',
  figures: ['accuracy'],
  base: {
    ...colabBase(),
    steps: 4_001, // Colab: 4001 iterations of {10 classifier steps, 1 encoder step}
    evalEvery: 400, // Colab: probe every 400 iterations
    encoders: {
      realnvp: { couplings: 30, hidden: [512, 512], coupling: 'affine', initStd: 1e-4 },
    },
    bounds: [],
    loop: {
      warmupSteps: 1_000, // Colab: 1000 classifier steps before the game
      classifierSteps: 10, // Colab: 10 classifier steps per encoder step
      classifierLearningRate: 1e-3, // Colab: Adam(1e-3) for the classifier
      encoderLearningRate: 1e-5, // Colab: Adam(1e-5) for the encoder
    },
  },
  presets: {
    paper: {},
    fast: {
      seeds: 3,
      steps: 801,
      evalEvery: 100,
      encoders: { realnvp: { couplings: 5 } },
      loop: { warmupSteps: 500 },
    },
    smoke: {
      ...SMOKE_DATA,
      steps: 3,
      evalEvery: 2,
      encoders: { realnvp: { couplings: 2, hidden: [32] } },
      loop: { warmupSteps: 2, classifierSteps: 2 },
    },
  },
  fastRationale:
    '5 couplings instead of 30, 800 game iterations instead of 4000 (probe every 100) after 500 ' +
    'warm-up classifier steps; 3 seeds. Same game, same learning rates.',
};
