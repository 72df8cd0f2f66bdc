/**
 * Any registered neural estimator (`src/estimators/`: a critic's training rule and reported
 * value) as a {@link DataEstimator}: a critic from the critic registry, trained with the
 * estimator loop of `train/ground-truth.ts` on epochs of shuffled train batches, and evaluated
 * on the held-out split in consecutive batches of the training batch size (remainder left
 * out), averaged — the protocol of the `correlation` benchmark (`run/execute-estimators.ts`).
 *
 * Seeds, split by purpose from the fit's seed: `init:critic`, `init:estimator`,
 * `data:epoch:<e>` (batch order of epoch e).
 *
 * With `FitContext.checkpoint`, the fit saves at every evaluation the loop's state (critic,
 * estimator, Adam: `train/ground-truth.ts`) and its own (`fit`: the curves so far and the fit's
 * seconds), and resumes from it; the batch order needs nothing saved (each epoch's order is
 * derived from its seed).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createCritic } from '../critics/index.ts';
import { createEstimator, resolveEstimatorOptions } from '../estimators/index.ts';
import { deriveSeed, Rng } from '../random.ts';
import { withCallerState } from '../train/checkpoint.ts';
import { heldOutEstimate, runGroundTruth } from '../train/ground-truth.ts';
import type { Options } from '../types.ts';
import type { CurvePoint, DataEstimator, FitContext, FitResult } from './data-estimator.ts';
import { headOf, type Sample, splitTooSmall } from './sample.ts';

/** How a neural estimator is trained (shared by every neural estimator of one call). */
export interface NeuralSettings {
  /** Critic registry id. */
  critic: string;
  /** Critic options over its defaults. */
  criticOptions: Options;
  /** Training steps; null = `epochs` × batches per epoch. Exactly one of steps, epochs is set. */
  steps: number | null;
  /** Epochs over the train split; null = use `steps`. */
  epochs: number | null;
  /** Batch size K (pairs per step; the scores matrix is K × K). */
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Held-out evaluations along training (plus one at step 0): the points of the curves. */
  evaluations: number;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

function tensorOf(values: Float64Array, n: number, d: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(values), [n, d]);
}

export class NeuralDataEstimator implements DataEstimator {
  readonly kind = 'neural';
  readonly options: Options;
  readonly minSplitRows: number;

  constructor(
    readonly id: string,
    readonly estimator: string,
    options: Options | undefined,
    readonly settings: NeuralSettings,
  ) {
    this.options = resolveEstimatorOptions(estimator, options);
    this.minSplitRows = settings.batchSize;
  }

  /** Steps of a fit on `trainRows` rows. */
  stepsFor(trainRows: number): number {
    const { steps, epochs, batchSize } = this.settings;
    return steps ?? (epochs ?? 1) * Math.floor(trainRows / batchSize);
  }

  async fit(train: Sample, test: Sample, context: FitContext): Promise<FitResult> {
    let started = performance.now();
    // A batch larger than a split would make every epoch empty (and the estimate garbage).
    const tooFew = splitTooSmall(train, test, this.minSplitRows);
    if (tooFew) return tooFew;
    const { dx, dy } = train;
    const s = this.settings;
    const k = s.batchSize;
    const steps = this.stepsFor(train.n);
    const evalEvery = Math.max(1, Math.ceil(steps / s.evaluations));
    const batchesPerEpoch = Math.floor(train.n / k);
    const critic = createCritic(s.critic, {
      dim1: dx,
      dim2: dy,
      seed: deriveSeed(context.seed, 'init:critic'),
      options: s.criticOptions,
    });
    const estimator = createEstimator(this.estimator, {
      rowDim: dx,
      seed: deriveSeed(context.seed, 'init:estimator'),
      options: this.options,
    });
    const testX = tensorOf(test.x, test.n, dx);
    const testY = tensorOf(test.y, test.n, dy);
    const head = headOf(train, test.n);
    const headX = tensorOf(head.x, head.n, dx);
    const headY = tensorOf(head.y, head.n, dy);
    const trainCurve: CurvePoint[] = [];
    const heldOutCurve: CurvePoint[] = [];
    let lastTrain: number | null = null;
    let order: Int32Array | null = null;
    let orderEpoch = -1;
    try {
      const checkpoint = withCallerState(
        context.checkpoint,
        'fit',
        () => ({
          trainCurve,
          heldOutCurve,
          lastTrain,
          seconds: (performance.now() - started) / 1000,
        }),
        (saved: {
          trainCurve: CurvePoint[];
          heldOutCurve: CurvePoint[];
          lastTrain: number | null;
          seconds: number;
        }) => {
          trainCurve.push(...saved.trainCurve);
          heldOutCurve.push(...saved.heldOutCurve);
          lastTrain = saved.lastTrain;
          started = performance.now() - saved.seconds * 1000;
        },
      );
      const outcome = await runGroundTruth({
        critic,
        estimator,
        batch: (step) => {
          const epoch = Math.floor(step / batchesPerEpoch);
          if (epoch !== orderEpoch) {
            order = new Rng(deriveSeed(context.seed, `data:epoch:${epoch}`)).permutation(train.n);
            orderEpoch = epoch;
          }
          const first = (step % batchesPerEpoch) * k;
          const x = new Float32Array(k * dx); // [K, dx]
          const y = new Float32Array(k * dy); // [K, dy]
          for (let r = 0; r < k; r++) {
            const i = order![first + r];
            for (let j = 0; j < dx; j++) x[r * dx + j] = train.x[i * dx + j];
            for (let j = 0; j < dy; j++) y[r * dy + j] = train.y[i * dy + j];
          }
          return [tf.tensor2d(x, [k, dx]), tf.tensor2d(y, [k, dy])];
        },
        steps,
        evalEvery,
        learningRate: s.learningRate,
        evaluate: async (step, window) => {
          if (window.length > 0) {
            let sum = 0;
            for (const v of window) sum += v;
            lastTrain = finiteOrNull(sum / window.length);
            trainCurve.push({ step, estimate: lastTrain });
          }
          const heldOut = finiteOrNull(heldOutEstimate(critic, estimator, testX, testY, k));
          heldOutCurve.push({ step, estimate: heldOut });
          context.onEvaluation?.({ step, train: window.length > 0 ? lastTrain : null, heldOut });
        },
        onStep: (step) => context.onProgress?.({ step: step + 1, steps, estimate: lastTrain }),
        shouldStop: context.shouldStop,
        checkpoint,
      });
      const estimate = heldOutCurve.at(-1)?.estimate ?? Number.NaN;
      const result: FitResult = {
        status: outcome.status,
        estimate: outcome.status === 'ok' ? estimate : Number.NaN,
        trainEstimate: Number.NaN,
        trainCurve,
        heldOutCurve,
        seconds: 0,
        ceiling: estimator.ceiling(k),
      };
      if (outcome.error) {
        const { message, step } = outcome.error;
        // The loop's messages usually name the step already ("… non-finite at step 108").
        const named = step === undefined || message.includes(`step ${step}`);
        result.error = named ? message : `${message} (step ${step})`;
      }
      if (outcome.status === 'ok') {
        result.trainEstimate = heldOutEstimate(critic, estimator, headX, headY, k);
        if (!Number.isFinite(estimate)) {
          result.status = 'failed';
          result.error = `the held-out estimate is not finite after ${steps} steps`;
        }
      }
      result.seconds = (performance.now() - started) / 1000;
      return result;
    } finally {
      tf.dispose([testX, testY, headX, headY]);
      critic.dispose();
      estimator.dispose();
    }
  }
}
