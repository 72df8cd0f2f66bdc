/**
 * Executor of the `ais` loop (experiment `ais-mi`; Brekelmans et al., ICLR 2022): one run =
 * one bound method (a variant in the `estimators` map: a registered bound method of
 * `src/ais/` with its K or T) on one model (a variant in the `tasks` map: a model of
 * `src/generative/models.ts`) with one seed.
 *
 * 1. the model: built from its options; a trained one (VAE, GAN) is trained once per model ×
 *    seed and cached under `<results>/models/` (`trainOnce`: the first run of the pair trains
 *    under a lock, the others of the pair wait and load the same weights);
 * 2. N pairs (x_i, z_i) ~ p(z) p(x | z) (seed `data`: the same pairs for every method of the
 *    model × seed);
 * 3. methods with a learned proposal q(z | x) get one trained here (seed `proposal`, options
 *    the method's `proposal`), so every q-method of a model × seed uses the same q;
 * 4. the method's bounds (seed `method`).
 *
 * The record: one evaluation at step = the method's K or T with `testBound` = the MI lower
 * bound and `trueMI` where known; traces (one point at the same step, so frames carry them)
 * `miLower`, `miUpper`, `ciLower`, `ciUpper` (95 % half-widths over `groups` groups of points),
 * `seconds` (the method's own), `acceptance`, `stepSize` and `acceptanceCollapsed` (1 when the
 * mean acceptance is under `loop.collapseAcceptance`; HMC methods), `trueMI`; and
 * `constants`: the same numbers, every diagnostic of the method, the model's training summary
 * (epochs, loss, validation ELBO, σ², seconds, as `model:<name>`). The training curves of the model go to the
 * traces `model:<series>` (step = epoch or iteration).
 *
 * Checkpoint: a run evaluates once, at its end, so its checkpoint (written at that evaluation,
 * step = K or T) does not continue a computation; it keeps what the run trained for itself and
 * names what it used, so a user can reload them: the learned proposal q (owner `proposal`) and
 * GIWAE's critic T(x, z) (owner `giwae-critic`) as tensors, and in the loop state the
 * generative model (name, options, and its weights folder in the cache, relative to the
 * results folder; null for the untrained linear-Gaussian models), the proposal's cache folder,
 * and the run's outcome. A `running` record with that checkpoint (a kill between the
 * checkpoint and the record's final write) ends with the saved outcome without recomputing.
 * An interruption before the evaluation restarts the run from the beginning: the expensive
 * stages are not redone, since the trained model and q are cached as soon as they are trained
 * (the model's training and q's are single calls with no evaluation inside, so a kill during
 * one of them retrains it; the per-method stages, the GIWAE critic and the bounds, are the
 * method's own computation and are redone).
 */
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  boundMethodRegistry,
  type Proposal,
  resolveBoundOptions,
  runBoundMethod,
  trainProposal,
} from '../ais/index.ts';
import type { JointSample, LatentModel } from '../ais/model.ts';
import { aisModelRegistry, type ModelContext, modelFolder } from '../generative/models.ts';
import {
  readWeights,
  TrainingStopped,
  trainOnce,
  writeWeights,
} from '../generative/weights-file.ts';
import { deriveSeed } from '../random.ts';
import type { Trace } from '../results/schema.ts';
import { StateWriter } from '../train/checkpoint.ts';
import type { Json, Options } from '../types.ts';
import { aisLoopOptions, methodSizeField } from './ais-options.ts';
import type { LoopOutcome, RunScope } from './execute.ts';

/** A one-point trace at `step`. */
const point = (step: number, value: number | null): Trace => ({
  start: step,
  every: 1,
  values: [value],
  downsample: { every: 1, reduce: 'sample' },
});

const optionsHash = (options: Json) =>
  createHash('sha256').update(JSON.stringify(options)).digest('hex').slice(0, 12);

/**
 * The learned proposal q(z | x) of a model × seed, trained once and cached in `folder` (beside
 * the model's weights): every q-method of the pair (IWAE-q, AIS-q, GIWAE at every K and T)
 * uses the same q, and it trains once instead of once per method. Restoring builds an
 * untrained proposal of the same options (`steps: 0`) and assigns the saved variables in order.
 * `seconds` of the returned proposal is the original training's. The caller disposes it.
 */
