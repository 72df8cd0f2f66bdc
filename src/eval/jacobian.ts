/**
 * Per-sample Jacobians of an encoder and their conditioning (paper Sec. 3.1, Fig. 2b/c: the
 * non-invertible encoder's log(σ_max/σ_min) at one batch of 128 test inputs).
 *
 * ## How J is computed
 * - Encoders with a closed form (`Encoder.transposedJacobians`, e.g. the MLP: forward-mode
 *   products layer by layer, see `mlpTransposedJacobians`) use it: for the [392]x5 residual
 *   MLP it costs a third of the FLOPs of the generic pass below, and yields each Jacobian in
 *   column-major order, as the LU route wants it.
 * - Any other encoder: one vectorized reverse pass per chunk, no op-specific code. For a
 *   chunk of c samples x: [c, D_in], each sample is replicated D_out times, row
 *   r = i·D_out + k holding x_i. The encoder runs once on the [c·D_out, D_in] batch, its
 *   output is multiplied by one-hot selectors (row r keeps only output k = r mod D_out) and
 *   summed, and one `tf.grad` w.r.t. the replicated input gives row r = ∂y_k(x_i)/∂x_i, i.e.
 *   row k of sample i's Jacobian. Only `tf.grad` on `encoder.apply` is used, so encoders built
 *   from the custom ops in `src/ops/` (with custom gradients) work unchanged.
 * Both assume rows are processed independently (true of every mimax encoder: no batch
 * statistics); an encoder that mixes samples would give wrong Jacobians.
 *
 * ## Singular values (`JacobianOptions.svd`)
 * Per sample, in Float64. Square Jacobians (the experiment's 392x392): σ_max and σ_min only,
 * by one LU factorization and Lanczos on J and J⁻¹ (`lu-extremes.ts`, which says why this
 * keeps the accuracy of a full SVD at large condition numbers): 2/3·n³ flops in a WebAssembly
 * SIMD kernel instead of the 8/3·n³ of a bidiagonalization in JavaScript. Before (issue 16,
 * measured): 32 s idle for 128 samples of 392x392, of which ~0.16 s per SVD and the rest the
 * reverse pass. Non-square Jacobians, or `keepSingularValues`: `svd.ts` (Householder
 * bidiagonalization, then bisection for the requested singular values; ~0.16 s per 392x392),
 * or ml-matrix's full `SingularValueDecomposition` (`svd: 'ml-matrix'`, the independent
 * reference); all are checked against each other in the tests. A Jacobian of D_out x D_in has
 * min(D_out, D_in) singular values; `logCondition` is log(σ_max / σ_min) over those. σ_min = 0
 * (a rank-deficient Jacobian, e.g. a dead relu path) gives `Infinity` (also when σ_max = 0),
 * which JSON stores as null: consumers treat null as "infinitely ill-conditioned". The
 * Jacobian is computed in float32, so σ_min below about 1e-7·σ_max (log condition above ~16)
 * is rounding noise, not signal, and an exactly singular Jacobian usually shows up as a large
 * finite value (~35).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
// Side effect: registers TF.js's stock gradients (tfjs-core alone has none in Node), so that
// `tf.grad` works for any encoder, including one built without `src/ops`.
import '../ops/index.ts';
import type { Encoder } from '../types.ts';
import { UserError } from '../types.ts';
import { luSingularValueExtremes } from './lu-extremes.ts';
import { bidiagonalize, bidiagonalSingularValues } from './svd.ts';

export interface JacobianOptions {
  /**
   * Samples per vectorized pass (each becomes D_out rows). Default: floor(4096 / D_out), at
   * least 1 (10 for D_out = 392): 4096 replicated rows keep a [392]x5 MLP's taped activations
   * near 100 MB (~15 taped [rows, 392] float32 tensors). Lower it for deep encoders: by our
   * estimate a 30-coupling RealNVP with [512, 512] shift nets tapes ~0.4 MB per row (1.6 GB at
   * the default), so use 1-2 samples per pass there.
   */
  chunkSize?: number;
  /** Return every sample's singular values (descending). Default false. */
  keepSingularValues?: boolean;
  /**
   * Singular-value routine: 'lu' (`lu-extremes.ts`: LU + Lanczos, σ_max and σ_min only, square
   * Jacobians only; ~10x faster than 'bisection' at 392x392), 'bisection' (`svd.ts`:
   * bidiagonalization + bisection, any shape, any singular values), 'ml-matrix' (its Golub-Kahan
   * SVD, the independent reference), or 'auto' = 'lu' for square Jacobians without
   * `keepSingularValues`, else 'bisection'. Default 'auto'.
   */
  svd?: JacobianSvd;
  /**
   * How J is computed: 'auto' uses the encoder's closed form (`transposedJacobians`) when it
   * has one, else autograd; 'autograd' always uses the generic reverse pass (the reference the
   * closed forms are tested against). Default 'auto'.
   */
  method?: JacobianMethod;
}

