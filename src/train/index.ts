/**
 * Training loops: sweep (bound maximization), adversarial (Fig. 1c), bound-only (Fig. 4c),
 * ground-truth (an estimator's critic on pairs with known MI: staircase, correlation).
 */
export {
  type AdversarialArgs,
  type AdversarialOutcome,
  linearClassifier,
  runAdversarial,
} from './adversarial.ts';
export {
  type BoundOnlyArgs,
  type BoundOnlyOutcome,
  gaussianBatch,
  runBoundOnly,
} from './bound-only.ts';
export {
  type GroundTruthArgs,
  type GroundTruthOutcome,
  heldOutEstimate,
  runGroundTruth,
} from './ground-truth.ts';
export {
  runSweep,
  type SweepArgs,
  type SweepModels,
  type SweepOutcome,
  sweepVariables,
  trainStep,
} from './sweep.ts';
