/** What a critic registry entry provides (see `index.ts` for the registry itself). */
import type { RegistryEntry } from '../registry.ts';
import type { Critic, Options, Seed } from '../types.ts';

export interface CriticArgs {
  /** Width of codes1 = g1's code size. */
  dim1: number;
  /** Width of codes2 = g2's code size. */
  dim2: number;
  /** Init seed of the critic. */
  seed: Seed;
  /** Overrides of the entry's `defaults`; an unknown key or a wrong type is a `UserError`. */
  options?: Options;
}

export interface CriticEntry extends RegistryEntry {
  /** Every option with its default (the paper's setting). */
  defaults: Options;
  /** True for a critic without trainable variables (e.g. `inner-product`). */
  parameterFree?: boolean;
  /** Small options that keep the registry-wide contract tests fast (default: `{}`). */
  testOptions?: Options;
  /** A new critic with freshly initialized variables; the caller disposes it. */
  create(args: CriticArgs): Critic;
}
