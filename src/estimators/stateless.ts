/**
 * Estimators without state or variables of their own: a training objective on the scores and
 * a reported value (often the same bound: loss = −bound).
 * - `infonce`, `nwj`, `tuba` (no baseline), `dv`: loss = −bound, report the bound.
 * - `js`: train the critic with the f-GAN JS objective, report NWJ on S + 1 (see below).
 * - `smile`: train with JS, report DV with a clipped partition term (Song & Ermon 2020).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dv, smile } from '../bounds/dv.ts';
import { infonce } from '../bounds/infonce.ts';
import { jsObjective } from '../bounds/js.ts';
import { nwj, tuba } from '../bounds/tuba.ts';
import type { Estimator, EstimatorBatch, TrainingTerms } from './entry.ts';

type Scalar = tf.Scalar;
type Tensor2D = tf.Tensor2D;

/** A stateless estimator from a training objective (to maximize) and a reported value. */
export class StatelessEstimator implements Estimator {
  readonly variables: tf.Variable[] = [];

  constructor(
    readonly kind: string,
    /** The value training maximizes; loss = −objective. */
    private readonly objective: (scores: Tensor2D) => Scalar,
    /** The reported value. */
    private readonly report: (scores: Tensor2D) => Scalar,
    private readonly limit: (k: number) => number | null = () => null,
  ) {}

  train({ scores }: EstimatorBatch): TrainingTerms {
    if (this.objective === this.report) {
      const estimate = this.report(scores);
      return { loss: tf.neg(estimate), estimate };
    }
    return tf.tidy(() => {
      const loss = tf.neg(this.objective(scores));
      // The reported value carries no gradient to the loss; computing it here keeps one pass.
      return { loss, estimate: this.report(scores) };
    });
  }

  update(): void {}

  estimate({ scores }: EstimatorBatch): Scalar {
    return this.report(scores);
  }

  ceiling(k: number): number | null {
    return this.limit(k);
  }

  dispose(): void {}
}

/**
 * The JS estimator's reported value. The JS objective's optimal critic is f* = log r (r the
 * density ratio p(x,y)/(p(x)p(y))), whereas NWJ's optimal critic is 1 + log r. So the critic
 * trained by JS is plugged into NWJ *shifted by one*: NWJ(S + 1) = TUBA(S), which is tight at
 * f = log r (Poole et al. 2019, Sec. 4 "I_JS"). Several reference notebooks plug S into NWJ
 * unshifted, which loses ~1 − 1/e of tightness at the optimum and biases the estimate down.
 */
export function jsReportedValue(scores: Tensor2D): Scalar {
  return tf.tidy(() => nwj(tf.add(scores, 1)));
}

export const infonceEstimator = () =>
  new StatelessEstimator('infonce', infonce, infonce, (k) => Math.log(k));
export const nwjEstimator = () => new StatelessEstimator('nwj', nwj, nwj);
export const tubaPlainEstimator = () =>
  new StatelessEstimator(
    'tuba',
    (s) => tuba(s),
    (s) => tuba(s),
  );
export const dvEstimator = () => new StatelessEstimator('dv', dv, dv);
export const jsEstimator = () => new StatelessEstimator('js', jsObjective, jsReportedValue);
export const smileEstimator = (tau: number) =>
  new StatelessEstimator('smile', jsObjective, (s) => smile(s, tau));
