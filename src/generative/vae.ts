/**
 * The MNIST VAE of experiment `ais-mi` (Brekelmans et al., ICLR 2022, Sec. 6; issue 18):
 *
 *     encoder q(z | x) = N(μ(x), diag exp(s(x))):  x [784] → hidden (relu) → [μ; s] [2·dz]
 *     decoder g(z) = sigmoid(MLP(z)):             z [dz] → hidden (relu) → [784]
 *     p(x | z) = N(g(z), σ² I),  σ² = exp(logVariance), ONE scalar, LEARNED with the ELBO
 *
 * Observation variance: learned, one scalar shared by the 784 pixels. Why: with a fixed σ² the
 * model's likelihood (and so its MI, which is what the experiment measures) depends on an
 * arbitrary constant; the ELBO-optimal shared σ² is the decoder's mean squared reconstruction
 * error, i.e. the maximum-likelihood noise level of the trained decoder. A per-pixel σ² is not
 * used: the always-black border pixels would drive their σ² to 0 and log p(x | z) to +∞.
 *
 * Training (`trainVae`): the ELBO E_q[log p(x | z)] − KL(q(z | x) ‖ N(0, I)) with one
 * reparameterized sample per image (Kingma & Welling 2014), KL in closed form, Adam, pixels in
 * [0, 1] as loaded; the validation ELBO is on the test split with fixed noise. Sizes: hidden
 * [256, 256] is ~0.27M multiply-adds per decoder pass at dz = 10 (10·256 + 256·256 + 256·784);
 * the paper's 3 × 1024 is ~2.9M (11x).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  applyMlp,
  createDenseStack,
  type DenseLayer,
  denseVariables,
  namedVariable,
} from '../encoders/layers.ts';
import { deriveSeed, Rng } from '../random.ts';
import { firstNonFinite, yieldSometimes } from '../train/pending.ts';
import { type DecoderMean, gaussianLogDensity } from './decoder-model.ts';
import { type NamedArray, TrainingStopped } from './weights-file.ts';

/** Architecture of the VAE. */
export interface VaeShape {
  /** dz. Issue 18: {2, 10} (and 100 in `paper`). */
  latentDim: number;
  /** dx (784 for MNIST). */
  dataDim: number;
  /** Hidden widths of the encoder and of the decoder (mirrored). CPU default [256, 256]. */
  hidden: number[];
  /** Starting log σ² of the observation noise. log 0.1 ≈ −2.3: blurry but not flat. */
  initLogVariance: number;
}

/** How the VAE is trained. */
export interface VaeTraining {
  /** Passes over the training images. */
  epochs: number;
  batchSize: number;
  /** Adam learning rate (1e-3: Kingma & Ba's default, the usual VAE setting). */
  learningRate: number;
  /** Seeds: `init` (weights), `order` (batch order), `noise` (reparameterization). */
  seed: number;
}

/** One epoch of training, as recorded in the weights file's meta and the run records. */
export interface VaeEpoch {
  epoch: number;
  /** Mean −ELBO over the epoch's batches (nats per image). */
  loss: number;
  /** ELBO on the validation images (nats per image, one fixed sample each). */
  validationElbo: number;
  /** σ² after the epoch. */
  variance: number;
  seconds: number;
}

export class Vae {
  readonly encoder: DenseLayer[];
  readonly decoder: DenseLayer[];
  readonly logVariance: tf.Variable<tf.Rank.R0>;
  readonly variables: tf.Variable[];

  constructor(
    readonly shape: VaeShape,
    seed: number,
  ) {
    const rng = new Rng(seed);
    const glorot = { kind: 'glorot-uniform' } as const;
    const { latentDim: dz, dataDim: dx, hidden } = shape;
    this.encoder = createDenseStack(rng, 'vae/encoder', dx, [...hidden, 2 * dz], glorot);
    this.decoder = createDenseStack(rng, 'vae/decoder', dz, [...hidden, dx], glorot);
    this.logVariance = namedVariable(
      'vae/log-variance',
      tf.scalar(shape.initLogVariance),
    ) as tf.Variable<tf.Rank.R0>;
    this.variables = [
      ...denseVariables(this.encoder),
      ...denseVariables(this.decoder),
      this.logVariance,
    ];
  }

