/**
 * The `gan` loop (experiment `gan-modes`): a GAN on 2-d data whose generator loss may carry an
 * MI term, as in Belghazi et al. 2018 ("MINE", Sec. 5.1): L_G + β·(−Î), with Î estimated by a
 * critic trained alongside (any registered estimator, with its own training rule).
 *
 * One iteration:
 * 1. discriminator: one Adam step on the non-saturating GAN loss
 *    softplus(−D(x)) + softplus(D(G(z))) (Goodfellow et al. 2014), real batch x, fresh z;
 * 2. critic (MI methods only): `criticSteps` Adam steps on the estimator's training loss, on
 *    fresh generated pairs (generator output held fixed);
 * 3. generator: on one fresh batch, g_u = ∇ softplus(−D(G(z))) and, while the MI term is on,
 *    g_m = ∇ β·(estimator training loss of T on (code, G(z))) — computed separately on the
 *    same batch; with adaptive clipping (MINE supplement Sec. 8.1.1) g_m is rescaled to norm
 *    min(‖g_u‖, ‖g_m‖), both norms global over all the generator's variables; one Adam step on
 *    g_u + g_m. The batch statistics of this step update the batch-norm running averages.
 *
 * The MI term's code is z itself (`entropy`: I(Z; G(Z))) or the one-hot class c fed to the
 * generator beside the noise (`conditional`: I(c; G(ε, c))). The critic's scores are
 * T(code_i, G_j) over all B² pairs, so the negatives are every other sample of the batch (all
 * shuffles of the code at once, not one). Hot path: one `tf.tidy` per phase, per-step scalars
 * kept on the backend and read at the next evaluation.
 *
 * Checkpoints (DESIGN §6): after every evaluation (the one after the last iteration included)
 * the loop saves the generator (and its batch-norm running averages, `generator-state`), the
 * discriminator, the critic and the estimator (and its own state, MINE's moving average), the
 * three Adam optimizers, and the positions of its seeded streams (minibatch order, z, c); a
 * resume continues bit-exactly from them. Nothing is pending at an evaluation (it drains the
 * per-step scalars), so no trace on the backend needs saving.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm } from '../encoders/batch-norm.ts';
import { applyDense, createDense, type DenseLayer, denseVariables } from '../encoders/layers.ts';
import type { Estimator } from '../estimators/entry.ts';
import { dense, denseRelu } from '../ops/index.ts';
import { Rng, type RngState } from '../random.ts';
import type { Critic } from '../types.ts';
import { type LoopCheckpoint, StateReader, StateWriter } from './checkpoint.ts';
import { firstNonFinite, NonFiniteError, PendingScalars, yieldSometimes } from './pending.ts';

/** Hidden activation of the discriminator. */
export type GanActivation = 'relu' | 'leaky-relu';

/** Slope of the discriminator's leaky relu (DCGAN's 0.2; Radford et al. 2016, Sec. 3). */
export const LEAKY_SLOPE = 0.2;

/**
 * Generator: input [B, inDim] → MLP of hidden layers (dense without bias → batch norm → relu)
 * → dense → [B, 2]. Glorot-uniform kernels, zero biases (Keras defaults).
 */
export class Generator {
  readonly hidden: {
    kernel: tf.Variable<tf.Rank.R2>;
    norm: BatchNorm | null;
    bias: tf.Variable<tf.Rank.R1> | null;
  }[];
  readonly output: DenseLayer;
  readonly variables: tf.Variable[];

