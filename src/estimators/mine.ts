/**
 * MINE (Belghazi et al. 2018, Sec. 3.2 and Algorithm 1): the reported value is the
 * Donsker-Varadhan bound, but its minibatch gradient is biased (the gradient of log of a batch
 * mean), so the partition term's gradient is divided by a moving average m of the batch means
 * of exp(S) instead of by the batch mean itself:
 *
 *     Z_b = (1/(K(K−1))) Σ_{i≠j} exp(S_ij)                 (this batch's partition estimate)
 *     m  ← (1 − α)·m + α·Z_b      (m ← Z_b on the first batch)
 *     surrogate = (1/K) Σ_i S_ii − Z_b / stopgrad(m)
 *
 * ∇surrogate = ∇ mean diag − ∇Z_b / m: the DV gradient with the denominator Z_b replaced by m.
 * (Its value is not a bound; only the gradient matters.) α = 0.01 by default (Belghazi et al.
 * use a small rate; mine-pytorch's default `ema_decay` is 0.01 as well).
 *
 * Numerics: everything is kept in log space, log m ← logaddexp(log(1−α) + log m, log α + log
 * Z_b), and Z_b / m = exp(log Z_b − log m), so a 10-nat critic (scores ≫ 88) overflows neither.
 * The state lives on the backend (a variable) and is updated after the optimizer step, so the
 * training loop never reads it back. (One widely copied implementation computes the moving
 * average but never assigns it, which silently turns MINE into plain DV; a test checks that
 * ours moves.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { dv } from '../bounds/dv.ts';
import { diagonal } from '../bounds/infonce.ts';
import { logMeanExpOffDiagonal } from '../bounds/tuba.ts';
import type { Estimator, EstimatorBatch, TrainingTerms } from './entry.ts';
import { stopGradient } from './stop-gradient.ts';

let counter = 0;

export class MineEstimator implements Estimator {
  readonly kind = 'mine';
  readonly variables: tf.Variable[] = [];
  /** log m, the log of the moving average of the batch partition estimates (a scalar). */
  readonly logAverage: tf.Variable<tf.Rank.R0>;
  private initialized = false;
  private staged: tf.Scalar | null = null;

  /** `rate`: α of the moving average, in (0, 1]. */
  constructor(readonly rate: number) {
    // Not trainable: it is state, updated by `update()`, never by the optimizer.
    const zero = tf.scalar(0);
    this.logAverage = tf.variable(zero, false, `mine/log-average_${counter++}`);
    zero.dispose();
  }

  train({ scores }: EstimatorBatch): TrainingTerms {
    return tf.tidy(() => {
      const logPartition = logMeanExpOffDiagonal(scores); // log Z_b
      const fixed = stopGradient(logPartition);
      const logAverage = this.initialized
        ? tf.logSumExp(
            tf.stack([
              tf.add(this.logAverage, Math.log(1 - this.rate)),
              tf.add(fixed, Math.log(this.rate)),
            ]),
          )
        : fixed; // m ← Z_b on the first batch
      this.stage(tf.keep(logAverage as tf.Scalar));
      const ratio = tf.exp(tf.sub(logPartition, stopGradient(logAverage))); // Z_b / stopgrad(m)
      const surrogate = tf.sub(tf.mean(diagonal(scores)), ratio);
      return { loss: tf.neg(surrogate) as tf.Scalar, estimate: dv(scores) };
    });
  }

  /** The moving average and whether it was started (see {@link Estimator.checkpointState}). */
  get checkpointState() {
    return {
      variables: [this.logAverage as tf.Variable],
      flags: () => ({ initialized: this.initialized }),
      restore: (flags: Record<string, unknown>) => {
        this.initialized = flags['initialized'] === true;
      },
    };
  }

  private stage(value: tf.Scalar): void {
    this.staged?.dispose();
    this.staged = value;
  }

  update(): void {
    if (this.staged === null) return;
    this.logAverage.assign(this.staged);
    this.staged.dispose();
    this.staged = null;
    this.initialized = true;
  }

  estimate({ scores }: EstimatorBatch): tf.Scalar {
    return dv(scores);
  }

  ceiling(): number | null {
    return null;
  }

  dispose(): void {
    this.staged?.dispose();
    this.staged = null;
    this.logAverage.dispose();
  }
}
