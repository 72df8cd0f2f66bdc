/**
 * scikit-learn's SAGA solver for the multinomial logistic loss with an L2 penalty, as called by
 * the Colab's probe `LogisticRegression(solver='saga', multi_class='multinomial', tol=.1, C=10.)`
 * (google-research `mutual_information_representation_learning/mirl.ipynb`, `logistic_fit`).
 * It exists to reproduce the Colab's *under-converged* accuracies: with tol = 0.1 SAGA stops
 * after about three epochs, so the number depends on the solver, not only on the objective.
 *
 * Followed rule by rule (scikit-learn 1.2.1, Debian's python3-sklearn; the Colab ran a 2019
 * release, whose copies of these files were not compared line by line):
 * - `sklearn/linear_model/_logistic.py`, `_logistic_regression_path`: for l2, `alpha = 1 / C`,
 *   `beta = 0`; weights and intercept start at zero (`coef` [D+1, K], intercept in the last row).
 * - `sklearn/linear_model/_sag.py`, `sag_solver`: `alpha_scaled = alpha / n_samples`;
 *   `max_squared_sum = max_i ||x_i||²` (`row_norms(X, squared=True).max()`, also what
 *   `LogisticRegression.fit` precomputes); the objective is
 *   `(1/n) Σ_i CE_i + (alpha_scaled / 2)·||W||²` (the intercept is not penalized).
 * - `_sag.py`, `get_auto_step_size(..., is_saga=True)`: `L = 0.25·(max_squared_sum +
 *   fit_intercept) + alpha_scaled` (the same L for loss 'log' and 'multinomial': no factor for
 *   the number of classes), `mun = min(2·n·alpha_scaled, L)`, `step = 1 / (2·L + mun)`.
 * - `sklearn/linear_model/_base.py`, `make_dataset`: dense X gives `intercept_decay = 1`
 *   (0.01 only for sparse X); `sample_weight` is all ones.
 * - `sklearn/linear_model/_sag_fast.pyx.tp`, `sag{32,64}`, per sample (`sample_itr`) of each
 *   epoch (`n_iter`, at most `max_iter`):
 *   - the sample index is uniform *with replacement* (`dataset.random` →
 *     `sklearn/utils/_seq_dataset.pyx.tp`, `_get_random_index`: `rand_r(seed) % n`), not a
 *     permutation per epoch; `num_seen` counts distinct samples seen so far (across epochs);
 *   - prediction `p = x·W + b`; `MultinomialLogLoss.dloss`: `g_k = softmax(p)_k − [k = y]`;
 *   - L2 by rescaling: `wscale *= 1 − step·alpha_scaled`;
 *   - per weight, with `d = x·(g − memory_i)` (`gradient_correction`): SAGA's correction
 *     `W −= step·(1 − 1/num_seen)·d`, `sum_gradient += d`, and (`lagged_update`, applied
 *     just-in-time before the next prediction that reads the weight)
 *     `W −= step / num_seen · sum_gradient`;
 *   - intercept: `intercept_sum_gradient += g − memory_i`, then
 *     `b −= step·intercept_sum_gradient / num_seen·intercept_decay + step·(1 − 1/num_seen)·(g − memory_i)`
 *     (no L2 on the intercept, applied at once);
 *   - `memory_i = g`.
 *   At the end of each epoch (`scale_weights`: all lagged updates applied, `wscale` folded in),
 *   the stopping test: `max|W − W_prev| / max|W| <= tol` over the weights only (not the
 *   intercept), with W_prev the weights at the end of the previous epoch (zero before the first;
 *   so epoch 1 never stops for tol < 1); `n_iter_` = epochs run. Non-finite weights or intercepts
 *   are an error ("Floating-point under-/overflow occurred at epoch ...").
 *
 * The just-in-time ("lagged") updates and `wscale` are bookkeeping for sparse rows: on dense
 * rows every weight is touched by every sample, and applying each update when it arises (as
 * here, on the actual weights W = wscale·w) gives the same iterates in exact arithmetic. The
 * only differences left are (1) the sample sequence: scikit-learn's `rand_r` stream cannot be
 * reproduced, so ours comes from `Rng(seed)` and the accuracies agree within the spread over
 * random states (the test compares with scikit-learn within ±0.003), and (2) arithmetic:
 * Float64 here, while scikit-learn runs `sag32` on float32 features (e.g. TF codes) and `sag64`
 * on float64 ones (the Colab's noisy pixels: float32 images + float64 noise).
 */
