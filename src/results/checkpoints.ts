/**
 * The checkpoint store: at every evaluation a run writes, beside its record, everything it
 * needs to continue (DESIGN §6): its variables and optimizer state as safetensors, and a small
 * JSON (run id, step, config hash, versions, backend, and the loop's own state: stream
 * positions, RNG states, traces). Never imports TF.js.
 *
 * Layout: `<dir>/checkpoints/<run id>/step-<S>/{model.safetensors, checkpoint.json}`, e.g.
 * `results/checkpoints/critic-impact/mlp.bilinear.infonce/seed-0/step-150/`. Written
 * atomically: both files go to `step-<S>.tmp-<pid>/`, which is then renamed (atomic on POSIX);
 * with `keep: 'last'` the older steps are deleted only after the new one is in place, so a kill
 * at any moment leaves at least one complete checkpoint (once one was written).
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../types.ts';
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
  SafetensorsError,
} from './safetensors.ts';

/** Which checkpoints a run keeps: the latest (default), every evaluation's, or none. */
export type KeepCheckpoints = 'last' | 'all' | 'none';
export const KEEP_CHECKPOINTS: readonly KeepCheckpoints[] = ['last', 'all', 'none'];

export const CHECKPOINTS_DIR = 'checkpoints';
export const CHECKPOINT_SCHEMA_VERSION = 1;
export const MODEL_FILE = 'model.safetensors';
export const INFO_FILE = 'checkpoint.json';

/** The JSON half of a checkpoint. */
export interface CheckpointInfo {
  schemaVersion: number;
  runId: string;
  /** The evaluation step it was taken at (before that step's update). */
  step: number;
  configHash: string;
  backend: string;
  versions: Record<string, string>;
  createdAt: string;
  /**
   * Which tensors are model variables, by owner (`g1`, `critic`, ...): `{owner: [names]}`.
   * The others are optimizer state (`<optimizer>/m/...`, `/v/...`, `/acc-beta1`, ...).
   */
  models: Record<string, string[]>;
  /** The loop's own state (JSON): stream position, RNG states, traces, counters. */
  loop: unknown;
  /**
   * How to rebuild each saved encoder (`encoders.load`, `mimax probe`): its registry id,
   * resolved options, input shape and init seed (RealNVP derives its permutations from it).
   */
  encoders?: Record<string, SavedEncoderSpec>;
}

/** What rebuilds an encoder of a checkpoint before its variables are assigned. */
export interface SavedEncoderSpec {
  name: string;
  options: Record<string, unknown>;
  inputDim: number;
  inputShape: number[];
  seed: number;
}

export interface Checkpoint {
  /** The step folder it was read from. */
  dir: string;
  info: CheckpointInfo;
  tensors: Record<string, SafeTensor>;
}

/** Folder of a run's checkpoints (ids use `/`, like record paths). */
export function runCheckpointDir(resultsDir: string, runId: string): string {
  return join(resultsDir, CHECKPOINTS_DIR, ...runId.split('/'));
}

/** Folder of one step's checkpoint. */
export function stepCheckpointDir(resultsDir: string, runId: string, step: number): string {
  return join(runCheckpointDir(resultsDir, runId), `step-${step}`);
}

/** The steps that have a (complete-looking) checkpoint folder, ascending. Temp folders are skipped. */
export function checkpointSteps(resultsDir: string, runId: string): number[] {
  return stepsInDir(runCheckpointDir(resultsDir, runId));
}