  constructor(
    readonly inDim: number,
    widths: number[],
    batchNorm: boolean,
    rng: Rng,
    readonly outDim = 2,
  ) {
    this.hidden = [];
    let fanIn = inDim;
    for (const [k, width] of widths.entries()) {
      const layer = createDense(rng, `generator/dense${k}`, fanIn, width, {
        kind: 'glorot-uniform',
      });
      if (batchNorm) {
        // β of the batch norm replaces the bias (a bias before it would cancel out).
        layer.bias.dispose();
        this.hidden.push({
          kernel: layer.kernel,
          norm: new BatchNorm(`generator/bn${k}`, width),
          bias: null,
        });
      } else this.hidden.push({ kernel: layer.kernel, norm: null, bias: layer.bias });
      fanIn = width;
    }
    this.output = createDense(rng, 'generator/out', fanIn, outDim, { kind: 'glorot-uniform' });
    this.variables = [
      ...this.hidden.flatMap((h) => [
        h.kernel,
        ...(h.bias ? [h.bias] : []),
        ...(h.norm?.variables ?? []),
      ]),
      ...denseVariables([this.output]),
    ];
  }

  /**
   * z: [B, inDim] → [B, outDim]. `training`: batch statistics in the batch norms (`stage`: kept
   * for {@link update}); else their running averages. The caller disposes the result.
   */
  apply(z: tf.Tensor2D, training: boolean, stage = false): tf.Tensor2D {
    return tf.tidy(() => {
      let h = z;
      for (const layer of this.hidden) {
        if (layer.norm) {
          const a = dense(h, layer.kernel); // [B, width]
          h = tf.relu(layer.norm.apply(a, training, stage)) as tf.Tensor2D;
        } else h = denseRelu(h, layer.kernel, layer.bias!); // [B, width]
      }
      return applyDense(this.output, h); // [B, outDim]
    });
  }

  /** The batch norms' running averages (state, not trained; saved in checkpoints). */
  get stateVariables(): tf.Variable[] {
    return this.hidden.flatMap((h) => (h.norm ? [h.norm.movingMean, h.norm.movingVariance] : []));
  }

  /** Applies the staged batch statistics to the running averages. */
  update(): void {
    for (const layer of this.hidden) layer.norm?.update();
  }

  dispose(): void {
    for (const layer of this.hidden) {
      layer.kernel.dispose();
      layer.bias?.dispose();
      layer.norm?.dispose();
    }
    tf.dispose(denseVariables([this.output]));
  }
}

/** Discriminator: [B, 2] → hidden layers (relu or leaky relu) → logit [B, 1]. */
export class Discriminator {
  readonly layers: DenseLayer[];
  readonly variables: tf.Variable[];

  constructor(
    inDim: number,
    widths: number[],
    readonly activation: GanActivation,
    rng: Rng,
  ) {
    this.layers = [];
    let fanIn = inDim;
    for (const [k, width] of [...widths, 1].entries()) {
      this.layers.push(
        createDense(rng, `discriminator/dense${k}`, fanIn, width, { kind: 'glorot-uniform' }),
      );
      fanIn = width;
    }
    this.variables = denseVariables(this.layers);
  }

