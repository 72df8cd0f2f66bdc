/**
 * What the annealed and importance-sampling bounds need of a generative model (Brekelmans,
 * Huang, Ghassemi, Ver Steeg, Grosse & Makhzani, "Improving Mutual Information Estimation with
 * Annealed and Energy-Based Bounds", ICLR 2022): a prior p(z) and a likelihood p(x | z) that
 * can be evaluated (and differentiated in z), and a seeded sampler of the joint. With them,
 *   I(X; Z) = E_{p(x,z)}[log p(x | z)] − E_{p(x)}[log p(x)],
 * the first term is computed exactly from the simulated z_i, and log p(x) is sandwiched.
 * Imports nothing else from `src/ais/`, so every module can depend on it.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** N simulated pairs: x [N, dx], z [N, dz] (z_i is an exact posterior sample given x_i). */
export interface JointSample {
  x: tf.Tensor2D;
  z: tf.Tensor2D;
}

/** A generative model with a known likelihood: z ~ p(z), x ~ p(x | z). */
export interface LatentModel {
  /** Registry-style id for records, e.g. `linear-gaussian`. */
  readonly kind: string;
  readonly latentDim: number;
  readonly dataDim: number;
  /** log p(z) per row: z [n, dz] → [n]; differentiable in z. The caller owns the result. */
  logPrior(z: tf.Tensor2D): tf.Tensor1D;
  /**
   * log p(x | z) per row: x [n, dx], z [n, dz] → [n]; differentiable in z (HMC needs ∇z).
   * The caller owns the result.
   */
  logLikelihood(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D;
  /** n joint draws (x_i, z_i), seeded. The caller disposes both tensors. */
  sample(n: number, seed: number): JointSample;
  /** Closed-form I(X; Z) in nats where known (linear-Gaussian), else undefined. */
  readonly trueMI?: number;
  /**
   * Exact log p(x) per row where known (linear-Gaussian): x [n, dx] → [n]. With it a run
   * reports the MI of its own N simulated pairs, (1/N) Σ_i [log p(x_i | z_i) − log p(x_i)],
   * which every bound sandwiches (in expectation over the proposal draws), unlike the
   * population `trueMI`, from which the N-sample mean differs by its own sampling noise.
   */
  logMarginal?(x: tf.Tensor2D): Float64Array;
  /** Frees the model's own tensors (weights). */
  dispose(): void;
}

/** log(2π), of every Gaussian density here. */
export const LOG_2PI = Math.log(2 * Math.PI);
