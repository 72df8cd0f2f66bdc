/**
 * Importance-weighted bounds on log p(x) with a proposal r(z | x) (Burda et al. 2016), and the
 * matching upper bound from one exact posterior sample (Brekelmans et al. 2022, Sec. 3; the
 * "IWAE upper bound" of Sobolev & Vetrov 2019).
 *
 * w(z) = p(x | z) p(z) / r(z | x), so E_r[w] = p(x).
 *
 * Lower bound. L̂_K = log (1/K) Σ_k w(z_k), z_k ~ r iid. By Jensen, E[L̂_K] ≤ log E[(1/K) Σ w]
 * = log p(x). MI upper bound: I ≤ E[log p(x | z_i)] − E[L̂_K(x_i)].
 *
 * Upper bound. Û_K = log (1/K) [Σ_{k<K} w(z_k) + w(z_i)], with z_1..z_{K−1} ~ r and z_i the
 * simulated latent of x_i, an exact draw of p(z | x_i). Proof: on z_{1:K} compare
 *   P(z_{1:K}) = Π_k r(z_k | x)  and  Q(z_{1:K}) = (1/K) Σ_k p(z_k | x) Π_{j≠k} r(z_j | x)
 * (pick a slot uniformly, put a posterior draw there, proposals elsewhere). Then
 *   Q / P = (1/K) Σ_k p(z_k | x) / r(z_k | x) = (1/K) Σ_k w(z_k) / p(x),
 * so 0 ≤ KL(Q ‖ P) = E_Q[log (1/K) Σ_k w(z_k)] − log p(x). E_Q of this symmetric function
 * equals its expectation with the posterior draw in the last slot, i.e. E[Û_K] ≥ log p(x).
 * MI lower bound: I ≥ E[log p(x | z_i)] − E[Û_K(x_i)].
 *
 * Facts the tests check:
 * - Prior proposal (r = p(z), w = p(x | z)): Û_K ≥ log (w(z_i)/K) term by term, so
 *   log p(x_i | z_i) − Û_K(x_i) ≤ log K for every point: the MI lower bound is ≤ log K exactly.
 * - K = 1 with q: Û_1 = log w(z_i) = log p(x_i | z_i) + log p(z_i) − log q(z_i | x_i), so the MI
 *   lower bound is mean_i [log q(z_i | x_i) − log p(z_i)], the Barber-Agakov bound
 *   E[log q(z | x)] + H(Z) with H(Z) estimated by −mean log p(z_i) (its expectation is the
 *   Gaussian entropy dz/2 · log(2πe)).
 *
 * Both bounds reuse the same K − 1 proposal draws; K is processed in chunks of at most
 * `chunkRows` rows (N·k ≤ chunkRows) and the log weights read back per chunk (Float64).
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../random.ts';
import { diagGaussianLogDensity } from './gaussian.ts';
import type { JointSample, LatentModel } from './model.ts';
import { drawFromProposal, type Proposal } from './proposal.ts';
import type { MiBounds } from './result.ts';
import { logMeanExp, summarize } from './summary.ts';

export interface IwaeArgs {
  /** Samples per point K ≥ 1. */
  samples: number;
  /** Most rows per likelihood evaluation. */
  chunkRows: number;
  /** Groups of data points for the CIs. */
  groups: number;
}

/**
 * Per-point log weights of K draws of `proposal` (row i: the K draws for x_i, Float64Array
 * [N·K]) and of the true z_i ([N]), with log p(x_i | z_i) ([N]). Draws come from
 * `deriveSeed(seed, 'draws')`. Frees everything it allocates.
 */
export function iwaeLogWeights(
  model: LatentModel,
  data: JointSample,
  proposal: Proposal,
  samples: number,
  chunkRows: number,
  seed: number,
): { logW: Float64Array; logWTrue: Float64Array; logLik: Float64Array } {
  const n = data.x.shape[0];
  const rng = new Rng(deriveSeed(seed, 'draws'));
  const { mean, logStd } = proposal.gaussian(data.x); // [N, dz] each
  const [logLikT, logWTrueT] = tf.tidy(() => {
    const logLik = model.logLikelihood(data.x, data.z); // [N]
    const logR = diagGaussianLogDensity(data.z, mean, logStd); // [N]
    return [logLik, tf.sub(tf.add(logLik, model.logPrior(data.z)), logR)];
  });
  const logLik = Float64Array.from(logLikT.dataSync());
  const logWTrue = Float64Array.from(logWTrueT.dataSync());
  logLikT.dispose();
  logWTrueT.dispose();
  const logW = new Float64Array(n * samples);
  const perChunk = Math.max(1, Math.min(samples, Math.floor(chunkRows / n)));
  for (let k0 = 0; k0 < samples; k0 += perChunk) {
    const k = Math.min(perChunk, samples - k0);
    const chunk = tf.tidy(() => {
      const { z, logR } = drawFromProposal(mean, logStd, k, rng); // [N·k, dz], [N·k]
      const xRep = tf.reshape(tf.tile(tf.reshape(data.x, [n, 1, -1]), [1, k, 1]), [n * k, -1]);
      const logJoint = tf.add(model.logLikelihood(xRep as tf.Tensor2D, z), model.logPrior(z));
      return tf.sub(logJoint, logR); // [N·k], row i·k + j
    });
    const values = chunk.dataSync();
    chunk.dispose();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) logW[i * samples + k0 + j] = values[i * k + j] as number;
    }
  }
  mean.dispose();
  logStd.dispose();
  return { logW, logWTrue, logLik };
}

/** IWAE lower and upper bounds on log p(x) with `proposal`, as MI bounds. */
export function iwaeBounds(
  model: LatentModel,
  data: JointSample,
  proposal: Proposal,
  args: IwaeArgs,
  seed: number,
): MiBounds {
  const start = performance.now();
  const k = args.samples;
  const { logW, logWTrue, logLik } = iwaeLogWeights(model, data, proposal, k, args.chunkRows, seed);
  const n = logLik.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    row.set(logW.subarray(i * k, (i + 1) * k));
    lower[i] = logMeanExp(row);
    row[k - 1] = logWTrue[i] as number; // the true z_i replaces the last draw
    upper[i] = logMeanExp(row);
  }
  const seconds = (performance.now() - start) / 1000;
  return summarize(lower, upper, logLik, args.groups, seconds, {
    proposalSeconds: proposal.seconds,
  });
}