import { Rng } from '../random.ts';
import { UserError } from '../types.ts';

export interface SagaOptions {
  /** Inverse L2 strength (`LogisticRegression(C)`): alpha = 1/C, alpha_scaled = 1/(C·n). */
  C: number;
  /** Stop when max|ΔW| / max|W| over one epoch is ≤ tol (scikit-learn's rule). */
  tol: number;
  /** Most epochs (scikit-learn's `max_iter`). */
  maxEpochs: number;
  /** Seed of the sample sequence (uniform with replacement, from `Rng(seed)`). */
  seed: number;
  /**
   * Replaces the sample sequence: returns the next sample index in [0, n). Default
   * `Rng(seed).int(n)`. Tests replay scikit-learn's own sequence with {@link sklearnSequence}.
   */
  nextIndex?: () => number;
}

export interface SagaFit {
  /** `[D, K]` row-major weights (scikit-learn's `coef_.T`). */
  weights: Float64Array;
  /** `[K]` intercepts. */
  bias: Float64Array;
  /** Epochs run (scikit-learn's `n_iter_`). */
  epochs: number;
  /** `tol`: the stopping test passed; `maxIterations`: `maxEpochs` reached. */
  stop: 'tol' | 'maxIterations';
  /** The step size used (`get_auto_step_size`). */
  stepSize: number;
  /** max|ΔW| / max|W| of the last epoch. */
  relativeChange: number;
}

/**
 * scikit-learn's sample sequence for `sag`/`saga` on `n` rows, given the dataset's seed (a
 * replay aid for tests). `sklearn/utils/_seq_dataset.pyx.tp`, `_get_random_index`:
 * `our_rand_r(&seed) % n`; `sklearn/utils/_random.pxd`, `our_rand_r`: a 32-bit xorshift
 * (13, 17, 5; a zero seed becomes 1) whose output is masked to 31 bits (`% (RAND_R_MAX + 1)`,
 * RAND_R_MAX = 0x7FFFFFFF). The seed is drawn in `_base.py`, `make_dataset`:
 * `check_random_state(random_state).randint(1, np.iinfo(np.int32).max)`, which needs NumPy's
 * Mersenne Twister; the test takes it from Python.
 */
export function sklearnSequence(seed: number, n: number): () => number {
  let state = seed >>> 0;
  return () => {
    if (state === 0) state = 1;
    state = (state ^ (state << 13)) >>> 0;
    state = (state ^ (state >>> 17)) >>> 0;
    state = (state ^ (state << 5)) >>> 0;
    return (state & 0x7fffffff) % n;
  };
}

/**
 * scikit-learn's `get_auto_step_size` for SAGA and the logistic losses (`_sag.py`), with
 * `alphaScaled = 1/(C·n)` and an intercept.
 */
export function sagaStepSize(maxSquaredSum: number, alphaScaled: number, n: number): number {
  const fitIntercept = 1;
  const lipschitz = 0.25 * (maxSquaredSum + fitIntercept) + alphaScaled;
  const mun = Math.min(2 * n * alphaScaled, lipschitz);
  return 1 / (2 * lipschitz + mun);
}

/**
 * Fits the multinomial logistic regression by SAGA on `x` ([n, D] row-major, used as given: the
 * caller scales it) with labels in 0..K−1. Deterministic for a given seed. Plain JS loops (one
 * epoch on 60k × 392 × 10 is ~0.5 G multiply-adds).
 */
