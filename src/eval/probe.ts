/**
 * Linear probe (the paper's downstream evaluation, Colab protocol): encode the train and test
 * inputs with g1 (no gradient), min-max scale with train statistics, fit a multinomial
 * logistic regression with intercept and L2 penalty, report test accuracy.
 *
 * ## Objective (the same as scikit-learn's `LogisticRegression(C)`, multinomial)
 *
 *     J(W, b) = (1/n) Σ_i CE(softmax(x_i W + b), y_i) + ||W||² / (2·C·n)
 *
 * i.e. sklearn's `C·Σ CE + ½||W||²` divided by `C·n`; the intercept b is not penalized.
 * The Colab uses `LogisticRegression(C=10, solver='saga', tol=0.1, multi_class='multinomial')`.
 *
 * ## Optimizer: full-batch L-BFGS, deterministic
 * J is smooth and strictly convex in W, so a full-batch quasi-Newton method converges in a
 * few dozen passes over the data and has no randomness at all (no seed needed: the same inputs
 * give bit-identical weights on the same backend). Each objective evaluation is one pass over
 * the train set on the TF.js backend (`X·θ`, softmax, `Xᵀ·G`); the L-BFGS state
 * (θ, gradient, the last `memory` curvature pairs) lives in Float64 arrays in JS, which is
 * cheap because θ has only (D+1)·K entries.
 * - Reparametrization (exact, same optimum): features are centred with their train mean μ and
 *   the intercept is absorbed into a column of ones, so θ = [W; b'] with b' = b + μW. As b is
 *   unpenalized this changes nothing about the solution but removes the strong coupling
 *   between W and b that uncentred [0, 1] features create. The returned weights are mapped
 *   back: `bias = b' − μW`.
 * - Preconditioning: the initial inverse Hessian of each two-loop recursion is γ·M with
 *   M = (Σ + εI)⁻¹ ⊗ I_K, Σ the covariance of the centred features (estimated on 10k rows).
 *   That is L-BFGS on whitened features: neighbouring pixels are strongly correlated. On noisy
 *   MNIST halves it reached J < 0.5385 (0.25% above the minimum) in 25 iterations, vs 59 with
 *   a per-feature (diagonal) scaling and 79 with none (the two alternatives were removed);
 *   the objective is unchanged.
 * - Line search: backtracking (Armijo, c1 = 1e-4, halving), starting at step 1 (accepted in
 *   almost every iteration). J is summed in Float64 so the test is meaningful near the optimum.
 * - Stopping rule: stop when the mean relative decrease of J per iteration over the last 5
 *   iterations, `(J_{t−5} − J_t) / (5·max(|J_{t−5}|, |J_t|, 1))`, is below `tol`; or when the
 *   largest absolute gradient entry is below `gradientTol`; or after `maxIterations`.
 *   Calibration (noisy MNIST top halves, 60k/10k, `scripts/calibrate-probe.ts --sweep`):
 *   tol 1e-3 / 3e-4 / 1e-4 / 3e-5 / 1e-5 / 1e-7 give test accuracy 0.8374 / 0.8374 / 0.8384 /
 *   0.8386 / 0.8387 / 0.8388 after 16 / 25 / 33 / 42 / 55 / 100 iterations; the default 1e-4
 *   stops with J within 0.1% of its minimum. Cross-check on another noise draw: sklearn 1.2.1
 *   `LogisticRegression(C=10, solver='lbfgs', tol=1e-6)` (1928 iterations, 780 s) gets 0.8384,
 *   this probe converged 0.8385, and the Colab's saga with tol 0.1 (3 epochs) 0.842.
 *
 * ## `solver: 'saga'`: the Colab's own (under-converged) fit
 * scikit-learn's SAGA with the Colab's settings (`src/eval/saga.ts` cites every rule it follows):
 * uncentred min-max scaled features, zero init, step 1/(2L + min(2/C, L)), stop when
 * max|ΔW|/max|W| over an epoch is ≤ tol = 0.1 (about 3 epochs on MNIST halves), at most 100
 * epochs (sklearn's `max_iter`), samples drawn with replacement from `Rng(seed)`. Choosing it
 * switches the defaults of `tol` and `maxIterations` to those (see {@link SAGA_DEFAULTS}).
 *
 * The probe never changes the encoder's variables: it only calls `encoder.apply` inside
 * `tf.tidy`, without any gradient tape or optimizer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Encoder } from '../types.ts';
import { UserError } from '../types.ts';
import { sagaMultinomial } from './saga.ts';

/** One split of probe inputs. */
export interface ProbeSplit {
  /**
   * `[n, D]` inputs: a tensor (the caller owns it; the probe neither disposes nor changes it)
   * or row-major Float32 values (then D = `x.length / labels.length`).
   */
  x: tf.Tensor2D | Float32Array;
  /** `[n]` class ids 0..K−1. */
  labels: ArrayLike<number>;
}

