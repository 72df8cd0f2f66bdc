/**
 * Bimodal margins (bmi `task_bimodal_gaussians`, id `1v1-bimodal-0.75`; Czyż et al. 2023,
 * Fig. 1 (4)): every coordinate t of the base goes through F⁻¹(Φ(t)), F the CDF of a
 * two-component normal mixture (unit variances), bmi's mixtures:
 *
 *     x: F_x = 0.3 Φ(t) + 0.7 Φ(t − 5)          (0.3 N(0, 1) + 0.7 N(5, 1))
 *     y: F_y = 0.5 Φ(t + 1) + 0.5 Φ(t − 3)      (0.5 N(−1, 1) + 0.5 N(3, 1))
 *
 * On a base with N(0, 1) margins (bmi: the bivariate normal ρ = 0.75), Φ(t) is U(0, 1) and
 * F⁻¹(U) has CDF F: the margins become the mixtures. Φ and F are continuous and strictly
 * increasing, so F⁻¹∘Φ is too, and MI is unchanged.
 *
 * F⁻¹ by bisection, as bmi (`transforms.invert_cdf`: bracket [−10, 10], halving until the
 * width is 1e-12), with three changes that give the same root faster or more exactly:
 * - the bracket is [t + min μ, t + max μ]: each component's quantile at level Φ(t) is μ_k + t,
 *   and a mixture's quantile lies between its components' (at q = t + min μ every
 *   Φ(q − μ_k) ≤ Φ(t), so F(q) ≤ Φ(t); likewise F ≥ Φ(t) at t + max μ). bmi's fixed [−10, 10]
 *   clips the y mixture's upper tail beyond 10 (Φ(t) > 1 − 6e-13);
 * - inside the bracket a Newton step q − r(q)/f(q) is taken when it lands strictly inside the
 *   current bracket, else the bracket is halved (safeguarded Newton): ~5 steps instead of ~42
 *   halvings of a width-5 bracket, 10,000 pairs in ~15 ms instead of ~0.4 s (measured, see the
 *   report / `test/tasks/bmi.test.ts`), stopping when a step is below 1e-12·max(1, |q|);
 * - bmi computes Φ(t) in float32 and then inverts; here F(q) = Φ(t) is solved in float64 and,
 *   for t > 0, as the same equation on the upper tail, 1 − F(q) = Φ(−t) (Σ w Φ(μ − q) = Φ(−t)),
 *   so tails keep their relative precision.
 */
import { normalCdf } from '../special.ts';
import type { Options } from '../types.ts';
import type { TaskEntry } from './entry.ts';
import { ElementwiseTask, resolveBase } from './transformed.ts';

/** A mixture Σ w_k N(μ_k, 1) with its quantile function composed with Φ. */
export class NormalMixture {
  private readonly lowestMean: number;
  private readonly highestMean: number;

  constructor(
    readonly weights: readonly number[],
    readonly means: readonly number[],
  ) {
    this.lowestMean = Math.min(...means);
    this.highestMean = Math.max(...means);
  }

  /** F(q) = Σ w Φ(q − μ). */
  cdf(q: number): number {
    let s = 0;
    for (let k = 0; k < this.weights.length; k++)
      s += this.weights[k] * normalCdf(q - this.means[k]);
    return s;
  }

  /** 1 − F(q) = Σ w Φ(μ − q). */
  sf(q: number): number {
    let s = 0;
    for (let k = 0; k < this.weights.length; k++)
      s += this.weights[k] * normalCdf(this.means[k] - q);
    return s;
  }

  /** The density f(q) = Σ w φ(q − μ). */
  pdf(q: number): number {
    let s = 0;
    for (let k = 0; k < this.weights.length; k++) {
      const r = q - this.means[k];
      s += this.weights[k] * Math.exp(-0.5 * r * r);
    }
    return s / Math.sqrt(2 * Math.PI);
  }

  /**
   * q = F⁻¹(Φ(t)), by bisection of the bracket [t + min μ, t + max μ] with Newton steps taken
   * where they land inside it (see the file comment); `iterations` counts the steps (tests).
   */
  quantileOfNormal(t: number, stats?: { iterations: number }): number {
    // Solve r(q) = 0 with r increasing: F(q) − Φ(t) for t ≤ 0, Φ(−t) − (1 − F(q)) for t > 0
    // (the same equation, written on the side where it keeps relative precision).
    const upper = t > 0;
    const target = normalCdf(upper ? -t : t);
    const residual = (q: number) => (upper ? target - this.sf(q) : this.cdf(q) - target);
    let lo = t + this.lowestMean; // r(lo) ≤ 0: every Φ(lo − μ_k) ≤ Φ(t)
    let hi = t + this.highestMean; // r(hi) ≥ 0
    let q = 0.5 * (lo + hi);
    for (let iter = 1; iter <= 200; iter++) {
      if (stats) stats.iterations = iter;
      const r = residual(q);
      if (r === 0) return q;
      if (r < 0) lo = q;
      else hi = q;
      const newton = q - r / this.pdf(q);
      const tolerance = 1e-12 * Math.max(1, Math.abs(q));
      if (Math.abs(newton - q) <= tolerance || hi - lo <= tolerance) return newton; // converged
      q = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
    }
    return q;
  }
}

/** bmi's x mixture: 0.3 N(0, 1) + 0.7 N(5, 1) (`0.3 * normal_cdf(x + 0) + 0.7 * normal_cdf(x - 5)`). */
export const BIMODAL_X = new NormalMixture([0.3, 0.7], [0, 5]);
/** bmi's y mixture: 0.5 N(−1, 1) + 0.5 N(3, 1) (`0.5 * normal_cdf(x + 1) + 0.5 * normal_cdf(x - 3)`). */
export const BIMODAL_Y = new NormalMixture([0.5, 0.5], [-1, 3]);

export const BIMODAL_DEFAULTS: Options = {
  /** Base task with N(0, 1) margins; null = `1v1-normal-0.75` (bmi). */
  base: null,
};

export class BimodalTask extends ElementwiseTask {
  readonly kind = 'bimodal';

  constructor(options: Options) {
    super(resolveBase(options.base, '1v1-normal-0.75', "task 'bimodal'"));
  }

  protected mapX(t: number): number {
    return BIMODAL_X.quantileOfNormal(t);
  }

  protected mapY(t: number): number {
    return BIMODAL_Y.quantileOfNormal(t);
  }
}

export const bimodalEntry: TaskEntry = {
  description: "bmi transform: bimodal margins F⁻¹(Φ(t)) (bmi's two normal mixtures, bisection)",
  defaults: BIMODAL_DEFAULTS,
  create: (options) => new BimodalTask(options),
};
