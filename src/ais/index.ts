/**
 * Bounds on I(X; Z) of generative models with a known likelihood (Brekelmans et al., ICLR
 * 2022): I = E[log p(x | z)] − E[log p(x)], with log p(x) sandwiched by importance sampling
 * and annealed importance sampling. Each method maps (model, data, options, seed) to
 * `MiBounds`; the registry lists them for `mimax list` and the `ais-mi` experiment.
 *
 * | id          | log p(x) lower bound (→ MI upper)       | log p(x) upper bound (→ MI lower)          |
 * |-------------|------------------------------------------|---------------------------------------------|
 * | iwae-prior  | IWAE, K prior samples                    | IWAE with the true z_i as one of K          |
 * | iwae-q      | IWAE, K samples of a learned q(z | x)    | IWAE with the true z_i as one of K          |
 * | ais-prior   | S forward AIS chains from the prior, T steps | S reverse chains from z_i (BDMC)        |
 * | ais-q       | as ais-prior, from q(z | x)              | as ais-prior, annealing to q(z | x)         |
 * | giwae       | —                                        | GIWAE with a learned critic T(x, z)         |
 */
import type * as tf from '@tensorflow/tfjs-core';
import { resolveOptions } from '../options.ts';
import { deriveSeed } from '../random.ts';
import { Registry, type RegistryEntry } from '../registry.ts';
import { type Options, type Seed, UserError } from '../types.ts';
import { type AisArgs, aisBounds } from './ais.ts';
import { type GiwaeArgs, giwaeBounds, trainGiwaeCritic } from './giwae.ts';
import { type IwaeArgs, iwaeBounds } from './iwae.ts';
import type { JointSample, LatentModel } from './model.ts';
import { PROPOSAL_DEFAULTS, type Proposal, priorProposal, trainProposal } from './proposal.ts';
import type { MiBounds } from './result.ts';

export { type AisArgs, aisBounds } from './ais.ts';
export { type GiwaeArgs, GiwaeCritic, giwaeBounds, trainGiwaeCritic } from './giwae.ts';
export {
  type AnnealedTarget,
  type ChainState,
  chainState,
  disposeState,
  hmcTransition,
} from './hmc.ts';
export { type IwaeArgs, iwaeBounds } from './iwae.ts';
export {
  cholesky,
  type LinearGaussianArgs,
  type LinearGaussianModel,
  linearGaussian,
} from './linear-gaussian.ts';
export type { JointSample, LatentModel } from './model.ts';
export { LOG_2PI } from './model.ts';
export {
  PROPOSAL_DEFAULTS,
  type Proposal,
  type ProposalOptions,
  priorProposal,
  trainProposal,
} from './proposal.ts';
export type { MiBounds } from './result.ts';
export { annealingSchedule } from './schedule.ts';

export interface BoundMethodEntry extends RegistryEntry {
  /** Every option with its default. */
  defaults: Options;
  /** Small options that keep tests fast. */
  testOptions?: Options;
  /** Whether the method uses a learned proposal q(z | x) (trained unless one is passed). */
  usesProposal: boolean;
  /** Range checks types alone do not make; throws a `UserError` naming the field. */
  validate(options: Options): void;
  /**
   * The bounds on N pairs. `options` arrive resolved and validated; `proposal`, when given,
   * is used instead of training one (and is not disposed). `data` stays the caller's.
   * `onTrained` is shown every model the method trains itself, by owner, before it is
   * disposed (see {@link OnTrained}).
   */
  run(
    model: LatentModel,
    data: JointSample,
    options: Options,
    seed: Seed,
    proposal?: Proposal,
    onTrained?: OnTrained,
  ): Promise<MiBounds>;
}

/**
 * Sees the variables of a model a bound method trained for this call (`proposal`: a q it
 * trained because none was given; `giwae-critic`: GIWAE's critic T(x, z)) once trained and
 * before they are disposed, to keep them (the `ais` loop's checkpoint); it must not change them.
 */
export type OnTrained = (owner: string, variables: readonly tf.Variable[]) => void;

/** Every bound method by id. */
export const boundMethodRegistry = new Registry<BoundMethodEntry>('bound method');