export const JACOBIAN_SVDS = ['auto', 'lu', 'bisection', 'ml-matrix'] as const;
export type JacobianSvd = (typeof JACOBIAN_SVDS)[number];
export const JACOBIAN_METHODS = ['auto', 'autograd'] as const;
export type JacobianMethod = (typeof JACOBIAN_METHODS)[number];

/** Replicated rows per pass behind the default `chunkSize` (see {@link JacobianOptions}). */
export const JACOBIAN_ROWS_PER_PASS = 4096;

export interface JacobianResult {
  /** Per sample: largest singular value of the Jacobian. */
  sigmaMax: number[];
  /** Per sample: smallest of the min(D_out, D_in) singular values. */
  sigmaMin: number[];
  /** Per sample: ln(σ_max / σ_min); `Infinity` when σ_min = 0. */
  logCondition: number[];
  /** Per sample, descending; only with `keepSingularValues`. */
  singularValues?: number[][];
  /** Wall-clock seconds: total, Jacobians (forward + backward), SVDs. */
  seconds: number;
  gradSeconds: number;
  svdSeconds: number;
}

/**
 * Jacobians of `encoder` at every row of `x: [N, D_in]`, as one row-major Float32Array
 * `[N, D_out, D_in]`: element (i, k, j) = ∂y_k/∂x_j at x_i. `x` stays the caller's; every
 * tensor made here is freed here. The encoder's variables are only read.
 */
export function jacobians(
  encoder: Encoder,
  x: tf.Tensor2D,
  chunkSize: number = defaultChunkSize(encoder.outputDim),
  method: JacobianMethod = 'auto',
): Float32Array {
  return jacobianBlocks(encoder, x, chunkSize, method, 'row-major');
}

/**
 * Every sample's Jacobian, flat: `row-major` = [N, D_out, D_in] (element (i, k, j) at
 * (i·D_out + k)·D_in + j), `column-major` = [N, D_in, D_out] (the same element at
 * (i·D_in + j)·D_out + k).
 */
function jacobianBlocks(
  encoder: Encoder,
  x: tf.Tensor2D,
  chunkSize: number,
  method: JacobianMethod,
  layout: 'row-major' | 'column-major',
): Float32Array {
  const [n, dIn] = x.shape;
  if (dIn !== encoder.inputDim) {
    throw new UserError(`jacobian: encoder expects ${encoder.inputDim} inputs, got ${dIn}`);
  }
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1)) {
    throw new UserError(`jacobian: chunkSize must be a positive integer, got ${chunkSize}`);
  }
  if (!(JACOBIAN_METHODS as readonly string[]).includes(method)) {
    throw new UserError(
      `jacobian: method must be one of ${JACOBIAN_METHODS.join(', ')}, got '${method}'`,
    );
  }
  const dOut = encoder.outputDim;
  const closedForm = method === 'auto' ? encoder.transposedJacobians?.bind(encoder) : undefined;
  const out = new Float32Array(n * dOut * dIn);
  for (let start = 0; start < n; start += chunkSize) {
    const c = Math.min(chunkSize, n - start);
    const block = tf.tidy(() => {
      const xc = tf.slice(x, [start, 0], [c, dIn]); // [c, D_in]
      if (closedForm) {
        const transposed = closedForm(xc); // [c, D_in, D_out]
        return layout === 'column-major' ? transposed : tf.transpose(transposed, [0, 2, 1]);
      }
      // Row i·D_out + k = x_i.
      const xRep = tf.reshape(tf.tile(tf.expandDims(xc, 1), [1, dOut, 1]), [c * dOut, dIn]); // [c·D_out, D_in]
      // Row i·D_out + k selects output k.
      const selector = tf.tile(tf.eye(dOut), [c, 1]); // [c·D_out, D_out]
      const f = (xr: tf.Tensor) => tf.sum(tf.mul(encoder.apply(xr as tf.Tensor2D), selector)); // []
      const rows = tf.grad(f)(xRep); // [c·D_out, D_in]: row i·D_out + k = ∂y_k/∂x at x_i
      return layout === 'row-major'
        ? rows
        : tf.transpose(tf.reshape(rows, [c, dOut, dIn]), [0, 2, 1]); // [c, D_in, D_out]
    });
    out.set(block.dataSync(), start * dOut * dIn);
    block.dispose();
  }
  return out;
}

