/**
 * Estimators with a learned baseline b (Poole et al. 2019): TUBA with a(x) = exp(b(x)), and
 * I_α, the InfoNCE-TUBA interpolation (Eq. 12). b is an MLP (Poole's "unnormalized baseline":
 * 2 hidden layers of 512 relu, one linear output) trained jointly with the critic, by the same
 * loss (−bound).
 *
 * Orientation: our score rows are view-1 samples (src/types.ts), so the per-row baseline is a
 * function of the *row* sample, b(x_i) (Poole's rows are y, hence their a(y)). The batch's
 * `rows` tensor is its input.
 */
import * as tf from '@tensorflow/tfjs-core';
import { interpolated } from '../bounds/interpolated.ts';
import { tuba } from '../bounds/tuba.ts';
import {
  applyMlp,
  checkWidths,
  createDenseStack,
  type DenseLayer,
  denseVariables,
} from '../encoders/layers.ts';
import { deriveSeed, Rng } from '../random.ts';
import type { Estimator, EstimatorBatch, TrainingTerms } from './entry.ts';

/** b(rows): [K, rowDim] → [K], an MLP with relu hidden layers and a linear output. */
export class BaselineNetwork {
  readonly layers: DenseLayer[];
  readonly variables: tf.Variable[];

  constructor(name: string, rowDim: number, hidden: number[], seed: number, context: string) {
    checkWidths(hidden, 'baselineHidden', context, 0);
    const rng = new Rng(deriveSeed(seed, 'init'));
    this.layers = createDenseStack(rng, `${name}/baseline`, rowDim, [...hidden, 1], {
      kind: 'glorot-uniform',
    });
    this.variables = denseVariables(this.layers);
  }

  /** rows: [K, rowDim] → log baseline [K]. The caller owns the result. */
  apply(rows: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(applyMlp(this.layers, rows), [rows.shape[0]]) as tf.Tensor1D);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** An estimator whose value is a bound of (scores, log baseline); loss = −value. */
export class LearnedBaselineEstimator implements Estimator {
  readonly variables: tf.Variable[];

  constructor(
    readonly kind: string,
    private readonly baseline: BaselineNetwork,
    private readonly bound: (scores: tf.Tensor2D, logBaseline: tf.Tensor1D) => tf.Scalar,
    private readonly limit: (k: number) => number | null = () => null,
  ) {
    this.variables = baseline.variables;
  }

  train(batch: EstimatorBatch): TrainingTerms {
    const estimate = this.estimate(batch);
    return { loss: tf.neg(estimate), estimate };
  }

  update(): void {}

  estimate({ scores, rows }: EstimatorBatch): tf.Scalar {
    return tf.tidy(() => this.bound(scores, this.baseline.apply(rows)));
  }

  ceiling(k: number): number | null {
    return this.limit(k);
  }

  dispose(): void {
    this.baseline.dispose();
  }
}

/** TUBA with a learned baseline: I = 1 + E_joint[f − b] − E_marginal[e^{f − b}]. */
export function tubaWithBaseline(baseline: BaselineNetwork): LearnedBaselineEstimator {
  return new LearnedBaselineEstimator('tuba', baseline, (s, b) => tuba(s, b));
}

/** I_α with a learned baseline; ≤ 1 + log((K − 1)/α) (see `bounds/interpolated.ts`). */
export function interpolatedWithBaseline(
  baseline: BaselineNetwork,
  alpha: number,
): LearnedBaselineEstimator {
  return new LearnedBaselineEstimator(
    'interpolated',
    baseline,
    (s, b) => interpolated(s, b, alpha),
    (k) => 1 + Math.log((k - 1) / alpha),
  );
}
