/**
 * Multi-chain annealed importance sampling (Neal 2001) with HMC transitions, forward for a
 * stochastic lower bound on log p(x) and reverse from the exact posterior sample for an upper
 * bound (bidirectional Monte Carlo, Grosse, Ghahramani & Adams 2015), as Brekelmans et al.
 * (2022, Sec. 5, "Multi-Sample AIS") use it on the MI of VAEs and GANs.
 *
 * Path. π_β(z) ∝ f_β(z) = r(z | x)^{1−β} (p(z) p(x | z))^β for β on a schedule
 * 0 = β_0 < … < β_T = 1 (`schedule.ts`); Z_0 = 1 (r normalized), Z_T = p(x). With
 * h(z) = log p(z) + log p(x | z) − log r(z | x), log f_β = log r + β·h. For r = p(z) this is
 * p(z) p(x | z)^β, the paper's path.
 *
 * Forward chain. z_0 ~ r; for t = 1..T−1, z_t ~ K_t(· | z_{t−1}), an HMC transition leaving
 * π_{β_t} invariant. Log weight
 *   log w = Σ_{t=1}^{T} [log f_{β_t}(z_{t−1}) − log f_{β_{t−1}}(z_{t−1})] = Σ_t (β_t − β_{t−1}) h(z_{t−1}),
 * with E[w] = Z_T / Z_0 = p(x) (Neal 2001: w is the importance weight of the whole trajectory
 * on an extended space whose target runs the reversed kernels backward from π_T). S
 * independent chains per point: L̂ = log (1/S) Σ_s w_s, and E[L̂] ≤ log p(x) by Jensen. With
 * T = 1 there are no transitions and log w = h(z_0) = log w_IWAE(z_0): L̂ is IWAE with K = S.
 *
 * Reverse chain (BDMC). z_{T−1} = z_i, an exact draw of π_T = p(z | x) (the simulated latent);
 * for t = T−1..1, z_{t−1} ~ K_t(· | z_t). This is the forward construction run on the reversed
 * schedule from π_T to π_0, so its weight
 *   log w_rev = Σ_{t=1}^{T} [log f_{β_{t−1}}(z_{t−1}) − log f_{β_t}(z_{t−1})] = −Σ_t (β_t − β_{t−1}) h(z_{t−1})
 * has E[w_rev] = Z_0 / Z_T = 1 / p(x). With S chains, Û = −log (1/S) Σ_s w_rev,s and Jensen
 * gives E[Û] ≥ log p(x). With T = 1, Û = h(z_i) = log w(z_i), the K = 1 IWAE upper bound.
 *
 * Step sizes. One ε per data point (shared by its S chains, [N, 1]), updated after every
 * transition from a smoothed acceptance rate a ← 0.9·a + 0.1·(fraction of its S chains that
 * accepted), started at the target: ε ← ε / 0.9 if a > target, else ε · 0.9, clipped to
 * [1e-4, 1]. This is the rule of the HAIS package (Sohl-Dickstein & Culpepper 2012's method as
 * implemented in `hais`: `stepsize_inc = 1/0.9`, `stepsize_dec = 0.9`, smoothing decay 0.9,
 * target 0.65, near the optimum of Neal 2011 Sec. 4.4 and Beskos et al. 2013). A slower ±2 %
 * rule left the reverse chains' steps too small to spread back out to the prior at T = 100
 * (BDMC gap 0.16 nats vs 0.04 forward on the linear-Gaussian test). The update is a tensor op:
 * the loop reads nothing back until the end. (Adapting from the chains' own past makes the
 * kernels depend on history; like Wu et al. 2017 and the paper's code we accept this.)
 *
 * Batching. All S chains of all N points are one [N·S, dz] tensor (row i·S + s), so each
 * transition is L + 1 gradient evaluations and one forward pass of the model on N·S rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../random.ts';
import { diagGaussianLogDensity, repeatRows } from './gaussian.ts';
import {
  type AnnealedTarget,
  type ChainState,
  chainState,
  disposeState,
  hmcTransition,
} from './hmc.ts';
import type { JointSample, LatentModel } from './model.ts';
import { drawFromProposal, type Proposal } from './proposal.ts';
import type { MiBounds } from './result.ts';
import { annealingSchedule } from './schedule.ts';
import { logMeanExp, summarize } from './summary.ts';

export interface AisArgs {
  /** Annealing steps T ≥ 1 (T − 1 HMC transitions per chain and direction). */
  steps: number;
  /** Chains per point and direction, S ≥ 1. */
  chains: number;
  /** Leapfrog steps per transition, L ≥ 1. */
  leapfrogSteps: number;
  /** Initial step size. */
  stepSize: number;
  /** Target acceptance rate of the step-size adaptation. */
  targetAcceptance: number;
  /** `sigmoid` or `linear`. */
  schedule: string;
  /** δ of the sigmoid schedule. */
  sigmoidRadius: number;
  /** Groups of data points for the CIs. */
  groups: number;
}

