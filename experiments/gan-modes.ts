/**
 * MI as a GAN regularizer (Belghazi et al. 2018, "MINE", Sec. 5.1; issue 15): a GAN on 2-d
 * mixtures whose generator loss adds β·(−Î), Î = an MI estimate of I(Z; G(Z)) (`entropy`) or
 * of I(c; G(ε, c)) (`conditional`), measured as the mode-collapse literature does (VEEGAN,
 * Srivastava et al. 2017; PacGAN, Lin et al. 2018, Table 1): modes captured, % high-quality
 * samples and the reverse KL of the mode histogram, on 2,500 generated samples per evaluation.
 *
 * The grid: data sets {grid, ring, spiral} × methods {GAN (β = 0), GAN + MINE, GAN + MINE
 * without clipping, GAN + NWJ, GAN + InfoNCE, GAN + SMILE τ = 5} in `entropy` mode, plus MINE
 * in `conditional` mode on the grid. The method ids are the cell's `bound`, the data set its
 * `task`.
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import { GAN_LOOP_DEFAULTS } from '../src/run/gan-options.ts';
import type { Options } from '../src/types.ts';
import { colabBase } from './common.ts';

/** The methods, by id: a registered estimator (or `none`) with its GAN settings. */
export const GAN_METHODS: { [id: string]: Options } = {
  gan: { estimator: 'none', beta: 0 }, // the unregularized GAN
  mine: { estimator: 'mine', beta: 1 }, // MINE, EMA-corrected gradient, adaptive clipping
  'mine-noclip': { estimator: 'mine', beta: 1, clip: false }, // what the clipping does
  nwj: { estimator: 'nwj', beta: 1 },
  infonce: { estimator: 'infonce', beta: 1 },
  'smile-5': { estimator: 'smile', tau: 5, beta: 1 }, // Song & Ermon 2020: τ = 5
  'mine-conditional': { estimator: 'mine', beta: 1, mi: 'conditional' }, // I(c; G(ε, c))
};

export const ganModes: ExperimentDefinition = {
  id: 'gan-modes',
  title: 'MI as a GAN regularizer: modes of the 25-Gaussian grid, the ring and the spiral',
  paper: 'Belghazi et al. 2018 Sec. 5.1; PacGAN Table 1',
  claim:
    'Adding an MI estimate of I(Z; G(Z)) to the generator loss fights mode collapse; the estimator and the gradient clipping decide how much.',
  loop: 'gan',
  figures: ['samples', 'metrics'],
  base: {
    ...colabBase(),
    dataset: 'none', // no MNIST: the loop samples its 2-d data
    bounds: [],
    seeds: 10, // PacGAN Table 1 and VEEGAN: 10 trials, ± standard error
    steps: 400_000, // PacGAN: 400 epochs of 1,000 iterations (batch 100)
    evalEvery: 10_000, // every 10 epochs (PacGAN measures the end only; the curve is ours)
    batchSize: 100, // PacGAN: minibatches of 100 (issue 15)
    learningRate: 1e-4, // PacGAN: Adam lr 1e-4, β1 = 0.5 (loop.beta1)
    estimators: GAN_METHODS,
    tasks: { grid: {}, ring: {}, spiral: {} },
    // The conditional mode runs on the grid only (issue 15).
    exclude: [
      { bound: 'mine-conditional', task: 'ring' },
      { bound: 'mine-conditional', task: 'spiral' },
    ],
    loop: { ...GAN_LOOP_DEFAULTS }, // src/run/gan-options.ts: PacGAN's networks, 2,500 samples
  },
  presets: {
    paper: {},
    fast: {
      // Sized from `npm run bench -- --only gan` (CPU ms per iteration, measured twice on the
      // shared 2-core machine under load: README "MI as a GAN regularizer"): plain GAN 51-76 ms,
      // with a concat critic [32] 74-106 ms (MINE), at 128-wide networks; PacGAN's 400-wide
      // ones cost 138-165 ms, and with the 3 × 400 critic 3.7 s per MI iteration.
      // 2 data sets × (6 + 1) methods × 3 seeds = 39 runs (6 plain, 33 with a critic);
      // 2,500 iterations: (6 × 0.051 + 33 × 0.074) × 2,500 ≈ 6,900 CPU s ≈ 58 min to
      // (6 × 0.076 + 33 × 0.106) × 2,500 ≈ 9,900 CPU s ≈ 83 min on 2 cores (≤ 1.5 h).
      seeds: 3,
      steps: 2_500,
      evalEvery: 250,
      tasks: { spiral: null },
      loop: {
        generatorHidden: [128, 128, 128, 128],
        discriminatorHidden: [128, 128, 128],
        criticHidden: [32],
      },
    },
    smoke: {
      seeds: 1,
      steps: 20,
      evalEvery: 10,
      batchSize: 16,
      estimators: { 'mine-noclip': null, nwj: null, 'smile-5': null },
      tasks: { ring: null },
      loop: {
        trainSize: 256,
        generatorHidden: [16, 16],
        discriminatorHidden: [16],
        criticHidden: [8],
        evalSamples: 200,
      },
    },
  },
  fastRationale:
    "grid and ring (no spiral), 3 seeds instead of 10, 2,500 iterations instead of 400,000 (evaluated every 250), networks 128 wide (generator 4 × 128 with batch norm, discriminator 3 × 128) instead of PacGAN's 400, and a concat MI critic with one hidden layer of 32 instead of 3 × 400; PacGAN's batch 100, Adam 1e-4, β1 = 0.5 and 2,500 evaluation samples are kept.",
};
