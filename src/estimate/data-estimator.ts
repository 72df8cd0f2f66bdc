/**
 * The common interface of every estimator of `mimax estimate` (DESIGN §2b: "fit on a train
 * split, report on a held-out split"): neural estimators (a critic trained with any registered
 * estimator), KSG and the Gaussian baseline alike. `bmi-benchmark` uses the same interface.
 * Imports no TF.js.
 */
import type { LoopCheckpoint } from '../train/checkpoint.ts';
import type { Options } from '../types.ts';
import type { Sample } from './sample.ts';

/** What an estimator trains, if anything (see {@link DataEstimator.kind}). */
export type EstimatorKind = 'neural' | 'diffusion' | 'baseline';

/** One point of a curve: the estimate (nats) at a training step; null where it was not finite. */
export interface CurvePoint {
  step: number;
  estimate: number | null;
}

/** What a fit reports as it goes (for progress displays). */
export interface FitProgress {
  /** Completed training steps (0 for the non-neural estimators until they finish). */
  step: number;
  steps: number;
  /** The latest training estimate (nats), if any. */
  estimate: number | null;
}

/** Per-fit inputs other than the data. */
export interface FitContext {
  /** Seed of this fit; split by purpose inside (`init:critic`, `data:epoch:<e>`, `ksg:noise`). */
  seed: number;
  onProgress?(progress: FitProgress): void;
  /** Polled between training steps: true stops the fit (status `stopped`). */
  shouldStop?(): boolean;
  /**
   * Called at each evaluation of the curves, as it happens (before the checkpoint of that step
   * is saved), with the point's training and held-out estimates (null where there is none or
   * it is not finite). Neural and diffusion estimators; the baselines do not call it.
   */
  onEvaluation?(point: { step: number; train: number | null; heldOut: number | null }): void;
  /**
   * Neural and diffusion estimators: saves the fit's state after every evaluation and resumes
   * from `checkpoint.resume` (`bmi-benchmark`'s runs). The baselines ignore it.
   */
  checkpoint?: LoopCheckpoint;
}

/** The outcome of one fit (one estimator, one seed). */
export interface FitResult {
  /** `failed`: the estimate became NaN/±∞ (the error says at which step); `stopped`: Ctrl-C. */
  status: 'ok' | 'failed' | 'stopped';
  error?: string;
  /** The reported value: the estimate on the held-out split (nats); NaN unless `ok`. */
  estimate: number;
  /**
   * The same estimate computed on the first rows of the train split, as many as the held-out
   * split has (so both carry the same sampling error); above `estimate` when the fit overfits.
   */
  trainEstimate: number;
  /**
   * Neural: mean training-batch estimate over each evaluation window, by step; diffusion: the
   * estimate on as many train rows as held out, at each evaluation; [] for the baselines.
   */
  trainCurve: CurvePoint[];
  /** Neural: the held-out estimate at each evaluation (the last one is `estimate`; [] otherwise). */
  heldOutCurve: CurvePoint[];
  /** Wall-clock seconds of the fit. */
  seconds: number;
  /** A value the estimate cannot exceed (InfoNCE: log K), or null. */
  ceiling: number | null;
  /**
   * Diffusion (MINDE): the sd over Monte Carlo draws of (t, ε) behind `estimate` (the estimate
   * is their mean); absent for the other kinds.
   */
  mcSd?: number;
}

/** An estimator of I(X; Y) on a fixed data set (see the module comment). */
export interface DataEstimator {
  /** The id it reports under, e.g. `smile`, `ksg` (or a variant id such as `smile-1`). */
  readonly id: string;
  /** The registered estimator (`smile`, `infonce`, …) or baseline (`ksg`, `gaussian`). */
  readonly estimator: string;
  /**
   * `neural` (trains a critic), `diffusion` (MINDE: trains a score network) or `baseline`
   * (KSG, Gaussian: no training).
   */
  readonly kind: EstimatorKind;
  /** Its resolved options (defaults ← given), stored in the result as they were used. */
  readonly options: Options;
  /** Fewest rows each split needs (e.g. one batch for a neural estimator, k + 1 for KSG). */
  readonly minSplitRows: number;
  /**
   * Fits on `train` (standardized), reports on `test` (standardized with train's statistics).
   * Never throws for a numerical failure: that is a result with status `failed`.
   */
  fit(train: Sample, test: Sample, context: FitContext): Promise<FitResult>;
}
