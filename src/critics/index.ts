/**
 * Critics: `(codes1: [B, d1], codes2: [B, d2]) → scores: [B, B]` in the convention of
 * `src/types.ts`: `scores[i][j] = f(codes1_i, codes2_j)`, diagonal = positive pairs.
 *
 * ## Adding a critic
 * 1. Write one file, e.g. `src/critics/my-critic.ts`, with a class implementing `Critic` (every
 *    matmul through `src/ops`; intermediates freed) and a `CriticEntry`: a description,
 *    `defaults` (every option documented with its default), `parameterFree` if it has no
 *    variables, optional small `testOptions`, and `create(args)`.
 * 2. Add one line below: `criticRegistry.register('my-critic', myCriticEntry);` — or call
 *    `registerCritic(...)` from your own experiment file without touching `src/`.
 * The contract tests (`test/critics/contract.test.ts`) then loop over it automatically: scores
 * shape [B, B] for d1 ≠ d2 when allowed, variables (non-empty unless `parameterFree`), one
 * optimizer step changes every variable, seed determinism, no leaked tensors.
 */
import { Registry } from '../registry.ts';
import type { Critic } from '../types.ts';
import { bilinearEntry } from './bilinear.ts';
import { concatEntry } from './concat.ts';
import type { CriticArgs, CriticEntry } from './entry.ts';
import { innerProductEntry } from './inner-product.ts';
import { separableEntry } from './separable.ts';

export { BilinearCritic } from './bilinear.ts';
export { ConcatCritic, type ConcatOptions } from './concat.ts';
export type { CriticArgs, CriticEntry } from './entry.ts';
export { InnerProductCritic } from './inner-product.ts';
export { SeparableCritic, type SeparableOptions } from './separable.ts';

/** Every critic by id. */
export const criticRegistry = new Registry<CriticEntry>('critic');

criticRegistry.register('inner-product', innerProductEntry);
criticRegistry.register('bilinear', bilinearEntry);
criticRegistry.register('separable', separableEntry);
criticRegistry.register('concat', concatEntry);

/**
 * A new critic `name` (unknown name → `UserError` listing the valid ones; unknown or mistyped
 * option → `UserError` naming the field). The caller disposes it.
 */
export function createCritic(name: string, args: CriticArgs): Critic {
  return criticRegistry.get(name).create(args);
}

/** Adds a critic (e.g. from a user's experiment file); a name taken twice is an error. */
export function registerCritic(name: string, entry: CriticEntry): void {
  criticRegistry.register(name, entry);
}