export async function cachedProposal(
  model: LatentModel,
  options: Options,
  seed: number,
  folder: string,
): Promise<Proposal> {
  await trainOnce(folder, async () => {
    const trained = trainProposal(model, options, seed);
    try {
      writeWeights(
        folder,
        trained.variables.map((v, k) => ({
          name: `variable${k}`,
          shape: v.shape,
          values: Float32Array.from(v.dataSync() as Float32Array),
        })),
        { options, seed, seconds: trained.seconds },
      );
    } finally {
      trained.dispose();
    }
  });
  const { tensors, meta } = readWeights(folder);
  const fresh = trainProposal(model, { ...options, steps: 0, elboSteps: 0 }, seed);
  fresh.variables.forEach((v, k) => {
    const saved = tensors.get(`variable${k}`);
    if (!saved || saved.shape.join(',') !== v.shape.join(',')) {
      fresh.dispose();
      throw new Error(`${folder}: the cached proposal does not match its options`);
    }
    tf.tidy(() => v.assign(tf.tensor(saved.values, saved.shape)));
  });
  const seconds = (meta as { seconds: number }).seconds;
  return {
    kind: fresh.kind,
    latentDim: fresh.latentDim,
    variables: fresh.variables,
    seconds,
    gaussian: (x) => fresh.gaussian(x),
    dispose: () => fresh.dispose(),
  };
}

/** Methods that give an MI lower bound only (their `miUpper` is not finite). */
const LOWER_ONLY = new Set(['giwae']);

const finite = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The MI of the simulated pairs themselves, (1/N) Σ_i [log p(x_i | z_i) − log p(x_i)], for a
 * model whose log p(x) is exact (`LatentModel.logMarginal`): the quantity each run's lower and
 * upper bounds sandwich. `logLik` is the bound method's own log p(x_i | z_i) [N]. Null when not
 * finite.
 */
function sampleMutualInformation(
  model: LatentModel,
  data: JointSample,
  logLik: Float64Array,
): number | null {
  const logMarginal = model.logMarginal!(data.x); // [N]
  let sum = 0;
  for (let i = 0; i < logMarginal.length; i++)
    sum += (logLik[i] as number) - (logMarginal[i] as number);
  return finite(sum / logMarginal.length);
}

