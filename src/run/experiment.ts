/**
 * Experiment definitions: plain data (no functions), so the resolved config of every run can
 * be stored verbatim in its record. A definition names its grid (encoders × critics × bounds ×
 * targets × samplings), its figures, and three presets that override its base config.
 */
import type { Json, Options } from '../types.ts';

/** Which training loop runs the cells. */
export type LoopKind =
  | 'sweep'
  | 'adversarial'
  | 'bound-only'
  | 'staircase'
  | 'correlation'
  | 'benchmark'
  | 'gan'
  | 'ais';

/** The grid axes a loop kind uses (the others must stay empty / [null]). */
export interface LoopAxes {
  encoders: boolean;
  critics: boolean;
  /** The `bounds` list (the paper's loops). */
  bounds: boolean;
  /** The `estimators` map (the estimator experiments; its ids fill the cell's `bound`). */
  estimators: boolean;
  tasks: boolean;
  /** Whether the loop reads MNIST (`dataset`, `dataDir`, limits). */
  mnist: boolean;
}

/** Every loop kind's axes: the runner's dispatch table lives in `execute.ts`. */
export const LOOP_AXES: Readonly<Record<LoopKind, LoopAxes>> = {
  sweep: {
    encoders: true,
    critics: true,
    bounds: true,
    estimators: false,
    tasks: false,
    mnist: true,
  },
  adversarial: {
    encoders: true,
    critics: false,
    bounds: false,
    estimators: false,
    tasks: false,
    mnist: true,
  },
  'bound-only': {
    encoders: false,
    critics: true,
    bounds: true,
    estimators: false,
    tasks: false,
    mnist: false,
  },
  staircase: {
    encoders: false,
    critics: true,
    bounds: false,
    estimators: true,
    tasks: true,
    mnist: false,
  },
  correlation: {
    encoders: false,
    critics: true,
    bounds: false,
    estimators: true,
    tasks: true,
    mnist: false,
  },
  // The critic of the neural estimators is a loop option: KSG, the Gaussian baseline and the
  // diffusion estimators have none, so it is not a grid axis here.
  benchmark: {
    encoders: false,
    critics: false,
    bounds: false,
    estimators: true,
    tasks: true,
    mnist: false,
  },
  // `gan-modes`: the `estimators` map holds the methods (a registered estimator with its GAN
  // settings β, clip, mi, miUntil, or `none` for the plain GAN) and the `tasks` map the 2-d data
  // sets (`grid`, `ring`, `spiral`, `src/data/mode-datasets.ts`), not MI tasks.
  gan: {
    encoders: false,
    critics: false,
    bounds: false,
    estimators: true,
    tasks: true,
    mnist: false,
  },
  // `ais-mi`: the `estimators` map holds the bound methods (a registered method of `src/ais/`
  // with its K or T, e.g. `'ais-prior-t100': { estimator: 'ais-prior', T: 100 }`) and the
  // `tasks` map the models (`src/generative/models.ts`: linear-gaussian, vae, gan). MNIST is
  // read by the models that train (the VAE and the GAN).
  ais: {
    encoders: false,
    critics: false,
    bounds: false,
    estimators: true,
    tasks: true,
    mnist: true,
  },
};

export const PRESETS = ['paper', 'fast', 'smoke'] as const;
export type PresetName = (typeof PRESETS)[number];

/** Data and evaluation settings shared by the MNIST loops. */
export interface DataConfig {
  /** Data set name (`mnist`, `fashion-mnist`) unless `dataDir` is set. Default `mnist`. */
  dataset: string;
  /** A directory of the four IDX files (overrides `dataset`); null = use `dataset`. */
  dataDir: string | null;
  /** Use only the first n training images (smoke); null = all 60,000. */
  trainLimit: number | null;
  /** Use only the first n test images (smoke); null = all 10,000. */
  testLimit: number | null;
}

/**
 * The config of an experiment: every field has a default in the definition, a preset changes
 * a few, and `--set path=value` any. The grid fields name registry entries with their options.
 */
export interface ExperimentConfig extends DataConfig {
  [key: string]: Json;
  /** Runs (seeds) per cell. Paper: 20. */
  seeds: number;
  /** Seeds are firstSeed, firstSeed + 1, .... Default 0. */
  firstSeed: number;
  /** Training steps (sweep, bound-only) or game iterations (adversarial). */
  steps: number;
  /** Evaluate every this many steps/iterations, and at 0. */
  evalEvery: number;
  /** Batch size. Paper: 128. */
  batchSize: number;
  /** Adam learning rate (sweep and bound-only). Paper: 1e-4. */
  learningRate: number;
  /** σ of the training noise added to both views (non-invertible: 0.05). */
  noiseSigma: number;
  /** Options of the linear probe (see `src/eval/probe.ts`). */
  probe: Options;
  /** Samples whose Jacobian is measured at each evaluation; 0 = off. Paper (non-invertible): 128. */
  jacobianSamples: number;
  /** Grid: encoder id → options. */
  encoders: { [name: string]: Options };
  /** Grid: critic id → options. */
  critics: { [name: string]: Options };
  /** Grid: bound ids. */
  bounds: string[];
  /**
   * Grid (estimator experiments): variant id → options of a registered estimator, named by the
   * option `estimator` (default: the variant id itself), e.g. `'smile-5': { estimator: 'smile',
   * tau: 5 }`. The variant id is the cell's `bound`.
   */
  estimators: { [id: string]: Options };
  /**
   * Grid (estimator experiments): variant id → options of a registered task, named by the
   * option `task` (default: the variant id), e.g. `'gaussian-d1-rho0.5': { task: 'gaussian',
   * dim: 1, rho: 0.5 }`.
   */
  tasks: { [id: string]: Options };
  /**
   * Cells of the grid product left out: each entry is a partial cell (e.g. `{ critic: 'concat',
   * bound: 'dv' }`) and every cell matching all of its fields is skipped. Default [].
   */
  exclude: Options[];
  /** Grid: targets t of |I − t|; [null] = maximize the bound. */
  targets: (number | null)[];
  /** Grid: `iid` / `noniid` (bound-only loop); [null] elsewhere. */
  samplings: (string | null)[];
  /** Loop-specific settings (adversarial schedule, Gaussian covariances); {} when unused. */
  loop: Options;
}

export interface ExperimentDefinition {
  /** Id used on the command line and in data, e.g. `critic-impact`. */
  id: string;
  title: string;
  /** Where in the paper, e.g. `Sec. 3.2, Fig. 3`. */
  paper: string;
  /** What the experiment shows, one sentence. */
  claim: string;
  loop: LoopKind;
  /** Figure ids (see `src/plots/`). */
  figures: string[];
  /** The paper's settings (= the `paper` preset). */
  base: ExperimentConfig;
  /** Overrides of `base` per preset (`paper` is `{}`), and why `fast` reduces what it does. */
  presets: { paper: Options; fast: Options; smoke: Options };
  fastRationale: string;
}
