/**
 * Impact of the critic (paper Sec. 3.2, Fig. 3). Same MLP encoders, three critics: bilinear,
 * separable and concat (an MLP on the concatenated pair). The higher-capacity MLP critic gives
 * the tightest bound but the worst downstream accuracy.
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import { colabBase, SMOKE_DATA } from './common.ts';

export const criticImpact: ExperimentDefinition = {
  id: 'critic-impact',
  title: 'Impact of the critic',
  paper: 'Sec. 3.2, Fig. 3',
  claim:
    'Simpler critics (bilinear, separable) give looser bounds but better linear-probe accuracy than an MLP critic.',
  loop: 'sweep',
  figures: ['accuracy', 'bound'],
  base: {
    ...colabBase(),
    encoders: { mlp: { layers: [300, 300, 100] } }, // Colab: MLP [300, 300, 100], relu hidden
    critics: {
      bilinear: {}, // x^T W y, W: 100 x 100
      separable: {}, // two MLPs 100 relu → 100, then inner product
      concat: {}, // MLP on [x; y]: 200 relu → 1, over all 128² pairs
    },
    bounds: ['nwj', 'infonce'],
  },
  presets: {
    paper: {},
    fast: { seeds: 3, steps: 3_001, evalEvery: 500 },
    smoke: { ...SMOKE_DATA, steps: 3, evalEvery: 2 },
  },
  fastRationale: '3,000 steps instead of 21,000 (evaluated every 500), 3 seeds. Same models.',
};
