/**
 * Per-step scalars kept on the backend and read back in one go at the next evaluation, so the
 * training loop never waits for the device between evaluations.
 */
import * as tf from '@tensorflow/tfjs-core';

export class PendingScalars {
  private values: tf.Scalar[] = [];

  /** Takes ownership of `value` (a kept scalar). */
  push(value: tf.Scalar): void {
    this.values.push(value);
  }

  get length(): number {
    return this.values.length;
  }

  /** Reads every pending value (one device sync) and frees them. */
  drain(): Float32Array {
    if (this.values.length === 0) return new Float32Array(0);
    const stacked = tf.stack(this.values); // [n]
    const out = stacked.dataSync() as Float32Array;
    stacked.dispose();
    tf.dispose(this.values);
    this.values = [];
    return out;
  }

  dispose(): void {
    tf.dispose(this.values);
    this.values = [];
  }
}

/** Index of the first non-finite value, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Mean of the values (NaN for none). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : Number.NaN;
}

/** A run that stopped because a value became NaN or infinite. */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
  constructor(
    readonly what: string,
    readonly step: number,
  ) {
    super(`${what} became non-finite at step ${step}`);
  }
}

// Training steps are synchronous; without an occasional turn of the event loop a worker could
// neither send progress nor receive a stop request until the next evaluation.
const YIELD_EVERY_MS = 250;
let lastYield = 0;

/** Lets the event loop run (IPC, signals) if it has not for a while. Cheap to call every step. */
export async function yieldSometimes(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < YIELD_EVERY_MS) return;
  lastYield = now;
  await new Promise((resolve) => setImmediate(resolve));
}
