/**
 * Donsker-Varadhan and its clipped form (SMILE), in the scores convention of `src/types.ts`:
 * `scores[i][j] = f(x_i, y_j)`, diagonal = positive pairs, off-diagonal = product of marginals.
 *
 *     I_DV    = (1/K) Σ_i S_ii − log( (1/(K(K−1))) Σ_{i≠j} exp(S_ij) )
 *     I_SMILE = (1/K) Σ_i S_ii − log( (1/(K(K−1))) Σ_{i≠j} exp(clip(S_ij, −τ, τ)) )
 *
 * (Donsker & Varadhan 1983; Belghazi et al. 2018, Eq. 9; Song & Ermon 2020, Eq. 17.)
 *
 * **Bias.** E[I_DV] is *not* a lower bound at finite K: the log of a minibatch mean is a
 * concave function of an unbiased estimate, so by Jensen E[log mean] ≤ log E[mean] and the
 * minibatch estimate is biased *upwards*. Only its K → ∞ limit is a bound. MINE's moving
 * average (see `estimators/mine.ts`) corrects the gradient, not this value.
 *
 * With τ = ∞ SMILE is exactly DV; a finite τ bounds the partition term's variance, at the
 * price of a bias (Song & Ermon 2020, Thm. 2).
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertSquare } from './checks.ts';
import { diagonal } from './infonce.ts';
import { logMeanExpOffDiagonal } from './tuba.ts';

/** I_DV in nats. scores: [K, K], K ≥ 2. The caller owns the returned scalar. */
export function dv(scores: tf.Tensor2D): tf.Scalar {
  assertSquare(scores, 'dv', 2);
  return tf.tidy(() => tf.sub(tf.mean(diagonal(scores)), logMeanExpOffDiagonal(scores)));
}

/**
 * I_SMILE in nats: DV with the partition term's scores clipped to [−τ, τ] (the diagonal term
 * is not clipped). `tau` = `Infinity` gives DV. scores: [K, K], K ≥ 2. Caller owns the result.
 */
export function smile(scores: tf.Tensor2D, tau: number): tf.Scalar {
  assertSquare(scores, 'smile', 2);
  if (!(tau > 0)) throw new Error(`smile: tau must be > 0, got ${tau}`);
  if (tau === Number.POSITIVE_INFINITY) return dv(scores);
  return tf.tidy(() => {
    const clipped = tf.clipByValue(scores, -tau, tau); // [K, K]
    return tf.sub(tf.mean(diagonal(scores)), logMeanExpOffDiagonal(clipped));
  });
}
