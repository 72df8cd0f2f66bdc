/**
 * The GAN generator of experiment `ais-mi` (Brekelmans et al., ICLR 2022, Sec. 6, after Wu et
 * al. 2017): a generator G trained as a GAN on MNIST, made a likelihood model by Gaussian
 * observation noise of FIXED variance σ² = 0.03 (issue 18): p(x | z) = N(G(z), 0.03·I).
 *
 * It reuses `gan-modes`' machinery (`src/train/gan.ts`: the `Generator` with batch norm, the
 * `Discriminator`, and `ganStepper`'s non-saturating GAN step with Adam β1 = 0.5), with
 * MNIST's 784 pixels as the data dimension instead of 2 and no MI term. The generator's output
 * is linear (as in `gan-modes`); the batch norms use their running averages in the model.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../random.ts';
import { Discriminator, Generator, ganStepper } from '../train/gan.ts';
import { firstNonFinite, PendingScalars, yieldSometimes } from '../train/pending.ts';
import type { DecoderMean } from './decoder-model.ts';
import { TrainingStopped } from './weights-file.ts';

/** Observation variance of the GAN model (issue 18: σ² = 0.03). */
export const GAN_OBSERVATION_VARIANCE = 0.03;

/** Architecture and training of the MNIST GAN. */
export interface MnistGanSettings {
  /** dz. */
  latentDim: number;
  /** Generator hidden widths (batch norm + relu each); the discriminator's are the same. */
  hidden: number[];
  iterations: number;
  batchSize: number;
  /** Adam learning rate of both players (DCGAN / PacGAN: 2e-4 ... 1e-4). */
  learningRate: number;
  /** Adam β1 (DCGAN: 0.5). */
  beta1: number;
  seed: number;
}

/** The generator and the GAN losses every `every` iterations (means over the window). */
export interface MnistGanResult {
  generator: Generator;
  losses: { iteration: number; discriminator: number; generator: number }[];
  seconds: number;
}

/** Named variables of a generator, kernels, biases and batch-norm state (stable names). */
export function generatorVariables(generator: Generator): [string, tf.Variable][] {
  const out: [string, tf.Variable][] = [];
  for (const [k, layer] of generator.hidden.entries()) {
    out.push([`hidden${k}/kernel`, layer.kernel]);
    if (layer.bias) out.push([`hidden${k}/bias`, layer.bias]);
    if (layer.norm) {
      out.push([`hidden${k}/gamma`, layer.norm.gamma]);
      out.push([`hidden${k}/beta`, layer.norm.beta]);
      out.push([`hidden${k}/moving-mean`, layer.norm.movingMean]);
      out.push([`hidden${k}/moving-variance`, layer.norm.movingVariance]);
    }
  }
  out.push(['out/kernel', generator.output.kernel], ['out/bias', generator.output.bias]);
  return out;
}

/** A generator of the settings' shape (784 outputs, batch norm), seeded `init:generator`. */
export function createMnistGenerator(
  settings: Pick<MnistGanSettings, 'latentDim' | 'hidden' | 'seed'>,
  dataDim: number,
): Generator {
  return new Generator(
    settings.latentDim,
    settings.hidden,
    true,
    new Rng(deriveSeed(settings.seed, 'init:generator')),
    dataDim,
  );
}

/** Trains a GAN on `images` ([n, dataDim] row-major); the caller owns the returned generator. */
export async function trainMnistGan(
  images: Float32Array,
  dataDim: number,
  settings: MnistGanSettings,
  shouldStop?: () => boolean,
): Promise<MnistGanResult> {
  const generator = createMnistGenerator(settings, dataDim);
  const discriminator = new Discriminator(
    dataDim,
    settings.hidden,
    'leaky-relu', // DCGAN's discriminator activation (Radford et al. 2016, Sec. 3)
    new Rng(deriveSeed(settings.seed, 'init:discriminator')),
  );
  const stepper = ganStepper({
    generator,
    discriminator,
    mi: null,
    data: images,
    noise: 'normal',
    zDim: settings.latentDim,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    beta1: settings.beta1,
    seeds: {
      order: deriveSeed(settings.seed, 'data:order'),
      z: deriveSeed(settings.seed, 'noise:z'),
      c: deriveSeed(settings.seed, 'noise:c'),
      eval: deriveSeed(settings.seed, 'noise:eval'),
    },
  });
  const pending = new PendingScalars();
  const losses: MnistGanResult['losses'] = [];
  const every = Math.max(1, Math.round(settings.iterations / 20));
  const started = performance.now();
  const drain = (iteration: number) => {
    const values = pending.drain();
    const bad = firstNonFinite(values);
    if (bad >= 0) throw new Error(`GAN training: a loss is not finite near iteration ${iteration}`);
    let d = 0;
    let g = 0;
    for (let i = 0; i < values.length; i += 2) {
      d += values[i];
      g += values[i + 1];
    }
    const count = Math.max(1, values.length / 2);
    losses.push({ iteration, discriminator: d / count, generator: g / count });
  };
  try {
    for (let it = 0; it < settings.iterations; it++) {
      if (shouldStop?.()) throw new TrainingStopped();
      const out = stepper.step(it);
      pending.push(out.discriminator);
      pending.push(out.generator);
      if ((it + 1) % every === 0 || it + 1 === settings.iterations) drain(it + 1);
      await yieldSometimes();
    }
  } catch (error) {
    generator.dispose();
    throw error;
  } finally {
    stepper.dispose();
    pending.dispose();
    discriminator.dispose();
  }
  return { generator, losses, seconds: (performance.now() - started) / 1000 };
}

/** The generator in eval mode (batch-norm running averages) as a decoder mean; owns it. */
export function generatorMean(generator: Generator): DecoderMean {
  return {
    latentDim: generator.inDim,
    dataDim: generator.outDim,
    mean: (z) => generator.apply(z, false),
    dispose: () => generator.dispose(),
  };
}