  /** g(z): z [n, dz] → [n, dx] in (0, 1). The caller owns the result. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(applyMlp(this.decoder, z)));
  }

  /** q(z | x) parameters: x [n, dx] → μ, log-variance s, each [n, dz]. Caller owns both. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      const h = applyMlp(this.encoder, x); // [n, 2·dz]
      const dz = this.shape.latentDim;
      return {
        mean: tf.slice(h, [0, 0], [-1, dz]) as tf.Tensor2D,
        logVar: tf.slice(h, [0, dz], [-1, dz]) as tf.Tensor2D,
      };
    });
  }

  /**
   * ELBO per image with the reparameterized sample z = μ + exp(s/2)·ε: x [n, dx], eps [n, dz] →
   * [n]. KL(N(μ, e^s) ‖ N(0, I)) = ½ Σ_k (μ_k² + e^{s_k} − 1 − s_k). Caller owns the result.
   */
  elbo(x: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { mean, logVar } = this.encode(x); // [n, dz] each
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D; // [n, dz]
      const reconstruction = gaussianLogDensity(x, this.decode(z), this.logVariance); // [n]
      const kl = tf.mul(
        0.5,
        tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(1, logVar)), 1),
      ); // [n]
      return tf.sub(reconstruction, kl) as tf.Tensor1D;
    });
  }

  /** σ² (one device read). */
  variance(): number {
    return Math.exp(this.logVariance.dataSync()[0]);
  }

  /** The decoder as the mean of a {@link GaussianDecoderModel} (shares this VAE's weights). */
  decoderMean(): DecoderMean {
    return {
      latentDim: this.shape.latentDim,
      dataDim: this.shape.dataDim,
      mean: (z) => this.decode(z),
      dispose: () => this.dispose(),
    };
  }

  /** Every variable by a stable name (`encoder/dense0/kernel`, ..., `log-variance`). */
  namedVariables(): [string, tf.Variable][] {
    const stack = (prefix: string, layers: DenseLayer[]) =>
      layers.flatMap((l, k): [string, tf.Variable][] => [
        [`${prefix}/dense${k}/kernel`, l.kernel],
        [`${prefix}/dense${k}/bias`, l.bias],
      ]);
    return [
      ...stack('encoder', this.encoder),
      ...stack('decoder', this.decoder),
      ['log-variance', this.logVariance],
    ];
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/** Values of named variables (one device read each), for {@link writeWeights}. */
export function exportVariables(named: [string, tf.Variable][]): NamedArray[] {
  return named.map(([name, v]) => ({
    name,
    shape: v.shape,
    values: Float32Array.from(v.dataSync() as Float32Array),
  }));
}

/** Assigns saved values to named variables; a missing name or a shape mismatch throws. */
export function importVariables(
  named: [string, tf.Variable][],
  saved: Map<string, NamedArray>,
  source: string,
): void {
  for (const [name, v] of named) {
    const entry = saved.get(name);
    if (!entry || entry.shape.join(',') !== v.shape.join(',')) {
      throw new Error(
        `${source}: no weights '${name}' of shape [${v.shape}] (model and file differ)`,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(entry.values, entry.shape)));
  }
}

/** Mean ELBO over `x` ([n, dx] row-major) in batches, with fixed noise from `seed`. */
export function meanElbo(vae: Vae, x: Float32Array, seed: number, batchSize = 500): number {
  const { dataDim: dx, latentDim: dz } = vae.shape;
  const n = x.length / dx;
  const rng = new Rng(seed);
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start);
    const sum = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(start * dx, (start + rows) * dx), [rows, dx]);
      const eps = tf.tensor2d(rng.normalArray(rows * dz), [rows, dz]);
      return tf.sum(vae.elbo(xb, eps));
    });
    total += sum.dataSync()[0];
    sum.dispose();
  }
  return total / n;
}

/**
 * Trains `vae` on `train` ([n, dx] row-major) for `training.epochs` epochs, evaluating the
 * validation ELBO on `validation` after each; `onEpoch` sees each epoch's summary. Losses stay
 * on the backend within an epoch (one read per epoch). Throws on a non-finite loss.
 */
export async function trainVae(
  vae: Vae,
  train: Float32Array,
  validation: Float32Array,
  training: VaeTraining,
  onEpoch?: (epoch: VaeEpoch) => void,
  shouldStop?: () => boolean,
): Promise<VaeEpoch[]> {
  const { dataDim: dx, latentDim: dz } = vae.shape;
  const n = train.length / dx;
  const optimizer = tf.train.adam(training.learningRate);
  const order = new Rng(deriveSeed(training.seed, 'order'));
  const noise = new Rng(deriveSeed(training.seed, 'noise'));
  const history: VaeEpoch[] = [];
  const started = performance.now();
  const batch = new Float32Array(training.batchSize * dx);
  try {
    for (let epoch = 1; epoch <= training.epochs; epoch++) {
      const permutation = order.permutation(n);
      const losses: tf.Scalar[] = [];
      // Full batches only (the last partial batch of each epoch is dropped).
      for (let start = 0; start + training.batchSize <= n; start += training.batchSize) {
        if (shouldStop?.()) throw new TrainingStopped();
        for (let i = 0; i < training.batchSize; i++) {
          const row = permutation[start + i];
          batch.set(train.subarray(row * dx, (row + 1) * dx), i * dx);
        }
        const loss = tf.tidy(() => {
          const xb = tf.tensor2d(batch, [training.batchSize, dx]); // [B, dx]
          const eps = tf.tensor2d(noise.normalArray(training.batchSize * dz), [
            training.batchSize,
            dz,
          ]); // [B, dz]
          return optimizer.minimize(
            () => tf.neg(tf.mean(vae.elbo(xb, eps))) as tf.Scalar,
            true,
            vae.variables,
          ) as tf.Scalar;
        });
        losses.push(loss);
        await yieldSometimes();
      }
      const stacked = losses.length ? tf.stack(losses) : null; // [batches]
      const values = stacked ? (stacked.dataSync() as Float32Array) : new Float32Array();
      tf.dispose([...losses, ...(stacked ? [stacked] : [])]);
      const bad = firstNonFinite(values);
      if (bad >= 0) throw new Error(`VAE training: the loss is not finite at epoch ${epoch}`);
      const summary: VaeEpoch = {
        epoch,
        loss: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
        validationElbo: meanElbo(vae, validation, deriveSeed(training.seed, 'validation')),
        variance: vae.variance(),
        seconds: (performance.now() - started) / 1000,
      };
      history.push(summary);
      onEpoch?.(summary);
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}