/** Step-size bounds of the adaptation. */
const STEP_MIN = 1e-4;
const STEP_MAX = 1;
/** Multiplicative step-size change per transition and the rate's smoothing (HAIS package). */
const STEP_UP = 1 / 0.9;
const STEP_DOWN = 0.9;
const RATE_DECAY = 0.9;

/** The annealed family for N points with S chains each (rows i·S + s). Owns its tensors. */
function annealedTarget(
  model: LatentModel,
  x: tf.Tensor2D,
  proposal: Proposal,
  chains: number,
): AnnealedTarget & { dispose(): void } {
  const { mean, logStd } = proposal.gaussian(x); // [N, dz]
  const meanRep = repeatRows(mean, chains); // [N·S, dz]
  const logStdRep = repeatRows(logStd, chains); // [N·S, dz]
  const xRep = repeatRows(x, chains); // [N·S, dx]
  mean.dispose();
  logStd.dispose();
  const isPrior = proposal.kind === 'prior';
  const logBase = (z: tf.Tensor2D) =>
    isPrior ? model.logPrior(z) : diagGaussianLogDensity(z, meanRep, logStdRep);
  return {
    logBase,
    logRatio(z) {
      // With the prior as base, log p(z) − log r(z) is exactly 0: h = log p(x | z).
      if (isPrior) return model.logLikelihood(xRep, z); // [N·S]
      return tf.tidy(() => {
        const logJoint = tf.add(model.logPrior(z), model.logLikelihood(xRep, z)); // [N·S]
        return tf.sub(logJoint, logBase(z)) as tf.Tensor1D;
      });
    },
    dispose() {
      meanRep.dispose();
      logStdRep.dispose();
      xRep.dispose();
    },
  };
}

interface ChainRun {
  /** log w per chain, [N·S] (Float64). */
  logW: Float64Array;
  /** Mean acceptance over every transition and chain. */
  acceptance: number;
  /** Final step size, mean over points. */
  stepSize: number;
  /** Transitions run. */
  transitions: number;
}

/**
 * Runs one direction. `start` [N·S, dz] is consumed (disposed). `betas` in the direction of
 * travel. log w accumulates Σ_t (b_t − b_{t−1}) h(z_{t−1}) along `betas`, which is the
 * forward weight for an increasing schedule and the reverse weight for a decreasing one.
 */