/** Throws a `UserError` unless `options[field]` is an integer ≥ `min`. */
export function checkInteger(options: Options, field: string, min: number, context: string): void {
  const value = options[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UserError(
      `${context}: option '${field}' must be an integer ≥ ${min}, got ${JSON.stringify(value)}`,
    );
  }
}

/** Throws a `UserError` unless `options[field]` is a number in the open interval (low, high). */
export function checkOpen(
  options: Options,
  field: string,
  low: number,
  high: number,
  context: string,
): void {
  const value = options[field];
  if (typeof value !== 'number' || !(value > low && value < high)) {
    throw new UserError(
      `${context}: option '${field}' must be in (${low}, ${high}), got ${JSON.stringify(value)}`,
    );
  }
}

/** Shared by every method: how many groups of data points the 95 % CIs are computed over. */
const GROUPS = 8;

const IWAE_DEFAULTS: Options = {
  /** Importance samples per data point (paper grid: 1, 10³, 10⁴). */
  K: 1000,
  /** Groups of data points for the CIs. */
  groups: GROUPS,
  /** Most rows per likelihood evaluation (memory cap; K is processed in chunks). */
  chunkRows: 65_536,
};

const AIS_DEFAULTS: Options = {
  /** Annealing steps: β_0 = 0 < … < β_T = 1, T − 1 HMC transitions (T = 1 is IWAE, K = S). */
  T: 100,
  /** Chains per data point (forward, and as many reverse). */
  S: 16,
  /** Leapfrog steps per HMC transition. */
  L: 10,
  /** Initial leapfrog step size (adapted per data point toward `targetAcceptance`, ×/÷ 0.9 a transition). */
  stepSize: 0.1,
  /** Target HMC acceptance rate (0.65: Neal 2011 Sec. 4.4; the HAIS package's default). */
  targetAcceptance: 0.65,
  /** β schedule: `sigmoid` (Grosse et al. 2015) or `linear`. */
  schedule: 'sigmoid',
  /** Half-width δ of the sigmoid schedule's logit range [−δ, δ]. */
  sigmoidRadius: 4,
  groups: GROUPS,
};

const GIWAE_DEFAULTS: Options = {
  /** Samples per data point: the true z_i and K − 1 draws of the base proposal. */
  K: 100,
  /** Base proposal of the negatives: `prior` (InfoNCE-like) or `q` (learned encoder). */
  base: 'q',
  /** Hidden widths of the critic MLP T(x, z) on [x; z] (relu). */
  criticHidden: [256, 256],
  /** Adam steps training the critic on fresh simulated pairs. */
  criticSteps: 2000,
  /** Fresh pairs per critic step. */
  criticBatchSize: 64,
  /** Adam learning rate of the critic. */
  criticLearningRate: 1e-3,
  /** Most rows per critic / likelihood evaluation at evaluation time. */
  chunkRows: 65_536,
  groups: GROUPS,
  proposal: PROPOSAL_DEFAULTS,
};

/**
 * Runs `body` with the given proposal, or with one trained from `options.proposal` (seed
 * purpose `proposal`), which it then disposes.
 */
function withProposal(
  model: LatentModel,
  options: Options,
  seed: Seed,
  given: Proposal | undefined,
  body: (proposal: Proposal) => MiBounds,
  onTrained?: OnTrained,
): MiBounds {
  if (given) return body(given);
  const proposal = trainProposal(
    model,
    options['proposal'] as Options,
    deriveSeed(seed, 'proposal'),
  );
  try {
    const bounds = body(proposal);
    onTrained?.('proposal', proposal.variables);
    return bounds;
  } finally {
    proposal.dispose();
  }
}

function iwaeArgs(o: Options): IwaeArgs {
  return {
    samples: o['K'] as number,
    chunkRows: o['chunkRows'] as number,
    groups: o['groups'] as number,
  };
}

function aisArgs(o: Options): AisArgs {
  return {
    steps: o['T'] as number,
    chains: o['S'] as number,
    leapfrogSteps: o['L'] as number,
    stepSize: o['stepSize'] as number,
    targetAcceptance: o['targetAcceptance'] as number,
    schedule: o['schedule'] as string,
    sigmoidRadius: o['sigmoidRadius'] as number,
    groups: o['groups'] as number,
  };
}

function validateCommon(options: Options, context: string): void {
  checkInteger(options, 'groups', 2, context);
}

