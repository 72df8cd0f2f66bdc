/**
 * Impact of the encoder (paper Sec. 3.3, Fig. 4a/4b). MLP and ConvNet encoders are trained to
 * reach the same bound value t ∈ {2, 4} (loss |I − t|): equal bounds, different accuracies.
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import { colabBase, SMOKE_DATA } from './common.ts';

export const encoderImpact: ExperimentDefinition = {
  id: 'encoder-impact',
  title: 'Impact of the encoder',
  paper: 'Sec. 3.3, Fig. 4a/4b',
  claim:
    'At the same bound value, the ConvNet gives much better linear-probe accuracy than the MLP.',
  loop: 'sweep',
  figures: ['accuracy', 'bound'],
  base: {
    ...colabBase(),
    encoders: {
      mlp: { layers: [300, 300, 100] },
      convnet: {}, // conv 64 k5 s2, conv 128 k5 s2, LayerNorm, global average pool, dense 100
    },
    critics: { bilinear: {} },
    bounds: ['nwj', 'infonce'],
    targets: [2, 4], // Colab: loss |I − t| with t ∈ {2, 4}
  },
  presets: {
    paper: {},
    fast: { seeds: 3, steps: 601, evalEvery: 200 },
    smoke: { ...SMOKE_DATA, steps: 3, evalEvery: 2 },
  },
  fastRationale:
    '600 steps instead of 21,000 (evaluated every 200), 3 seeds. Still the slowest fast preset ' +
    '(101 min measured with --jobs 2 on 2 cores): a ConvNet step costs ~0.74 s on wasm (conv ' +
    'gradients by im2col at ~42% of a large matmul; PyTorch on one core: 71 ms), and each ' +
    'evaluation encodes 70k images. Whether t = 4 is reached this early is reported, not assumed.',
};