/** The probe's solvers: `lbfgs` (converged, the default) or `saga` (the Colab's). */
export const PROBE_SOLVERS = ['lbfgs', 'saga'] as const;
export type ProbeSolver = (typeof PROBE_SOLVERS)[number];

export interface ProbeOptions {
  /**
   * `lbfgs` (default): the converged fit described in the module header, deterministic without
   * a seed. `saga`: scikit-learn's SAGA as the Colab calls it (tol 0.1, stops after ~3 epochs;
   * `src/eval/saga.ts`): reproduces the Colab's solver-dependent accuracies.
   */
  solver?: ProbeSolver;
  /** Inverse L2 strength, as in sklearn's `LogisticRegression(C)`. Default 10 (Colab). */
  C?: number;
  /**
   * lbfgs: stop when the mean relative decrease of the objective per iteration, over the last 5
   * iterations, is below this. Default 1e-4 (calibrated: J within 0.1% of its minimum and the
   * accuracy within ±0.001 of the converged solution on MNIST halves; see the module header).
   * saga: stop when max|ΔW| / max|W| over an epoch is ≤ this (scikit-learn's rule). Default 0.1
   * (Colab: `tol=.1`).
   */
  tol?: number;
  /** lbfgs only: stop when max |∂J/∂θ| is below this. Default 1e-6 (rarely reached before `tol`). */
  gradientTol?: number;
  /**
   * Upper bound on L-BFGS iterations (default 500; MNIST halves stop after ~35), or on SAGA
   * epochs (default 100: scikit-learn's `max_iter`, which the Colab leaves at its default).
   */
  maxIterations?: number;
  /** lbfgs only: curvature pairs kept. Default 10 (the common default, e.g. scipy's 10). */
  memory?: number;
  /**
   * Rows per `encoder.apply` call while encoding. Default 1000: bounds the activation memory
   * of deep encoders (a 30-coupling RealNVP keeps [1000, 512] per layer) while keeping the
   * matmuls large.
   */
  encodeBatchSize?: number;
  /**
   * A code feature whose train range (max − min) is at most this is treated as constant by the
   * min-max scaling (scale 1, so it becomes all zeros) instead of being stretched to [0, 1].
   * Default 0: only exactly constant features, as the scikit-learn of the Colab (2019,
   * `scale == 0`). Today's scikit-learn (`_handle_zeros_in_scale`: scale < 10·eps of the dtype)
   * corresponds to 1.19e-6 for float32 codes. It matters for flows started near the identity:
   * always-zero pixels get ~1e-9 shifts that scaling stretches into full-range features
   * (`scripts/probe-at-init.ts` measures it).
   */
  constantRange?: number;
  /**
   * saga only: seed of the sample sequence (indices uniform with replacement, as scikit-learn's
   * `dataset.random`). Default 0. A run's evaluations pass `deriveSeed(runSeed, 'probe:STEP')`
   * unless the config sets it. lbfgs ignores it (it has no randomness).
   */
  seed?: number;
}

/** Defaults of {@link ProbeOptions}. */
export const PROBE_DEFAULTS: Required<ProbeOptions> = {
  solver: 'lbfgs', // converged; 'saga' reproduces the Colab's under-converged fit
  C: 10, // Colab: LogisticRegression(C=10)
  tol: 1e-4,
  gradientTol: 1e-6,
  maxIterations: 500,
  memory: 10,
  encodeBatchSize: 1000,
  constantRange: 0, // Colab's scikit-learn: only exactly constant features
  seed: 0,
};