function validateIwae(options: Options, context: string): void {
  checkInteger(options, 'K', 1, context);
  checkInteger(options, 'chunkRows', 1, context);
  validateCommon(options, context);
}

function validateAis(options: Options, context: string): void {
  checkInteger(options, 'T', 1, context);
  checkInteger(options, 'S', 1, context);
  checkInteger(options, 'L', 1, context);
  checkOpen(options, 'stepSize', 0, Number.POSITIVE_INFINITY, context);
  checkOpen(options, 'targetAcceptance', 0, 1, context);
  checkOpen(options, 'sigmoidRadius', 0, Number.POSITIVE_INFINITY, context);
  if (options['schedule'] !== 'sigmoid' && options['schedule'] !== 'linear') {
    throw new UserError(
      `${context}: option 'schedule' must be 'sigmoid' or 'linear', got ${JSON.stringify(options['schedule'])}`,
    );
  }
  validateCommon(options, context);
}

/** Range checks of nested proposal options. */
export function validateProposalOptions(options: Options, context: string): void {
  checkInteger(options, 'steps', 0, context);
  checkInteger(options, 'elboSteps', 0, context);
  checkInteger(options, 'batchSize', 1, context);
  checkOpen(options, 'learningRate', 0, Number.POSITIVE_INFINITY, context);
  const hidden = options['hidden'];
  if (
    !Array.isArray(hidden) ||
    hidden.some((h) => typeof h !== 'number' || !Number.isInteger(h) || h < 1)
  ) {
    throw new UserError(
      `${context}: option 'hidden' must be integers ≥ 1, got ${JSON.stringify(hidden)}`,
    );
  }
}

boundMethodRegistry.register('iwae-prior', {
  description: 'IWAE with K prior samples; upper bound with the true z as one of K (≤ log K)',
  defaults: IWAE_DEFAULTS,
  testOptions: { K: 10 },
  usesProposal: false,
  validate: (o) => validateIwae(o, "bound method 'iwae-prior'"),
  run: async (model, data, o, seed) =>
    iwaeBounds(model, data, priorProposal(model.latentDim), iwaeArgs(o), seed),
});
boundMethodRegistry.register('iwae-q', {
  description: 'IWAE with K samples of a learned Gaussian encoder q(z | x); K = 1 is Barber-Agakov',
  defaults: { ...IWAE_DEFAULTS, proposal: PROPOSAL_DEFAULTS },
  testOptions: { K: 10, proposal: { hidden: [16], steps: 50 } },
  usesProposal: true,
  validate(o) {
    validateIwae(o, "bound method 'iwae-q'");
    validateProposalOptions(o['proposal'] as Options, "bound method 'iwae-q' proposal");
  },
  run: async (model, data, o, seed, given, onTrained) =>
    withProposal(
      model,
      o,
      seed,
      given,
      (q) => iwaeBounds(model, data, q, iwaeArgs(o), seed),
      onTrained,
    ),
});
boundMethodRegistry.register('ais-prior', {
  description: 'multi-chain AIS from the prior with HMC (T steps, S chains); BDMC upper bound',
  defaults: AIS_DEFAULTS,
  testOptions: { T: 10, S: 4, L: 2 },
  usesProposal: false,
  validate: (o) => validateAis(o, "bound method 'ais-prior'"),
  run: async (model, data, o, seed) =>
    aisBounds(model, data, priorProposal(model.latentDim), aisArgs(o), seed),
});
boundMethodRegistry.register('ais-q', {
  description: 'multi-chain AIS from a learned q(z | x) with HMC; BDMC upper bound',
  defaults: { ...AIS_DEFAULTS, proposal: PROPOSAL_DEFAULTS },
  testOptions: { T: 10, S: 4, L: 2, proposal: { hidden: [16], steps: 50 } },
  usesProposal: true,
  validate(o) {
    validateAis(o, "bound method 'ais-q'");
    validateProposalOptions(o['proposal'] as Options, "bound method 'ais-q' proposal");
  },
  run: async (model, data, o, seed, given, onTrained) =>
    withProposal(
      model,
      o,
      seed,
      given,
      (q) => aisBounds(model, data, q, aisArgs(o), seed),
      onTrained,
    ),
});
boundMethodRegistry.register('giwae', {
  description:
    'GIWAE: K-sample bound with a learned critic T(x, z) (Brekelmans et al. 2022, Sec. 3)',
  defaults: GIWAE_DEFAULTS,
  testOptions: {
    K: 10,
    criticHidden: [16],
    criticSteps: 50,
    proposal: { hidden: [16], steps: 50 },
  },
  usesProposal: true,
  validate(o) {
    const context = "bound method 'giwae'";
    checkInteger(o, 'K', 1, context);
    checkInteger(o, 'criticSteps', 0, context);
    checkInteger(o, 'criticBatchSize', 1, context);
    checkOpen(o, 'criticLearningRate', 0, Number.POSITIVE_INFINITY, context);
    if (o['base'] !== 'prior' && o['base'] !== 'q') {
      throw new UserError(
        `${context}: option 'base' must be 'prior' or 'q', got ${JSON.stringify(o['base'])}`,
      );
    }
    checkInteger(o, 'chunkRows', 1, context);
    const hidden = o['criticHidden'];
    if (
      !Array.isArray(hidden) ||
      hidden.some((h) => typeof h !== 'number' || !Number.isInteger(h) || h < 1)
    ) {
      throw new UserError(
        `${context}: option 'criticHidden' must be integers ≥ 1, got ${JSON.stringify(hidden)}`,
      );
    }
    validateCommon(o, context);
    validateProposalOptions(o['proposal'] as Options, `${context} proposal`);
  },
  async run(model, data, o, seed, given, onTrained) {
    const args: GiwaeArgs = {
      samples: o['K'] as number,
      criticHidden: o['criticHidden'] as number[],
      criticSteps: o['criticSteps'] as number,
      criticBatchSize: o['criticBatchSize'] as number,
      criticLearningRate: o['criticLearningRate'] as number,
      chunkRows: o['chunkRows'] as number,
      groups: o['groups'] as number,
    };
    const body = (q: Proposal): MiBounds => {
      const started = performance.now();
      const critic = trainGiwaeCritic(model, q, args, deriveSeed(seed, 'critic'));
      const criticSeconds = (performance.now() - started) / 1000;
      try {
        const bounds = giwaeBounds(model, data, q, critic, args, seed, { criticSeconds });
        onTrained?.('giwae-critic', critic.variables);
        // The critic is the method's own training: its time is part of the method's seconds.
        return { ...bounds, seconds: bounds.seconds + criticSeconds };
      } finally {
        critic.dispose();
      }
    };
    if (o['base'] === 'prior') return body(priorProposal(model.latentDim));
    return withProposal(model, o, seed, given, body, onTrained);
  },
});

