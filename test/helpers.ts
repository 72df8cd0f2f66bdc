/** Shared test utilities. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.ts';

/** Initializes the test backend: `MIMAX_BACKEND` if set, else wasm (the embedded default). */
export async function testBackend(): Promise<string> {
  const report = await initBackend(process.env.MIMAX_BACKEND || 'wasm');
  return report.name;
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'mimax-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `fn` and returns how many tensors it left behind. */
export function leakedTensors(fn: () => void): number {
  const before = tf.memory().numTensors;
  fn();
  return tf.memory().numTensors - before;
}

/** Bytes of an IDX file with unsigned-byte values. */
export function idxBytes(dims: number[], values: ArrayLike<number>): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  const view = new DataView(header.buffer);
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d, false);
  const out = new Uint8Array(header.length + values.length);
  out.set(header);
  out.set(Uint8Array.from(values), header.length);
  return out;
}
