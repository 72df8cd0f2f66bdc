/**
 * The f-GAN Jensen-Shannon objective (Nowozin et al. 2016; Poole et al. 2019, I_JS; Hjelm et
 * al. 2019), in the scores convention of `src/types.ts` (diagonal = joint pairs):
 *
 *     J = (1/K) Σ_i −softplus(−S_ii) − (1/(K(K−1))) Σ_{i≠j} softplus(S_ij)
 *
 * J is a lower bound on a JS-type divergence between p(x, y) and p(x)p(y), not on MI: it is a
 * *training* objective. Its maximizer is the log density ratio, f* = log p(x,y)/(p(x)p(y)),
 * which is what the `js` and `smile` estimators need their critic to learn.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertSquare } from './checks.ts';
import { diagonal } from './infonce.ts';

/** J (see above). scores: [K, K], K ≥ 2. The caller owns the returned scalar. */
export function jsObjective(scores: tf.Tensor2D): tf.Scalar {
  const k = assertSquare(scores, 'jsObjective', 2);
  return tf.tidy(() => {
    const joint = tf.mean(tf.neg(tf.softplus(tf.neg(diagonal(scores))))); // E_p(x,y)[−sp(−f)]
    const offDiagonal = tf.sub(1, tf.eye(k)); // [K, K]: 1 off the diagonal
    const marginal = tf.div(tf.sum(tf.mul(tf.softplus(scores), offDiagonal)), k * (k - 1));
    return tf.sub(joint, marginal) as tf.Scalar;
  });
}
