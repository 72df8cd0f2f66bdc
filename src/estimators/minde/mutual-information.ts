/**
 * MINDE's two estimates of I(X; Y) from score functions (Franzese, Bounoua & Michiardi, ICLR
 * 2024, §3; reference `src/libs/info_measures.py` `mi_cond`, `mi_joint`).
 *
 * Why a score difference measures information. For two distributions p, q diffused by the same
 * forward SDE (here the VP SDE of `sde.ts`), the time-reversal (Girsanov) argument gives
 *
 *   KL(p_0 ‖ q_0) = ½ ∫₀^T g(t)² E_{p_t} ‖∇log p_t(x_t) − ∇log q_t(x_t)‖² dt + KL(p_T ‖ q_T),
 *
 * and KL(p_T ‖ q_T) → 0 as both tend to N(0, I) (paper eq. 6–8; ≈ e^{−B(1)} ≈ 4·10⁻⁵ here).
 *
 * MINDE-C (conditional). I(X; Y) = E_y KL(p(x | y) ‖ p(x)); diffuse x alone, y stays clean:
 *   I ≈ ½ ∫ g(t)² E_{x_0,y,ε} ‖s(x_t) − s(x_t | y)‖² dt,
 * s(x_t) = ∇ log p_t(x_t), s(x_t | y) = ∇ log p_t(x_t | y).
 *
 * MINDE-J (joint). Diffuse x and y together at the same t. Entropies follow from the same
 * identity (paper eq. 9–10: H(X) = const_d − ½ ∫ g² E‖s(x_t)‖² dt …), and
 * I = H(X, Y) − H(X | Y) − H(Y | X) (the constants cancel: 2d = d + d), which the paper rewrites
 * (using E[s(x_t, y_t) · (s(x_t | y), s(y_t | x))] = E‖(s(x_t | y), s(y_t | x))‖², Tweedie) as
 *   I ≈ ½ ∫ g(t)² E ‖s(x_t, y_t) − (s(x_t | y_0), s(y_t | x_0))‖² dt.
 *
 * In terms of the predicted noise ε̂ = −σ_t s, g²‖Δs‖² = β/σ² ‖Δε̂‖²; with t ~ q (`sde.ts`),
 * the integral is E_q[w(t) ‖Δε̂‖²], w = β/(σ² q): each row i of the held-out split gets its own
 * t_i and ε_i, and one Monte Carlo draw of the estimate is the mean over rows of
 * ½ w(t_i) ‖Δε̂_i‖². Several draws give a mean and an sd (the reference averages `mc_iter` = 10).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random.ts';
import {
  CONDITIONAL_X,
  CONDITIONAL_Y,
  JOINT,
  MARGINAL_X,
  type Mask,
  type MindeVariant,
  writeRow,
} from './masks.ts';
import type { NoisePredictor } from './network.ts';
import { concatRow, type Pairs } from './pairs.ts';
import { alpha, sigma, type TimeSampler } from './sde.ts';

/** The score functions each estimate compares, in the order the integrand uses them. */
export const ESTIMATE_MASKS: Record<MindeVariant, readonly Mask[]> = {
  c: [MARGINAL_X, CONDITIONAL_X],
  j: [JOINT, CONDITIONAL_X, CONDITIONAL_Y],
};

/** Rows per forward pass (bounds the memory of one evaluation). */
const CHUNK_ROWS = 2048;

/**
 * ½ ‖Δε̂‖² of one row (without the weight w(t)); `preds[m]` is the prediction under
 * `ESTIMATE_MASKS[variant][m]`, row r of a [rows, d] array.
 * C: ½ Σ_{j < dx} (ε̂_marg − ε̂_cond)²; J: ½ ‖ε̂_joint − (ε̂_{x|y}[:dx], ε̂_{y|x}[dx:])‖².
 */
function halfSquaredGap(
  variant: MindeVariant,
  preds: Float32Array[],
  r: number,
  dx: number,
  d: number,
): number {
  let sum = 0;
  const base = r * d;
  if (variant === 'c') {
    for (let j = 0; j < dx; j++) sum += (preds[0][base + j] - preds[1][base + j]) ** 2;
  } else {
    for (let j = 0; j < d; j++) {
      const cond = j < dx ? preds[1] : preds[2];
      sum += (preds[0][base + j] - cond[base + j]) ** 2;
    }
  }
  return 0.5 * sum;
}

/**
 * One Monte Carlo draw of the MINDE-`variant` estimate (nats) on `pairs`: per row a t from
 * `sampler` and a fresh ε (from `rng`, times first, then noise, row by row), the mean over rows
 * of ½ w(t) ‖Δε̂‖². Creates and disposes its own tensors.
 */
export function mindeDraw(
  predictor: NoisePredictor,
  variant: MindeVariant,
  pairs: Pairs,
  sampler: TimeSampler,
  rng: Rng,
): number {
  const { n, dx, dy } = pairs;
  const d = dx + dy;
  const masks = ESTIMATE_MASKS[variant];
  const t = sampler.sample(rng, n);
  const noise = rng.normalArray(n * d); // ε: [n, d]
  const clean = new Float64Array(d);
  const noisy = new Float64Array(d);
  let total = 0;
  for (let first = 0; first < n; first += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - first);
    const inputs = masks.map(() => new Float32Array(rows * d)); // per mask: [rows, d]
    const times = masks.map(() => new Float32Array(rows * 2)); // per mask: [rows, 2]
    for (let r = 0; r < rows; r++) {
      const i = first + r;
      concatRow(pairs, i, clean);
      const a = alpha(t[i]);
      const s = sigma(t[i]);
      for (let j = 0; j < d; j++) noisy[j] = a * clean[j] + s * noise[i * d + j]; // x_t = α x_0 + σ ε
      for (const [m, mask] of masks.entries()) {
        writeRow(mask, t[i], clean, noisy, dx, dy, inputs[m], r * d, times[m], r * 2);
      }
    }
    const preds = masks.map((_, m) => {
      const input = tf.tensor2d(inputs[m], [rows, d]);
      const time = tf.tensor2d(times[m], [rows, 2]);
      const out = predictor.predict(input, time); // ε̂: [rows, d]
      const values = out.dataSync() as Float32Array;
      tf.dispose([input, time, out]);
      return values;
    });
    for (let r = 0; r < rows; r++) {
      total += sampler.weight(t[first + r]) * halfSquaredGap(variant, preds, r, dx, d);
    }
  }
  return total / n;
}

/** Mean and sd over Monte Carlo draws. */
export interface DrawSummary {
  /** Mean over draws (nats). */
  mean: number;
  /** Sample sd over draws (n − 1; 0 for one draw): the Monte Carlo error of one draw. */
  sd: number;
  draws: number[];
}

/** `draws` draws of {@link mindeDraw}, summarized. */
export function mindeEstimate(
  predictor: NoisePredictor,
  variant: MindeVariant,
  pairs: Pairs,
  sampler: TimeSampler,
  rng: Rng,
  draws: number,
): DrawSummary {
  const values = Array.from({ length: draws }, () =>
    mindeDraw(predictor, variant, pairs, sampler, rng),
  );
  const mean = values.reduce((a, b) => a + b, 0) / draws;
  const sd =
    draws < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (draws - 1));
  return { mean, sd, draws: values };
}
