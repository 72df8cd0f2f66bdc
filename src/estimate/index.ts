/**
 * `mimax estimate` as a library: the mutual information of your own data with neural
 * estimators, MINDE (diffusion), KSG and the Gaussian baseline, fit on a train split and reported on a held-out
 * split, over seeds (see `estimate.ts`). The {@link DataEstimator} interface is what every
 * estimator here implements.
 */

export { type NpyArray, parseNpy, readNpy } from '../data/npy.ts';
export {
  type LoadedPairs,
  loadPairs,
  type PairsSource,
  parseCsvTable,
  readCsvTable,
  selectColumns,
} from '../data/tabular.ts';
export { digamma } from '../estimators/digamma.ts';
export { gaussianMutualInformation } from '../estimators/gaussian-baseline.ts';
export { MaxNormKdTree } from '../estimators/kd-tree.ts';
export { KSG_DEFAULT_K, ksgMutualInformation } from '../estimators/ksg.ts';
export { BASELINE_DESCRIPTIONS, BASELINES, createBaseline, KSG_DEFAULTS } from './baselines.ts';
export type {
  CurvePoint,
  DataEstimator,
  EstimatorKind,
  FitContext,
  FitProgress,
  FitResult,
} from './data-estimator.ts';
export {
  createDiffusionEstimator,
  DIFFUSION_DESCRIPTIONS,
  DIFFUSION_ESTIMATORS,
  type DiffusionName,
  MindeDataEstimator,
} from './diffusion.ts';
export {
  createDataEstimator,
  DEFAULT_ESTIMATORS,
  ESTIMATE_DEFAULTS,
  type EstimateOptions,
  type EstimateProgress,
  type EstimatorSpec,
  estimate,
  estimatorNames,
} from './estimate.ts';
export { type ArrayInput, type TensorLike, toMatrix } from './input.ts';
export { NeuralDataEstimator, type NeuralSettings } from './neural.ts';
export {
  type EstimateProtocol,
  type EstimateResult,
  type EstimatorSummary,
  formatTable,
  resultJson,
  type SeedResult,
} from './result.ts';
export {
  checkPair,
  type DataMatrix,
  headOf,
  type Sample,
  type Split,
  splitAndStandardize,
} from './sample.ts';