function defaultChunkSize(outputDim: number): number {
  return Math.max(1, Math.floor(JACOBIAN_ROWS_PER_PASS / outputDim));
}

/**
 * Singular values (descending) of a row-major `rows x columns` matrix by ml-matrix's SVD
 * (Float64, no singular vectors): min(rows, columns) values.
 */
export function singularValuesMlMatrix(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
): number[] {
  const m = new Matrix(rows, columns);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) m.set(i, j, values[i * columns + j]);
  }
  const svd = new SingularValueDecomposition(m, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true, // D_out < D_in: decompose the transpose (same singular values)
  });
  return svd.diagonal.slice(0, Math.min(rows, columns)).sort((a, b) => b - a);
}

/** Singular values (descending) by `svd.ts`: all of them, or only [σ_max, σ_min]. */
function singularValuesBisection(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  all: boolean,
): number[] {
  const bd = bidiagonalize(values, rows, columns);
  const n = bd.d.length;
  const ranks = all ? Array.from({ length: n }, (_, i) => n - 1 - i) : [n - 1, 0];
  return bidiagonalSingularValues(bd, ranks);
}

/** ln(σ_max / σ_min); `Infinity` when σ_min = 0 (see the module header). */
export function logConditionOf(sigmaMax: number, sigmaMin: number): number {
  return sigmaMin > 0 ? Math.log(sigmaMax / sigmaMin) : Number.POSITIVE_INFINITY;
}

/**
 * Per-sample singular-value extremes and log condition numbers of the encoder's Jacobian at
 * each row of `x: [N, D_in]` (paper: N = 128 test inputs). `x` stays the caller's.
 */
export function jacobianConditioning(
  encoder: Encoder,
  x: tf.Tensor2D,
  options: JacobianOptions = {},
): JacobianResult {
  const chunkSize = options.chunkSize ?? defaultChunkSize(encoder.outputDim);
  const svd = options.svd ?? 'auto';
  if (!(JACOBIAN_SVDS as readonly string[]).includes(svd)) {
    throw new UserError(`jacobian: svd must be one of ${JACOBIAN_SVDS.join(', ')}, got '${svd}'`);
  }
  const n = x.shape[0];
  const dOut = encoder.outputDim;
  const dIn = encoder.inputDim;
  const square = dOut === dIn;
  const keep = options.keepSingularValues === true;
  if (svd === 'lu' && (!square || keep)) {
    throw new UserError(
      `jacobian: svd 'lu' needs a square Jacobian and no keepSingularValues (got ${dOut}x${dIn}${keep ? ', keepSingularValues' : ''})`,
    );
  }
  const routine = svd === 'auto' ? (square && !keep ? 'lu' : 'bisection') : svd;
  const t0 = performance.now();
  // The LU route reads each Jacobian column-major; the others row-major.
  const layout = routine === 'lu' ? 'column-major' : 'row-major';
  const all = jacobianBlocks(encoder, x, chunkSize, options.method ?? 'auto', layout);
  const t1 = performance.now();
  const result: JacobianResult = {
    sigmaMax: [],
    sigmaMin: [],
    logCondition: [],
    seconds: 0,
    gradSeconds: (t1 - t0) / 1000,
    svdSeconds: 0,
  };
  if (keep) result.singularValues = [];
  for (let i = 0; i < n; i++) {
    const jacobian = all.subarray(i * dOut * dIn, (i + 1) * dOut * dIn); // [D_out, D_in] in `layout`
    let max: number;
    let min: number;
    if (routine === 'lu') {
      ({ max, min } = luSingularValueExtremes(jacobian, dIn));
    } else {
      const sigma =
        routine === 'ml-matrix'
          ? singularValuesMlMatrix(jacobian, dOut, dIn)
          : singularValuesBisection(jacobian, dOut, dIn, keep);
      max = sigma[0];
      min = sigma[sigma.length - 1];
      result.singularValues?.push(sigma);
    }
    result.sigmaMax.push(max);
    result.sigmaMin.push(min);
    result.logCondition.push(logConditionOf(max, min));
  }
  const t2 = performance.now();
  result.svdSeconds = (t2 - t1) / 1000;
  result.seconds = (t2 - t0) / 1000;
  return result;
}