/**
 * Runs bound method `method` on `data` with `options` (overrides of its defaults: an unknown
 * key, a wrong type or a bad range is a `UserError` naming the field). With a `proposal`, the
 * method uses it instead of training one; the caller keeps ownership of it and of `data`.
 * `onTrained` sees the models the method trains itself ({@link OnTrained}).
 */
export async function runBoundMethod(
  method: string,
  model: LatentModel,
  data: JointSample,
  options: Options | undefined,
  seed: Seed,
  proposal?: Proposal,
  onTrained?: OnTrained,
): Promise<MiBounds> {
  const entry = boundMethodRegistry.get(method);
  const resolved = resolveBoundOptions(method, options);
  checkData(model, data);
  return entry.run(model, data, resolved, seed, proposal, onTrained);
}

/** Throws a `UserError` when `data` does not fit `model` (a latent or data size it lacks). */
export function checkData(model: LatentModel, data: JointSample): void {
  const [n, dx] = data.x.shape;
  const [nz, dz] = data.z.shape;
  if (dz !== model.latentDim) {
    throw new UserError(
      `${model.kind}: data z has ${dz} latent dims, the model has ${model.latentDim}`,
    );
  }
  if (dx !== model.dataDim) {
    throw new UserError(`${model.kind}: data x has ${dx} dims, the model has ${model.dataDim}`);
  }
  if (n !== nz || n < 1) throw new UserError(`data: x has ${n} rows, z has ${nz}`);
}

/** `options` resolved against method `method`'s defaults and validated. */
export function resolveBoundOptions(method: string, options: Options | undefined): Options {
  const entry = boundMethodRegistry.get(method);
  const resolved = resolveOptions(entry.defaults, options, `bound method '${method}'`);
  entry.validate(resolved);
  return resolved;
}