/**
 * What `solver: 'saga'` changes in {@link PROBE_DEFAULTS} (options set explicitly still win):
 * the Colab's `LogisticRegression(solver='saga', multi_class='multinomial', tol=.1, C=10.)`
 * with scikit-learn's default `max_iter=100`.
 */
export const SAGA_DEFAULTS: Readonly<Partial<Required<ProbeOptions>>> = {
  tol: 0.1, // Colab: tol=.1
  maxIterations: 100, // scikit-learn's LogisticRegression default max_iter
};

export interface ProbeResult {
  /** The solver that fitted it. */
  solver: ProbeSolver;
  /** Test accuracy in [0, 1]. */
  accuracy: number;
  /** Train accuracy in [0, 1]. */
  trainAccuracy: number;
  /** Final objective J (mean cross-entropy + penalty), nats. */
  loss: number;
  /** L-BFGS iterations run, or SAGA epochs (scikit-learn's `n_iter_`). */
  iterations: number;
  /**
   * Passes over the train set: objective/gradient evaluations of L-BFGS, line search included;
   * SAGA's epochs.
   */
  evaluations: number;
  /** Why it stopped. */
  stop: 'tol' | 'gradientTol' | 'maxIterations' | 'lineSearch';
  /** `[D, K]` row-major weights on the min-max scaled features (sklearn's `coef_.T`). */
  weights: Float32Array;
  /** `[K]` intercepts on the min-max scaled features (sklearn's `intercept_`). */
  bias: Float32Array;
  /** Feature dimension D (encoder output, or raw input if no encoder). */
  featureDim: number;
  /** Number of classes K. */
  classes: number;
  /** Wall-clock seconds: total, encoding (+ scaling), fitting. */
  seconds: number;
  encodeSeconds: number;
  fitSeconds: number;
}

function rowCount(split: ProbeSplit): number {
  return split.labels.length;
}

/**
 * `[n, D_out]` codes of all rows of `split.x`, computed `batchSize` rows at a time inside
 * `tf.tidy` (no gradient tape). With `encoder = null` the inputs themselves. Caller disposes.
 */
export function encodeAll(
  encoder: Encoder | null,
  split: ProbeSplit,
  batchSize: number = PROBE_DEFAULTS.encodeBatchSize,
): tf.Tensor2D {
  const n = rowCount(split);
  const { x } = split;
  let dim: number;
  if (x instanceof Float32Array) {
    if (n === 0 || x.length % n !== 0) {
      throw new UserError(`probe: ${x.length} input values do not split into ${n} rows`);
    }
    dim = x.length / n;
  } else {
    if (x.shape[0] !== n) {
      throw new UserError(`probe: ${x.shape[0]} input rows but ${n} labels`);
    }
    dim = x.shape[1];
  }
  if (encoder && encoder.inputDim !== dim) {
    throw new UserError(`probe: encoder expects ${encoder.inputDim} inputs, data has ${dim}`);
  }
  if (!encoder) {
    return x instanceof Float32Array ? tf.tensor2d(x, [n, dim]) : tf.clone(x);
  }
  const chunks: tf.Tensor2D[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start);
    chunks.push(
      tf.tidy(() => {
        const xb =
          x instanceof Float32Array
            ? tf.tensor2d(x.subarray(start * dim, (start + rows) * dim), [rows, dim])
            : tf.slice(x, [start, 0], [rows, dim]); // [rows, D_in]
        return encoder.apply(xb); // [rows, D_out]
      }),
    );
  }
  if (chunks.length === 1) return chunks[0];
  const all = tf.concat(chunks, 0); // [n, D_out]
  for (const c of chunks) c.dispose();
  return all;
}

const INTEGER_OPTIONS = new Set(['maxIterations', 'memory', 'encodeBatchSize', 'seed']);
const ZERO_OPTIONS = new Set(['constantRange', 'seed']);