function runChains(
  target: AnnealedTarget,
  start: tf.Tensor2D,
  betas: Float64Array,
  n: number,
  args: AisArgs,
  rng: Rng,
): ChainRun {
  const s = args.chains;
  const m = n * s;
  const dz = start.shape[1];
  let state: ChainState = chainState(target, start);
  start.dispose();
  let logW = tf.zeros([m]) as tf.Tensor1D;
  let step = tf.fill([n, 1], args.stepSize) as tf.Tensor2D; // ε per point
  let acceptSum = tf.zeros([]) as tf.Scalar;
  let smoothed = tf.fill([n, 1], args.targetAcceptance) as tf.Tensor2D; // smoothed rate per point
  const transitions = betas.length - 2;
  for (let t = 1; t < betas.length; t++) {
    const delta = (betas[t] as number) - (betas[t - 1] as number);
    const next = tf.tidy(() => tf.add(logW, tf.mul(delta, state.logRatio)) as tf.Tensor1D);
    logW.dispose();
    logW = next;
    if (t === betas.length - 1) break; // no transition at the last temperature
    const stepRep = repeatRows(step, s); // [N·S, 1]
    const momentum = rng.normalArray(m * dz);
    const uniform = rng.uniformArray(m, 0, 1);
    const moved = hmcTransition(
      target,
      state,
      betas[t] as number,
      stepRep,
      args.leapfrogSteps,
      momentum,
      uniform,
    );
    stepRep.dispose();
    disposeState(state);
    state = moved.state;
    const [nextStep, nextSum, nextSmoothed] = tf.tidy(() => {
      const rate = tf.mean(tf.reshape(moved.accepted, [n, s]), 1, true); // [N, 1]
      const a = tf.add(tf.mul(RATE_DECAY, smoothed), tf.mul(1 - RATE_DECAY, rate)); // [N, 1]
      const factor = tf.where(tf.greater(a, args.targetAcceptance), STEP_UP, STEP_DOWN);
      return [
        tf.clipByValue(tf.mul(step, factor), STEP_MIN, STEP_MAX) as tf.Tensor2D,
        tf.add(acceptSum, tf.mean(moved.accepted)) as tf.Scalar,
        a as tf.Tensor2D,
      ];
    });
    moved.accepted.dispose();
    step.dispose();
    acceptSum.dispose();
    smoothed.dispose();
    step = nextStep;
    acceptSum = nextSum;
    smoothed = nextSmoothed;
  }
  const meanStep = tf.mean(step);
  const out: ChainRun = {
    logW: Float64Array.from(logW.dataSync()),
    acceptance: transitions > 0 ? (acceptSum.dataSync()[0] as number) / transitions : Number.NaN,
    stepSize: transitions > 0 ? (meanStep.dataSync()[0] as number) : Number.NaN,
    transitions,
  };
  meanStep.dispose();
  smoothed.dispose();
  disposeState(state);
  logW.dispose();
  step.dispose();
  acceptSum.dispose();
  return out;
}

/**
 * Forward AIS lower bound and BDMC upper bound on log p(x_i) from `proposal`, as MI bounds.
 * Seeds: `draws` (initial proposal draws, the same stream as IWAE's), `forward`, `reverse`.
 */
export function aisBounds(
  model: LatentModel,
  data: JointSample,
  proposal: Proposal,
  args: AisArgs,
  seed: number,
): MiBounds {
  const started = performance.now();
  const n = data.x.shape[0];
  const s = args.chains;
  const betas = annealingSchedule(args.steps, args.schedule, args.sigmoidRadius);
  const target = annealedTarget(model, data.x, proposal, s);
  const logLikT = model.logLikelihood(data.x, data.z);
  const logLik = Float64Array.from(logLikT.dataSync());
  logLikT.dispose();

  // Forward: z_0 ~ r(z | x), S per point, from the IWAE draw stream.
  const { mean, logStd } = proposal.gaussian(data.x);
  const init = drawFromProposal(mean, logStd, s, new Rng(deriveSeed(seed, 'draws')));
  mean.dispose();
  logStd.dispose();
  init.logR.dispose();
  const t0 = performance.now();
  const forward = runChains(target, init.z, betas, n, args, new Rng(deriveSeed(seed, 'forward')));
  const forwardMs = performance.now() - t0;

  // Reverse: z_{T−1} = z_i for every chain, the schedule reversed.
  const reversed = Float64Array.from(betas).reverse();
  const t1 = performance.now();
  const reverse = runChains(
    target,
    repeatRows(data.z, s),
    reversed,
    n,
    args,
    new Rng(deriveSeed(seed, 'reverse')),
  );
  const reverseMs = performance.now() - t1;
  target.dispose();

  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const negated = new Float64Array(s);
  for (let i = 0; i < n; i++) {
    lower[i] = logMeanExp(forward.logW.subarray(i * s, (i + 1) * s));
    for (let c = 0; c < s; c++) negated[c] = reverse.logW[i * s + c] as number;
    upper[i] = -logMeanExp(negated);
  }
  const transitions = forward.transitions + reverse.transitions;
  const seconds = (performance.now() - started) / 1000;
  return summarize(lower, upper, logLik, args.groups, seconds, {
    acceptance: forward.acceptance,
    stepSize: forward.stepSize,
    reverseAcceptance: reverse.acceptance,
    reverseStepSize: reverse.stepSize,
    msPerTransition: transitions > 0 ? (forwardMs + reverseMs) / transitions : Number.NaN,
    proposalSeconds: proposal.seconds,
  });
}
