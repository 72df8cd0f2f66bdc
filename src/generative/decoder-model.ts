/**
 * A latent-variable model with a Gaussian observation model around a decoder's mean:
 *
 *     z ~ p(z) = N(0, I_dz),    x | z ~ N(g(z), σ² I_dx)
 *
 * so log p(x | z) = −½ [ Σ_j (x_j − g_j(z))² / σ² + dx·log(2πσ²) ] and
 * log p(z) = −½ [ Σ_k z_k² + dz·log(2π) ]. This is the {@link LatentModel} of `src/ais/model.ts`
 for the MNIST VAE decoder (`vae.ts`) and the GAN generator (`mnist-gan.ts`);
 * the bounds of `src/ais/` only call these four members. {@link randomMlpDecoder} builds one
 * around an untrained MLP (the bench's AIS transition).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LatentModel } from '../ais/model.ts';
import { applyMlp, createDenseStack } from '../encoders/layers.ts';
import { deriveSeed, Rng } from '../random.ts';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * log N(x; mean, exp(logVariance)·I) per row: x, mean [n, d], logVariance a scalar (number or
 * a 0-d tensor, differentiable) → [n]. The caller owns the result.
 */
export function gaussianLogDensity(
  x: tf.Tensor2D,
  mean: tf.Tensor2D,
  logVariance: number | tf.Scalar,
): tf.Tensor1D {
  return tf.tidy(() => {
    const d = x.shape[1];
    const logVar = typeof logVariance === 'number' ? tf.scalar(logVariance) : logVariance;
    const squared = tf.sum(tf.square(tf.sub(x, mean)), 1); // [n]
    return tf.mul(
      -0.5,
      tf.add(tf.mul(squared, tf.exp(tf.neg(logVar))), tf.mul(d, tf.add(LOG_2PI, logVar))),
    ) as tf.Tensor1D; // [n]
  });
}

/** log N(z; 0, I) per row: z [n, dz] → [n]. The caller owns the result. */
export function standardNormalLogDensity(z: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(
    () => tf.mul(-0.5, tf.add(tf.sum(tf.square(z), 1), z.shape[1] * LOG_2PI)) as tf.Tensor1D,
  );
}

/** A decoder mean g: z [n, dz] → [n, dx] (the caller of `mean` owns its result). */
export interface DecoderMean {
  latentDim: number;
  dataDim: number;
  mean(z: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** The model p(z) p(x | z) above, for a fixed decoder and a fixed observation variance σ². */
export class GaussianDecoderModel implements LatentModel {
  readonly latentDim: number;
  readonly dataDim: number;
  /** No closed form for a nonlinear decoder. */
  readonly trueMI = undefined;
  private readonly logVariance: number;

  constructor(
    /** Model id for records (`vae`, `gan`). */
    readonly kind: string,
    private readonly decoder: DecoderMean,
    /** σ² of the observation noise. */
    readonly variance: number,
  ) {
    this.latentDim = decoder.latentDim;
    this.dataDim = decoder.dataDim;
    this.logVariance = Math.log(variance);
  }

  /** z: [n, dz] → [n]. */
  logPrior(z: tf.Tensor2D): tf.Tensor1D {
    return standardNormalLogDensity(z);
  }

  /** x: [n, dx], z: [n, dz] → [n]; differentiable in z (through the decoder). */
  logLikelihood(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => gaussianLogDensity(x, this.decoder.mean(z), this.logVariance));
  }

  /**
   * n joint draws: z ~ N(0, I) (seed `z`), x = g(z) + σ·ε (seed `noise`). The caller owns both
   * tensors.
   */
  sample(n: number, seed: number): { x: tf.Tensor2D; z: tf.Tensor2D } {
    const zValues = new Rng(deriveSeed(seed, 'z')).normalArray(n * this.latentDim);
    const noise = new Rng(deriveSeed(seed, 'noise')).normalArray(
      n * this.dataDim,
      Math.sqrt(this.variance),
    );
    const z = tf.tensor2d(zValues, [n, this.latentDim]); // [n, dz]
    const x = tf.tidy(() =>
      tf.add(this.decoder.mean(z), tf.tensor2d(noise, [n, this.dataDim])),
    ) as tf.Tensor2D; // [n, dx]
    return { x, z };
  }

  dispose(): void {
    this.decoder.dispose();
  }
}

/**
 * The model above around an MLP decoder with random (glorot-uniform) weights, relu hidden
 * layers and a linear output: z [n, dz] → widths… → [n, widths.at(-1)], noise σ (a standard
 * deviation). What the bench times one AIS transition on (no training needed).
 */
export function randomMlpDecoder(
  latentDim: number,
  widths: number[],
  sigma: number,
  seed: number,
): GaussianDecoderModel {
  const layers = createDenseStack(new Rng(seed), 'decoder', latentDim, widths, {
    kind: 'glorot-uniform',
  });
  const decoder: DecoderMean = {
    latentDim,
    dataDim: widths[widths.length - 1] as number,
    mean: (z) => applyMlp(layers, z) as tf.Tensor2D,
    dispose: () => {
      for (const l of layers) {
        l.kernel.dispose();
        l.bias.dispose();
      }
    },
  };
  return new GaussianDecoderModel('random-mlp-decoder', decoder, sigma ** 2);
}
