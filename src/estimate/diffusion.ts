/**
 * MINDE (Franzese, Bounoua & Michiardi, ICLR 2024) as a {@link DataEstimator}: `minde-c`
 * (conditional) and `minde-j` (joint). The score network (`estimators/minde/`) is trained by
 * denoising score matching on shuffled batches of the train split; every estimate uses the
 * moving average of its weights; the reported value is the MINDE estimate on the held-out
 * split, averaged over `mcSamples` Monte Carlo draws of (t, ε) (their sd is `mcSd`).
 *
 * Seeds, split by purpose from the fit's seed: `init:minde` (weights), `data:epoch:<e>` (batch
 * order of epoch e), `minde:train` (masks, t and ε of the training batches),
 * `minde:eval:<step>` (the curves' draws), `minde:estimate` / `minde:train-estimate` (the final
 * draws on the held-out and train rows).
 *
 * With `FitContext.checkpoint`, the fit saves after every evaluation (the final estimate's
 * included) the network (`minde/...`), the master values and moments of its Adam
 * (`minde-adam/values|m|v/<k>`), the weight average (`minde-ema/<k>`) and, as JSON, Adam's
 * step count, the average's update count, the training draws' RNG, the curves and the final
 * estimate; it resumes from them bit-exactly (each epoch's order and each evaluation's draws
 * come from their own seeds, so they need nothing saved).
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  ArrayAdam,
  applyNetwork,
  disposeLayers,
  dsmBatch,
  dsmStep,
  layersFromArrays,
  MindeNetwork,
  type MindeOptions,
  type MindeVariant,
  mindeEstimate,
  type NoisePredictor,
  resolveMindeOptions,
  timeSampler,
  WeightAverage,
  widthFor,
} from '../estimators/minde/index.ts';
import { deriveSeed, Rng, type RngState } from '../random.ts';
import { StateReader, StateWriter } from '../train/checkpoint.ts';
import { yieldSometimes } from '../train/pending.ts';
import type { Options } from '../types.ts';
import type { CurvePoint, DataEstimator, FitContext, FitResult } from './data-estimator.ts';
import { headOf, type Sample, splitTooSmall } from './sample.ts';

/** The diffusion estimators, by name. */
export const DIFFUSION_ESTIMATORS = ['minde-c', 'minde-j'] as const;
export type DiffusionName = (typeof DIFFUSION_ESTIMATORS)[number];

/** One line each, for `mimax list` and errors. */
export const DIFFUSION_DESCRIPTIONS: Record<DiffusionName, string> = {
  'minde-c':
    'MINDE-C (Franzese et al. 2024): diffusion scores of x and of x | y, ½∫g²‖s(x_t) − s(x_t|y)‖²',
  'minde-j': 'MINDE-J (Franzese et al. 2024): joint vs conditional diffusion scores of (x, y)',
};

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

export class MindeDataEstimator implements DataEstimator {
  readonly kind = 'diffusion';
  readonly options: Options;
  readonly minSplitRows: number;
  readonly variant: MindeVariant;
  private readonly resolved: MindeOptions;

  constructor(
    readonly id: string,
    readonly estimator: DiffusionName,
    options: Options | undefined,
  ) {
    this.variant = estimator === 'minde-c' ? 'c' : 'j';
    this.resolved = resolveMindeOptions(this.variant, options);
    this.options = { ...this.resolved };
    this.minSplitRows = this.resolved.batchSize;
  }

  /** Steps of a fit on `trainRows` rows. */
  stepsFor(trainRows: number): number {
    const o = this.resolved;
    return o.steps ?? (o.epochs ?? 1) * Math.floor(trainRows / o.batchSize);
  }

