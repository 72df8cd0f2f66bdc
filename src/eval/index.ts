/**
 * Evaluation of a trained encoder, as the paper measures it at every evaluation step
 * (Tschannen et al., Sec. 3; Colab `evaluate`):
 * - {@link linearProbe}: the downstream accuracy of a multinomial logistic regression on the
 *   min-max scaled codes of g1 (Colab: scikit-learn, C = 10); {@link encodeAll} gives the codes.
 *   `solver: 'saga'` ({@link sagaMultinomial}) is the Colab's own under-converged fit.
 * - {@link heldOutBound}: the bound on held-out pairs, in batches of the training batch size.
 * - {@link jacobianConditioning}: per-sample log(σ_max/σ_min) of g1's Jacobian (Fig. 2b/c);
 *   {@link jacobians} gives the Jacobians themselves.
 * - {@link runBaseline}: the probe on raw (noisy) top-half pixels, the Colab's sanity check.
 *
 * Exported from the package as the `eval` namespace (`mimax.eval.linearProbe`) and, because
 * `import { eval } from 'mimax'` is a syntax error in an ES module (strict mode), also as
 * `evaluation`: `import { evaluation } from 'mimax'`. Every function needs an initialized
 * backend (`initBackend()`), reads the encoder's variables only, and frees what it allocates;
 * tensors passed in stay the caller's.
 */
export {
  type BaselineEntry,
  type BaselineOptions,
  type BaselineResult,
  COLAB_PIXEL_BASELINE,
  runBaseline,
} from './baseline.ts';
export { type HeldOutArgs, heldOutBound } from './held-out.ts';
export {
  type JacobianOptions,
  type JacobianResult,
  jacobianConditioning,
  jacobians,
  logConditionOf,
} from './jacobian.ts';
export {
  encodeAll,
  linearProbe,
  PROBE_DEFAULTS,
  PROBE_SOLVERS,
  type ProbeOptions,
  type ProbeResult,
  type ProbeSolver,
  type ProbeSplit,
  SAGA_DEFAULTS,
} from './probe.ts';
export { type SagaFit, type SagaOptions, sagaMultinomial, sagaStepSize } from './saga.ts';
