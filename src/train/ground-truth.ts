/**
 * The estimator loop (DESIGN §2b): a critic and an estimator trained on pairs whose MI is
 * known: fresh samples every step (the staircase) or epochs over a fixed finite data set (the
 * correlation benchmark). Adam on the critic's and the estimator's variables jointly, on the
 * estimator's loss; the estimator's reported value of every step is recorded.
 *
 * Evaluations run at step 0, every `evalEvery` steps *before* that step's update, and once
 * more after the last step (so the final window is measured too). Hot path: one `tf.tidy` per
 * step, the step's estimate kept on the backend and read back in one go at the next evaluation.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from '../estimators/entry.ts';
import type { Critic } from '../types.ts';
import { type LoopCheckpoint, StateReader, StateWriter } from './checkpoint.ts';
import { firstNonFinite, NonFiniteError, PendingScalars, yieldSometimes } from './pending.ts';

export interface GroundTruthArgs {
  critic: Critic;
  estimator: Estimator;
  /** The batch of step s: x [K, dx] (the score rows), y [K, dy]. The loop disposes them. */
  batch(step: number): [tf.Tensor2D, tf.Tensor2D];
  steps: number;
  evalEvery: number;
  learningRate: number;
  /**
   * Called at step 0, every `evalEvery` steps and after the last step, with the estimates of
   * the steps since the previous call (empty at step 0) and every estimate so far (a
   * non-finite value included, as the last entry, when the run fails on it).
   */
  evaluate(step: number, window: Float32Array, trace: readonly number[]): Promise<void>;
  onStep?(step: number): void;
  shouldStop?(): boolean;
  /**
   * Saves the state after every evaluation (the one after the last step included) and resumes
   * from `checkpoint.resume` (its evaluation is not repeated). Absent: neither.
   */
  checkpoint?: LoopCheckpoint;
}

export interface GroundTruthOutcome {
  status: 'ok' | 'failed' | 'stopped';
  error?: { message: string; step?: number };
  /** The reported estimate of every completed step (nats). */
  estimate: number[];
}

/** Trains the critic with the estimator and records its estimate at every step. */
export async function runGroundTruth(args: GroundTruthArgs): Promise<GroundTruthOutcome> {
  const optimizer = tf.train.adam(args.learningRate);
  const variables = [...args.critic.variables, ...args.estimator.variables];
  const pending = new PendingScalars();
  const estimate: number[] = [];
  let step = 0;
  let first = 0;
  const stateVariables = args.estimator.checkpointState?.variables ?? [];
  const save = (at: number) =>
    args.checkpoint?.save(
      new StateWriter()
        .model('critic', args.critic.variables)
        .model('estimator', args.estimator.variables)
        .model('estimator-state', stateVariables)
        .adam('adam', optimizer)
        .build(at, {
          estimate,
          estimatorFlags: args.estimator.checkpointState?.flags() ?? {},
        }),
    );
  const resume = args.checkpoint?.resume;
  // Reads the pending estimates; a non-finite one is kept in the trace and fails the run there.
  const evaluateAt = async (at: number) => {
    const start = estimate.length;
    const window = pending.drain();
    estimate.push(...window);
    const bad = firstNonFinite(window);
    if (bad >= 0) {
      estimate.length = start + bad + 1;
      await args.evaluate(at, window.subarray(0, bad + 1), estimate);
      save(at);
      throw new NonFiniteError(`${args.estimator.kind} estimate`, start + bad);
    }
    await args.evaluate(at, window, estimate);
    save(at);
  };
  try {
    if (resume) {
      const state = new StateReader(resume)
        .model('critic', args.critic.variables)
        .model('estimator', args.estimator.variables)
        .model('estimator-state', stateVariables)
        .adam('adam', optimizer);
      estimate.push(...(state.loop['estimate'] as number[]));
      args.estimator.checkpointState?.restore(
        state.loop['estimatorFlags'] as Record<string, unknown>,
      );
      first = resume.step;
    }
    for (step = first; step < args.steps; step++) {
      if (step % args.evalEvery === 0 && !(resume && step === first)) await evaluateAt(step);
      if (args.shouldStop?.()) return { status: 'stopped', estimate };
      const [x, y] = args.batch(step);
      const value = tf.tidy(() => {
        let kept: tf.Scalar | undefined;
        optimizer.minimize(
          () => {
            const scores = args.critic.scores(x, y); // [K, K]
            const terms = args.estimator.train({ scores, rows: x });
            kept = tf.keep(terms.estimate);
            return terms.loss;
          },
          false,
          variables,
        );
        args.estimator.update();
        return kept as tf.Scalar;
      });
      pending.push(value);
      tf.dispose([x, y]);
      args.onStep?.(step);
      await yieldSometimes();
    }
    // A resume from the checkpoint of the evaluation after the last step has nothing left to do.
    if (!(resume && first === args.steps)) await evaluateAt(args.steps);
    return { status: 'ok', estimate };
  } catch (error) {
    const failedStep = error instanceof NonFiniteError ? error.step : step;
    return {
      status: 'failed',
      error: { message: (error as Error).message, step: failedStep },
      estimate,
    };
  } finally {
    pending.dispose();
    optimizer.dispose();
  }
}

/**
 * Mean of the batch estimates of `estimator` over consecutive held-out batches of size K
 * (the remainder that does not fill a batch is left out). x: [n, dx], y: [n, dy].
 */
export function heldOutEstimate(
  critic: Critic,
  estimator: Estimator,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  batchSize: number,
): number {
  const batches = Math.floor(x.shape[0] / batchSize);
  if (batches < 1) throw new Error(`held-out set (${x.shape[0]} rows) is smaller than one batch`);
  const values = tf.tidy(() => {
    const perBatch: tf.Scalar[] = [];
    for (let b = 0; b < batches; b++) {
      const xb = tf.slice(x, [b * batchSize, 0], [batchSize, -1]) as tf.Tensor2D;
      const yb = tf.slice(y, [b * batchSize, 0], [batchSize, -1]) as tf.Tensor2D;
      perBatch.push(estimator.estimate({ scores: critic.scores(xb, yb), rows: xb }));
    }
    return tf.mean(tf.stack(perBatch));
  });
  const out = values.dataSync()[0];
  values.dispose();
  return out;
}
