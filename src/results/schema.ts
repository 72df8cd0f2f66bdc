/**
 * The run record: one JSON file per run (schema version 1), written atomically after every
 * evaluation. This module never imports TF.js.
 */

export const RECORD_SCHEMA_VERSION = 1;

export type RunStatus = 'running' | 'ok' | 'failed';

/**
 * One cell of an experiment's grid. Fields that do not apply are null
 * (e.g. `adversarial` has no critic or bound; only `encoder-impact` has a target).
 */
export interface Cell {
  /** Encoder id (`mlp`, `convnet`, `realnvp`), null for `noniid`. */
  encoder: string | null;
  /** Critic id (`bilinear`, `separable`, `concat`, ...), null for `adversarial`. */
  critic: string | null;
  /**
   * Bound id (`infonce`, `nwj`, ...), null for `adversarial`. In the estimator experiments the
   * estimator variant id (`mine`, `smile-5`, `alpha-0.5`, ...).
   */
  bound: string | null;
  /** Target t of the |I − t| objective, null when the bound is maximized. */
  target: number | null;
  /** `iid` or `noniid` for the `noniid` experiment, else null. */
  sampling: string | null;
  /**
   * Ground-truth task id of the estimator experiments (`gaussian`, `cubic`, or a variant such
   * as `gaussian-d1-rho0.5`), else null. Absent in records written before it existed (= null).
   */
  task?: string | null;
}

/** One evaluation of a sweep run (at step 0 and every `evalEvery` steps). */
export interface Evaluation {
  step: number;
  /** Mean training bound (nats) over the steps since the previous evaluation (at step 0: that step). */
  trainBound: number | null;
  /** Bound on the held-out test split, in batches of the training batch size. */
  testBound: number | null;
  /** Linear-probe test accuracy in [0, 1]. */
  accuracy: number | null;
  /** Wall seconds since the run started. */
  seconds: number;
  /** Per-sample log(σ_max/σ_min) of g1's Jacobian (non-invertible experiment only). */
  logCondition?: number[];
  /** Adversarial experiment: the classifier's and the encoder's losses at this step. */
  classifierLoss?: number;
  encoderLoss?: number;
  /** Estimator experiments: the true MI (nats) of the steps that `trainBound` averages. */
  trueMI?: number;
  /** Estimator experiments: sample sd (n − 1) of the per-step estimates that `trainBound` averages. */
  trainSd?: number;
}

/** A per-step series, e.g. the training bound of every step (`values[k]` is step `start + k·every`). */
export interface Trace {
  start: number;
  every: number;
  /** null: no value defined at this point (e.g. `gan-modes`' reverse KL with no high-quality sample). */
  values: (number | null)[];
  /**
   * How frames downsample this trace, when its loop knows better than the frame-wide default
   * (e.g. the staircase keeps every 25th raw value: a mean would hide the estimator's variance).
   */
  downsample?: { every: number; reduce: 'mean' | 'sample' };
}

export interface RunRecord {
  schemaVersion: typeof RECORD_SCHEMA_VERSION;
  /** Stable id `<experiment>/<cell key>/seed-<seed>`; also the record's path under the results dir. */
  id: string;
  experiment: string;
  preset: string;
  cell: Cell;
  seed: number;
  status: RunStatus;
  /** Set when status is `failed`. */
  error?: { message: string; step?: number };
  /** The full resolved config of this run (plain JSON). */
  config: Record<string, unknown>;
  /** Hash of the config shared by the whole sweep (refuses mixing results of different configs). */
  configHash: string;
  backend: string;
  versions: Record<string, string>;
  /** ISO dates. */
  startedAt: string;
  updatedAt: string;
  /** Wall seconds so far. */
  seconds: number;
  evaluations: Evaluation[];
  /** Per-step series by name (`trainBound`, `estimate`, ...). */
  traces?: Record<string, Trace>;
  /**
   * Generated 2-d points of the latest evaluation at `step` (`gan-modes`: the samples figure's
   * seed only), as parallel coordinate arrays.
   */
  points?: { step: number; x: number[]; y: number[] };
  /** Constants of the run worth plotting, e.g. `{ trueMI: 0.0204 }`. */
  constants?: Record<string, number>;
}
