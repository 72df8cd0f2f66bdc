/**
 * Batch normalization over the batch axis of [B, d] activations (Ioffe & Szegedy 2015), for
 * the GAN generator of `gan-modes` (PacGAN's generator uses it; Lin et al. 2018, App. B):
 *
 *     train:  y = γ·(x − μ_B)/√(σ²_B + ε) + β,  μ_B, σ²_B = batch mean and biased variance
 *     eval:   y = γ·(x − μ̄)/√(σ̄² + ε) + β,    μ̄, σ̄² = running averages
 *
 * Running averages follow PyTorch's `BatchNorm1d` (momentum 0.1, ε = 1e-5): μ̄ ← (1 − m)·μ̄ +
 * m·μ_B and σ̄² ← (1 − m)·σ̄² + m·σ²_B·B/(B − 1) (the unbiased batch variance), starting at 0
 * and 1. A train-mode call with `stage = true` keeps its batch statistics; {@link update}
 * applies them after the optimizer step (so the gradient tape never sees an assignment).
 */
import * as tf from '@tensorflow/tfjs-core';
import { namedVariable } from './layers.ts';

/** PyTorch BatchNorm1d defaults: running-average rate 0.1, ε = 1e-5. */
export const BATCH_NORM_MOMENTUM = 0.1;
export const BATCH_NORM_EPSILON = 1e-5;

export class BatchNorm {
  /** γ: [d], starts at 1. */
  readonly gamma: tf.Variable<tf.Rank.R1>;
  /** β: [d], starts at 0. */
  readonly beta: tf.Variable<tf.Rank.R1>;
  /** Running mean μ̄: [d] (state, not trained). */
  readonly movingMean: tf.Variable<tf.Rank.R1>;
  /** Running variance σ̄²: [d] (state, not trained). */
  readonly movingVariance: tf.Variable<tf.Rank.R1>;
  private staged: { mean: tf.Tensor1D; variance: tf.Tensor1D; rows: number } | null = null;

  constructor(
    name: string,
    readonly dim: number,
    readonly momentum = BATCH_NORM_MOMENTUM,
    readonly epsilon = BATCH_NORM_EPSILON,
  ) {
    this.gamma = namedVariable(`${name}/gamma`, tf.ones([dim])) as tf.Variable<tf.Rank.R1>;
    this.beta = namedVariable(`${name}/beta`, tf.zeros([dim])) as tf.Variable<tf.Rank.R1>;
    const mean = tf.zeros([dim]);
    const variance = tf.ones([dim]);
    this.movingMean = tf.variable(
      mean,
      false,
      `${name}/moving-mean_${this.gamma.name}`,
    ) as tf.Variable<tf.Rank.R1>;
    this.movingVariance = tf.variable(
      variance,
      false,
      `${name}/moving-variance_${this.gamma.name}`,
    ) as tf.Variable<tf.Rank.R1>;
    tf.dispose([mean, variance]);
  }

  /** The trainable variables (γ, β). */
  get variables(): tf.Variable[] {
    return [this.gamma, this.beta];
  }

  /**
   * x: [B, d] → [B, d]. `training`: batch statistics (and, with `stage`, keep them for
   * {@link update}); else the running averages. The caller disposes the result.
   */
  apply(x: tf.Tensor2D, training: boolean, stage = false): tf.Tensor2D {
    return tf.tidy(() => {
      let mean: tf.Tensor1D;
      let variance: tf.Tensor1D;
      if (training) {
        const moments = tf.moments(x, 0); // mean, biased variance: [d]
        mean = moments.mean as tf.Tensor1D;
        variance = moments.variance as tf.Tensor1D;
        if (stage) {
          this.discardStaged();
          this.staged = {
            mean: tf.keep(tf.clone(mean)),
            variance: tf.keep(tf.clone(variance)),
            rows: x.shape[0],
          };
        }
      } else {
        mean = this.movingMean;
        variance = this.movingVariance;
      }
      const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(variance, this.epsilon))); // [d]
      return tf.add(tf.mul(tf.sub(x, mean), scale), this.beta) as tf.Tensor2D; // [B, d]
    });
  }

  /** Applies the staged batch statistics to the running averages (no-op when none). */
  update(): void {
    if (!this.staged) return;
    const { mean, variance, rows } = this.staged;
    const m = this.momentum;
    const unbiased = rows > 1 ? rows / (rows - 1) : 1;
    tf.tidy(() => {
      this.movingMean.assign(tf.add(tf.mul(this.movingMean, 1 - m), tf.mul(mean, m)));
      this.movingVariance.assign(
        tf.add(tf.mul(this.movingVariance, 1 - m), tf.mul(variance, m * unbiased)),
      );
    });
    this.discardStaged();
  }

  private discardStaged(): void {
    if (this.staged) tf.dispose([this.staged.mean, this.staged.variance]);
    this.staged = null;
  }

  dispose(): void {
    this.discardStaged();
    tf.dispose([this.gamma, this.beta, this.movingMean, this.movingVariance]);
  }
}
