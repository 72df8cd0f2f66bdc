/**
 * TUBA and NWJ (Poole et al., 2019, Eqs. 8-9; Nguyen, Wainwright & Jordan, 2010), in the
 * scores convention of `src/types.ts`: `scores[i][j] = f(x_i, y_j)`, diagonal = positive pairs,
 * off-diagonal = samples from the product of marginals.
 *
 * With a log-baseline b_i = log a(·) for row i (a scalar b means the same for every row):
 *
 *     S'_ij = S_ij − b_i                                  (the whole row, diagonal included)
 *     I_TUBA = 1 + (1/K) Σ_i S'_ii − (1/(K(K−1))) Σ_{i≠j} exp(S'_ij)
 *            = 1 + E_p(x,y)[f − log a] − E_p(x)p(y)[e^f / a]
 *
 * This matches vbmi's `tuba_lower_bound` (Poole et al.'s notebook), which does
 * `scores -= log_baseline[:, None]` and nothing else: subtracting b from the diagonal *is* the
 * `− log a` term of the joint expectation; no separate log term is added back. vbmi's separable
 * critic puts y on the rows (`h(y) g(x)ᵀ`), so its per-row baseline is a(y); ours has x on the
 * rows, so a per-row baseline is a function of the row's view-1 sample. Either is a valid bound
 * (f − log a is just another critic; MI is symmetric).
 *
 * The off-diagonal mean excludes the diagonal exactly: the diagonal is masked with −∞ in log
 * space, then logsumexp − log(K(K−1)).
 *
 * NWJ is TUBA with the constant baseline a = e, i.e. `tuba(S − 1)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSumExp } from '../ops/log-sum-exp.ts';
import { assertSquare } from './checks.ts';
import { diagonal } from './infonce.ts';

/**
 * log of the mean of exp over the off-diagonal entries: log((1/(K(K−1))) Σ_{i≠j} exp(S_ij)).
 * scores: [K, K] with K ≥ 2. The caller owns the returned scalar.
 */
export function logMeanExpOffDiagonal(scores: tf.Tensor2D): tf.Scalar {
  const k = assertSquare(scores, 'logMeanExpOffDiagonal', 2);
  return tf.tidy(() => {
    const isDiagonal = tf.cast(tf.eye(k), 'bool'); // [K, K]
    const masked = tf.where(isDiagonal, tf.fill([k, k], Number.NEGATIVE_INFINITY), scores);
    return tf.sub(logSumExp(tf.reshape(masked, [-1]), 0), Math.log(k * (k - 1))) as tf.Scalar;
  });
}

/**
 * I_TUBA in nats. scores: [K, K] (K ≥ 2); `logBaseline`: [K] (one per row) or a number
 * (default: none, i.e. 0). The caller owns the returned scalar.
 */
export function tuba(scores: tf.Tensor2D, logBaseline?: tf.Tensor1D | number): tf.Scalar {
  const k = assertSquare(scores, 'tuba', 2);
  if (typeof logBaseline === 'object' && (logBaseline.rank !== 1 || logBaseline.shape[0] !== k)) {
    throw new Error(`tuba: logBaseline must be [${k}] (one per row), got [${logBaseline.shape}]`);
  }
  return tf.tidy(() => {
    const shifted: tf.Tensor2D =
      logBaseline === undefined
        ? scores
        : typeof logBaseline === 'number'
          ? tf.sub(scores, logBaseline)
          : tf.sub(scores, tf.reshape(logBaseline, [k, 1])); // [K, K]: S_ij − b_i
    const jointTerm = tf.mean(diagonal(shifted)); // E_p(x,y)[f − log a]: the diagonal
    const marginalTerm = tf.exp(logMeanExpOffDiagonal(shifted)); // E_p(x)p(y)[e^f / a]
    return tf.sub(tf.add(1, jointTerm), marginalTerm) as tf.Scalar;
  });
}

/** I_NWJ = I_TUBA with a = e: `tuba(S − 1)`. scores: [K, K], K ≥ 2. Caller owns the result. */
export function nwj(scores: tf.Tensor2D): tf.Scalar {
  assertSquare(scores, 'nwj', 2);
  return tf.tidy(() => tuba(tf.sub(scores, 1)));
}
