/**
 * Checks an experiment's grid against the registries before any run starts: unknown encoder,
 * critic or bound names list the valid ones; unknown or mistyped options name the field.
 */
import { resolveBoundOptions } from '../ais/index.ts';
import { boundRegistry } from '../bounds/index.ts';
import { criticRegistry } from '../critics/index.ts';
import { modeDataset } from '../data/mode-datasets.ts';
import { encoderRegistry } from '../encoders/index.ts';
import { createDataEstimator } from '../estimate/estimate.ts';
import { heldOutRows } from '../estimate/sample.ts';
import { resolveEstimatorOptions } from '../estimators/index.ts';
import { type ProbeOptions, resolveProbeOptions } from '../eval/probe.ts';
import { aisModelRegistry } from '../generative/models.ts';
import { resolveOptions } from '../options.ts';
import { createTask } from '../tasks/index.ts';
import { type Options, UserError } from '../types.ts';
import { aisLoopOptions } from './ais-options.ts';
import { benchmarkSettings } from './execute-benchmark.ts';
import { type ExperimentConfig, type ExperimentDefinition, LOOP_AXES } from './experiment.ts';
import { GAN_LOOP_DEFAULTS, ganMethod } from './gan-options.ts';
import { type RunConfig, variant } from './grid.ts';

export function validateGrid(definition: ExperimentDefinition, config: ExperimentConfig): void {
  for (const [name, options] of Object.entries(config.encoders)) {
    resolveOptions(encoderRegistry.get(name).defaults, options, `encoder '${name}'`);
  }
  for (const [name, options] of Object.entries(config.critics)) {
    resolveOptions(criticRegistry.get(name).defaults, options, `critic '${name}'`);
  }
  try {
    resolveProbeOptions(config.probe as ProbeOptions);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(`experiment '${definition.id}' ${error.message}`);
  }
  const axes = LOOP_AXES[definition.loop];
  if (axes.bounds) for (const name of config.bounds) boundRegistry.get(name);
  for (const [id, options] of Object.entries(config.estimators)) {
    const { name, options: rest } = variant(id, options, 'estimator');
    // The benchmark takes every estimator `mimax estimate` does (baselines, diffusion, neural).
    if (definition.loop === 'ais') {
      // The bound method's own checks (T < 1, K < 1, L < 1, ...), prefixed with the variant id.
      withContext(`estimators.${id}`, () => resolveBoundOptions(name, rest));
      requirePrefix(id, name, 'estimators', 'bound method');
    } else if (definition.loop === 'gan') {
      ganMethod(name, rest, `estimators.${id}`, (estimator, options) =>
        resolveEstimatorOptions(estimator, options),
      );
    } else if (definition.loop === 'benchmark') {
      const estimator = createDataEstimator(
        { estimator: name, id, options: rest },
        benchmarkSettingsOf(config),
      );
      // Each split must hold what the estimator needs (a neural or diffusion batch, k + 1 rows).
      const { samples, testFraction } = config.loop as { samples: number; testFraction: number };
      const smaller = Math.min(
        heldOutRows(samples, testFraction),
        samples - heldOutRows(samples, testFraction),
      );
      if (Number.isInteger(samples) && estimator.minSplitRows > smaller) {
        throw new UserError(
          `estimators.${id}: needs at least ${estimator.minSplitRows} rows in each split (its batch), ` +
            `but loop.samples = ${samples} at testFraction ${testFraction} leaves ${smaller}; raise loop.samples or lower its batch size`,
        );
      }
    } else resolveEstimatorOptions(name, rest);
  }
  for (const [id, options] of Object.entries(config.tasks)) {
    const { name, options: rest } = variant(id, options, 'task');
    if (definition.loop === 'ais') {
      // The ais loop's "tasks" are its models (latent size, architecture, training).
      aisModelRegistry.get(name).validate(rest, `tasks.${id}`);
      requirePrefix(id, name, 'tasks', 'model');
      continue;
    }
    if (definition.loop === 'gan') {
      // The gan loop's "tasks" are its 2-d data sets; they take no options.
      modeDataset(name);
      if (Object.keys(rest).length) {
        throw new UserError(
          `tasks.${id}: gan data sets take no options; got ${Object.keys(rest).join(', ')}`,
        );
      }
      continue;
    }
    // Checks names, types and ranges (cheap: no sampling). The staircase sets `mi` per level.
    const levels = definition.loop === 'staircase' ? (config.loop['levels'] as number[]) : [null];
    for (const mi of Array.isArray(levels) ? levels : []) {
      createTask(name, mi === null ? rest : { ...rest, mi });
    }
  }
  if (axes.encoders && Object.keys(config.encoders).length === 0) {
    throw new UserError(`experiment '${definition.id}' needs at least one encoder in its grid`);
  }
  if (axes.critics && Object.keys(config.critics).length === 0) {
    throw new UserError(`experiment '${definition.id}' needs at least one critic in its grid`);
  }
  validateLoopOptions(definition, config);
  for (const sampling of config.samplings) {
    if (
      definition.loop === 'bound-only'
        ? sampling !== 'iid' && sampling !== 'noniid'
        : sampling !== null
    ) {
      throw new UserError(
        `samplings: '${sampling}' is not valid for experiment '${definition.id}' (bound-only: iid, noniid; else null)`,
      );
    }
  }
}

