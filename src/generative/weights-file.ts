/**
 * A trained model's weights as a self-contained pair of files in one folder, written
 * atomically, and a once-only guard so that parallel runs needing the same trained model train
 * it once (experiment `ais-mi`: every method of a model × seed shares one trained decoder).
 *
 *     <folder>/weights.json   { format, tensors: [{ name, shape, offset }], meta }
 *     <folder>/weights.bin    the tensors' float32 values, little-endian, concatenated
 *
 * Plain files (no TF.js io handler), so they read anywhere (`numpy.fromfile(..., '<f4')` with
 * the offsets and shapes of the JSON). The run-level checkpoints of `src/run` (branch `ckpt`)
 * are a separate, later mechanism; this format is deliberately small so the two can be unified.
 *
 * Atomicity: both files are written into `<folder>.tmp-<pid>` and the folder is renamed into
 * place (a rename is atomic on POSIX filesystems), so a reader sees both files or none.
 * Never imports TF.js.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Json } from '../types.ts';

/**
 * Thrown by a model's training when the run is asked to stop (Ctrl-C, SIGTERM): the run is
 * then `stopped` and resumes next time, not `failed` (which only `--retry-failed` reruns).
 */
export class TrainingStopped extends Error {
  constructor() {
    super('stopped while training the model');
    this.name = 'TrainingStopped';
  }
}

export const WEIGHTS_FORMAT = 'mimax-weights-v1';

/** One named tensor's values and shape. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Whether `folder` holds a complete weights pair. */
export function hasWeights(folder: string): boolean {
  return existsSync(join(folder, 'weights.json')) && existsSync(join(folder, 'weights.bin'));
}

/** Writes `tensors` and `meta` to `folder` atomically (replacing an existing folder). */
export function writeWeights(folder: string, tensors: readonly NamedArray[], meta: Json): void {
  mkdirSync(dirname(folder), { recursive: true });
  const tmp = `${folder}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  let offset = 0;
  const entries = tensors.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) {
      throw new Error(`weights '${t.name}': shape ${t.shape} does not hold ${t.values.length}`);
    }
    const entry = { name: t.name, shape: t.shape, offset };
    offset += size;
    return entry;
  });
  const all = new Float32Array(offset);
  for (const [k, t] of tensors.entries()) all.set(t.values, entries[k].offset);
  // Float32Array bytes are platform-endian; every platform TF.js runs on is little-endian.
  writeFileSync(join(tmp, 'weights.bin'), new Uint8Array(all.buffer));
  writeFileSync(
    join(tmp, 'weights.json'),
    `${JSON.stringify({ format: WEIGHTS_FORMAT, tensors: entries, meta }, null, 1)}\n`,
  );
  rmSync(folder, { recursive: true, force: true });
  renameSync(tmp, folder);
}

/** Reads a pair written by {@link writeWeights}. Throws when absent or malformed. */
export function readWeights(folder: string): { tensors: Map<string, NamedArray>; meta: Json } {
  const header = JSON.parse(readFileSync(join(folder, 'weights.json'), 'utf8')) as {
    format: string;
    tensors: { name: string; shape: number[]; offset: number }[];
    meta: Json;
  };
  if (header.format !== WEIGHTS_FORMAT) {
    throw new Error(`${folder}: format '${header.format}', expected '${WEIGHTS_FORMAT}'`);
  }
  const bytes = readFileSync(join(folder, 'weights.bin'));
  const all = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
  );
  const tensors = new Map<string, NamedArray>();
  for (const t of header.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset + size > all.length) throw new Error(`${folder}: '${t.name}' runs past the file`);
    tensors.set(t.name, { ...t, values: all.slice(t.offset, t.offset + size) });
  }
  return { tensors, meta: header.meta };
}

/** Whether process `pid` is alive on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure `folder` holds weights: returns at once when it does; otherwise takes the lock
 * `<folder>.lock` (created exclusively, holding this pid) and calls `train`, which must write
 * the folder (with {@link writeWeights}). A process that finds the lock held by a live process
 * waits for the weights (polling every `pollMs`); a lock left by a dead process (an interrupted
 * run) is taken over, so a rerun resumes by retraining. `fresh` = this call trained.
 *
 * The liveness check is per machine: on a shared filesystem across machines (Slurm shards),
 * run the training pre-step on one machine first (README "ais-mi").
 */
export async function trainOnce(
  folder: string,
  train: () => Promise<void>,
  pollMs = 500,
): Promise<{ fresh: boolean }> {
  const lock = `${folder}.lock`;
  mkdirSync(dirname(folder), { recursive: true });
  for (;;) {
    if (hasWeights(folder)) return { fresh: false };
    let fd: number | null = null;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (fd !== null) {
      try {
        writeFileSync(fd, String(process.pid));
        closeSync(fd);
        fd = null;
        // Another process may have finished between our check and the lock.
        if (hasWeights(folder)) return { fresh: false };
        await train();
        if (!hasWeights(folder)) throw new Error(`training wrote no weights to ${folder}`);
        return { fresh: true };
      } finally {
        if (fd !== null) closeSync(fd);
        rmSync(lock, { force: true });
      }
    }
    const holder = Number(readLock(lock));
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      rmSync(lock, { force: true }); // left by an interrupted process
      continue;
    }
    await sleep(pollMs);
  }
}

function readLock(lock: string): string {
  try {
    return readFileSync(lock, 'utf8');
  } catch {
    return '';
  }
}
