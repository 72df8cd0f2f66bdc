/** What an encoder registry entry provides (see `index.ts` for the registry itself). */
import type { RegistryEntry } from '../registry.ts';
import type { Encoder, Options, Seed } from '../types.ts';

export interface EncoderArgs {
  /** Input width D (e.g. 392 for an MNIST half). */
  inputDim: number;
  /** [height, width] of the input image when it is one (e.g. [14, 28] for an MNIST half). */
  inputShape?: [number, number];
  /** Init seed of this instance; g1 and g2 get different ones (`deriveSeed(seed, 'g1')`, ...). */
  seed: Seed;
  /** Overrides of the entry's `defaults`; an unknown key or a wrong type is a `UserError`. */
  options?: Options;
}

export interface EncoderEntry extends RegistryEntry {
  /** Every option with its default (the paper's setting). */
  defaults: Options;
  /** Small options that keep the registry-wide contract tests fast (default: `{}`). */
  testOptions?: Options;
  /** A new encoder with freshly initialized variables; the caller disposes it. */
  create(args: EncoderArgs): Encoder;
}
