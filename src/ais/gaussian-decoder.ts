/**
 * A LatentModel from any decoder g: z ~ N(0, I_dz), x | z ~ N(g(z), σ² I_dx), the form of the
 * paper's VAE and GAN models (a GAN generator with fixed σ² = 0.03, Brekelmans et al. 2022,
 * Sec. 6). Also used by the bench with a random MLP decoder z → 256 → 256 → 784.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyMlp, createDenseStack, type DenseLayer } from '../encoders/layers.ts';
import { deriveSeed, Rng } from '../random.ts';
import { type LatentModel, LOG_2PI } from './model.ts';

export interface GaussianDecoderArgs {
  kind: string;
  latentDim: number;
  dataDim: number;
  /** Observation noise standard deviation σ. */
  sigma: number;
  /** g: z [n, dz] → mean [n, dx]; differentiable in z. The caller owns the result. */
  decode(z: tf.Tensor2D): tf.Tensor2D;
  /** Frees the decoder's weights (called by the model's `dispose`). */
  disposeDecoder?(): void;
}

/** The model p(z) p(x | z) with a Gaussian observation model around `decode(z)`. */
export function gaussianDecoderModel(args: GaussianDecoderArgs): LatentModel {
  const { latentDim: dz, dataDim: dx, sigma } = args;
  const logNorm = -0.5 * dx * (LOG_2PI + 2 * Math.log(sigma));
  return {
    kind: args.kind,
    latentDim: dz,
    dataDim: dx,
    logPrior: (z) =>
      tf.tidy(
        () => tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * dz * LOG_2PI) as tf.Tensor1D,
      ),
    logLikelihood: (x, z) =>
      tf.tidy(() => {
        const sq = tf.sum(tf.square(tf.sub(x, args.decode(z))), 1); // [n]
        return tf.add(tf.mul(-0.5 / sigma ** 2, sq), logNorm) as tf.Tensor1D;
      }),
    sample(n, seed) {
      return tf.tidy(() => {
        const z = tf.tensor2d(new Rng(deriveSeed(seed, 'latent')).normalArray(n * dz), [n, dz]);
        const noise = tf.tensor2d(new Rng(deriveSeed(seed, 'noise')).normalArray(n * dx), [n, dx]);
        return { x: tf.add(args.decode(z), tf.mul(sigma, noise)) as tf.Tensor2D, z };
      });
    },
    dispose: () => args.disposeDecoder?.(),
  };
}

/** A decoder MLP with random (glorot) weights, relu hidden layers, linear output. */
export function randomMlpDecoder(
  latentDim: number,
  widths: number[],
  sigma: number,
  seed: number,
): LatentModel {
  const layers: DenseLayer[] = createDenseStack(new Rng(seed), 'decoder', latentDim, widths, {
    kind: 'glorot-uniform',
  });
  return gaussianDecoderModel({
    kind: 'random-mlp-decoder',
    latentDim,
    dataDim: widths[widths.length - 1] as number,
    sigma,
    decode: (z) => applyMlp(layers, z),
    disposeDecoder: () => {
      for (const l of layers) {
        l.kernel.dispose();
        l.bias.dispose();
      }
    },
  });
}