export function sagaMultinomial(
  x: Float32Array | Float64Array,
  labels: ArrayLike<number>,
  dim: number,
  classes: number,
  options: SagaOptions,
): SagaFit {
  const n = labels.length;
  if (x.length !== n * dim) {
    throw new UserError(`probe: ${x.length} feature values do not split into ${n} rows of ${dim}`);
  }
  const K = classes;
  const size = dim * K;
  const alphaScaled = 1 / (options.C * n); // _logistic.py: alpha = 1/C; _sag.py: / n_samples
  let maxSquaredSum = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = i * dim, end = f + dim; f < end; f++) s += x[f] * x[f];
    if (!Number.isFinite(s)) throw new UserError('probe: the features contain NaN or Infinity');
    if (s > maxSquaredSum) maxSquaredSum = s;
  }
  const step = sagaStepSize(maxSquaredSum, alphaScaled, n);
  const shrink = 1 - step * alphaScaled; // wscale_update
  const wT = new Float64Array(size); // actual weights W = wscale·w of scikit-learn, [K, D]
  const sumGradient = new Float64Array(size); // [K, D]
  const previous = new Float64Array(size); // [K, D]
  const b = new Float64Array(K);
  const interceptSumGradient = new Float64Array(K);
  const memory = new Float64Array(n * K); // gradient_memory: [n, K]
  const seen = new Uint8Array(n);
  let numSeen = 0;
  const p = new Float64Array(K);
  const d = new Float64Array(K); // g − memory_i
  const rng = new Rng(options.seed);
  const nextIndex = options.nextIndex ?? (() => rng.int(n));

  let epochs = 0;
  let stop: SagaFit['stop'] = 'maxIterations';
  let relativeChange = Number.NaN;
  for (let epoch = 0; epoch < options.maxEpochs; epoch++) {
    epochs = epoch + 1;
    for (let t = 0; t < n; t++) {
      const i = nextIndex();
      if (seen[i] === 0) {
        seen[i] = 1;
        numSeen++;
      }
      const row = i * dim;
      // Prediction p = x_i·W + b; W is kept transposed ([K, D]) so that each class is one
      // contiguous dot product with a scalar accumulator.
      for (let k = 0; k < K; k++) {
        let acc = b[k];
        const o = k * dim;
        for (let f = 0; f < dim; f++) acc += wT[o + f] * x[row + f];
        p[k] = acc;
      }
      // g = softmax(p) − onehot(y), through logsumexp (MultinomialLogLoss.dloss).
      let max = p[0];
      for (let k = 1; k < K; k++) if (p[k] > max) max = p[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(p[k] - max);
      const lse = Math.log(sum) + max;
      const y = labels[i];
      const mem = i * K;
      for (let k = 0; k < K; k++) {
        const g = Math.exp(p[k] - lse) - (k === y ? 1 : 0);
        d[k] = g - memory[mem + k];
        memory[mem + k] = g;
      }
      const correction = step * (1 - 1 / numSeen); // SAGA's unbiasing term
      const average = step / numSeen; // the lagged (just-in-time) step on sum_gradient
      // W ← shrink·W − correction·x⊗d − average·(sum_gradient + x⊗d)
      for (let k = 0; k < K; k++) {
        const dk = d[k];
        const o = k * dim;
        for (let f = 0; f < dim; f++) {
          const dv = x[row + f] * dk;
          const s = sumGradient[o + f] + dv;
          sumGradient[o + f] = s;
          wT[o + f] = shrink * wT[o + f] - correction * dv - average * s;
        }
      }
      // Intercept (intercept_decay = 1 for dense X).
      for (let k = 0; k < K; k++) {
        interceptSumGradient[k] += d[k];
        b[k] -= average * interceptSumGradient[k] + correction * d[k];
      }
    }
    // End of epoch: scikit-learn's stopping test on the weights (not the intercept).
    let maxWeight = 0;
    let maxChange = 0;
    for (let j = 0; j < size; j++) {
      const v = wT[j];
      if (!Number.isFinite(v)) {
        throw new UserError(
          `probe: SAGA under-/overflow at epoch ${epochs} (non-finite weights); scale the features`,
        );
      }
      maxWeight = Math.max(maxWeight, Math.abs(v));
      maxChange = Math.max(maxChange, Math.abs(v - previous[j]));
      previous[j] = v;
    }
    if (!b.every(Number.isFinite)) {
      throw new UserError(
        `probe: SAGA under-/overflow at epoch ${epochs} (non-finite intercept); scale the features`,
      );
    }
    relativeChange = maxWeight === 0 ? (maxChange === 0 ? 0 : Infinity) : maxChange / maxWeight;
    if (
      (maxWeight !== 0 && maxChange / maxWeight <= options.tol) ||
      (maxWeight === 0 && maxChange === 0)
    ) {
      stop = 'tol';
      break;
    }
  }
  const weights = new Float64Array(size); // [D, K], scikit-learn's coef_.T
  for (let k = 0; k < K; k++) {
    for (let f = 0; f < dim; f++) weights[f * K + k] = wT[k * dim + f];
  }
  return { weights, bias: b, epochs, stop, stepSize: step, relativeChange };
}
