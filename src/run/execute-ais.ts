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
 * `seconds` (the method's own), `acceptance` and `stepSize` (HMC methods), `trueMI`; and
 * `constants`: the same numbers, every diagnostic of the method, the model's training summary
 * (epochs, loss, validation ELBO, σ², seconds), `acceptanceCollapsed` (1 when the mean
 * acceptance is under `loop.collapseAcceptance`). The training curves of the model go to the
 * traces `model:<series>` (step = epoch or iteration).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  boundMethodRegistry,
  resolveBoundOptions,
  runBoundMethod,
  trainProposal,
} from '../ais/index.ts';
import type { LatentModel } from '../ais/model.ts';
import { aisModelRegistry } from '../generative/models.ts';
import { deriveSeed } from '../random.ts';
import type { Trace } from '../results/schema.ts';
import type { Options } from '../types.ts';
import { aisLoopOptions, methodSizeField } from './ais-options.ts';
import type { LoopOutcome, RunScope } from './execute.ts';

/** A one-point trace at `step`. */
const point = (step: number, value: number | null): Trace => ({
  start: step,
  every: 1,
  values: [value],
  downsample: { every: 1, reduce: 'sample' },
});

/** Methods that give an MI lower bound only (their `miUpper` is not finite). */
const LOWER_ONLY = new Set(['giwae']);

const finite = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function executeAis(scope: RunScope): Promise<LoopOutcome> {
  const { spec, record, commit, report, ctx } = scope;
  const c = spec.config;
  const loop = aisLoopOptions(c.loopOptions, `experiment '${spec.experiment}' loop`);
  const modelName = c.task!.name;
  const method = c.estimator!.name;
  const methodOptions = resolveBoundOptions(method, c.estimator!.options);
  const size = methodOptions[methodSizeField(method)] as number;
  const started = performance.now();
  const built = await aisModelRegistry.get(modelName).build(c.task!.options, {
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
  });
  const model = built.model as LatentModel;
  if (ctx.shouldStop?.()) {
    model.dispose();
    return { status: 'stopped' };
  }
  report(1);
  const data = model.sample(loop.samples, deriveSeed(spec.seed, 'data'));
  const proposal = boundMethodRegistry.get(method).usesProposal
    ? trainProposal(
        model,
        (methodOptions['proposal'] as Options | undefined) ?? {},
        deriveSeed(spec.seed, 'proposal'),
      )
    : undefined;
  try {
    const bounds = await runBoundMethod(
      method,
      model,
      data,
      c.estimator!.options,
      deriveSeed(spec.seed, 'method'),
      proposal,
    );
    const truth = finite(model.trueMI);
    const acceptance = finite(bounds.diagnostics['acceptance']);
    const stepSize = finite(bounds.diagnostics['stepSize']);
    const series: Record<string, number | null> = {
      miLower: finite(bounds.miLower),
      miUpper: finite(bounds.miUpper),
      ciLower: finite(bounds.ciLower),
      ciUpper: finite(bounds.ciUpper),
      seconds: finite(bounds.seconds),
      ...(acceptance === null ? {} : { acceptance }),
      ...(stepSize === null ? {} : { stepSize }),
      ...(truth === null ? {} : { trueMI: truth }),
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
    const collapsed = acceptance !== null && acceptance < loop.collapseAcceptance;
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
      ...(acceptance === null ? {} : { acceptanceCollapsed: collapsed ? 1 : 0 }),
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
    if (required.some((v) => !Number.isFinite(v))) {
      return {
        status: 'failed',
        error: {
          message: `the bounds are not finite (lower ${bounds.miLower}, upper ${bounds.miUpper})`,
        },
      };
    }
    return { status: 'ok' };
  } finally {
    proposal?.dispose();
    tf.dispose([data.x, data.z]);
    model.dispose();
  }
}
