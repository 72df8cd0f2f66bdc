/**
 * The correlated Gaussian (Poole et al. 2019, Sec. 5; Belghazi et al. 2018, Sec. 4.1): per
 * dimension k = 1..d independently,
 *
 *     x_k ~ N(0, 1),   y_k = ρ x_k + √(1 − ρ²) ε_k,   ε_k ~ N(0, 1),
 *
 * so (x_k, y_k) is a standard bivariate normal with correlation ρ and
 *
 *     I(X; Y) = Σ_k I(x_k; y_k) = −(d/2) ln(1 − ρ²),   ρ(I) = √(1 − exp(−2I/d)).
 *
 * Options: `dim` (d ≥ 1) and either `rho` (|ρ| < 1) or `mi` (nats ≥ 0, ρ from the inverse).
 */
import type { Rng } from '../random.ts';
import { type Options, UserError } from '../types.ts';
import type { Pairs, Task, TaskEntry } from './entry.ts';

/** I(ρ) = −(d/2) ln(1 − ρ²) nats. */
export function gaussianMI(rho: number, dim: number): number {
  return -(dim / 2) * Math.log1p(-rho * rho);
}

/** The ρ ≥ 0 with −(d/2) ln(1 − ρ²) = mi: ρ = √(1 − exp(−2·mi/d)). */
export function rhoForMI(mi: number, dim: number): number {
  return Math.sqrt(-Math.expm1((-2 * mi) / dim));
}

export const GAUSSIAN_DEFAULTS: Options = {
  /** Dimension d of x and of y. */
  dim: 1,
  /** Per-dimension correlation ρ, |ρ| < 1; null = derive it from `mi`. */
  rho: null,
  /** True MI in nats; null = derive it from `rho`. Exactly one of rho and mi is set. */
  mi: null,
};

/** The (d, ρ) of a Gaussian-based task's options, range-checked; `context` names the owner. */
export function gaussianParameters(
  options: Options,
  context: string,
): { dim: number; rho: number } {
  const { dim, rho, mi } = options;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) {
    throw new UserError(
      `${context}: option 'dim' must be an integer ≥ 1, got ${JSON.stringify(dim)}`,
    );
  }
  if ((rho === null) === (mi === null)) {
    throw new UserError(`${context}: set exactly one of the options 'rho' and 'mi'`);
  }
  if (rho !== null) {
    if (typeof rho !== 'number' || !(Math.abs(rho) < 1)) {
      throw new UserError(
        `${context}: option 'rho' must satisfy |ρ| < 1, got ${JSON.stringify(rho)}`,
      );
    }
    return { dim, rho };
  }
  if (typeof mi !== 'number' || !(mi >= 0) || !Number.isFinite(mi)) {
    throw new UserError(
      `${context}: option 'mi' must be a finite number ≥ 0, got ${JSON.stringify(mi)}`,
    );
  }
  const r = rhoForMI(mi, dim);
  if (!(r < 1)) {
    throw new UserError(
      `${context}: option 'mi' = ${mi} needs |ρ| < 1 in float64 at dim ${dim}; lower it`,
    );
  }
  return { dim, rho: r };
}

/** n pairs of the correlated Gaussian with d dimensions and correlation ρ per dimension. */
export function sampleCorrelatedGaussian(rng: Rng, n: number, dim: number, rho: number): Pairs {
  const x = new Float32Array(n * dim);
  const y = new Float32Array(n * dim);
  const noise = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n * dim; i++) {
    const xi = rng.normal();
    x[i] = xi;
    y[i] = rho * xi + noise * rng.normal();
  }
  return { n, x, y };
}

export class GaussianTask implements Task {
  readonly kind: string = 'gaussian';
  readonly dimX: number;
  readonly dimY: number;
  readonly rho: number;
  readonly mutualInformation: number;

  constructor(options: Options, context = "task 'gaussian'") {
    const { dim, rho } = gaussianParameters(options, context);
    this.dimX = dim;
    this.dimY = dim;
    this.rho = rho;
    this.mutualInformation = gaussianMI(rho, dim);
  }

  sample(rng: Rng, n: number): Pairs {
    return sampleCorrelatedGaussian(rng, n, this.dimX, this.rho);
  }
}

export const gaussianEntry: TaskEntry = {
  description: 'correlated Gaussian, y = ρx + √(1−ρ²)ε per dim; I = −(d/2) ln(1 − ρ²)',
  defaults: GAUSSIAN_DEFAULTS,
  create: (options) => new GaussianTask(options),
};
