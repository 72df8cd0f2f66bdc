/**
 * Encoders: `x: [B, D] → code: [B, d]` (the `Encoder` interface of `src/types.ts`). Each run
 * builds two independent instances, g1 for the top halves and g2 for the bottom halves, with
 * different seeds (`deriveSeed(seed, 'g1')`, `deriveSeed(seed, 'g2')`).
 *
 * ## Adding an encoder
 * 1. Write one file, e.g. `src/encoders/my-encoder.ts`, with a class implementing `Encoder`
 *    (its `apply` goes through `src/ops` for every matmul/conv/gather and frees its
 *    intermediates) and an `EncoderEntry`: a description, `defaults` (every option, each
 *    documented with its default), optional small `testOptions`, and `create(args)`.
 * 2. Add one line below: `encoderRegistry.register('my-encoder', myEncoderEntry);` — or call
 *    `registerEncoder(...)` from your own experiment file without touching `src/`.
 * The contract tests (`test/encoders/contract.test.ts`) then loop over it automatically:
 * output shape, non-empty variables, one optimizer step changes every variable, same seed →
 * same output and different seed → different output, no leaked tensors.
 */
import { Registry } from '../registry.ts';
import type { Encoder } from '../types.ts';
import { convnetEntry } from './convnet.ts';
import type { EncoderArgs, EncoderEntry } from './entry.ts';
import { mlpEntry } from './mlp.ts';
import { realnvpEntry } from './realnvp.ts';

export { ConvNetEncoder, type ConvNetOptions } from './convnet.ts';
export type { EncoderArgs, EncoderEntry } from './entry.ts';
export {
  assignEncoder,
  encoderFromCheckpoint,
  loadEncoder as load,
  loadEncoder,
  readCheckpointDir,
} from './load.ts';
export { MlpEncoder, type MlpOptions } from './mlp.ts';
export { RealNvpEncoder, type RealNvpOptions } from './realnvp.ts';

/** Every encoder by id. */
export const encoderRegistry = new Registry<EncoderEntry>('encoder');

encoderRegistry.register('mlp', mlpEntry);
encoderRegistry.register('convnet', convnetEntry);
encoderRegistry.register('realnvp', realnvpEntry);

/**
 * A new encoder `name` (unknown name → `UserError` listing the valid ones; unknown or mistyped
 * option → `UserError` naming the field). The caller disposes it.
 */
export function createEncoder(name: string, args: EncoderArgs): Encoder {
  return encoderRegistry.get(name).create(args);
}

/** Adds an encoder (e.g. from a user's experiment file); a name taken twice is an error. */
export function registerEncoder(name: string, entry: EncoderEntry): void {
  encoderRegistry.register(name, entry);
}
