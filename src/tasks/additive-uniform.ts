/**
 * Additive uniform noise (bmi `AdditiveUniformSampler`, ids `1v1-additive-{ε}`; Czyż et al.
 * 2023, Sec. 4): X ~ U(0, 1), N ~ U(−ε, ε) independent, Y = X + N (1 × 1).
 *
 * ## The MI
 * I(X; Y) = h(Y) − h(Y | X), and h(Y | X) = h(N) = ln(2ε). Y's density is the convolution of
 * the two uniform densities, a trapezoid p(y) = |[y − ε, y + ε] ∩ [0, 1]| / (2ε):
 * - ε ≤ ½: p rises linearly from 0 to 1 on [−ε, ε], is 1 on [ε, 1 − ε], and falls back on
 *   [1 − ε, 1 + ε]. The flat part adds −1·ln 1 = 0 to h(Y); each ramp, p = t/(2ε) for
 *   t ∈ [0, 2ε], adds −∫₀^{2ε} (t/2ε) ln(t/2ε) dt = −2ε ∫₀¹ u ln u du = ε/2. So h(Y) = ε and
 *       I = ε − ln(2ε).
 * - ε > ½: p rises from 0 to 1/(2ε) on [−ε, 1 − ε], is 1/(2ε) on [1 − ε, ε], and falls on
 *   [ε, 1 + ε]. The flat part adds (2ε − 1)/(2ε)·ln(2ε); each ramp, p = u/(2ε) for
 *   u ∈ [0, 1], adds −∫₀¹ (u/2ε) ln(u/2ε) du = (1/(2ε))(¼ + ½ ln 2ε). So
 *   h(Y) = ln(2ε) + 1/(4ε) and
 *       I = 1/(4ε).
 * Both give ½ at ε = ½ (continuous). This matches bmi's `mutual_information_function`.
 */
import type { Rng } from '../random.ts';
import type { Options } from '../types.ts';
import { positiveOption } from './checks.ts';
import type { Pairs, Task, TaskEntry } from './entry.ts';

/** I(X; X + N), X ~ U(0, 1), N ~ U(−ε, ε): ε − ln 2ε for ε ≤ ½, 1/(4ε) above. */
export function additiveUniformMI(epsilon: number): number {
  return epsilon <= 0.5 ? epsilon - Math.log(2 * epsilon) : 0.25 / epsilon;
}

export const ADDITIVE_UNIFORM_DEFAULTS: Options = {
  /** Noise half-width ε > 0. Default 0.1 (bmi `1v1-additive-0.1`; bmi also runs 0.75). */
  epsilon: 0.1,
};

export class AdditiveUniformTask implements Task {
  readonly kind = 'additive-uniform';
  readonly dimX = 1;
  readonly dimY = 1;
  readonly epsilon: number;
  readonly mutualInformation: number;

  constructor(options: Options) {
    this.epsilon = positiveOption(options, 'epsilon', "task 'additive-uniform'");
    this.mutualInformation = additiveUniformMI(this.epsilon);
  }

  /** Per pair: u₁ → x = u₁, u₂ → y = x + ε(2u₂ − 1). */
  sample(rng: Rng, n: number): Pairs {
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const xi = rng.uniform();
      x[i] = xi;
      y[i] = xi + this.epsilon * (2 * rng.uniform() - 1);
    }
    return { n, x, y };
  }
}

export const additiveUniformEntry: TaskEntry = {
  description: 'bmi X ~ U(0,1), Y = X + U(−ε, ε): I = ε − ln 2ε (ε ≤ ½), 1/(4ε) (ε > ½)',
  defaults: ADDITIVE_UNIFORM_DEFAULTS,
  create: (options) => new AdditiveUniformTask(options),
};
