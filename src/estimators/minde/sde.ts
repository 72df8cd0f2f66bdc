/**
 * The variance-preserving (VP) SDE of MINDE (Franzese, Bounoua & Michiardi, ICLR 2024, §2;
 * reference code github.com/MustaphaBounoua/minde, `src/libs/SDE.py` and `importance.py`),
 * the VP SDE of Song et al. (ICLR 2021):
 *
 *   dX_t = −½ β(t) X_t dt + √β(t) dW_t,   β(t) = β_min + t (β_max − β_min),  t ∈ [0, 1],
 *
 * with β_min = 0.1, β_max = 20 (reference `VP_SDE(beta_min=0.1, beta_max=20)`). Closed forms,
 * with B(t) = ∫₀ᵗ β(s) ds = β_min t + ½ (β_max − β_min) t²:
 *
 *   x_t = α_t x_0 + σ_t ε,  ε ~ N(0, I),   α_t = exp(−½ B(t)),   σ_t² = 1 − exp(−B(t)) = 1 − α_t²,
 *   drift f(t) = −½ β(t), diffusion g(t)² = β(t).
 *
 * The time density used for training and for the estimates (importance sampling; Huang, Lim &
 * Courville 2021, "A variational perspective on diffusion-based generative models", §5, as in
 * the reference's `importance.py`): every integral MINDE needs has the form
 * ∫ g(t)²/σ_t² · h(t) dt with h = ‖ε̂₁ − ε̂₂‖² bounded (the network predicts noise, ε̂ = −σ_t s),
 * so t is drawn from q(t) ∝ β(t)/σ_t², which makes the weight g²/(σ² q) a constant Z.
 *
 * Truncation: β/σ² ≈ 1/t near 0, so q needs a lower end. We draw t from q on [t_ε, 1] with
 * t_ε = 10⁻³ (the reference's `t_epsilon`) and leave out ∫₀^{t_ε}. With exact scores that part is
 * ½ ∫₀^{t_ε} β(t) E‖Δs_t‖² dt ≈ ½ t_ε β_min E‖Δs_0‖²: for the 1 × 1 Gaussian with ρ = 0.75,
 * E‖Δs_0‖² = 1/(1 − ρ²) − 1 = 1.29, so ≈ 6·10⁻⁵ nats, far below the Monte Carlo error. (The
 * reference instead puts q's mass r(t_ε)·t_ε/Z ≈ 5 % uniformly on [0, t_ε] and weights it by Z
 * as if q were exact there; our truncation is exact on [t_ε, 1] and has no 1/t weights.)
 * Without importance sampling, t ~ U[t_ε, 1] and the weight is (1 − t_ε) β(t)/σ_t².
 */
import type { Rng } from '../../random.ts';

/** β at t = 0 and t = 1 (reference `VP_SDE`: beta_min=0.1, beta_max=20; Song et al. 2021). */
export const BETA_MIN = 0.1;
export const BETA_MAX = 20;
/** Lower end of t (reference `importance.py`: t_epsilon = 1e-3); see the module comment. */
export const T_EPSILON = 1e-3;

/** β(t) = g(t)², the diffusion coefficient squared. */
export function beta(t: number): number {
  return BETA_MIN + t * (BETA_MAX - BETA_MIN);
}

/** B(t) = ∫₀ᵗ β(s) ds = β_min t + ½ (β_max − β_min) t². */
export function integratedBeta(t: number): number {
  return BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t;
}

/** α_t = exp(−½ B(t)): the scale of x_0 in x_t. */
export function alpha(t: number): number {
  return Math.exp(-0.5 * integratedBeta(t));
}

/** σ_t = √(1 − exp(−B(t))): the noise sd in x_t (expm1 keeps it accurate near t = 0). */
export function sigma(t: number): number {
  return Math.sqrt(-Math.expm1(-integratedBeta(t)));
}

/** A(t) = log(e^{B(t)} − 1), an antiderivative of β(t)/σ_t² (d/dt: β e^B/(e^B − 1) = β/σ²). */
function antiderivative(t: number): number {
  return Math.log(Math.expm1(integratedBeta(t)));
}

/** Z = ∫_{t_ε}^1 β(t)/σ_t² dt: the normalizer of q and the importance weight (≈ 19.25). */
export const IS_NORMALIZER = antiderivative(1) - antiderivative(T_EPSILON);

/** t with A(t) = a: solves B(t) = log(1 + e^a) for t (B is a quadratic in t). */
function inverseAntiderivative(a: number): number {
  const b = Math.log1p(Math.exp(a)); // B(t)
  const k = BETA_MAX - BETA_MIN;
  return (-BETA_MIN + Math.sqrt(BETA_MIN * BETA_MIN + 2 * k * b)) / k;
}

/**
 * How t is drawn, and the weight w(t) = g(t)²/(σ_t² q(t)) that makes
 * ∫_{t_ε}^1 g²/σ² h(t) dt = E_{t~q}[w(t) h(t)].
 */
export interface TimeSampler {
  /** Whether q ∝ β/σ² (true) or uniform on [t_ε, 1] (false). */
  readonly importance: boolean;
  /** `n` times in [t_ε, 1] (float64 values: the caller rounds if it wants float32). */
  sample(rng: Rng, n: number): Float64Array;
  /** w(t) (see above). */
  weight(t: number): number;
}

/** The sampler of t (see the module comment); `importance` false: uniform on [t_ε, 1]. */
export function timeSampler(importance: boolean): TimeSampler {
  const a0 = antiderivative(T_EPSILON);
  return {
    importance,
    sample(rng: Rng, n: number): Float64Array {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform();
        // inverse CDF of q: A(t) = A(t_ε) + u·Z; uniform: t = t_ε + u (1 − t_ε)
        out[i] = importance
          ? Math.min(1, Math.max(T_EPSILON, inverseAntiderivative(a0 + u * IS_NORMALIZER)))
          : T_EPSILON + u * (1 - T_EPSILON);
      }
      return out;
    },
    weight(t: number): number {
      if (importance) return IS_NORMALIZER;
      const s = sigma(t);
      return ((1 - T_EPSILON) * beta(t)) / (s * s);
    },
  };
}
