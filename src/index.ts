/**
 * mimax as a library:
 * `import { bounds, critics, data, encoders, estimators, evaluation, tasks, train } from 'mimax'`.
 * Call `initBackend()` once before creating tensors. `train.trainStep` is one step of the
 * paper's training loop; `evaluation` (also `eval`) probes a trained encoder (linear probe,
 * held-out bound, Jacobian conditioning); `data` loads MNIST-style data sets and splits them
 * into halves. `estimate(x, y, options)` estimates the MI of your own arrays (neural
 * estimators, KSG, Gaussian); `estimation` holds its parts.
 */
export { initBackend } from './backend.ts';
export * as bounds from './bounds/index.ts';
export * as critics from './critics/index.ts';
export * as data from './data/index.ts';
export * as encoders from './encoders/index.ts';
export * as estimation from './estimate/index.ts';
export {
  type EstimateOptions,
  type EstimateResult,
  type EstimatorSpec,
  type EstimatorSummary,
  estimate,
  type SeedResult,
} from './estimate/index.ts';
export * as estimators from './estimators/index.ts';
export * as minde from './estimators/minde/index.ts';

/**
 * Evaluation of an encoder: `linearProbe`, `heldOutBound`, `jacobianConditioning`,
 * `runBaseline`. Exported as `evaluation` and as `eval` (`mimax.eval.linearProbe`); a bare
 * `import { eval }` is a syntax error in an ES module (strict mode), so import `evaluation`.
 */
import * as evaluation from './eval/index.ts';

export * as ops from './ops/index.ts';
export { deriveSeed, Rng } from './random.ts';
export type { ExperimentConfig, ExperimentDefinition } from './run/experiment.ts';
export * as tasks from './tasks/index.ts';
export * as train from './train/index.ts';
export type { BoundFn, Critic, Encoder, Json, Options } from './types.ts';
export { UserError } from './types.ts';
export { evaluation as eval, evaluation };