/** Range checks of the estimator loops' options (`config.loop`). */
function validateLoopOptions(definition: ExperimentDefinition, config: ExperimentConfig): void {
  const context = `experiment '${definition.id}' loop`;
  if (definition.loop === 'staircase') {
    const levels = config.loop['levels'];
    if (
      !Array.isArray(levels) ||
      levels.length === 0 ||
      !levels.every((v) => typeof v === 'number' && v >= 0)
    ) {
      throw new UserError(
        `${context}: option 'levels' must be a non-empty array of MI values ≥ 0 (nats), got ${JSON.stringify(levels)}`,
      );
    }
    if (
      config.steps % levels.length !== 0 ||
      (config.steps / levels.length) % config.evalEvery !== 0
    ) {
      throw new UserError(
        `${context}: steps (${config.steps}) must split into ${levels.length} equal levels whose length is a multiple of evalEvery (${config.evalEvery}), so every evaluation window lies in one level`,
      );
    }
  }
  if (definition.loop === 'benchmark') {
    const { critic, criticOptions } = config.loop;
    if (typeof critic !== 'string') {
      throw new UserError(
        `${context}: option 'critic' must name a critic, got ${JSON.stringify(critic)}`,
      );
    }
    resolveOptions(
      criticRegistry.get(critic).defaults,
      (criticOptions as Options | null) ?? {},
      `critic '${critic}'`,
    );
  }
  if (definition.loop === 'gan') validateGanLoop(config, context);
  if (definition.loop === 'ais') aisLoopOptions(config.loop, context);
  if (definition.loop === 'correlation' || definition.loop === 'benchmark') {
    const { samples, testFraction } = config.loop;
    if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
      throw new UserError(
        `${context}: option 'testFraction' must be in (0, 1), got ${JSON.stringify(testFraction)}`,
      );
    }
    const n = typeof samples === 'number' && Number.isInteger(samples) ? samples : Number.NaN;
    const nTest = Math.round(n * testFraction);
    if (!(nTest >= config.batchSize && n - nTest >= config.batchSize)) {
      throw new UserError(
        `${context}: option 'samples' (${JSON.stringify(samples)}) must be an integer whose train and held-out splits each hold at least one batch (${config.batchSize})`,
      );
    }
  }
}

/** Range checks of the `gan` loop's options (types and names through their defaults). */
function validateGanLoop(config: ExperimentConfig, context: string): void {
  const o = resolveOptions(GAN_LOOP_DEFAULTS, config.loop, context);
  const fail = (field: string, want: string) => {
    throw new UserError(
      `${context}: option '${field}' must be ${want}, got ${JSON.stringify(o[field])}`,
    );
  };
  const isInt = (v: unknown, min: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (!isInt(o.trainSize, config.batchSize))
    fail('trainSize', `an integer ≥ batchSize (${config.batchSize})`);
  if (!isInt(o.zDim, 1)) fail('zDim', 'a positive integer');
  if (o.noise !== 'normal' && o.noise !== 'uniform') fail('noise', "'normal' or 'uniform'");
  for (const field of ['generatorHidden', 'discriminatorHidden', 'criticHidden']) {
    const widths = o[field] as number[];
    if (widths.length === 0 || !widths.every((w) => isInt(w, 1)))
      fail(field, 'a non-empty array of positive integers');
  }
  if (o.discriminatorActivation !== 'relu' && o.discriminatorActivation !== 'leaky-relu') {
    fail('discriminatorActivation', "'relu' or 'leaky-relu'");
  }
  if (!(o.beta1 >= 0 && o.beta1 < 1)) fail('beta1', 'in [0, 1)');
  if (!isInt(o.evalSamples, 1)) fail('evalSamples', 'a positive integer');
  if (!isInt(o.pointsSeed, 0)) fail('pointsSeed', 'a non-negative integer');
  // The metric traces hold one point per evaluation at a fixed spacing.
  if (config.steps % config.evalEvery !== 0) {
    throw new UserError(
      `${context}: steps (${config.steps}) must be a multiple of evalEvery (${config.evalEvery}) (one metric point per evaluation, evenly spaced)`,
    );
  }
}

/**
 * `ais-mi` ids start with the registered name they use (`ais-prior-t100` → `ais-prior`,
 * `vae-z10` → `vae`): the frames and figures group runs by it (`src/results/ais.ts`).
 */
function requirePrefix(id: string, name: string, map: string, what: string): void {
  if (id !== name && !id.startsWith(`${name}-`)) {
    throw new UserError(
      `${map}.${id}: the id must be '${name}' or start with '${name}-' (the ${what} it runs), so frames and figures can group it`,
    );
  }
}

/** Runs `check`, prefixing the message of a `UserError` it throws with `context`. */
function withContext(context: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${context}: ${error.message}`);
    throw error;
  }
}

/** The neural settings of the benchmark loop from an experiment config (for validation). */
function benchmarkSettingsOf(config: ExperimentConfig) {
  return benchmarkSettings({ ...config, loopOptions: config.loop } as unknown as RunConfig);
}
