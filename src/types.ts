/**
 * The interfaces every part of mimax depends on. This module imports nothing from `src/`
 * (only TF.js types), so anything can import it without cycles.
 *
 * ## The scores convention (used everywhere)
 * A critic maps a batch of code pairs to a score matrix `scores: [K, K]` with
 *
 *     scores[i][j] = f(g1(x1_i), g2(x2_j))
 *
 * Row i is the i-th view-1 sample, column j the j-th view-2 sample. The diagonal holds the
 * positive (joint) pairs (x1_i, x2_i); off-diagonal entries are negative pairs, i.e. samples
 * from the product of marginals. Bounds see only this matrix.
 */
import type { Scalar, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';

/** x: [B, inputDim] → code: [B, outputDim]. */
export interface Encoder {
  /** Registry id, e.g. `mlp`. */
  readonly kind: string;
  readonly inputDim: number;
  readonly outputDim: number;
  /** Trainable variables (never empty). */
  readonly variables: Variable[];
  /**
   * Forward pass. `x: [B, inputDim]` → `[B, outputDim]`. The caller owns the result
   * (call inside `tf.tidy` or dispose it).
   */
  apply(x: Tensor2D): Tensor2D;
  /**
   * Optional: the per-sample Jacobians in closed form, transposed. `x: [B, inputDim]` →
   * `[B, inputDim, outputDim]`, element (i, j, k) = ∂y_k/∂x_j at x_i (so each sample's slice,
   * read flat, is its Jacobian in column-major order). Encoders without it are differentiated
   * generically by `eval/jacobian.ts` (one reverse pass over D_out replicated rows per
   * sample, about 3x the FLOPs). The caller owns the result.
   */
  transposedJacobians?(x: Tensor2D): Tensor3D;
  /** Frees the variables. */
  dispose(): void;
}

/** (codes1: [B, d1], codes2: [B, d2]) → scores: [B, B] with scores[i][j] = f(codes1_i, codes2_j). */
export interface Critic {
  readonly kind: string;
  /** Trainable variables (may be empty for a parameter-free critic such as `inner-product`). */
  readonly variables: Variable[];
  /** Caller owns the result. */
  scores(codes1: Tensor2D, codes2: Tensor2D): Tensor2D;
  dispose(): void;
}

/**
 * A lower bound on mutual information (nats) from a score matrix in the convention above.
 * Pure: creates no variables, returns a scalar the caller owns. Never a loss: the sign flip
 * happens in `bounds/objective.ts` only.
 */
export type BoundFn = (scores: Tensor2D) => Scalar;

/** Plain JSON value: configs are stored verbatim in every run record. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Options of a registry entry: plain data with defaults, validated field by field. */
export type Options = { [key: string]: Json };

/** Where randomness comes from: an integer seed, split by purpose (see `random.ts`). */
export type Seed = number;

/** A user-facing mistake (bad name, bad option, missing file): printed without a stack trace. */
export class UserError extends Error {
  override name = 'UserError';
}
