/**
 * Proposals r(z | x) for importance sampling and AIS: diagonal Gaussians whose mean and log
 * standard deviation are functions of x. The prior N(0, I) is the proposal that ignores x; the
 * learned one is an MLP encoder q(z | x) trained on fresh simulated pairs (x, z) ~ p(x, z) to
 * maximize E[log q(z | x)] (Barber & Agakov 2003), optionally followed by ELBO steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyMlp, createDenseStack, type DenseLayer } from '../encoders/layers.ts';
import { resolveOptions } from '../options.ts';
import { deriveSeed, Rng } from '../random.ts';
import type { Options, Seed } from '../types.ts';
import { diagGaussianLogDensity, repeatRows } from './gaussian.ts';
import type { LatentModel } from './model.ts';

/** A diagonal-Gaussian proposal r(z | x) = N(mean(x), diag(exp(2·logStd(x)))). */
export interface Proposal {
  /** `prior` or `learned`. */
  readonly kind: string;
  readonly latentDim: number;
  /**
   * mean, logStd: x [n, dx] → [n, dz] each. The caller owns both. Gradients flow to the
   * proposal's variables (training) but callers of the bounds treat them as constants.
   */
  gaussian(x: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D };
  /** Trainable variables ([] for the prior). */
  readonly variables: tf.Variable[];
  /** Seconds spent training it (0 for the prior). */
  readonly seconds: number;
  dispose(): void;
}

/** Options of {@link trainProposal}; every field has a default in `PROPOSAL_DEFAULTS`. */
export interface ProposalOptions extends Options {
  /** Hidden widths of the encoder MLP (relu). */
  hidden: number[];
  /** Adam steps maximizing E[log q(z | x)] on fresh pairs. */
  steps: number;
  /** Fresh simulated pairs per step. */
  batchSize: number;
  /** Adam learning rate. */
  learningRate: number;
  /** ELBO steps after the Barber-Agakov ones (reparameterized, one sample); 0 = none. */
  elboSteps: number;
}

export const PROPOSAL_DEFAULTS: ProposalOptions = {
  hidden: [256, 256],
  steps: 2000,
  batchSize: 128,
  learningRate: 1e-3,
  elboSteps: 0,
};

/** The prior N(0, I) as a proposal (ignores x). Nothing to dispose. */
export function priorProposal(latentDim: number): Proposal {
  return {
    kind: 'prior',
    latentDim,
    variables: [],
    seconds: 0,
    gaussian(x) {
      const n = x.shape[0];
      return { mean: tf.zeros([n, latentDim]), logStd: tf.zeros([n, latentDim]) };
    },
    dispose() {},
  };
}

/**
 * k draws per row of r(z | x) = N(mean, diag(exp(2·logStd))), by reparameterization with
 * standard normals from `rng` (drawn in the order row i, draw j, coordinate d):
 * z [n·k, dz] with row i·k + j the j-th draw for row i, and log r(z | x_i) [n·k]. The shared
 * sampler of IWAE and AIS, so both see the same draws from the same seed. Caller owns both.
 */
export function drawFromProposal(
  mean: tf.Tensor2D,
  logStd: tf.Tensor2D,
  k: number,
  rng: Rng,
): { z: tf.Tensor2D; logR: tf.Tensor1D } {
  return tf.tidy(() => {
    const [n, dz] = mean.shape;
    const eps = tf.tensor2d(rng.normalArray(n * k * dz), [n * k, dz]); // [n·k, dz]
    const m = repeatRows(mean, k); // [n·k, dz]
    const s = repeatRows(logStd, k); // [n·k, dz]
    const z = tf.add(m, tf.mul(tf.exp(s), eps)) as tf.Tensor2D;
    return { z, logR: diagGaussianLogDensity(z, m, s) };
  });
}

/** log std is kept in [−LOG_STD_BOUND, LOG_STD_BOUND] (tanh squashing) for stable training. */
const LOG_STD_BOUND = 10;

class LearnedProposal implements Proposal {
  readonly kind = 'learned';
  seconds = 0;
  constructor(
    readonly latentDim: number,
    private readonly layers: DenseLayer[],
  ) {}

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias] as tf.Variable[]);
  }

  gaussian(x: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D } {
    return tf.tidy(() => {
      const out = applyMlp(this.layers, x); // [n, 2·dz]
      const [mean, raw] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D]; // [n, dz] each
      const logStd = tf.mul(LOG_STD_BOUND, tf.tanh(tf.div(raw, LOG_STD_BOUND))) as tf.Tensor2D;
      return { mean, logStd };
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * A diagonal-Gaussian encoder q(z | x), an MLP x → [mean; logStd] (relu hidden layers, glorot
 * init), trained with Adam on fresh simulated pairs (x, z) ~ p(x, z) each step (seeds: `init`,
 * `data`, `elbo`):
 * 1. `steps` of the Barber-Agakov objective: maximize E_{p(x,z)}[log q(z | x)], which is
 *    I(X; Z) − H(Z) − E_x KL(p(z | x) ‖ q(z | x)) (mass-covering: q covers the posterior,
 *    the right direction for an importance-sampling proposal);
 * 2. then `elboSteps` of the ELBO E_q[log p(x, z) − log q(z | x)] on fresh x with one
 *    reparameterized sample (mode-seeking; sharpens q where the posterior is narrow).
 * `options` are overrides of `PROPOSAL_DEFAULTS`. The caller disposes the result.
 */
export function trainProposal(model: LatentModel, options: Options, seed: Seed): Proposal {
  const o = resolveOptions(PROPOSAL_DEFAULTS, options, 'proposal');
  const start = performance.now();
  const dz = model.latentDim;
  const rng = new Rng(deriveSeed(seed, 'init'));
  const layers = createDenseStack(rng, 'proposal', model.dataDim, [...o.hidden, 2 * dz], {
    kind: 'glorot-uniform',
  });
  const proposal = new LearnedProposal(dz, layers);
  const optimizer = tf.train.adam(o.learningRate);
  const dataSeed = deriveSeed(seed, 'data');
  const varList = proposal.variables;
  for (let step = 0; step < o.steps; step++) {
    const batch = model.sample(o.batchSize, deriveSeed(dataSeed, String(step)));
    optimizer.minimize(
      () => {
        const { mean, logStd } = proposal.gaussian(batch.x);
        return tf.neg(tf.mean(diagGaussianLogDensity(batch.z, mean, logStd))) as tf.Scalar;
      },
      false,
      varList,
    );
    batch.x.dispose();
    batch.z.dispose();
  }
  const elboSeed = deriveSeed(seed, 'elbo');
  const noise = new Rng(deriveSeed(elboSeed, 'noise'));
  for (let step = 0; step < o.elboSteps; step++) {
    const batch = model.sample(o.batchSize, deriveSeed(elboSeed, String(step)));
    optimizer.minimize(
      () => {
        const { mean, logStd } = proposal.gaussian(batch.x);
        const { z, logR } = drawFromProposal(mean, logStd, 1, noise); // [B, dz], [B]
        const elbo = tf.sub(tf.add(model.logLikelihood(batch.x, z), model.logPrior(z)), logR);
        return tf.neg(tf.mean(elbo)) as tf.Scalar;
      },
      false,
      varList,
    );
    batch.x.dispose();
    batch.z.dispose();
  }
  optimizer.dispose();
  proposal.seconds = (performance.now() - start) / 1000;
  return proposal;
}
