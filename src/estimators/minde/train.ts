/**
 * Training of the MINDE network: denoising score matching on randomly chosen masks (Franzese et
 * al. 2024, §3.3; reference `src/libs/SDE.py` `VP_SDE.train_step`).
 *
 * Each batch element gets its own mask (a score function to learn, drawn with the weights of
 * `TRAINING_MASKS`), its own t from the time sampler (importance sampling: the same density as
 * the estimate, so training effort goes where the estimate's integrand puts its weight) and its
 * own noise ε. The network sees x_t = α_t x_0 + σ_t ε on the diffused variables, x_0 on the
 * conditions and zeros on the marginalised ones, and is trained to predict ε on the diffused
 * coordinates:
 *
 *   loss = mean_i  (1 + (d − n_i)/d) · Σ_{j diffused} (ε̂_ij − ε_ij)² / n_i,
 *
 * n_i = number of diffused coordinates of element i (the reference's weighting: a per-coordinate
 * mean, raised by the share of coordinates not diffused). (The reference draws one mask per
 * batch; per element gives every step a mix of the score functions, with the same expectation.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random.ts';
import { type MindeVariant, TRAINING_MASKS, writeRow } from './masks.ts';
import { concatRow, type Pairs } from './pairs.ts';
import type { ArrayAdam } from './parameters.ts';
import { alpha, sigma, type TimeSampler } from './sde.ts';

/** One training batch, as arrays (B rows, d = dx + dy). */
export interface DsmBatch {
  /** Network input (x_t / x_0 / zeros per variable): [B, d]. */
  input: Float32Array;
  /** Time codes of x and y: [B, 2]. */
  times: Float32Array;
  /** The noise ε to predict (0 where not diffused): [B, d]. */
  target: Float32Array;
  /** Per-coordinate loss weight (0 where not diffused): [B, d]. */
  weight: Float32Array;
}

/**
 * The batch of rows `rows` of `pairs`: masks, t and ε drawn from `rng` (per row: mask, then t,
 * then ε). Pure arrays.
 */
export function dsmBatch(
  pairs: Pairs,
  rows: ArrayLike<number>,
  variant: MindeVariant,
  sampler: TimeSampler,
  rng: Rng,
): DsmBatch {
  const { dx, dy } = pairs;
  const d = dx + dy;
  const b = rows.length;
  const masks = TRAINING_MASKS[variant];
  const out: DsmBatch = {
    input: new Float32Array(b * d),
    times: new Float32Array(b * 2),
    target: new Float32Array(b * d),
    weight: new Float32Array(b * d),
  };
  const clean = new Float64Array(d);
  const noisy = new Float64Array(d);
  for (let r = 0; r < b; r++) {
    const mask = masks[rng.int(masks.length)];
    const t = sampler.sample(rng, 1)[0];
    const a = alpha(t);
    const s = sigma(t);
    concatRow(pairs, rows[r], clean);
    const eps = rng.normalArray(d);
    for (let j = 0; j < d; j++) noisy[j] = a * clean[j] + s * eps[j]; // x_t = α x_0 + σ ε
    writeRow(mask, t, clean, noisy, dx, dy, out.input, r * d, out.times, r * 2);
    const diffused = (mask[0] === 'diffused' ? dx : 0) + (mask[1] === 'diffused' ? dy : 0);
    const w = (1 + (d - diffused) / d) / diffused;
    for (let j = 0; j < d; j++) {
      const on = mask[j < dx ? 0 : 1] === 'diffused';
      out.target[r * d + j] = on ? eps[j] : 0;
      out.weight[r * d + j] = on ? w : 0;
    }
  }
  return out;
}

/**
 * The denoising score-matching loss of `predict` on `batch` (see the module comment): a scalar
 * the caller disposes (or returns from a `minimize` closure).
 */
export function dsmLoss(
  predict: (input: tf.Tensor2D, times: tf.Tensor2D) => tf.Tensor2D,
  batch: DsmBatch,
  d: number,
): tf.Scalar {
  return tf.tidy(() => {
    const b = batch.times.length / 2;
    const input = tf.tensor2d(batch.input, [b, d]);
    const times = tf.tensor2d(batch.times, [b, 2]);
    const target = tf.tensor2d(batch.target, [b, d]);
    const weight = tf.tensor2d(batch.weight, [b, d]);
    const err = tf.sub(predict(input, times), target); // [B, d]
    return tf.mean(tf.sum(tf.mul(weight, tf.square(err)), 1)) as tf.Scalar; // mean_i Σ_j w (ε̂ − ε)²
  });
}

/** One Adam step (`parameters.ts`) on the DSM loss of `batch`; returns the loss before it. */
export function dsmStep(
  adam: ArrayAdam,
  predict: (input: tf.Tensor2D, times: tf.Tensor2D) => tf.Tensor2D,
  batch: DsmBatch,
  d: number,
): number {
  return adam.step(() => dsmLoss(predict, batch, d));
}
