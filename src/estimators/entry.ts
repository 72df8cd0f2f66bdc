/**
 * What an estimator is (DESIGN §2b): how a critic is *trained* to estimate MI (a loss, possibly
 * with state such as MINE's moving average, a surrogate such as JS, or variables of its own such
 * as a learned baseline) plus which *value* it reports. Bounds (`src/bounds/`) stay pure
 * `scores → scalar` functions; an estimator composes them.
 *
 * Every tensor here follows the scores convention of `src/types.ts`: `scores[i][j] =
 * f(x_i, y_j)`, rows = view-1 samples, diagonal = joint pairs.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { RegistryEntry } from '../registry.ts';
import type { Options, Seed } from '../types.ts';

/** One batch as an estimator sees it. */
export interface EstimatorBatch {
  /** scores: [K, K] in the convention above. */
  scores: tf.Tensor2D;
  /**
   * rows: [K, rowDim], what the critic's rows were computed from (the view-1 samples, or their
   * codes). Learned baselines are functions of these; other estimators ignore them.
   */
  rows: tf.Tensor2D;
}

/** A trained value: the loss to minimize and the value to report, for one batch. */
export interface TrainingTerms {
  loss: tf.Scalar;
  estimate: tf.Scalar;
}

export interface Estimator {
  /** Registry id, e.g. `mine`. */
  readonly kind: string;
  /** Variables of the estimator itself (a learned baseline); [] for most. Trained with the critic. */
  readonly variables: tf.Variable[];
  /**
   * The training terms of one batch; call inside `optimizer.minimize` (the loss is
   * differentiated with respect to the critic's and the estimator's variables). A stateful
   * estimator stages its state update here and applies it in {@link update}. The caller owns
   * both scalars.
   */
  train(batch: EstimatorBatch): TrainingTerms;
  /** After the optimizer step: applies what `train` staged (MINE's moving average). */
  update(): void;
  /** The reported value on a batch, changing no state (held-out evaluation). Caller owns it. */
  estimate(batch: EstimatorBatch): tf.Scalar;
  /** A value the reported estimate cannot exceed at batch size K (InfoNCE: log K), or null. */
  ceiling(k: number): number | null;
  /**
   * State that is not a trained variable but must survive a checkpoint (MINE's moving average):
   * its variables and its flags (JSON). Absent: the estimator has none.
   */
  readonly checkpointState?: {
    variables: tf.Variable[];
    flags(): Record<string, unknown>;
    restore(flags: Record<string, unknown>): void;
  };
  /** Frees variables and state. */
  dispose(): void;
}

export interface EstimatorArgs {
  /** Width of `EstimatorBatch.rows` (the input of a learned baseline). */
  rowDim: number;
  /** Init seed of the estimator's own variables. */
  seed: Seed;
  /** Overrides of the entry's `defaults`; an unknown key or a wrong type is a `UserError`. */
  options?: Options;
}

export interface EstimatorEntry extends RegistryEntry {
  /** Every option with its default. */
  defaults: Options;
  /** Small options that keep the registry-wide contract tests fast (default: `{}`). */
  testOptions?: Options;
  /** Checks option values (ranges) that types alone do not; throws a `UserError` naming the field. */
  validate?(options: Options): void;
  /** A new estimator; `args.options` arrive resolved and validated. The caller disposes it. */
  create(args: EstimatorArgs): Estimator;
}