  /** x: [B, 2] → logits [B, 1]. The caller disposes the result. */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = x;
      for (const [k, layer] of this.layers.entries()) {
        if (k === this.layers.length - 1) return applyDense(layer, h); // [B, 1]
        h =
          this.activation === 'relu'
            ? denseRelu(h, layer.kernel, layer.bias) // [B, width]
            : (tf.leakyRelu(applyDense(layer, h), LEAKY_SLOPE) as tf.Tensor2D);
      }
      return h;
    });
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/** Global L2 norm of a set of gradients (one scalar over all tensors). Caller owns it. */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * Adaptive gradient clipping (Belghazi et al. 2018, supplement Sec. 8.1.1): the MI gradient
 * g_m is rescaled to norm min(‖g_u‖, ‖g_m‖), i.e. multiplied by min(1, ‖g_u‖/‖g_m‖), where
 * both norms are global over every variable in the maps (the generator's). Returns the
 * applied MI gradient per variable name and the scale; the caller owns them. Without `clip`
 * the scale is 1. A zero g_m stays zero.
 */
export function adaptiveClip(
  gu: tf.NamedTensorMap,
  gm: tf.NamedTensorMap,
  clip = true,
): { applied: tf.NamedTensorMap; scale: tf.Scalar } {
  return tf.tidy(() => {
    const names = Object.keys(gm);
    const scale = clip
      ? (tf.minimum(
          1,
          tf.div(
            globalNorm(Object.values(gu)),
            tf.maximum(globalNorm(names.map((n) => gm[n])), 1e-30),
          ),
        ) as tf.Scalar)
      : tf.scalar(1);
    const applied: tf.NamedTensorMap = {};
    for (const n of names) applied[n] = tf.mul(gm[n], scale);
    return { applied, scale };
  }) as { applied: tf.NamedTensorMap; scale: tf.Scalar };
}

/** The MI regularizer of a run (absent for a plain GAN). */
export interface GanMiTerm {
  critic: Critic;
  estimator: Estimator;
  /** `entropy`: I(Z; G(Z)); `conditional`: I(c; G(ε, c)) with a one-hot c fed to G. */
  mode: 'entropy' | 'conditional';
  /** Weight β of −Î in the generator loss. */
  beta: number;
  /** Adaptive gradient clipping on (MINE supplement Sec. 8.1.1). */
  clip: boolean;
  /** The MI term acts on the generator for iterations < this; the critic trains throughout. */
  until: number;
  /** Critic steps per iteration. */
  criticSteps: number;
  /** Classes of c (conditional mode). */
  classes: number;
}

export interface GanArgs {
  generator: Generator;
  discriminator: Discriminator;
  mi: GanMiTerm | null;
  /** Training set [n, generator.outDim] row-major (2-d sets; MNIST for ais-mi); minibatches of `batchSize` from seeded epoch permutations. */
  data: Float32Array;
  /** Noise z: `normal` N(0, I) or `uniform` U(−1, 1). */
  noise: 'normal' | 'uniform';
  /** Width of z (the noise; ε in conditional mode). */
  zDim: number;
  batchSize: number;
  iterations: number;
  evalEvery: number;
  learningRate: number;
  /** Adam β1 of all three optimizers. */
  beta1: number;
  /** Seeds: data order, training noise (z), classes (c), evaluation noise. */
  seeds: { order: number; z: number; c: number; eval: number };
  /** Generated samples per evaluation. */
  evalSamples: number;
  /**
   * Called at iteration 0, every `evalEvery` iterations and after the last, with `evalSamples`
   * generated points ([n, 2], eval-mode batch norm, the same noise every time) and the critic's
   * training estimates since the previous call.
   */
  evaluate(step: number, points: Float32Array, miWindow: Float32Array): Promise<void>;
  onStep?(step: number): void;
  shouldStop?(): boolean;
  /**
   * Saves the state after every evaluation (the one after the last iteration included) and
   * resumes from `checkpoint.resume` (its evaluation is not repeated). Absent: neither.
   */
  checkpoint?: LoopCheckpoint;
}

export interface GanOutcome {
  status: 'ok' | 'failed' | 'stopped';
  error?: { message: string; step?: number };
}

/** Draws generator inputs and MI codes from seeded streams (the loop's only randomness). */
export class GanNoise {
  private readonly z: Rng;
  private readonly c: Rng;

  constructor(
    readonly kind: 'normal' | 'uniform',
    readonly zDim: number,
    /** One-hot classes appended to z (0 = none). */
    readonly classes: number,
    seeds: { z: number; c: number },
  ) {
    this.z = new Rng(seeds.z);
    this.c = new Rng(seeds.c);
  }

  /** The positions of both streams (JSON), to continue them exactly after a restart. */
  getState(): { z: RngState; c: RngState } {
    return { z: this.z.getState(), c: this.c.getState() };
  }

  setState(state: { z: RngState; c: RngState }): void {
    this.z.setState(state.z);
    this.c.setState(state.c);
  }

  /** input: [B, zDim + classes] (z, then one-hot c), code: z [B, zDim] or c [B, classes]. */
  draw(b: number): { input: tf.Tensor2D; code: tf.Tensor2D } {
    const z =
      this.kind === 'normal'
        ? this.z.normalArray(b * this.zDim)
        : this.z.uniformArray(b * this.zDim, -1, 1);
    if (this.classes === 0) {
      const input = tf.tensor2d(z, [b, this.zDim]);
      return { input, code: input.clone() };
    }
    const c = new Float32Array(b * this.classes);
    const both = new Float32Array(b * (this.zDim + this.classes));
    for (let i = 0; i < b; i++) {
      const k = this.c.int(this.classes);
      c[i * this.classes + k] = 1;
      both.set(z.subarray(i * this.zDim, (i + 1) * this.zDim), i * (this.zDim + this.classes));
      both[i * (this.zDim + this.classes) + this.zDim + k] = 1;
    }
    return {
      input: tf.tensor2d(both, [b, this.zDim + this.classes]),
      code: tf.tensor2d(c, [b, this.classes]),
    };
  }
}

/** Where a {@link RowStream} is: the order's RNG before it drew this epoch's order, and the row. */
interface RowStreamState {
  epochRng: RngState;
  position: number;
}

/** Minibatches of rows of a fixed [n, 2] set, each epoch in a fresh seeded order. */
class RowStream {
  private order: Int32Array;
  private position = 0;
  private readonly rng: Rng;
  /** The RNG's state before it drew `order` (the epoch's order is redrawn from it on restore). */
  private epochRng: RngState;

  constructor(
    private readonly data: Float32Array,
    private readonly dim: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.epochRng = this.rng.getState();
    this.order = this.rng.permutation(data.length / dim);
  }

  /** Its position (JSON; the order itself, up to n ints, is redrawn rather than saved). */
  getState(): RowStreamState {
    return { epochRng: this.epochRng, position: this.position };
  }

  /** Continues from a position saved by {@link getState}. */
  setState(state: RowStreamState): void {
    this.rng.setState(state.epochRng);
    this.epochRng = this.rng.getState();
    this.order = this.rng.permutation(this.order.length);
    this.position = state.position;
  }

  next(b: number): tf.Tensor2D {
    const out = new Float32Array(b * this.dim);
    for (let i = 0; i < b; i++) {
      if (this.position === this.order.length) {
        this.epochRng = this.rng.getState();
        this.order = this.rng.permutation(this.order.length);
        this.position = 0;
      }
      const row = this.order[this.position++];
      out.set(this.data.subarray(row * this.dim, (row + 1) * this.dim), i * this.dim);
    }
    return tf.tensor2d(out, [b, this.dim]);
  }
}

const meanSoftplus = (x: tf.Tensor) => tf.mean(tf.softplus(x)) as tf.Scalar;

/** The losses of one iteration (scalars the caller owns), for the non-finite check. */
interface IterationScalars {
  discriminator: tf.Scalar;
  generator: tf.Scalar;
  mi: tf.Scalar | null;
}

/** Everything one iteration needs besides the batches. */
export interface GanStepper {
  /** One iteration at `step`; returns its losses (kept on the backend). */
  step(step: number): IterationScalars;
  /**
   * Adds the optimizers' state to `writer` (whose models must already hold their variables)
   * and returns the streams' positions (JSON).
   */
  saveState(writer: StateWriter): Record<string, unknown>;
  /** Restores what {@link saveState} saved (the models already restored into `reader`). */
  restoreState(reader: StateReader, streams: Record<string, unknown>): void;
  dispose(): void;
}

/** Builds the per-iteration update of {@link runGan} (exported for the bench). */
export function ganStepper(
  args: Omit<GanArgs, 'evaluate' | 'iterations' | 'evalEvery' | 'evalSamples'>,
): GanStepper {
  const { generator, discriminator, mi } = args;
  const adam = () => tf.train.adam(args.learningRate, args.beta1, 0.999);
  const optD = adam();
  const optG = adam();
  const optC = mi ? adam() : null;
  const noise = new GanNoise(
    args.noise,
    args.zDim,
    mi?.mode === 'conditional' ? mi.classes : 0,
    args.seeds,
  );
  const real = new RowStream(args.data, generator.outDim, args.seeds.order); // 2-d sets; 784 for ais-mi's MNIST generator
  const gVars = generator.variables;
  const cVars = mi ? [...mi.critic.variables, ...mi.estimator.variables] : [];
  return {
    step(step) {
      // 1. Discriminator.
      const xr = real.next(args.batchSize); // [B, 2]
      const d1 = noise.draw(args.batchSize);
      const dLoss = tf.tidy(() => {
        const fake = generator.apply(d1.input, true); // [B, 2]
        return optD.minimize(
          () =>
            tf.add(
              meanSoftplus(tf.neg(discriminator.logits(xr))),
              meanSoftplus(discriminator.logits(fake)),
            ) as tf.Scalar,
          true,
          discriminator.variables,
        ) as tf.Scalar;
      });
      tf.dispose([xr, d1.input, d1.code]);
      // 2. Critic on fresh generated pairs (the generator's output is a constant here).
      let miValue: tf.Scalar | null = null;
      if (mi && optC) {
        for (let s = 0; s < mi.criticSteps; s++) {
          const c1 = noise.draw(args.batchSize);
          const value = tf.tidy(() => {
            const y = generator.apply(c1.input, true); // [B, 2]
            let kept: tf.Scalar | undefined;
            optC.minimize(
              () => {
                const scores = mi.critic.scores(c1.code, y); // [B, B]
                const terms = mi.estimator.train({ scores, rows: c1.code });
                kept = tf.keep(terms.estimate);
                return terms.loss;
              },
              false,
              cVars,
            );
            mi.estimator.update();
            return kept as tf.Scalar;
          });
          miValue?.dispose();
          miValue = value;
          tf.dispose([c1.input, c1.code]);
        }
      }
      // 3. Generator: g_u and g_m separately on the same batch, g_m clipped, one Adam step.
      const g = noise.draw(args.batchSize);
      const gLoss = tf.tidy(() => {
        const unreg = tf.variableGrads(
          () => meanSoftplus(tf.neg(discriminator.logits(generator.apply(g.input, true, true)))),
          gVars,
        );
        let grads = unreg.grads;
        if (mi && mi.beta > 0 && step < mi.until) {
          const reg = tf.variableGrads(() => {
            const scores = mi.critic.scores(g.code, generator.apply(g.input, true)); // [B, B]
            return tf.mul(mi.estimator.train({ scores, rows: g.code }).loss, mi.beta) as tf.Scalar;
          }, gVars);
          const { applied } = adaptiveClip(unreg.grads, reg.grads, mi.clip);
          grads = {};
          for (const name of Object.keys(unreg.grads))
            grads[name] = tf.add(unreg.grads[name], applied[name]);
        }
        optG.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        return unreg.value;
      });
      generator.update();
      tf.dispose([g.input, g.code]);
      return { discriminator: dLoss, generator: gLoss, mi: miValue };
    },
    saveState(writer) {
      writer.adam('adam-discriminator', optD).adam('adam-generator', optG);
      if (optC) writer.adam('adam-critic', optC);
      return { real: real.getState(), noise: noise.getState() };
    },
    restoreState(reader, streams) {
      reader.adam('adam-discriminator', optD).adam('adam-generator', optG);
      if (optC) reader.adam('adam-critic', optC);
      real.setState(streams['real'] as RowStreamState);
      noise.setState(streams['noise'] as ReturnType<GanNoise['getState']>);
    },
    dispose() {
      optD.dispose();
      optG.dispose();
      optC?.dispose();
    },
  };
}

/** Generates `n` points with eval-mode batch norm from a fixed seeded noise. [n, 2] Float32. */
export function generatePoints(
  generator: Generator,
  kind: 'normal' | 'uniform',
  zDim: number,
  classes: number,
  seed: number,
  n: number,
): Float32Array {
  const noise = new GanNoise(kind, zDim, classes, { z: seed, c: seed + 1 });
  const { input, code } = noise.draw(n);
  const out = generator.apply(input, false);
  const values = out.dataSync() as Float32Array;
  tf.dispose([input, code, out]);
  return values;
}

/** Trains the GAN (with its MI term, if any), evaluating as documented on {@link GanArgs}. */
export async function runGan(args: GanArgs): Promise<GanOutcome> {
  const stepper = ganStepper(args);
  const losses = new PendingScalars();
  const miEstimates = new PendingScalars();
  const classes = args.mi?.mode === 'conditional' ? args.mi.classes : 0;
  let step = 0;
  let first = 0;
  let previous = 0; // the iteration of the previous evaluation
  const mi = args.mi;
  const estimatorState = mi?.estimator.checkpointState;
  // Models first: the optimizers' state names their variables by the models' saved names.
  const models = <T extends StateWriter | StateReader>(io: T): T => {
    io.model('generator', args.generator.variables)
      .model('generator-state', args.generator.stateVariables)
      .model('discriminator', args.discriminator.variables);
    if (mi) {
      io.model('critic', mi.critic.variables)
        .model('estimator', mi.estimator.variables)
        .model('estimator-state', estimatorState?.variables ?? []);
    }
    return io;
  };
  const save = (at: number) => {
    if (!args.checkpoint) return;
    const writer = models(new StateWriter());
    const streams = stepper.saveState(writer);
    args.checkpoint.save(
      writer.build(at, { streams, estimatorFlags: estimatorState?.flags() ?? {} }),
    );
  };
  const resume = args.checkpoint?.resume;
  const evaluateAt = async (at: number) => {
    const lossValues = losses.drain();
    const window = miEstimates.drain();
    for (const [what, values] of [
      ['GAN loss', lossValues],
      [`${args.mi?.estimator.kind ?? 'MI'} estimate`, window],
    ] as const) {
      const bad = firstNonFinite(values);
      // Two losses per iteration (discriminator, generator); one estimate per iteration.
      const per = what === 'GAN loss' ? 2 : 1;
      if (bad >= 0) throw new NonFiniteError(what, previous + Math.floor(bad / per));
    }
    previous = at;
    const points = generatePoints(
      args.generator,
      args.noise,
      args.zDim,
      classes,
      args.seeds.eval,
      args.evalSamples,
    );
    const bad = firstNonFinite(points);
    if (bad >= 0) throw new NonFiniteError('generated sample', at);
    await args.evaluate(at, points, window);
    save(at);
  };
  try {
    if (resume) {
      const reader = models(new StateReader(resume));
      stepper.restoreState(reader, reader.loop['streams'] as Record<string, unknown>);
      estimatorState?.restore(reader.loop['estimatorFlags'] as Record<string, unknown>);
      first = resume.step;
      previous = resume.step;
    }
    for (step = first; step < args.iterations; step++) {
      if (step % args.evalEvery === 0 && !(resume && step === first)) await evaluateAt(step);
      if (args.shouldStop?.()) return { status: 'stopped' };
      const out = stepper.step(step);
      losses.push(out.discriminator);
      losses.push(out.generator);
      if (out.mi) miEstimates.push(out.mi);
      args.onStep?.(step);
      await yieldSometimes();
    }
    // A resume from the checkpoint of the last evaluation has nothing left to do.
    if (!(resume && first === args.iterations)) await evaluateAt(args.iterations);
    return { status: 'ok' };
  } catch (error) {
    return {
      status: 'failed',
      error: {
        message: (error as Error).message,
        step: error instanceof NonFiniteError ? Math.max(0, error.step) : step,
      },
    };
  } finally {
    stepper.dispose();
    losses.dispose();
    miEstimates.dispose();
  }
}
