/**
 * A seeded stream of training batches of (x1, x2) pairs.
 *
 * The whole split is uploaded to the backend once; each step gathers B rows by index (no
 * per-step copy of the data set). Each epoch is shuffled with its own seed,
 * `deriveSeed(seed, 'epoch:<e>')`, and the last incomplete batch is dropped, as
 * `tf.data.Dataset.shuffle(...).batch(B, drop_remainder=True)` does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../random.ts';
import { UserError } from '../types.ts';
import type { Halves } from './halves.ts';

export interface Batch {
  /** [B, dim1] */
  x1: tf.Tensor2D;
  /** [B, dim2] */
  x2: tf.Tensor2D;
  /** [B] int32 class ids. */
  labels: tf.Tensor1D;
}

export class BatchStream {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly x1: tf.Tensor2D; // [n, dim1]
  private readonly x2: tf.Tensor2D; // [n, dim2]
  private readonly labels: tf.Tensor1D; // [n]
  private readonly seed: number;
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);
  private position = 0;

  constructor(data: Halves, batchSize: number, seed: number) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new UserError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    if (batchSize > data.n) {
      throw new UserError(`batchSize ${batchSize} exceeds the ${data.n} examples available`);
    }
    this.batchSize = batchSize;
    this.batchesPerEpoch = Math.floor(data.n / batchSize);
    this.seed = seed;
    this.x1 = tf.tensor2d(data.x1, [data.n, data.dim1]);
    this.x2 = tf.tensor2d(data.x2, [data.n, data.dim2]);
    this.labels = tf.tensor1d(Int32Array.from(data.labels), 'int32');
  }

  /** The stream's position (JSON-safe): the epoch and the next row of its order. */
  getState(): { epoch: number; position: number } {
    return { epoch: this.epoch, position: this.position };
  }

  /** Continues from a position saved by {@link getState} (the epoch's order is re-derived). */
  setState(state: { epoch: number; position: number }): void {
    this.epoch = state.epoch;
    this.position = state.position;
    this.order =
      state.epoch < 0
        ? new Int32Array(0)
        : new Rng(deriveSeed(this.seed, `epoch:${state.epoch}`))
            .permutation(this.x1.shape[0])
            .subarray(0, this.batchesPerEpoch * this.batchSize);
  }

  /** Indices of the next batch (advances the stream). */
  nextIndices(): Int32Array {
    if (this.epoch < 0 || this.position + this.batchSize > this.order.length) {
      this.epoch++;
      this.order = new Rng(deriveSeed(this.seed, `epoch:${this.epoch}`)).permutation(
        this.x1.shape[0],
      );
      this.order = this.order.subarray(0, this.batchesPerEpoch * this.batchSize);
      this.position = 0;
    }
    const indices = this.order.subarray(this.position, this.position + this.batchSize);
    this.position += this.batchSize;
    return indices;
  }

  /** The next batch; the caller owns (disposes) its tensors. */
  next(): Batch {
    const indices = this.nextIndices();
    return tf.tidy(() => {
      const index = tf.tensor1d(indices, 'int32'); // [B]
      return {
        x1: tf.gather(this.x1, index) as tf.Tensor2D,
        x2: tf.gather(this.x2, index) as tf.Tensor2D,
        labels: tf.gather(this.labels, index) as tf.Tensor1D,
      };
    });
  }

  /** Frees the uploaded data set. */
  dispose(): void {
    this.x1.dispose();
    this.x2.dispose();
    this.labels.dispose();
  }
}
