/**
 * The normal-CDF transform (bmi `transform_normal_cdf_task`, ids `normal_cdf-{base}`): every
 * coordinate of x and y goes through Φ(t) = ½(1 + erf(t/√2)). Φ is continuous and strictly
 * increasing, so MI is unchanged; on a base with N(0, 1) margins (every Gaussian task of bmi) the
 * margins become U(0, 1) and the pair a Gaussian copula.
 *
 * Float32 note (as in bmi, whose JAX arrays are float32 too): Φ(t) rounds to exactly 1 for
 * t ≳ 5.4 (probability ~3e-8 per coordinate), so the stored map is injective only up to that.
 */
import { normalCdf } from '../special.ts';
import type { Options } from '../types.ts';
import type { TaskEntry } from './entry.ts';
import { ElementwiseTask, resolveBase } from './transformed.ts';

export const NORMAL_CDF_DEFAULTS: Options = {
  /** Base task: a bmi catalogue id or `{task, ...options}`; null = `1v1-normal-0.75` (bmi). */
  base: null,
};

export class NormalCdfTask extends ElementwiseTask {
  readonly kind = 'normal-cdf';

  constructor(options: Options) {
    super(resolveBase(options.base, '1v1-normal-0.75', "task 'normal-cdf'"));
  }

  protected mapX(t: number): number {
    return normalCdf(t);
  }

  protected mapY(t: number): number {
    return normalCdf(t);
  }
}

export const normalCdfEntry: TaskEntry = {
  description: 'bmi transform: Φ on every coordinate (uniform margins on a Gaussian base)',
  defaults: NORMAL_CDF_DEFAULTS,
  create: (options) => new NormalCdfTask(options),
};