/**
 * Defaults overridden by `options`: {@link PROBE_DEFAULTS}, with {@link SAGA_DEFAULTS} on top
 * when `solver` is `saga`. Options often come from JSON experiment configs and `--set
 * probe.KEY=VALUE`, so an unknown key, an unknown solver, a non-number, a non-positive value
 * or a fractional count is a `UserError` naming the field.
 */
export function resolveProbeOptions(options: ProbeOptions = {}): Required<ProbeOptions> {
  for (const key of Object.keys(options)) {
    if (!(key in PROBE_DEFAULTS)) {
      throw new UserError(
        `probe: unknown option '${key}'; valid options: ${Object.keys(PROBE_DEFAULTS).join(', ')}`,
      );
    }
  }
  const solver = options.solver ?? PROBE_DEFAULTS.solver;
  if (!(PROBE_SOLVERS as readonly unknown[]).includes(solver)) {
    throw new UserError(
      `probe: option solver must be one of ${PROBE_SOLVERS.join(', ')}, got ${JSON.stringify(solver)}`,
    );
  }
  const out: Required<ProbeOptions> = {
    ...PROBE_DEFAULTS,
    ...(solver === 'saga' ? SAGA_DEFAULTS : {}),
    solver,
  };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === 'solver') continue;
    const mayBeZero = ZERO_OPTIONS.has(key);
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (value > 0 || (mayBeZero && value === 0)) &&
      (!INTEGER_OPTIONS.has(key) || Number.isInteger(value)) &&
      (key !== 'seed' || value < 2 ** 32);
    if (!ok) {
      const want =
        key === 'seed'
          ? 'an integer in [0, 2^32)'
          : INTEGER_OPTIONS.has(key)
            ? 'a positive integer'
            : mayBeZero
              ? 'a number ≥ 0'
              : 'a positive number';
      throw new UserError(`probe: option ${key} must be ${want}, got ${JSON.stringify(value)}`);
    }
    (out as unknown as Record<string, number>)[key] = value;
  }
  return out;
}

/**
 * sklearn's `MinMaxScaler` fitted on `codesTrain` ([n, D]) and applied to both splits; a feature
 * whose train range is ≤ `constantRange` gets scale 1. Nothing is clipped, so test features may
 * leave [0, 1]. Call inside `tf.tidy`; returns `[n, D]` and `[m, D]` tensors.
 */
function minMaxScale(
  codesTrain: tf.Tensor2D,
  codesTest: tf.Tensor2D,
  constantRange: number,
): [tf.Tensor2D, tf.Tensor2D] {
  const min = tf.min(codesTrain, 0); // [D]
  const rawRange = tf.sub(tf.max(codesTrain, 0), min); // [D]
  // sklearn MinMaxScaler: a constant feature gets scale 1 (it becomes all zeros).
  const constant = tf.lessEqual(rawRange, constantRange); // [D] bool
  const range = tf.where(constant, tf.onesLike(rawRange), rawRange); // [D]
  const sTrain = tf.div(tf.sub(codesTrain, min), range) as tf.Tensor2D; // [n, D]
  const sTest = tf.div(tf.sub(codesTest, min), range) as tf.Tensor2D; // [m, D]
  return [sTrain, sTest];
}

/** Inputs of the fit, all on the backend (owned and freed by `linearProbe`). */
interface Design {
  /** [n, D+1]: centred scaled features and a column of ones. */
  xa: tf.Tensor2D;
  /**
   * [D+1, n]: its transpose, stored because `tf.matMul(xa, g, true)` transposes on every call
   * on wasm (197 ms vs 27 ms per product at n = 60k, D = 392).
   */
  xaT: tf.Tensor2D;
  /** [n, K] one-hot labels. */
  y: tf.Tensor2D;
}

/**
 * Fits the probe and returns test accuracy and the weights. Deterministic (lbfgs has no
 * randomness; saga draws its samples from `Rng(seed)`).
 * Owns and frees every tensor it creates; `train.x` / `test.x` tensors stay the caller's.
 * The encoder's variables are only read (see the module header).
 */
