/**
 * The single place where a bound becomes a training loss (paper Sec. 3.1-3.3):
 * - `{kind: 'maximize'}`: loss = −I (every experiment except `encoder-impact`);
 * - `{kind: 'target', target: t}`: loss = |I − t| (`encoder-impact`, Sec. 3.3, t ∈ {2, 4}).
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../types.ts';

export type Objective = { kind: 'maximize' } | { kind: 'target'; target: number };

/** bound: scalar I (nats) → scalar loss to minimize. The caller owns the result. */
export function objectiveLoss(bound: tf.Scalar, objective: Objective): tf.Scalar {
  switch (objective.kind) {
    case 'maximize':
      return tf.neg(bound);
    case 'target':
      if (!Number.isFinite(objective.target)) {
        throw new UserError(`objective target must be a finite number, got ${objective.target}`);
      }
      return tf.tidy(() => tf.abs(tf.sub(bound, objective.target)) as tf.Scalar);
    default:
      throw new UserError(`unknown objective ${JSON.stringify(objective)}`);
  }
}

/** A short description for logs and records, e.g. `maximize I` or `|I − 2|`. */
export function describeObjective(objective: Objective): string {
  return objective.kind === 'maximize' ? 'maximize I' : `|I − ${objective.target}|`;
}