export async function executeAis(scope: RunScope): Promise<LoopOutcome> {
  const { spec, record, commit, report, ctx, checkpoint } = scope;
  const saved = checkpoint.resume?.loop['outcome'] as LoopOutcome | undefined;
  // Resumed from the checkpoint of its one evaluation: the record already holds all of it.
  if (saved) return saved;
  const c = spec.config;
  const loop = aisLoopOptions(c.loopOptions, `experiment '${spec.experiment}' loop`);
  const modelName = c.task!.name;
  const method = c.estimator!.name;
  const methodOptions = resolveBoundOptions(method, c.estimator!.options);
  const size = methodOptions[methodSizeField(method)] as number;
  const started = performance.now();
  const buildContext: ModelContext = {
    seed: spec.seed,
    resultsDir: ctx.resultsDir,
    variant: spec.cell.task!,
    data: {
      dataset: c.dataset,
      dataDir: c.dataDir,
      trainLimit: c.trainLimit,
      testLimit: c.testLimit,
    },
    shouldStop: ctx.shouldStop,
  };
  let built: Awaited<ReturnType<ReturnType<typeof aisModelRegistry.get>['build']>>;
  try {
    built = await aisModelRegistry.get(modelName).build(c.task!.options, buildContext);
  } catch (e) {
    if (e instanceof TrainingStopped) return { status: 'stopped' }; // resumes next time
    throw e;
  }
  const model = built.model as LatentModel;
  if (ctx.shouldStop?.()) {
    model.dispose();
    return { status: 'stopped' };
  }
  // The model is ready; the bound method is the run's one step (no finer progress to show, and
  // reporting step 1 here would show the run as done, eta 0 s, while AIS still runs).
  report(0);
  const data = model.sample(loop.samples, deriveSeed(spec.seed, 'data'));
  const usesProposal = boundMethodRegistry.get(method).usesProposal;
  const proposalFolder = join(
    built.weights ??
      modelFolder(modelName, c.task!.options, { ...buildContext, variant: spec.cell.task! }),
    `proposal-${optionsHash(methodOptions['proposal'] ?? {})}`,
  );
  const proposal = usesProposal
    ? await cachedProposal(
        model,
        (methodOptions['proposal'] as Options | undefined) ?? {},
        deriveSeed(spec.seed, 'proposal'),
        proposalFolder,
      )
    : undefined;
  // The models this run trained or used, for its checkpoint (read only: no result changes).
  const trained = new StateWriter();
  try {
    if (proposal) trained.model('proposal', proposal.variables);
    const bounds = await runBoundMethod(
      method,
      model,
      data,
      c.estimator!.options,
      deriveSeed(spec.seed, 'method'),
      proposal,
      (owner, variables) => trained.model(owner, variables),
    );
    const truth = finite(model.trueMI);
    const sampleMI = model.logMarginal ? sampleMutualInformation(model, data, bounds.logLik) : null;
    const acceptance = finite(bounds.diagnostics['acceptance']);
    const stepSize = finite(bounds.diagnostics['stepSize']);
    const collapsed = acceptance !== null && acceptance < loop.collapseAcceptance;
    const series: Record<string, number | null> = {
      miLower: finite(bounds.miLower),
      miUpper: finite(bounds.miUpper),
      ciLower: finite(bounds.ciLower),
      ciUpper: finite(bounds.ciUpper),
      seconds: finite(bounds.seconds),
      ...(acceptance === null ? {} : { acceptance }),
      ...(stepSize === null ? {} : { stepSize }),
      ...(acceptance === null ? {} : { acceptanceCollapsed: collapsed ? 1 : 0 }),
      ...(truth === null ? {} : { trueMI: truth }),
      ...(sampleMI === null ? {} : { sampleMI }),
    };
    record.traces = {
      ...Object.fromEntries(Object.entries(series).map(([k, v]) => [k, point(size, v)])),
      ...Object.fromEntries(
        Object.entries(built.curves)
          .filter(([, points]) => points.length > 0)
          .map(([name, points]): [string, Trace] => {
            const every = points.length > 1 ? points[1][0] - points[0][0] : 1;
            return [
              `model:${name}`,
              {
                start: points[0][0],
                every,
                values: points.map((p) => finite(p[1])),
                downsample: { every, reduce: 'sample' },
              },
            ];
          }),
      ),
    };
    record.constants = {
      ...Object.fromEntries(
        Object.entries(bounds.diagnostics).filter(([, v]) => Number.isFinite(v)),
      ),
      ...Object.fromEntries(
        Object.entries(series).filter((e): e is [string, number] => e[1] !== null),
      ),
      groups: bounds.groups,
      samples: loop.samples,
      ...(proposal ? { proposalSeconds: proposal.seconds } : {}),
      ...Object.fromEntries(Object.entries(built.constants).map(([k, v]) => [`model:${k}`, v])),
    };
    commit({
      step: size,
      trainBound: null,
      testBound: finite(bounds.miLower),
      accuracy: null,
      seconds: (performance.now() - started) / 1000,
      ...(truth === null ? {} : { trueMI: truth }),
    });
    // GIWAE bounds log p(x) from above only (src/ais/index.ts): no MI upper bound.
    const required = LOWER_ONLY.has(method) ? [bounds.miLower] : [bounds.miLower, bounds.miUpper];
    const outcome: LoopOutcome = required.some((v) => !Number.isFinite(v))
      ? {
          status: 'failed',
          error: {
            message: `the bounds are not finite (lower ${bounds.miLower}, upper ${bounds.miUpper})`,
          },
        }
      : { status: 'ok' };
    checkpoint.save(
      trained.build(size, {
        outcome,
        model: {
          name: modelName,
          variant: spec.cell.task!,
          options: c.task!.options,
          // Relative to the results folder (which may move); null: an untrained model.
          weights: built.weights === null ? null : relative(ctx.resultsDir, built.weights),
        },
        proposal: usesProposal ? relative(ctx.resultsDir, proposalFolder) : null,
      }),
    );
    return outcome;
  } finally {
    proposal?.dispose();
    tf.dispose([data.x, data.z]);
    model.dispose();
  }
}
