/**
 * The models of experiment `ais-mi` (issue 18), by id: each builds a latent-variable model
 * with a known likelihood (the `LatentModel` shape of `src/ais/model.ts`) from its options and
 * a seed, training it first when it needs training. `mimax list` shows them.
 *
 * - `linear-gaussian`: p(x | z) = N(Wz + b, σ²I), MI in closed form (`src/ais/linear-gaussian.ts`);
 * - `vae`: an MNIST VAE's decoder with its learned observation variance (`vae.ts`);
 * - `gan`: an MNIST GAN generator with σ² = 0.03 (`mnist-gan.ts`).
 *
 * Trained models are cached in the results directory, one folder per (model options, data
 * set, seed), `<results>/models/<variant>-<hash>/seed-<s>/weights.{json,bin}`, written once
 * (`trainOnce`: the first run of a model × seed trains under a lock, the others wait and load;
 * an interrupted training leaves no weights and is redone on resume).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { linearGaussian } from '../ais/linear-gaussian.ts';
import type { LatentModel } from '../ais/model.ts';
import { loadDataset } from '../data/datasets.ts';
import { resolveOptions } from '../options.ts';
import { deriveSeed } from '../random.ts';
import { Registry, type RegistryEntry } from '../registry.ts';
import { type Json, type Options, UserError } from '../types.ts';
import { GaussianDecoderModel } from './decoder-model.ts';
import {
  createMnistGenerator,
  GAN_OBSERVATION_VARIANCE,
  generatorMean,
  generatorVariables,
  trainMnistGan,
} from './mnist-gan.ts';
import { exportVariables, importVariables, trainVae, Vae, type VaeEpoch } from './vae.ts';
import { readWeights, trainOnce, writeWeights } from './weights-file.ts';

/** What building a model needs besides its options. */
export interface ModelContext {
  /** The run's seed (training and construction seeds derive from it). */
  seed: number;
  /** Where trained models are cached (the results directory). */
  resultsDir: string;
  /** The model variant's id in the grid (names the cache folder). */
  variant: string;
  /** The data set the trained models learn (MNIST by default). */
  data: {
    dataset: string;
    dataDir: string | null;
    trainLimit: number | null;
    testLimit: number | null;
  };
  shouldStop?(): boolean;
}

/** A built model and what training it recorded (numbers for the run record). */
export interface ModelBuild<M> {
  model: M;
  /** Training summary for the record's `constants` (empty for untrained models). */
  constants: Record<string, number>;
  /** Per-epoch / per-window training curves (series → [step, value][]). */
  curves: Record<string, [number, number][]>;
  /** The weights folder (trained models only). */
  weights: string | null;
}

export interface AisModelEntry extends RegistryEntry {
  defaults: Options;
  /** Whether it trains (and so is cached per model × seed). */
  trained: boolean;
  /** Range checks beyond types; `context` names the variant. */
  validate(options: Options, context: string): void;
  build(options: Options, ctx: ModelContext): Promise<ModelBuild<LatentModel>>;
}

export const aisModelRegistry = new Registry<AisModelEntry>('model');

/** Latent sizes of the trained models: Brekelmans et al. 2022, Sec. 6 (dz ∈ {2, 10, 100}). */
export const TRAINED_LATENT_DIMS = [2, 10, 100] as const;

const isPositiveInt = (v: Json | undefined) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1;

function check(ok: boolean, context: string, field: string, want: string, got: Json | undefined) {
  if (!ok)
    throw new UserError(
      `${context}: option '${field}' must be ${want}, got ${JSON.stringify(got)}`,
    );
}

function checkTrainedCommon(o: Options, context: string): void {
  if (!(TRAINED_LATENT_DIMS as readonly Json[]).includes(o['latentDim'] as Json)) {
    throw new UserError(
      `${context}: option 'latentDim' must be one of ${TRAINED_LATENT_DIMS.join(', ')} (the latent sizes of Brekelmans et al. 2022, Sec. 6), got ${JSON.stringify(o['latentDim'])}`,
    );
  }
  const hidden = o['hidden'] as Json[];
  check(
    Array.isArray(hidden) && hidden.length > 0 && hidden.every(isPositiveInt),
    context,
    'hidden',
    'a non-empty array of positive integers',
    hidden,
  );
  check(isPositiveInt(o['batchSize']), context, 'batchSize', 'a positive integer', o['batchSize']);
  const lr = o['learningRate'] as number;
  check(lr > 0 && Number.isFinite(lr), context, 'learningRate', 'a number > 0', lr);
}

