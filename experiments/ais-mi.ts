/**
 * Annealed and importance-sampling bounds on the MI of generative models (Brekelmans, Huang,
 * Ghassemi, Ver Steeg, Grosse & Makhzani, "Improving Mutual Information Estimation with
 * Annealed and Energy-Based Bounds", ICLR 2022, Sec. 6; issue 18). For a model p(z) p(x | z)
 * with a known likelihood, I(X; Z) = E[log p(x | z)] − E[log p(x)]; the first term comes from
 * the simulated z_i, and log p(x) is sandwiched by IWAE (prior or learned proposal q), by
 * multi-chain AIS with HMC (forward chains: a lower bound; reverse chains from the exact
 * posterior sample z_i, BDMC: an upper bound), and by GIWAE (a learned critic; lower MI bound).
 *
 * The grid: models (`tasks`: linear-Gaussian, where the truth is known; MNIST VAEs; an MNIST
 * GAN generator) × methods (`estimators`: IWAE-prior K ∈ {1, 10³, 10⁴}, IWAE-q K ∈ {1, 10³},
 * AIS-prior and AIS-q T ∈ {1, 100, 500}, GIWAE), N = 128 simulated pairs per run, seeds ≥ 3.
 * The method id is the cell's `bound`, the model id its `task` (each model id starts with its
 * kind: `linear-gaussian`, `vae`, `gan`; the figures group by it).
 */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import type { Options } from '../src/types.ts';
import { colabBase } from './common.ts';

/** The methods, by id: a registered bound method (`src/ais/`) with its K or T (issue 18's grid). */
export const AIS_METHODS: { [id: string]: Options } = {
  'iwae-prior-k1': { estimator: 'iwae-prior', K: 1 },
  'iwae-prior-k1000': { estimator: 'iwae-prior', K: 1_000 },
  'iwae-prior-k10000': { estimator: 'iwae-prior', K: 10_000 },
  'iwae-q-k1': { estimator: 'iwae-q', K: 1 }, // = Barber-Agakov with the learned q
  'iwae-q-k1000': { estimator: 'iwae-q', K: 1_000 },
  'ais-prior-t1': { estimator: 'ais-prior', T: 1 }, // = IWAE with K = S prior samples
  'ais-prior-t100': { estimator: 'ais-prior', T: 100 },
  'ais-prior-t500': { estimator: 'ais-prior', T: 500 },
  'ais-q-t1': { estimator: 'ais-q', T: 1 },
  'ais-q-t100': { estimator: 'ais-q', T: 100 },
  'ais-q-t500': { estimator: 'ais-q', T: 500 },
  giwae: {}, // the method's defaults (src/ais/index.ts)
};

/**
 * The models, by id (`task` names the registered model, `src/generative/models.ts`). The
 * trained ones use the CPU-sized networks (hidden [256, 256], ~0.27M multiply-adds per decoder
 * pass); `paper` widens them to 3 × 1024 (Brekelmans et al. 2022 Sec. 6; ~2.9M, 11x).
 */
export const AIS_MODELS: { [id: string]: Options } = {
  // Small validation model: dz = 2, dx = 5, σ = 1 (the bounds' tests use the same sizes).
  'linear-gaussian': { task: 'linear-gaussian', latentDim: 2, dataDim: 5, sigma: 1 },
  // Larger truth (≈ 19 nats for weightsSeed 0) so that IWAE with the prior visibly saturates
  // at log K (log 10⁴ ≈ 9.2) while AIS can close the gap.
  'linear-gaussian-z10': { task: 'linear-gaussian', latentDim: 10, dataDim: 20, sigma: 0.5 },
  'vae-z2': { task: 'vae', latentDim: 2 }, // issue 18: VAE latent sizes {2, 10}, 100 in paper
  'vae-z10': { task: 'vae', latentDim: 10 },
  'gan-z10': { task: 'gan', latentDim: 10 }, // issue 18: a GAN generator with σ² = 0.03
};

/** The paper's network width (3 × 1024) for the trained models. */
const PAPER_HIDDEN = [1024, 1024, 1024];

