/**
 * The bound-only loop (paper Sec. 4, Fig. 4c): a critic alone, trained to maximize a bound on
 * 2-d Gaussian pairs, iid or non-iid (one shared Z per batch). Records the estimate of every
 * step; the true MI of the pair marginal is known in closed form.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Objective, objectiveLoss } from '../bounds/objective.ts';
import { type Cov2, sampleIidPairs, sampleNonIidBatch } from '../data/gaussian.ts';
import { deriveSeed, Rng } from '../random.ts';
import type { BoundFn, Critic } from '../types.ts';
import { type LoopCheckpoint, StateReader, StateWriter } from './checkpoint.ts';
import { firstNonFinite, mean, NonFiniteError, PendingScalars, yieldSometimes } from './pending.ts';

export interface BoundOnlyArgs {
  critic: Critic;
  bound: BoundFn;
  objective: Objective;
  /** `iid`: pairs from N(0, covZ + covEps); `noniid`: Z + ε_i with one Z per batch. */
  sampling: 'iid' | 'noniid';
  covZ: Cov2;
  covEps: Cov2;
  batchSize: number;
  steps: number;
  /** Evaluation (record write) interval in steps. */
  evalEvery: number;
  learningRate: number;
  /** Seed of the samples (step s draws from `deriveSeed(dataSeed, 'step:s')`). */
  dataSeed: number;
  /** Called at step 0 and every `evalEvery` steps with the mean estimate since the last call and every estimate so far. */
  evaluate(step: number, trainBound: number | null, trace: readonly number[]): Promise<void>;
  onStep?(step: number): void;
  shouldStop?(): boolean;
  /** Saves after every evaluation and at the end; resumes from `checkpoint.resume`. */
  checkpoint?: LoopCheckpoint;
}

export interface BoundOnlyOutcome {
  status: 'ok' | 'failed' | 'stopped';
  error?: { message: string; step?: number };
  /** The bound of every step (nats). */
  estimate: number[];
}

/** One batch as column tensors x: [B, 1], y: [B, 1]. */
export function gaussianBatch(args: BoundOnlyArgs, step: number): [tf.Tensor2D, tf.Tensor2D] {
  const rng = new Rng(deriveSeed(args.dataSeed, `step:${step}`));
  const B = args.batchSize;
  const { x, y } =
    args.sampling === 'noniid'
      ? sampleNonIidBatch(rng, B, args.covZ, args.covEps)
      : sampleIidPairs(rng, B, [
          [args.covZ[0][0] + args.covEps[0][0], args.covZ[0][1] + args.covEps[0][1]],
          [args.covZ[1][0] + args.covEps[1][0], args.covZ[1][1] + args.covEps[1][1]],
        ]);
  return [tf.tensor2d(x, [B, 1]), tf.tensor2d(y, [B, 1])];
}

export async function runBoundOnly(args: BoundOnlyArgs): Promise<BoundOnlyOutcome> {
  const optimizer = tf.train.adam(args.learningRate);
  const pending = new PendingScalars();
  const estimate: number[] = [];
  let step = 0;
  let first = 0;
  const save = (at: number) =>
    args.checkpoint?.save(
      new StateWriter()
        .model('critic', args.critic.variables)
        .adam('adam', optimizer)
        .build(at, { estimate }),
    );
  const resume = args.checkpoint?.resume;
  const drain = (): number | null => {
    const start = estimate.length;
    const values = pending.drain();
    estimate.push(...values);
    const bad = firstNonFinite(values);
    if (bad >= 0) throw new NonFiniteError('bound estimate', start + bad);
    return values.length ? mean(values) : null;
  };
  try {
    if (resume) {
      const state = new StateReader(resume)
        .model('critic', args.critic.variables)
        .adam('adam', optimizer);
      estimate.push(...(state.loop['estimate'] as number[]));
      first = resume.step;
    }
    for (step = first; step < args.steps; step++) {
      if (step % args.evalEvery === 0 && !(resume && step === first)) {
        await args.evaluate(step, drain(), estimate);
        save(step);
      }
      if (args.shouldStop?.()) return { status: 'stopped', estimate };
      const [x, y] = gaussianBatch(args, step);
      const value = tf.tidy(() => {
        let kept: tf.Scalar | undefined;
        optimizer.minimize(
          () => {
            kept = tf.keep(args.bound(args.critic.scores(x, y))); // scores: [B, B]
            return objectiveLoss(kept, args.objective);
          },
          false,
          args.critic.variables,
        );
        return kept as tf.Scalar;
      });
      pending.push(value);
      tf.dispose([x, y]);
      args.onStep?.(step);
      await yieldSometimes();
    }
    drain();
    save(args.steps);
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
