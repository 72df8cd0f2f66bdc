/**
 * Proposals r(z | x) for importance sampling and AIS: diagonal Gaussians whose mean and log
 * standard deviation are functions of x. The prior N(0, I) is the proposal that ignores x; the
 * learned one is an MLP encoder q(z | x) trained on fresh simulated pairs (x, z) ~ p(x, z) to
 * maximize E[log q(z | x)] (Barber & Agakov 2003), optionally followed by ELBO steps.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Options, Seed } from '../types.ts';
import type { LatentModel } from './model.ts';

/** A diagonal-Gaussian proposal r(z | x) = N(mean(x), diag(exp(2·logStd(x)))). */
export interface Proposal {
  /** `prior` or `learned`. */
  readonly kind: string;
  readonly latentDim: number;
  /**
   * mean, logStd: x [n, dx] → [n, dz] each. The caller owns both. Gradients flow to the
   * proposal's variables (training) but callers of the bounds treat them as constants.
   */
  gaussian(x: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D };
  /** Trainable variables ([] for the prior). */
  readonly variables: tf.Variable[];
  /** Seconds spent training it (0 for the prior). */
  readonly seconds: number;
  dispose(): void;
}

/** Options of {@link trainProposal}; every field has a default in `PROPOSAL_DEFAULTS`. */
export interface ProposalOptions extends Options {
  /** Hidden widths of the encoder MLP (relu). */
  hidden: number[];
  /** Adam steps maximizing E[log q(z | x)] on fresh pairs. */
  steps: number;
  /** Fresh simulated pairs per step. */
  batchSize: number;
  /** Adam learning rate. */
  learningRate: number;
  /** ELBO steps after the Barber-Agakov ones (reparameterized, one sample); 0 = none. */
  elboSteps: number;
}

export const PROPOSAL_DEFAULTS: ProposalOptions = {
  hidden: [256, 256],
  steps: 2000,
  batchSize: 128,
  learningRate: 1e-3,
  elboSteps: 0,
};

/** The prior N(0, I) as a proposal (ignores x). */
export function priorProposal(latentDim: number): Proposal {
  void latentDim;
  throw new Error('not implemented');
}

/**
 * A diagonal-Gaussian encoder q(z | x) trained on fresh draws of `model` (seeds split into
 * init / data). `options` are overrides of `PROPOSAL_DEFAULTS` (validated). The caller disposes.
 */
export function trainProposal(model: LatentModel, options: Options, seed: Seed): Proposal {
  void model;
  void options;
  void seed;
  throw new Error('not implemented');
}