/** The `step-<S>` folders in a run's checkpoint folder, ascending. */
export function stepsInDir(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * Writes one checkpoint atomically and applies `keep` (see the module doc). Returns the step
 * folder. `keep: 'none'` writes nothing and returns null.
 */
export function writeCheckpoint(
  resultsDir: string,
  info: CheckpointInfo,
  tensors: Record<string, SafeTensor>,
  keep: KeepCheckpoints,
): string | null {
  if (keep === 'none') return null;
  const final = stepCheckpointDir(resultsDir, info.runId, info.step);
  const tmp = `${final}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const metadata = {
      runId: info.runId,
      step: String(info.step),
      configHash: info.configHash,
      mimax: info.versions['mimax'] ?? '',
      backend: info.backend,
      format: 'mimax checkpoint v1: variables and optimizer state; see checkpoint.json',
    };
    writeFileSync(join(tmp, MODEL_FILE), encodeSafetensors(tensors, metadata));
    writeFileSync(join(tmp, INFO_FILE), `${JSON.stringify(info)}\n`);
    // Only after a resume that rewinds (another config) can the step already exist.
    if (existsSync(final)) rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  if (keep === 'last') {
    for (const step of checkpointSteps(resultsDir, info.runId)) {
      if (step !== info.step) {
        rmSync(stepCheckpointDir(resultsDir, info.runId, step), { recursive: true, force: true });
      }
    }
  }
  return final;
}

/** Deletes every checkpoint of a run (a run restarted from step 0 owns none). */
export function deleteCheckpoints(resultsDir: string, runId: string): void {
  rmSync(runCheckpointDir(resultsDir, runId), { recursive: true, force: true });
}

/**
 * Reads the checkpoint in a step folder. Throws a `UserError` naming the file and what to do
 * when a file is missing, truncated or not a mimax checkpoint.
 */
export function readCheckpoint(dir: string): Checkpoint {
  const infoPath = join(dir, INFO_FILE);
  const modelPath = join(dir, MODEL_FILE);
  const fix =
    'delete that folder to fall back to an earlier checkpoint (or rerun the run with --force)';
  for (const path of [infoPath, modelPath]) {
    if (!existsSync(path)) throw new UserError(`checkpoint file ${path} is missing; ${fix}`);
  }
  let info: CheckpointInfo;
  try {
    info = JSON.parse(readFileSync(infoPath, 'utf8')) as CheckpointInfo;
  } catch (error) {
    throw new UserError(
      `checkpoint file ${infoPath} is not valid JSON (truncated?): ${(error as Error).message}; ${fix}`,
    );
  }
  if (info?.schemaVersion !== CHECKPOINT_SCHEMA_VERSION || typeof info.step !== 'number') {
    throw new UserError(
      `checkpoint file ${infoPath} is not a mimax checkpoint of schema ${CHECKPOINT_SCHEMA_VERSION}; ${fix}`,
    );
  }
  let tensors: Record<string, SafeTensor>;
  try {
    tensors = decodeSafetensors(readFileSync(modelPath)).tensors;
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    throw new UserError(`checkpoint file ${modelPath} is corrupt: ${error.message}; ${fix}`);
  }
  for (const names of Object.values(info.models ?? {})) {
    for (const name of names) {
      if (!(name in tensors)) {
        throw new UserError(`checkpoint file ${modelPath} lacks the tensor '${name}'; ${fix}`);
      }
    }
  }
  return { dir, info, tensors };
}

/** What a run found to resume from. */
export interface ResumePoint {
  /** The newest usable checkpoint, or null: start at step 0. */
  checkpoint: Checkpoint | null;
  /** One line per checkpoint passed over, and why (shown to the user). */
  notes: string[];
}

/**
 * The newest checkpoint of `runId` that is readable and of this config (`configHash`); the
 * ones passed over are explained in `notes`.
 */
export function findResumePoint(
  resultsDir: string,
  runId: string,
  configHash: string,
): ResumePoint {
  const notes: string[] = [];
  for (const step of checkpointSteps(resultsDir, runId).reverse()) {
    const dir = stepCheckpointDir(resultsDir, runId, step);
    let checkpoint: Checkpoint;
    try {
      checkpoint = readCheckpoint(dir);
    } catch (error) {
      notes.push(`checkpoint ${dir} is unusable (${(error as Error).message.split(';')[0]})`);
      continue;
    }
    if (checkpoint.info.runId !== runId) {
      notes.push(`checkpoint ${dir} belongs to run ${checkpoint.info.runId}`);
      continue;
    }
    if (checkpoint.info.configHash !== configHash) {
      notes.push(
        `checkpoint ${dir} is of another config (hash ${checkpoint.info.configHash}, this run ${configHash})`,
      );
      continue;
    }
    return { checkpoint, notes };
  }
  return { checkpoint: null, notes };
}