/** The cache folder of a trained model: options, data and seed decide it. */
export function modelFolder(name: string, options: Options, ctx: ModelContext): string {
  const hash = createHash('sha256')
    .update(JSON.stringify({ name, options, data: ctx.data }))
    .digest('hex')
    .slice(0, 12);
  return join(ctx.resultsDir, 'models', `${ctx.variant}-${hash}`, `seed-${ctx.seed}`);
}

function loadImages(ctx: ModelContext) {
  const data = loadDataset({
    name: ctx.data.dataset,
    dir: ctx.data.dataDir ?? undefined,
    trainLimit: ctx.data.trainLimit ?? undefined,
    testLimit: ctx.data.testLimit ?? undefined,
  });
  return { train: data.train.images, test: data.test.images, dataDim: data.train.features };
}

/** Linear-Gaussian options and their defaults (the validation model: MI in closed form). */
export const LINEAR_GAUSSIAN_DEFAULTS = {
  /** dz. */
  latentDim: 2,
  /** dx. */
  dataDim: 5,
  /** Observation noise standard deviation σ. */
  sigma: 1,
  /**
   * Seed of W and b (W_jk, b_j ~ N(0, 1)): fixed across the run seeds, so every seed measures
   * the same model (one truth per model) on its own simulated pairs.
   */
  weightsSeed: 0,
} satisfies Options;

aisModelRegistry.register('linear-gaussian', {
  description:
    'p(x | z) = N(Wz + b, σ²I), z ~ N(0, I): I(X; Z) = ½ log det(I + WᵀW/σ²) in closed form (validation)',
  defaults: LINEAR_GAUSSIAN_DEFAULTS,
  trained: false,
  validate(options, context) {
    const o = resolveOptions(LINEAR_GAUSSIAN_DEFAULTS as Options, options, context);
    for (const field of ['latentDim', 'dataDim'])
      check(isPositiveInt(o[field]), context, field, 'a positive integer', o[field]);
    const sigma = o['sigma'] as number;
    check(sigma > 0 && Number.isFinite(sigma), context, 'sigma', 'a finite number > 0', sigma);
    check(
      Number.isInteger(o['weightsSeed']) && (o['weightsSeed'] as number) >= 0,
      context,
      'weightsSeed',
      'a non-negative integer',
      o['weightsSeed'],
    );
  },
  async build(options, ctx) {
    const o = resolveOptions(LINEAR_GAUSSIAN_DEFAULTS, options, `model '${ctx.variant}'`);
    const model = linearGaussian({
      latentDim: o.latentDim,
      dataDim: o.dataDim,
      sigma: o.sigma,
      seed: o.weightsSeed,
    });
    return { model, constants: {}, curves: {}, weights: null };
  },
});

/** VAE options and their defaults (the CPU-sized model; `paper` changes `hidden`). */
export const VAE_DEFAULTS = {
  /** dz ∈ {2, 10, 100}. */
  latentDim: 10,
  /** Encoder and decoder hidden widths: ~0.27M multiply-adds per decoder pass (issue 18). */
  hidden: [256, 256],
  /** Passes over the 60,000 training images. */
  epochs: 10,
  /** Minibatch (the usual MNIST VAE setting). */
  batchSize: 128,
  /** Adam (Kingma & Ba 2015 default). */
  learningRate: 1e-3,
  /** Starting log σ² of the learned observation variance (σ² = 0.1). */
  initLogVariance: Math.log(0.1),
} satisfies Options;

aisModelRegistry.register('vae', {
  description:
    'MNIST VAE decoder z → hidden → 784 (sigmoid mean), learned scalar observation variance; trained by ELBO (Adam) and cached per seed',
  defaults: VAE_DEFAULTS,
  trained: true,
  validate(options, context) {
    const o = resolveOptions(VAE_DEFAULTS as Options, options, context);
    checkTrainedCommon(o, context);
    check(isPositiveInt(o['epochs']), context, 'epochs', 'a positive integer', o['epochs']);
  },
  async build(options, ctx) {
    const o = resolveOptions(VAE_DEFAULTS, options, `model '${ctx.variant}'`);
    const folder = modelFolder('vae', o, ctx);
    const shape = (dataDim: number) => ({
      latentDim: o.latentDim,
      dataDim,
      hidden: o.hidden,
      initLogVariance: o.initLogVariance,
    });
    const { fresh } = await trainOnce(folder, async () => {
      const images = loadImages(ctx);
      const vae = new Vae(shape(images.dataDim), deriveSeed(ctx.seed, 'vae:init'));
      try {
        const history = await trainVae(
          vae,
          images.train,
          images.test,
          {
            epochs: o.epochs,
            batchSize: o.batchSize,
            learningRate: o.learningRate,
            seed: deriveSeed(ctx.seed, 'vae:train'),
          },
          undefined,
          ctx.shouldStop,
        );
        writeWeights(folder, exportVariables(vae.namedVariables()), {
          model: 'vae',
          options: o,
          data: ctx.data,
          seed: ctx.seed,
          dataDim: images.dataDim,
          history: history as unknown as Json,
        });
      } finally {
        vae.dispose();
      }
    });
    const { tensors, meta } = readWeights(folder);
    const info = meta as unknown as { dataDim: number; history: VaeEpoch[] };
    const vae = new Vae(shape(info.dataDim), 0);
    importVariables(vae.namedVariables(), tensors, folder);
    const variance = vae.variance();
    const last = info.history.at(-1)!;
    return {
      model: new GaussianDecoderModel('vae', vae.decoderMean(), variance),
      constants: {
        trainEpochs: info.history.length,
        trainLoss: last.loss,
        validationElbo: last.validationElbo,
        observationVariance: variance,
        trainSeconds: last.seconds,
        trainedHere: fresh ? 1 : 0,
      },
      curves: {
        trainLoss: info.history.map((e) => [e.epoch, e.loss]),
        validationElbo: info.history.map((e) => [e.epoch, e.validationElbo]),
      },
      weights: folder,
    };
  },
});