export function linearProbe(
  encoder: Encoder | null,
  train: ProbeSplit,
  test: ProbeSplit,
  options: ProbeOptions = {},
): ProbeResult {
  const opts = resolveProbeOptions(options);
  const t0 = performance.now();
  const nTrain = rowCount(train);
  const nTest = rowCount(test);
  let classes = 0;
  for (const split of [train, test]) {
    for (let i = 0; i < split.labels.length; i++) {
      const label = split.labels[i];
      if (!Number.isInteger(label) || label < 0) {
        throw new UserError(`probe: labels must be non-negative integers, got ${label}`);
      }
      classes = Math.max(classes, label + 1);
    }
  }

  if (opts.solver === 'saga') return sagaProbe(encoder, train, test, classes, opts, t0);

  // Encode and scale. min/range/mean are fitted on train only and reused for test; nothing is
  // clipped, so test features may leave [0, 1].
  const scaled = tf.tidy(() => {
    const codesTrain = encodeAll(encoder, train, opts.encodeBatchSize); // [n, D]
    const codesTest = encodeAll(encoder, test, opts.encodeBatchSize); // [m, D]
    const [sTrain, sTest] = minMaxScale(codesTrain, codesTest, opts.constantRange);
    const mean = tf.mean(sTrain, 0) as tf.Tensor1D; // [D]
    const withOnes = (s: tf.Tensor2D, rows: number) =>
      tf.concat([tf.sub(s, mean), tf.ones([rows, 1])], 1) as tf.Tensor2D; // [rows, D+1]
    const xa = withOnes(sTrain, nTrain);
    return {
      xa,
      xaT: tf.transpose(xa) as tf.Tensor2D, // [D+1, n]
      xTest: withOnes(sTest, nTest), // [m, D+1]
      mean,
    };
  });
  const featureDim = scaled.xa.shape[1] - 1;
  const mean = scaled.mean.dataSync() as Float32Array;
  scaled.mean.dispose();
  const yTrain = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(Array.from(train.labels), 'int32'), classes), 'float32'),
  ) as tf.Tensor2D; // [n, K]
  const t1 = performance.now();

  let fit: ReturnType<typeof lbfgs>;
  let t2: number;
  let trainAccuracy: number;
  let accuracy: number;
  const owned: tf.Tensor[] = [scaled.xa, scaled.xaT, scaled.xTest, yTrain];
  try {
    fit = lbfgs({ xa: scaled.xa, xaT: scaled.xaT, y: yTrain }, featureDim, classes, nTrain, opts);
    t2 = performance.now();
    const theta = tf.tensor2d(Float32Array.from(fit.theta), [featureDim + 1, classes]); // [D+1, K]
    owned.push(theta);
    const accuracyOf = (xa: tf.Tensor2D, labels: ArrayLike<number>) => {
      const predictedT = tf.tidy(() => tf.argMax(tf.matMul(xa, theta), 1)); // [rows]
      const predicted = predictedT.dataSync();
      predictedT.dispose();
      let correct = 0;
      for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
      return labels.length ? correct / labels.length : Number.NaN;
    };
    trainAccuracy = accuracyOf(scaled.xa, train.labels);
    accuracy = accuracyOf(scaled.xTest, test.labels);
  } finally {
    tf.dispose(owned);
  }

  // Back to sklearn's parametrization on the (uncentred) scaled features: b = b' − μW.
  const weights = new Float32Array(featureDim * classes);
  const bias = new Float32Array(classes);
  for (let k = 0; k < classes; k++) {
    let b = fit.theta[featureDim * classes + k];
    for (let j = 0; j < featureDim; j++) {
      const w = fit.theta[j * classes + k];
      weights[j * classes + k] = w;
      b -= mean[j] * w;
    }
    bias[k] = b;
  }
  const t3 = performance.now();
  return {
    solver: 'lbfgs',
    accuracy,
    trainAccuracy,
    loss: fit.loss,
    iterations: fit.iterations,
    evaluations: fit.evaluations,
    stop: fit.stop,
    weights,
    bias,
    featureDim,
    classes,
    seconds: (t3 - t0) / 1000,
    encodeSeconds: (t1 - t0) / 1000,
    fitSeconds: (t2 - t1) / 1000,
  };
}