  async fit(train: Sample, test: Sample, context: FitContext): Promise<FitResult> {
    let started = performance.now();
    // A batch larger than a split would make every epoch empty (and the estimate garbage).
    const tooFew = splitTooSmall(train, test, this.minSplitRows);
    if (tooFew) return tooFew;
    const o = this.resolved;
    const { dx, dy } = train;
    const d = dx + dy;
    const k = o.batchSize;
    const steps = this.stepsFor(train.n);
    const evalEvery = Math.max(1, Math.ceil(steps / o.evaluations));
    const batchesPerEpoch = Math.floor(train.n / k);
    const sampler = timeSampler(o.importanceSampling);
    const network = new MindeNetwork({
      dim: d,
      width: widthFor(o, d),
      blocks: o.blocks,
      seed: deriveSeed(context.seed, 'init:minde'),
    });
    const adam = new ArrayAdam(network.variables, o.learningRate);
    const ema = new WeightAverage(adam.values, o.emaDecay);
    // Every estimate uses the averaged weights, as plain tensors made for it and disposed after.
    const withAverage = <T>(f: (predictor: NoisePredictor) => T): T => {
      const layers = layersFromArrays(network.layers, ema.averages);
      try {
        return f({ predict: (input, times) => applyNetwork(layers, input, times) });
      } finally {
        disposeLayers(layers);
      }
    };
    const trainRng = new Rng(deriveSeed(context.seed, 'minde:train'));
    const head = headOf(train, test.n);
    const trainCurve: CurvePoint[] = [];
    const heldOutCurve: CurvePoint[] = [];
    const predict = (input: tf.Tensor2D, times: tf.Tensor2D) => network.predict(input, times);
    const result = (status: FitResult['status'], error?: string): FitResult => ({
      status,
      ...(error ? { error } : {}),
      estimate: Number.NaN,
      trainEstimate: Number.NaN,
      trainCurve,
      heldOutCurve,
      seconds: (performance.now() - started) / 1000,
      ceiling: null,
    });
    let order: Int32Array | null = null;
    let orderEpoch = -1;
    let lastEstimate: number | null = null;
    /** The final estimate (held out, its sd, on train rows), once computed; null in JSON = NaN. */
    let final: { mean: number | null; sd: number | null; train: number | null } | null = null;
    const save = (at: number) => {
      if (!context.checkpoint) return;
      const { t, values, m, v } = adam.state;
      const writer = new StateWriter()
        .model('minde', network.variables)
        .arrays('minde-adam/values', values)
        .arrays('minde-adam/m', m)
        .arrays('minde-adam/v', v)
        .arrays('minde-ema', ema.averages);
      context.checkpoint.save(
        writer.build(at, {
          fit: {
            adamSteps: t,
            emaUpdates: ema.updateCount,
            trainRng: trainRng.getState(),
            trainCurve,
            heldOutCurve,
            lastEstimate,
            final,
            seconds: (performance.now() - started) / 1000,
          },
        }),
      );
    };
    // Evaluation `step` of the curves: recorded, reported, then saved.
    const evaluated = (step: number, heldOut: number | null, onTrain: number | null) => {
      heldOutCurve.push({ step, estimate: heldOut });
      trainCurve.push({ step, estimate: onTrain });
      context.onEvaluation?.({ step, train: onTrain, heldOut });
      save(step);
    };
    const resume = context.checkpoint?.resume;
    let start = 0;
    try {
      if (resume) {
        const reader = new StateReader(resume);
        const saved = reader.loop['fit'] as {
          adamSteps: number;
          emaUpdates: number;
          trainRng: RngState;
          trainCurve: CurvePoint[];
          heldOutCurve: CurvePoint[];
          lastEstimate: number | null;
          final: typeof final;
          seconds: number;
        };
        adam.restore(saved.adamSteps, (state) => {
          reader
            .arrays('minde-adam/values', state.values)
            .arrays('minde-adam/m', state.m)
            .arrays('minde-adam/v', state.v);
        });
        reader.arrays('minde-ema', ema.averages);
        ema.setUpdateCount(saved.emaUpdates);
        trainRng.setState(saved.trainRng);
        trainCurve.push(...saved.trainCurve);
        heldOutCurve.push(...saved.heldOutCurve);
        lastEstimate = saved.lastEstimate;
        final = saved.final;
        started = performance.now() - saved.seconds * 1000;
        start = resume.step;
      }
      for (let step = start; step < steps; step++) {
        if (step % evalEvery === 0 && !(resume && step === start)) {
          const rng = new Rng(deriveSeed(context.seed, `minde:eval:${step}`));
          const [heldOut, onTrain] = withAverage((p) => [
            mindeEstimate(p, this.variant, test, sampler, rng, 1).mean,
            mindeEstimate(p, this.variant, head, sampler, rng, 1).mean,
          ]);
          lastEstimate = finiteOrNull(heldOut);
          evaluated(step, lastEstimate, finiteOrNull(onTrain));
        }
        if (context.shouldStop?.()) return result('stopped');
        const epoch = Math.floor(step / batchesPerEpoch);
        if (epoch !== orderEpoch) {
          order = new Rng(deriveSeed(context.seed, `data:epoch:${epoch}`)).permutation(train.n);
          orderEpoch = epoch;
        }
        const first = (step % batchesPerEpoch) * k;
        const batch = dsmBatch(
          train,
          order!.subarray(first, first + k),
          this.variant,
          sampler,
          trainRng,
        );
        const loss = dsmStep(adam, predict, batch, d);
        if (!Number.isFinite(loss)) {
          return result('failed', `the denoising loss is not finite (step ${step})`);
        }
        ema.update(adam.values);
        context.onProgress?.({ step: step + 1, steps, estimate: lastEstimate });
        await yieldSometimes();
      }
      // Resumed from the checkpoint of the final estimate: it is in `final` already.
      if (!final) {
        const [heldOut, onTrain] = withAverage((p) => [
          mindeEstimate(
            p,
            this.variant,
            test,
            sampler,
            new Rng(deriveSeed(context.seed, 'minde:estimate')),
            o.mcSamples,
          ),
          mindeEstimate(
            p,
            this.variant,
            head,
            sampler,
            new Rng(deriveSeed(context.seed, 'minde:train-estimate')),
            o.mcSamples,
          ),
        ]);
        // JSON keeps no NaN: a non-finite value is saved as null and read back as NaN.
        final = {
          mean: finiteOrNull(heldOut.mean),
          sd: finiteOrNull(heldOut.sd),
          train: finiteOrNull(onTrain.mean),
        };
        evaluated(steps, final.mean, final.train);
      }
      if (final.mean === null) {
        return result('failed', `the held-out estimate is not finite after ${steps} steps`);
      }
      return {
        ...result('ok'),
        estimate: final.mean,
        trainEstimate: final.train ?? Number.NaN,
        mcSd: final.sd ?? Number.NaN,
      };
    } finally {
      network.dispose();
    }
  }
}

/** The MINDE estimator `name` with `options` over its defaults (bad option → `UserError`). */
export function createDiffusionEstimator(
  name: DiffusionName,
  options: Options | undefined,
  id: string = name,
): DataEstimator {
  return new MindeDataEstimator(id, name, options);
}