/** GAN options and their defaults. */
export const GAN_DEFAULTS = {
  /** dz ∈ {2, 10, 100}. */
  latentDim: 10,
  /** Generator (batch norm + relu) and discriminator (leaky relu) hidden widths. */
  hidden: [256, 256],
  /** GAN iterations (one discriminator and one generator step each). */
  iterations: 5_000,
  /** Minibatch (DCGAN: 128). */
  batchSize: 128,
  /** Adam learning rate of both players (DCGAN: 2e-4). */
  learningRate: 2e-4,
  /** Adam β1 (DCGAN: 0.5). */
  beta1: 0.5,
} satisfies Options;

aisModelRegistry.register('gan', {
  description: `MNIST GAN generator z → hidden (batch norm) → 784 with observation variance σ² = ${GAN_OBSERVATION_VARIANCE}; trained with gan-modes' GAN step and cached per seed`,
  defaults: GAN_DEFAULTS,
  trained: true,
  validate(options, context) {
    const o = resolveOptions(GAN_DEFAULTS as Options, options, context);
    checkTrainedCommon(o, context);
    check(
      isPositiveInt(o['iterations']),
      context,
      'iterations',
      'a positive integer',
      o['iterations'],
    );
    const beta1 = o['beta1'] as number;
    check(beta1 >= 0 && beta1 < 1, context, 'beta1', 'in [0, 1)', beta1);
    check(
      (o['batchSize'] as number) >= 2,
      context,
      'batchSize',
      'at least 2 (batch norm)',
      o['batchSize'],
    );
  },
  async build(options, ctx) {
    const o = resolveOptions(GAN_DEFAULTS, options, `model '${ctx.variant}'`);
    const folder = modelFolder('gan', o, ctx);
    const settings = { ...o, seed: deriveSeed(ctx.seed, 'gan') };
    const { fresh } = await trainOnce(folder, async () => {
      const images = loadImages(ctx);
      const result = await trainMnistGan(images.train, images.dataDim, settings, ctx.shouldStop);
      try {
        writeWeights(folder, exportVariables(generatorVariables(result.generator)), {
          model: 'gan',
          options: o,
          data: ctx.data,
          seed: ctx.seed,
          dataDim: images.dataDim,
          losses: result.losses as unknown as Json,
          seconds: result.seconds,
        });
      } finally {
        result.generator.dispose();
      }
    });
    const { tensors, meta } = readWeights(folder);
    const info = meta as unknown as {
      dataDim: number;
      seconds: number;
      losses: { iteration: number; discriminator: number; generator: number }[];
    };
    const generator = createMnistGenerator(settings, info.dataDim);
    importVariables(generatorVariables(generator), tensors, folder);
    const last = info.losses.at(-1)!;
    return {
      model: new GaussianDecoderModel('gan', generatorMean(generator), GAN_OBSERVATION_VARIANCE),
      constants: {
        trainIterations: o.iterations,
        discriminatorLoss: last.discriminator,
        generatorLoss: last.generator,
        observationVariance: GAN_OBSERVATION_VARIANCE,
        trainSeconds: info.seconds,
        trainedHere: fresh ? 1 : 0,
      },
      curves: {
        discriminatorLoss: info.losses.map((l) => [l.iteration, l.discriminator]),
        generatorLoss: info.losses.map((l) => [l.iteration, l.generator]),
      },
      weights: folder,
    };
  },
});