/**
 * The `saga` solver: encode, min-max scale (uncentred: SAGA's iterates depend on the
 * parametrization, and scikit-learn fits the scaled features as they are), fit with
 * {@link sagaMultinomial}, then score both splits in Float64 in JS. Frees every tensor it makes.
 */
function sagaProbe(
  encoder: Encoder | null,
  train: ProbeSplit,
  test: ProbeSplit,
  classes: number,
  opts: Required<ProbeOptions>,
  t0: number,
): ProbeResult {
  const [sTrain, sTest] = tf.tidy(() =>
    minMaxScale(
      encodeAll(encoder, train, opts.encodeBatchSize), // [n, D]
      encodeAll(encoder, test, opts.encodeBatchSize), // [m, D]
      opts.constantRange,
    ),
  );
  const featureDim = sTrain.shape[1];
  const xTrain = sTrain.dataSync() as Float32Array;
  const xTest = sTest.dataSync() as Float32Array;
  tf.dispose([sTrain, sTest]);
  const t1 = performance.now();
  const fit = sagaMultinomial(xTrain, train.labels, featureDim, classes, {
    C: opts.C,
    tol: opts.tol,
    maxEpochs: opts.maxIterations,
    seed: opts.seed,
  });
  const t2 = performance.now();
  const trainScore = scoreLinear(xTrain, train.labels, featureDim, classes, fit.weights, fit.bias);
  const testScore = scoreLinear(xTest, test.labels, featureDim, classes, fit.weights, fit.bias);
  let squaredNorm = 0;
  for (const v of fit.weights) squaredNorm += v * v;
  const t3 = performance.now();
  return {
    solver: 'saga',
    accuracy: testScore.accuracy,
    trainAccuracy: trainScore.accuracy,
    loss: trainScore.meanCrossEntropy + squaredNorm / (2 * opts.C * train.labels.length),
    iterations: fit.epochs,
    evaluations: fit.epochs,
    stop: fit.stop,
    weights: Float32Array.from(fit.weights),
    bias: Float32Array.from(fit.bias),
    featureDim,
    classes,
    seconds: (t3 - t0) / 1000,
    encodeSeconds: (t1 - t0) / 1000,
    fitSeconds: (t2 - t1) / 1000,
  };
}

/**
 * Accuracy (argmax of x·W + b, first maximum on ties as `tf.argMax`) and mean cross-entropy of
 * a linear classifier on `x` ([n, D] row-major), in Float64.
 */
function scoreLinear(
  x: Float32Array,
  labels: ArrayLike<number>,
  dim: number,
  classes: number,
  weights: Float64Array,
  bias: Float64Array,
): { accuracy: number; meanCrossEntropy: number } {
  const n = labels.length;
  const logits = new Float64Array(classes);
  let correct = 0;
  let crossEntropy = 0;
  for (let i = 0; i < n; i++) {
    logits.set(bias);
    for (let f = 0; f < dim; f++) {
      const xf = x[i * dim + f];
      if (xf === 0) continue;
      const o = f * classes;
      for (let k = 0; k < classes; k++) logits[k] += weights[o + k] * xf;
    }
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[k] > logits[best]) best = k;
    if (best === labels[i]) correct++;
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[k] - logits[best]);
    crossEntropy += Math.log(sum) + logits[best] - logits[labels[i]];
  }
  return {
    accuracy: n ? correct / n : Number.NaN,
    meanCrossEntropy: n ? crossEntropy / n : Number.NaN,
  };
}

/**
 * Preconditioner M = blockdiag((Σ + εI)⁻¹) ⊗ I_K on θ = [D+1, K] (row-major), with Σ the second
 * moment of the design rows [x − μ, 1] (the covariance of the centred features, and 1 for the
 * intercept). The Hessian of the mean cross-entropy is Σ_i (x_i x_iᵀ) ⊗ (diag p_i − p_i p_iᵀ) / n,
 * so Σ⁻¹ ⊗ I whitens its feature part: strongly correlated inputs (neighbouring pixels) stop
 * slowing L-BFGS down. `cov` is [D+1, D+1] row-major. Returns v ↦ M·v (a new array).
 */
