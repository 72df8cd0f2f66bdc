/**
 * Ground-truth tasks (DESIGN §2b): distributions of pairs (x, y) whose mutual information is
 * known in closed form, sampled with an explicit seed. Estimators are measured against them.
 */

import type { Rng } from '../random.ts';
import type { RegistryEntry } from '../registry.ts';
import type { Options } from '../types.ts';

/** n pairs, row-major: x is [n, dimX], y is [n, dimY]. */
export interface Pairs {
  n: number;
  x: Float32Array;
  y: Float32Array;
}

export interface Task {
  /** Registry id, e.g. `gaussian`. */
  readonly kind: string;
  readonly dimX: number;
  readonly dimY: number;
  /** I(X; Y) in nats, from a closed form (never estimated). */
  readonly mutualInformation: number;
  /** n iid pairs drawn from `rng`. */
  sample(rng: Rng, n: number): Pairs;
}

export interface TaskEntry extends RegistryEntry {
  /** Every option with its default. */
  defaults: Options;
  /** A task with these (already resolved) options; a value out of range is a `UserError`. */
  create(options: Options): Task;
}
