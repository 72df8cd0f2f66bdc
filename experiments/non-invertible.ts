/**
 * Non-invertible encoders (paper Sec. 3.1, Fig. 2). Residual MLPs that start at the identity;
 * noise σ = 0.05 is added (the same tensor to both views). The encoders can now lose
 * information; their Jacobians become ill-conditioned as training proceeds.
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import { colabBase, SMOKE_DATA } from './common.ts';

export const nonInvertible: ExperimentDefinition = {
  id: 'non-invertible',
  title: 'Non-invertible (residual MLP) encoders',
  paper: 'Sec. 3.1, Fig. 2',
  claim:
    'Maximizing the bound drives the encoders towards ill-conditioned (nearly non-invertible) maps, ' +
    'while accuracy rises.',
  loop: 'sweep',
  figures: ['accuracy-bound', 'condition-nwj', 'condition-infonce'],
  base: {
    ...colabBase(),
    noiseSigma: 0.05, // Colab: x + 0.05·N(0, 1), the same noise tensor for x1 and x2
    jacobianSamples: 128, // Colab: Jacobian of g1 at one batch of 128 inputs per evaluation
    encoders: {
      mlp: {
        layers: [392, 392, 392, 392, 392], // Colab: 5 layers of 392 with shortcuts
        shortcuts: true,
        init: 'truncated-normal',
        initStd: 1e-4, // starts ≈ identity
      },
    },
    critics: { bilinear: {} },
    bounds: ['nwj', 'infonce'],
  },
  presets: {
    paper: {},
    fast: { seeds: 3, steps: 3_001, evalEvery: 500 },
    smoke: { ...SMOKE_DATA, steps: 3, evalEvery: 2, jacobianSamples: 4 },
  },
  fastRationale:
    '3,000 steps instead of 21,000 (evaluated every 500; each evaluation includes 128 Jacobians, ~30 s), ' +
    '3 seeds. Same encoder, noise and Jacobian protocol.',
};