function covariancePreconditioner(
  cov: Float32Array,
  rows: number,
  classes: number,
): (v: Float64Array) => Float64Array {
  const a = new Matrix(rows, rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      a.set(i, j, cov[i * rows + j] + (i === j ? PRECONDITIONER_EPSILON : 0));
    }
  }
  const inverse = new CholeskyDecomposition(a).solve(Matrix.eye(rows)); // [D+1, D+1]
  const inv = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) inv.set(inverse.getRow(i), i * rows);
  return (v) => {
    const out = new Float64Array(rows * classes);
    for (let i = 0; i < rows; i++) {
      const o = i * classes;
      for (let l = 0; l < rows; l++) {
        const m = inv[i * rows + l];
        const vl = l * classes;
        for (let k = 0; k < classes; k++) out[o + k] += m * v[vl + k];
      }
    }
    return out;
  };
}

/**
 * Ridge added to Σ before inverting: near-constant features (border pixels; variance ≈ 0)
 * would otherwise get steps ~1/variance. 1e-3 ≈ the variance of a [0, 1] feature that is 1 in
 * 0.1% of the rows; iterations to a given loss were the same for 1e-2..1e-4 on MNIST halves.
 */
const PRECONDITIONER_EPSILON = 1e-3;

/**
 * Rows used to estimate Σ for the preconditioner. 10,000: Σ only shapes the search direction
 * (any SPD matrix keeps L-BFGS correct), and the full 60k would cost as much as ~6 objective
 * evaluations at D = 392.
 */
const PRECONDITIONER_ROWS = 10_000;

/** Iterations over which the relative decrease of J is averaged for the `tol` test. */
const TOL_WINDOW = 5;

/**
 * Full-batch L-BFGS on θ = [W; b'] ([D+1, K], row-major, last row the intercept).
 * Tensors: only per-evaluation temporaries (inside `tf.tidy`) and θ uploads, all disposed here.
 */
