/**
 * The sweep training loop (paper Sec. 3; Colab `train`): Adam on the variables of both
 * encoders and the critic, maximizing a bound (or driving it to a target), evaluating at step 0
 * and every `evalEvery` steps *before* that step's update (Colab: `if i % eval_every == 0`),
 * so 21,000 steps with evalEvery 1000 give evaluations at 0, 1000, ..., 20000.
 *
 * Hot path: one `tf.tidy` per step, data gathered on the backend, no device read until the
 * next evaluation (the step's bound is kept on the backend and read back in one go).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Objective, objectiveLoss } from '../bounds/objective.ts';
import type { BatchStream } from '../data/batches.ts';
import { deriveSeed, Rng } from '../random.ts';
import type { BoundFn, Critic, Encoder } from '../types.ts';
import { type LoopCheckpoint, StateReader, StateWriter } from './checkpoint.ts';
import { firstNonFinite, mean, NonFiniteError, PendingScalars, yieldSometimes } from './pending.ts';

export interface SweepModels {
  g1: Encoder;
  g2: Encoder;
  critic: Critic;
}

export interface SweepArgs extends SweepModels {
  bound: BoundFn;
  objective: Objective;
  stream: BatchStream;
  /** Training steps. Paper: 21,000. */
  steps: number;
  /** Evaluate every this many steps (and at step 0). Paper: 1000. */
  evalEvery: number;
  /** Adam learning rate on encoders and critic jointly. Paper: 1e-4. */
  learningRate: number;
  /** σ of the Gaussian noise added, the same tensor to x1 and x2, at each step. 0 = none. */
  noiseSigma: number;
  /** Seed of the training noise (step s draws from `deriveSeed(noiseSeed, 'step:s')`). */
  noiseSeed: number;
  /**
   * Measures the models at an evaluation step (probe, held-out bound, Jacobian). Called with
   * the step, the mean training bound since the last evaluation (null at step 0) and the
   * training bound of every step so far.
   */
  evaluate(step: number, trainBound: number | null, trace: readonly number[]): Promise<void>;
  /** Called after every training step's dispatch (progress display); must be cheap. */
  onStep?(step: number): void;
  /** Polled between steps: true stops the loop early (status stays unfinished). */
  shouldStop?(): boolean;
  /**
   * Saves the state after every evaluation and once at the end (step = steps), and resumes
   * from `checkpoint.resume` (its evaluation is not repeated). Absent: neither.
   */
  checkpoint?: LoopCheckpoint;
}

export interface SweepOutcome {
  /** `stopped` when `shouldStop` ended it early. */
  status: 'ok' | 'failed' | 'stopped';
  error?: { message: string; step?: number };
  /** Training bound of every completed step (nats). */
  trainBound: number[];
}

/** All trainable variables of the models (encoders first, then critic). */
export function sweepVariables(models: SweepModels): tf.Variable[] {
  return [...models.g1.variables, ...models.g2.variables, ...models.critic.variables];
}

/**
 * One training step; returns the step's bound as a kept scalar (the caller owns it).
 * x1: [B, d1], x2: [B, d2]; noise (optional): [B, d1] with d1 = d2, added to both views.
 */
export function trainStep(
  models: SweepModels,
  bound: BoundFn,
  objective: Objective,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  noise?: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => {
    let value: tf.Scalar | undefined;
    optimizer.minimize(
      () => {
        const v1 = noise ? tf.add<tf.Tensor2D>(x1, noise) : x1; // [B, d1]
        const v2 = noise ? tf.add<tf.Tensor2D>(x2, noise) : x2; // [B, d2]
        const scores = models.critic.scores(models.g1.apply(v1), models.g2.apply(v2)); // [B, B]
        value = tf.keep(bound(scores));
        return objectiveLoss(value, objective);
      },
      false,
      variables,
    );
    return value as tf.Scalar;
  });
}

/** Noise for one step: [B, d] of σ·N(0, 1) from the step's own seed (reproducible on resume). */
export function stepNoise(
  noiseSeed: number,
  step: number,
  rows: number,
  cols: number,
  sigma: number,
) {
  const rng = new Rng(deriveSeed(noiseSeed, `step:${step}`));
  return tf.tensor2d(rng.normalArray(rows * cols, sigma), [rows, cols]);
}

/** Runs the loop; never throws for a failing run (returns status `failed` with the error). */
export async function runSweep(args: SweepArgs): Promise<SweepOutcome> {
  const variables = sweepVariables(args);
  const optimizer = tf.train.adam(args.learningRate);
  const pending = new PendingScalars();
  const trainBound: number[] = [];
  let step = 0;
  let first = 0;
  const save = (at: number) =>
    args.checkpoint?.save(
      new StateWriter()
        .model('g1', args.g1.variables)
        .model('g2', args.g2.variables)
        .model('critic', args.critic.variables)
        .adam('adam', optimizer)
        .build(at, { trainBound, stream: args.stream.getState() }),
    );
  const resume = args.checkpoint?.resume;
  // Reads the pending bounds; throws NonFiniteError at the first NaN/inf step.
  const drain = (): number | null => {
    const firstStep = trainBound.length;
    const values = pending.drain();
    const bad = firstNonFinite(values);
    for (const v of values) trainBound.push(v);
    if (bad >= 0) throw new NonFiniteError('training bound', firstStep + bad);
    return values.length ? mean(values) : null;
  };
  try {
    if (resume) {
      const state = new StateReader(resume)
        .model('g1', args.g1.variables)
        .model('g2', args.g2.variables)
        .model('critic', args.critic.variables)
        .adam('adam', optimizer);
      trainBound.push(...(state.loop['trainBound'] as number[]));
      args.stream.setState(state.loop['stream'] as { epoch: number; position: number });
      first = resume.step;
    }
    for (step = first; step < args.steps; step++) {
      if (step % args.evalEvery === 0 && !(resume && step === first)) {
        await args.evaluate(step, drain(), trainBound);
        save(step);
      }
      if (args.shouldStop?.()) {
        drain();
        return { status: 'stopped', trainBound };
      }
      const batch = args.stream.next();
      const [, d1] = batch.x1.shape;
      const noise =
        args.noiseSigma > 0
          ? stepNoise(args.noiseSeed, step, batch.x1.shape[0], d1, args.noiseSigma)
          : undefined;
      pending.push(
        trainStep(
          args,
          args.bound,
          args.objective,
          optimizer,
          variables,
          batch.x1,
          batch.x2,
          noise,
        ),
      );
      tf.dispose([batch.x1, batch.x2, batch.labels]);
      noise?.dispose();
      args.onStep?.(step);
      await yieldSometimes();
    }
    drain();
    save(args.steps);
    return { status: 'ok', trainBound };
  } catch (error) {
    const failedStep = error instanceof NonFiniteError ? error.step : step;
    return {
      status: 'failed',
      error: { message: (error as Error).message, step: failedStep },
      trainBound,
    };
  } finally {
    pending.dispose();
    optimizer.dispose();
  }
}
