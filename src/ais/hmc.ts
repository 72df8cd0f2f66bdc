/**
 * One Hamiltonian Monte Carlo transition for a batch of M independent chains, leaving the
 * annealed density π_β(z) ∝ f_β(z) = r(z)^{1−β} · (p(z) p(x | z))^β invariant, written as
 *   log f_β(z) = log r(z) + β·h(z),   h(z) = log p(z) + log p(x | z) − log r(z)
 * (the log importance weight). A chain's state carries log r and h at its z, so the weight
 * update of AIS and the Metropolis test reuse them.
 *
 * HMC (Neal 2011, "MCMC using Hamiltonian dynamics", Sec. 5.2): momentum p ~ N(0, I), L
 * leapfrog steps of size ε on H(z, p) = −log f_β(z) + ½‖p‖²,
 *   p ← p + ½ε ∇log f(z);  then L times: z ← z + ε p, p ← p + ε ∇log f(z) (half a step the last time),
 * then accept (z', p') with probability min(1, exp(H(z, p) − H(z', p'))). The leapfrog map is
 * volume-preserving and reversible under p → −p, so the transition satisfies detailed balance
 * for π_β whatever ε is, and ε may differ per chain. A non-finite H' is a rejection.
 *
 * Everything stays on the backend: no value is read back (the caller adapts ε from the
 * returned acceptance tensor, also on the backend). The randomness arrives as arrays drawn on
 * the host from a seeded `Rng` and uploaded: no device read.
 */
import * as tf from '@tensorflow/tfjs-core';
// Side effect: registers TF.js's stock gradients (tf.grad below needs them in Node).
import '../ops/index.ts';

/** The annealed family: both functions map z [M, dz] → [M]; differentiable in z. */
export interface AnnealedTarget {
  /** log r(z) (the base, β = 0). Caller owns the result. */
  logBase(z: tf.Tensor2D): tf.Tensor1D;
  /** h(z) = log p(z) + log p(x | z) − log r(z). Caller owns the result. */
  logRatio(z: tf.Tensor2D): tf.Tensor1D;
}

/** M chains: z [M, dz] with log r(z) and h(z) [M] at those z. The holder disposes them. */
export interface ChainState {
  z: tf.Tensor2D;
  logBase: tf.Tensor1D;
  logRatio: tf.Tensor1D;
}

/** The state at z (evaluates the target once). The caller owns the state. */
export function chainState(target: AnnealedTarget, z: tf.Tensor2D): ChainState {
  return { z: z.clone(), logBase: target.logBase(z), logRatio: target.logRatio(z) };
}

export function disposeState(state: ChainState): void {
  state.z.dispose();
  state.logBase.dispose();
  state.logRatio.dispose();
}

/**
 * One HMC transition at inverse temperature `beta` with per-chain step sizes `stepSize`
 * [M, 1] and `leapfrogSteps` L ≥ 1. `momentum` [M·dz] and `uniform` [M] are the draws (standard
 * normal, uniform in (0, 1)). Returns the new state and `accepted` [M] (1 = accepted, 0 = not);
 * the caller owns both and still owns `state`.
 */
export function hmcTransition(
  target: AnnealedTarget,
  state: ChainState,
  beta: number,
  stepSize: tf.Tensor2D,
  leapfrogSteps: number,
  momentum: Float32Array,
  uniform: Float32Array,
): { state: ChainState; accepted: tf.Tensor1D } {
  return tf.tidy(() => {
    const [m, dz] = state.z.shape;
    const logF = (z: tf.Tensor): tf.Scalar => {
      const z2 = z as tf.Tensor2D;
      return tf.sum(tf.add(target.logBase(z2), tf.mul(beta, target.logRatio(z2))));
    };
    const gradLogF = tf.grad(logF) as (z: tf.Tensor2D) => tf.Tensor2D; // [M, dz]
    const p0 = tf.tensor2d(momentum, [m, dz]); // [M, dz]
    let z = state.z;
    let p = tf.add(p0, tf.mul(tf.mul(0.5, stepSize), gradLogF(z))) as tf.Tensor2D; // half step
    for (let l = 1; l <= leapfrogSteps; l++) {
      z = tf.add(z, tf.mul(stepSize, p)) as tf.Tensor2D; // full position step
      const g = gradLogF(z); // [M, dz]
      const scale = l < leapfrogSteps ? stepSize : tf.mul(0.5, stepSize); // last: half step
      p = tf.add(p, tf.mul(scale, g)) as tf.Tensor2D;
    }
    const logBase1 = target.logBase(z); // [M]
    const logRatio1 = target.logRatio(z); // [M]
    // H = −log f + ½‖p‖² before and after; log α = H0 − H1.
    const h0 = tf.sub(
      tf.mul(0.5, tf.sum(tf.square(p0), 1)),
      tf.add(state.logBase, tf.mul(beta, state.logRatio)),
    ); // [M]
    const h1 = tf.sub(
      tf.mul(0.5, tf.sum(tf.square(p), 1)),
      tf.add(logBase1, tf.mul(beta, logRatio1)),
    ); // [M]
    const logAlpha = tf.sub(h0, h1); // [M]
    const logU = tf.log(tf.tensor1d(uniform)); // [M]
    const accept = tf.logicalAnd(tf.isFinite(logAlpha), tf.less(logU, logAlpha)) as tf.Tensor1D; // [M] bool
    const accept2 = tf.reshape(accept, [m, 1]); // [M, 1], broadcast over dz
    return {
      state: {
        z: tf.where(accept2, z, state.z) as tf.Tensor2D,
        logBase: tf.where(accept, logBase1, state.logBase) as tf.Tensor1D,
        logRatio: tf.where(accept, logRatio1, state.logRatio) as tf.Tensor1D,
      },
      accepted: tf.cast(accept, 'float32') as tf.Tensor1D,
    };
  });
}