function lbfgs(
  design: Design,
  featureDim: number,
  classes: number,
  n: number,
  opts: Required<ProbeOptions>,
) {
  const rows = featureDim + 1;
  const size = rows * classes;
  const penaltyCount = featureDim * classes; // the intercept row is not penalized
  const lambda = 1 / (opts.C * n); // J = mean CE + (λ/2)·||W||²
  let evaluations = 0;

  /** J(θ) and ∂J/∂θ (one pass over the train set). */
  const evaluate = (theta: Float64Array): { loss: number; grad: Float64Array } => {
    evaluations++;
    const thetaT = tf.tensor2d(Float32Array.from(theta), [rows, classes]); // [D+1, K]
    const [ceT, gradSumT] = tf.tidy(() => {
      const logits = tf.matMul(design.xa, thetaT); // [n, K]
      const lse = tf.logSumExp(logits, 1, true); // [n, 1]
      // CE_i = logsumexp_i − logit_{i,y_i}: no log of a probability that may underflow.
      const ce = tf.sub(tf.reshape(lse, [n]), tf.sum(tf.mul(design.y, logits), 1)); // [n]
      const g = tf.sub(tf.exp(tf.sub(logits, lse)), design.y); // [n, K]: n·∂(mean CE)/∂logits
      return [ce, tf.matMul(design.xaT, g)]; // [n], [D+1, K]
    });
    thetaT.dispose();
    const grad = Float64Array.from(gradSumT.dataSync());
    // Summed in Float64: a float32 sum over 60k rows is too coarse for the line search near the
    // optimum (relative changes of 1e-6 become noise).
    const ce = ceT.dataSync();
    let loss = 0;
    for (let i = 0; i < n; i++) loss += ce[i];
    loss /= n;
    ceT.dispose();
    gradSumT.dispose();
    for (let i = 0; i < size; i++) grad[i] /= n; // the 1/n of the mean, in Float64
    for (let i = 0; i < penaltyCount; i++) {
      loss += 0.5 * lambda * theta[i] * theta[i];
      grad[i] += lambda * theta[i];
    }
    return { loss, grad };
  };

  const covRows = Math.min(n, PRECONDITIONER_ROWS);
  const covT = tf.tidy(() => {
    const xs = tf.slice(design.xa, [0, 0], [covRows, rows]); // [r, D+1]
    const xsT = tf.slice(design.xaT, [0, 0], [rows, covRows]); // [D+1, r]
    return tf.div(tf.matMul(xsT, xs), covRows); // [D+1, D+1]
  });
  const cov = covT.dataSync() as Float32Array;
  covT.dispose();
  if (!cov.every(Number.isFinite)) {
    // NaN/Infinity codes (a diverged encoder) would make every step fail silently.
    throw new UserError('probe: the features contain NaN or Infinity');
  }
  const applyM = covariancePreconditioner(cov, rows, classes);

  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];

  let theta = new Float64Array(size); // zero init, as sklearn
  let { loss, grad } = evaluate(theta);
  const history = [loss]; // J after each iteration, for the windowed `tol` test
  let iterations = 0;
  let stop: ProbeResult['stop'] = 'maxIterations';
  if (maxAbs(grad) < opts.gradientTol) stop = 'gradientTol';

  while (stop === 'maxIterations' && iterations < opts.maxIterations) {
    iterations++;
    // Two-loop recursion (Nocedal & Wright, Alg. 7.4): direction = −H·grad, H0 = γ·M.
    const q = Float64Array.from(grad);
    const alphas: number[] = [];
    for (let i = sList.length - 1; i >= 0; i--) {
      const a = rhoList[i] * dot(sList[i], q);
      alphas[i] = a;
      const y = yList[i];
      for (let t = 0; t < size; t++) q[t] -= a * y[t];
    }
    const mq = applyM(q);
    let gamma: number;
    if (sList.length) {
      // Scale from the newest pair, in the preconditioned metric (Nocedal & Wright, eq. 7.20).
      const y = yList[yList.length - 1];
      gamma = dot(sList[sList.length - 1], y) / dot(y, applyM(y));
    } else {
      // First step: unit length in the M⁻¹ norm; the line search adjusts.
      gamma = 1 / Math.sqrt(dot(grad, mq));
    }
    for (let t = 0; t < size; t++) q[t] = gamma * mq[t];
    for (let i = 0; i < sList.length; i++) {
      const b = rhoList[i] * dot(yList[i], q);
      const s = sList[i];
      for (let t = 0; t < size; t++) q[t] += (alphas[i] - b) * s[t];
    }
    const direction = q;
    for (let t = 0; t < size; t++) direction[t] = -direction[t];
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): forget the pairs, use −M·grad.
      sList.length = yList.length = rhoList.length = 0;
      const mg = applyM(grad);
      for (let t = 0; t < size; t++) direction[t] = -mg[t];
      slope = dot(grad, direction);
    }

    // Backtracking Armijo line search from step 1 (c1 = 1e-4, halving).
    let step = 1;
    let next: { loss: number; grad: Float64Array } | null = null;
    const candidate = new Float64Array(size);
    for (let tries = 0; tries < 30; tries++) {
      for (let t = 0; t < size; t++) candidate[t] = theta[t] + step * direction[t];
      const trial = evaluate(candidate);
      if (trial.loss <= loss + 1e-4 * step * slope) {
        next = trial;
        break;
      }
      step *= 0.5;
    }
    if (!next) {
      stop = 'lineSearch'; // no decrease found: J is flat at float32 resolution
      break;
    }
    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let t = 0; t < size; t++) {
      s[t] = candidate[t] - theta[t];
      y[t] = next.grad[t] - grad[t];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      // Curvature condition holds (always, up to rounding, on a convex J): keep the pair.
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
      if (sList.length > opts.memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
    }
    theta = candidate;
    loss = next.loss;
    grad = next.grad;
    history.push(loss);
    // Mean relative decrease per iteration over the last TOL_WINDOW iterations: single
    // iterations alternate between large and tiny decreases, a window does not stop on a lull.
    const window = Math.min(TOL_WINDOW, iterations);
    const past = history[history.length - 1 - window];
    const decrease = (past - loss) / (window * Math.max(Math.abs(past), Math.abs(loss), 1));
    if (decrease < opts.tol) stop = 'tol';
    else if (maxAbs(grad) < opts.gradientTol) stop = 'gradientTol';
  }
  return { theta, loss, iterations, evaluations, stop };
}