export const aisMi: ExperimentDefinition = {
  id: 'ais-mi',
  title: 'Annealed and importance-sampling bounds on the MI of generative models',
  paper: 'Brekelmans et al. 2022 Sec. 6',
  claim:
    'With a known likelihood, log p(x) can be sandwiched: IWAE with the prior saturates at log K, a learned proposal and AIS close the gap between the lower and upper MI bounds.',
  loop: 'ais',
  figures: ['linear-gaussian', 'vae', 'gan'],
  base: {
    ...colabBase(),
    // MNIST trains the VAE and GAN models (all 60,000 training images; the test split gives the
    // VAE's validation ELBO).
    bounds: [],
    seeds: 3, // issue 18: seeds ≥ 3
    // steps / evalEvery / batchSize / learningRate are unused by this loop (each run evaluates
    // once; training settings are model options, proposal settings method options).
    steps: 1,
    evalEvery: 1,
    estimators: AIS_METHODS,
    tasks: AIS_MODELS,
    loop: { samples: 128 }, // issue 18: N = 128 simulated pairs (src/run/ais-options.ts)
  },
  presets: {
    paper: {
      // Brekelmans et al. 2022 Sec. 6: decoders of 3 × 1024 and dz ∈ {2, 10, 100}.
      tasks: {
        'vae-z2': { hidden: PAPER_HIDDEN },
        'vae-z10': { hidden: PAPER_HIDDEN },
        'vae-z100': { task: 'vae', latentDim: 100, hidden: PAPER_HIDDEN },
        'gan-z10': { hidden: PAPER_HIDDEN },
      },
    },
    fast: {
      // Sized from CPU times measured on the shared 2-core machine under load (README
      // "ais-mi"; scripts/ais-sizes.ts and one ais-prior / iwae-prior call on a 256-256 decoder,
      // N = 128): ∇z log p(x | z) 214 µs per row, AIS 0.41 CPU s per transition at N·S = 512
      // rows and L = 4 (≈ 0.31 s at L = 3), IWAE K = 10³ 15 CPU s (K = 10⁴ ≈ 150 s), VAE 50 CPU s
      // per epoch of 60,000, GAN 173 ms per iteration. Per trained model × seed: AIS prior + q
      // at T ∈ {1, 100, 500}, forward + reverse, 2 × 2 × 598 × 0.31 ≈ 740 s; IWAE ≈ 180 s;
      // proposal and GIWAE ≈ 150 s; training 150-260 s: ≈ 1,300 s; × 3 models × 3 seeds ≈
      // 11,700 s, plus the linear-Gaussian models (≈ 10 %): ≈ 12,900 CPU s ≈ 1.8 h on 2 cores.
      // The grid, N = 128 and 3 seeds are kept; S = 4 chains and L = 3 leapfrog steps
      // (paper defaults 16 and 10), shorter training. Measured (precomputed/manifest.json):
      // 13,292 s of runs, of which ≈ 10,400 with the final GIWAE critic: ≈ 1.5 h on 2 cores.
      estimators: {
        'ais-prior-t1': { S: 4, L: 3 },
        'ais-prior-t100': { S: 4, L: 3 },
        'ais-prior-t500': { S: 4, L: 3 },
        'ais-q-t1': { S: 4, L: 3, proposal: { steps: 1_000 } },
        'ais-q-t100': { S: 4, L: 3, proposal: { steps: 1_000 } },
        'ais-q-t500': { S: 4, L: 3, proposal: { steps: 1_000 } },
        'iwae-q-k1': { proposal: { steps: 1_000 } },
        'iwae-q-k1000': { proposal: { steps: 1_000 } },
        giwae: { criticSteps: 1_000, proposal: { steps: 1_000 } },
      },
      tasks: {
        'vae-z2': { epochs: 3 },
        'vae-z10': { epochs: 3 },
        'gan-z10': { iterations: 1_500 },
      },
    },
    smoke: {
      seeds: 1,
      trainLimit: 256,
      testLimit: 128,
      estimators: {
        ...Object.fromEntries(Object.keys(AIS_METHODS).map((id) => [id, null])),
        'iwae-prior-k10': { estimator: 'iwae-prior', K: 10, groups: 2 },
        'iwae-q-k1': { K: 1, groups: 2, proposal: { hidden: [8], steps: 5, batchSize: 16 } },
        'ais-prior-t5': { estimator: 'ais-prior', T: 5, S: 2, L: 2, groups: 2 },
        giwae: {
          K: 4,
          criticHidden: [8],
          criticSteps: 5,
          criticBatchSize: 8,
          groups: 2,
          proposal: { hidden: [8], steps: 5, batchSize: 16 },
        },
      },
      tasks: {
        'linear-gaussian-z10': null,
        'vae-z10': null,
        'gan-z10': null,
        'vae-z2': { hidden: [16], epochs: 1, batchSize: 64 },
        'gan-z2': { task: 'gan', latentDim: 2, hidden: [16], iterations: 4, batchSize: 32 },
      },
      // The trained models with IWAE-prior and AIS only (the q-methods run on linear-Gaussian).
      exclude: [
        { task: 'vae-z2', bound: 'iwae-q-k1' },
        { task: 'vae-z2', bound: 'giwae' },
        { task: 'gan-z2', bound: 'iwae-q-k1' },
        { task: 'gan-z2', bound: 'giwae' },
      ],
      loop: { samples: 8 },
    },
  },
  fastRationale:
    "the issue's full grid (5 models × 12 methods), N = 128 and 3 seeds, with S = 4 AIS chains and L = 3 leapfrog steps instead of 16 and 10, 1,000 instead of 2,000 steps for the learned proposal and the GIWAE critic, VAEs trained 3 epochs instead of 10 and the GAN 1,500 iterations instead of 5,000, CPU-sized 256-256 networks instead of the paper's 3 × 1024.",
};
