/**
 * I_α, the interpolation between InfoNCE and TUBA (Poole et al. 2019, Eq. 12), in the scores
 * convention of `src/types.ts`: `scores[i][j] = f(x_i, y_j)`, rows = view-1 samples.
 *
 * Poole et al. write the bound with a baseline that interpolates, in probability space,
 * between a multi-sample InfoNCE baseline m and a learned baseline a:
 *
 *     I_α = 1 + E_joint[ log( e^f / (α m + (1 − α) a) ) ] − E_marginal[ e^f / (α m + (1 − α) a) ]
 *
 * **Orientation.** Poole's rows are y and their baseline is a(y); ours are x (view 1), so the
 * baseline here is a function of the *row* sample: a_i = exp(b(x_i)). Roles are symmetric (MI
 * is), so this is the same bound with x and y exchanged.
 *
 * **The multi-sample baseline** m is a leave-one-out mean over a row: for row i and left-out
 * column j, m_ij = (1/(K−1)) Σ_{k≠j} exp(S_ik).
 * - Joint term: the positive pair (i, i) is evaluated against the baselines m_ij for every
 *   j ≠ i (each set {k ≠ j} holds the positive and K − 2 negatives, K − 1 samples as in Poole's
 *   m over the positive and the other samples); averaged over the K − 1 choices of j.
 * - Marginal term: a negative pair (i, j ≠ i) against m_ii, the mean over row i's K − 1
 *   negatives (it includes column j itself, as Poole's m includes the evaluated sample).
 * This matches vbmi's `interpolated_lower_bound` (Poole et al.'s notebook) after exchanging
 * rows and columns.
 *
 * **Upper limits.** α = 1 removes the learned baseline: the marginal term is then exactly 1 and
 * I_1 is a leave-one-out InfoNCE, ≤ log(K − 1). For any α, e^{S_ii} ≤ (K − 1)·m_ij (j ≠ i), so
 * the joint term is ≤ log((K − 1)/α) and, the marginal term being ≥ 0,
 *
 *     I_α ≤ 1 + log((K − 1)/α)          (sharp: see below)
 *
 * Poole et al. state I_α ≤ log(K/α). That holds at α = 1, but not for the minibatch estimator
 * in general: when a row's negatives are far below its baseline a(x_i) (e.g. the exact
 * log-ratio critic of a 20-nat Gaussian with a ≈ e^{−20}), the marginal term vanishes while the
 * joint term stays near log((K − 1)/α), and I_α approaches the limit above (measured: 5.15 at
 * K = 64, α = 0.99, against log(K/α) = 4.17). The tests pin both facts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSumExp } from '../ops/log-sum-exp.ts';
import { assertSquare } from './checks.ts';
import { diagonal } from './infonce.ts';
import { logMeanExpOffDiagonal } from './tuba.ts';

/**
 * Leave-one-out log-mean-exp of each row: out[i][j] = log((1/(K−1)) Σ_{k≠j} exp(S_ik)).
 * scores: [K, K] (K ≥ 2) → [K, K], in O(K²).
 *
 * The shortcut log(Σ_k e^{S_ik} − e^{S_ij}) cancels catastrophically in float32 when S_ij
 * dominates its row (a trained critic's positive pair: the difference underflows to 0, off by
 * tens of nats). So the row's largest entry is treated apart: for j ≠ argmax the subtraction
 * leaves at least the max's own term (e^0 = 1 after factoring out the max), which is exact
 * enough; for j = argmax the sum over the other entries is taken directly, factored by the
 * second largest. The caller owns the result.
 */
export function logLeaveOneOutMeanExp(scores: tf.Tensor2D): tf.Tensor2D {
  const k = assertSquare(scores, 'logLeaveOneOutMeanExp', 2);
  return tf.tidy(() => {
    const isMax = tf.cast(tf.oneHot(tf.argMax(scores, 1), k), 'bool'); // [K, K]: one per row
    const first = tf.max(scores, 1, true); // [K, 1]: M1
    const others = tf.where(isMax, tf.fill([k, k], Number.NEGATIVE_INFINITY), scores); // [K, K]
    const second = tf.max(others, 1, true); // [K, 1]: M2
    // j ≠ argmax: log(Σ_k e^{S_ik − M1} − e^{S_ij − M1}) + M1; the difference is ≥ 1 − ε.
    const shifted = tf.exp(tf.sub(scores, first)); // [K, K]
    const rest = tf.maximum(tf.sub(tf.sum(shifted, 1, true), shifted), 1e-30); // [K, K]
    const general = tf.add(tf.log(rest), first); // [K, K]
    // j = argmax: log Σ_{k ≠ argmax} e^{S_ik − M2} + M2 (M2 ≥ every remaining entry).
    const atMax = tf.add(logSumExp(tf.sub(others, second), 1, true), second); // [K, 1]
    const loo = tf.where(isMax, tf.mul(atMax, tf.onesLike(scores)), general); // [K, K]
    return tf.sub(loo, Math.log(k - 1)) as tf.Tensor2D;
  });
}

/**
 * I_α in nats. scores: [K, K] (K ≥ 2); `logBaseline`: [K], b_i = log a(x_i) for row i;
 * `alpha` ∈ (0, 1]. The caller owns the returned scalar.
 */
export function interpolated(
  scores: tf.Tensor2D,
  logBaseline: tf.Tensor1D,
  alpha: number,
): tf.Scalar {
  const k = assertSquare(scores, 'interpolated', 2);
  if (!(alpha > 0 && alpha <= 1))
    throw new Error(`interpolated: alpha must be in (0, 1], got ${alpha}`);
  if (logBaseline.rank !== 1 || logBaseline.shape[0] !== k) {
    throw new Error(`interpolated: logBaseline must be [${k}], got [${logBaseline.shape}]`);
  }
  return tf.tidy(() => {
    const logMultiSample = logLeaveOneOutMeanExp(scores); // [K, K]: log m_ij
    const logLearned = tf.reshape(logBaseline, [k, 1]); // [K, 1]: log a(x_i)
    // log(α m + (1 − α) a), elementwise in log space; α = 1 drops the learned term exactly.
    const logMixed =
      alpha === 1
        ? logMultiSample
        : logSumExp(
            tf.stack([
              tf.add(logMultiSample, Math.log(alpha)),
              tf.add(tf.mul(logLearned, tf.onesLike(logMultiSample)), Math.log(1 - alpha)),
            ]),
            0,
          ); // [K, K]
    const isDiagonal = tf.eye(k); // [K, K]
    // Joint term: S_ii − logMixed_ij averaged over j ≠ i (and over rows).
    const joint = tf.sub(tf.reshape(diagonal(scores), [k, 1]), logMixed) as tf.Tensor2D; // [K, K]
    const jointTerm = tf.div(tf.sum(tf.mul(joint, tf.sub(1, isDiagonal))), k * (k - 1)); // scalar
    // Marginal term: exp(S_ij − logMixed_ii) averaged over j ≠ i.
    const marginal = tf.sub(
      scores,
      tf.reshape(diagonal(logMixed as tf.Tensor2D), [k, 1]),
    ) as tf.Tensor2D; // [K, K]
    const marginalTerm = tf.exp(logMeanExpOffDiagonal(marginal));
    return tf.sub(tf.add(1, jointTerm), marginalTerm) as tf.Scalar;
  });
}
