/**
 * Loads a trained encoder from a mimax checkpoint (`<results>/checkpoints/<run id>/step-<S>/`,
 * or the run's folder for its newest step): rebuilds the registered encoder from the spec the
 * checkpoint stores (registry id, options, input shape, init seed) and assigns its saved
 * variables. For a user's own analysis: `const g1 = encoders.load(dir)`; the caller disposes it.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type Checkpoint, INFO_FILE, readCheckpoint, stepsInDir } from '../results/checkpoints.ts';
import type { Encoder } from '../types.ts';
import { UserError } from '../types.ts';
import { createEncoder } from './index.ts';

/**
 * The checkpoint in `dir`: a step folder (holds `checkpoint.json`), or a run's checkpoint
 * folder (its newest step). Missing or corrupt files are a `UserError` naming them.
 */
export function readCheckpointDir(dir: string): Checkpoint {
  if (existsSync(join(dir, INFO_FILE))) return readCheckpoint(dir);
  const steps = stepsInDir(dir);
  if (steps.length === 0) {
    throw new UserError(
      `no checkpoint in ${dir}: expected a step folder (with ${INFO_FILE}) or a run's checkpoint folder (with step-<S> folders)`,
    );
  }
  return readCheckpoint(join(dir, `step-${steps.at(-1)}`));
}

/** Assigns the saved variables of `owner` to `encoder` (same structure, checked). */
export function assignEncoder(checkpoint: Checkpoint, owner: string, encoder: Encoder): void {
  const names = checkpoint.info.models[owner] ?? [];
  if (names.length !== encoder.variables.length) {
    throw new UserError(
      `checkpoint ${checkpoint.dir} holds ${names.length} variables for '${owner}', the encoder has ${encoder.variables.length}`,
    );
  }
  encoder.variables.forEach((v, i) => {
    const saved = checkpoint.tensors[names[i]];
    if (saved.shape.join(',') !== v.shape.join(',')) {
      throw new UserError(
        `checkpoint ${checkpoint.dir}: variable '${names[i]}' has shape [${saved.shape}], the encoder [${v.shape}]`,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(saved.data, saved.shape, v.dtype)));
  });
}

/**
 * The encoder `owner` (default: `g1` of a sweep, else `encoder` of the adversarial loop) of
 * the checkpoint in `dir`, with its trained weights. The caller disposes it.
 */
export function loadEncoder(dir: string, owner?: string): Encoder {
  return encoderFromCheckpoint(readCheckpointDir(dir), owner);
}

/** {@link loadEncoder} from a checkpoint already read. */
export function encoderFromCheckpoint(checkpoint: Checkpoint, owner?: string): Encoder {
  const specs = checkpoint.info.encoders ?? {};
  const which = owner ?? (specs['g1'] ? 'g1' : Object.keys(specs)[0]);
  const spec = which === undefined ? undefined : specs[which];
  if (!spec) {
    throw new UserError(
      `checkpoint ${checkpoint.dir} holds no encoder${owner ? ` '${owner}'` : ''} (encoders: ${Object.keys(specs).join(', ') || 'none'})`,
    );
  }
  const encoder = createEncoder(spec.name, {
    inputDim: spec.inputDim,
    inputShape: spec.inputShape as [number, number],
    seed: spec.seed,
    options: spec.options as never,
  });
  try {
    assignEncoder(checkpoint, which!, encoder);
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  return encoder;
}
