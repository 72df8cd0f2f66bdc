/**
 * Mutual-information lower bounds: pure functions `scores: [K, K] → scalar` in nats.
 *
 * ## Convention (defined once, in `src/types.ts`)
 *     scores[i][j] = f(g1(x1_i), g2(x2_j))
 * Row i is the i-th view-1 sample, column j the j-th view-2 sample; the diagonal holds the
 * positive (joint) pairs, the off-diagonal entries samples from the product of marginals.
 *
 * A bound returns a *bound*, never a loss: the sign flip (or |I − t|) happens only in
 * `objective.ts`. Each function creates no variables and returns a scalar the caller owns.
 *
 * ## Adding a bound
 * Write `src/bounds/my-bound.ts` exporting a `BoundFn`, then add one line below
 * (`boundRegistry.register('my-bound', {...})`), or call `registerBound` from your own
 * experiment file. The registry-wide tests then check it on fixed score matrices.
 */
import { Registry, type RegistryEntry } from '../registry.ts';
import type { BoundFn } from '../types.ts';
import { dv } from './dv.ts';
import { infonce } from './infonce.ts';
import { nwj, tuba } from './tuba.ts';

export { dv, smile } from './dv.ts';
export { diagonal, infonce } from './infonce.ts';
export { interpolated, logLeaveOneOutMeanExp } from './interpolated.ts';
export { jsObjective } from './js.ts';
export { describeObjective, type Objective, objectiveLoss } from './objective.ts';
export { logMeanExpOffDiagonal, nwj, tuba } from './tuba.ts';

export interface BoundEntry extends RegistryEntry {
  /** scores: [K, K] → bound (nats). */
  fn: BoundFn;
}

/** Every bound by id. */
export const boundRegistry = new Registry<BoundEntry>('bound');

boundRegistry.register('infonce', {
  description: 'InfoNCE: log K + mean_i(S_ii − logsumexp_j S_ij); ≤ log K (van den Oord 2018)',
  fn: infonce,
});
boundRegistry.register('nwj', {
  description: 'NWJ: TUBA with baseline e, 1 + mean(diag(S − 1)) − mean_{i≠j} exp(S_ij − 1)',
  fn: nwj,
});
boundRegistry.register('tuba', {
  description: 'TUBA without baseline: 1 + mean(diag S) − mean_{i≠j} exp(S_ij) (Poole 2019)',
  fn: (scores) => tuba(scores),
});

boundRegistry.register('dv', {
  description: 'Donsker-Varadhan: mean(diag S) − log mean_{i≠j} exp S_ij (minibatch: biased up)',
  fn: dv,
});

/** The bound function for `name`; an unknown name is a `UserError` listing the valid ones. */
export function getBound(name: string): BoundFn {
  return boundRegistry.get(name).fn;
}

/** Adds a bound (e.g. from a user's experiment file); a name taken twice is an error. */
export function registerBound(name: string, entry: BoundEntry): void {
  boundRegistry.register(name, entry);
}
