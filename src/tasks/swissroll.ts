/**
 * The Swiss-roll embedding of a 1-d x (bmi `transform_swissroll_task` and
 * `transforms.swissroll2d`, ids `swissroll_x-{base}`; Czyż et al. 2023, Fig. 1 (5)): x ↦
 * (t cos t, t sin t)/21 with t = 1.5π(1 + 2x), so dimX goes from 1 to 2 (bmi divides by 21 "to
 * make the scale more similar (but not identical) to the original (0, 1)"). y is unchanged.
 *
 * For t > 0, i.e. x > −½, the point's distance from the origin, t/21, is strictly increasing
 * in x, so the map is injective (a smooth embedding of the line into the plane) and MI is
 * unchanged. bmi's base is `normal_cdf-1v1-normal-0.75`, x ∈ [0, 1] (t ∈ [1.5π, 4.5π]: 1.5
 * turns). For x < −½ injectivity can fail (x and −1 − x meet where cos t = 0): use a base with
 * x > −½.
 */
import type { Options } from '../types.ts';
import { UserError } from '../types.ts';
import type { Pairs, TaskEntry } from './entry.ts';
import { resolveBase, TransformedTask } from './transformed.ts';

/** bmi's `swissroll2d`: x ↦ (t cos t, t sin t)/21, t = 1.5π(1 + 2x). */
export function swissroll(x: number): [number, number] {
  const t = 1.5 * Math.PI * (1 + 2 * x);
  return [(t * Math.cos(t)) / 21, (t * Math.sin(t)) / 21];
}

export const SWISSROLL_DEFAULTS: Options = {
  /** Base task with dimX = 1 and x > −½; null = `normal_cdf-1v1-normal-0.75` (bmi). */
  base: null,
};

export class SwissrollTask extends TransformedTask {
  readonly kind = 'swissroll';

  constructor(options: Options) {
    const context = "task 'swissroll'";
    const base = resolveBase(options.base, 'normal_cdf-1v1-normal-0.75', context);
    if (base.dimX !== 1) {
      throw new UserError(
        `${context}: option 'base' must have dimX = 1 (the roll embeds a line), got ${base.dimX}`,
      );
    }
    super(base, 2, base.dimY);
  }

  protected transform(pairs: Pairs): Pairs {
    const { n, x } = pairs;
    const out = new Float32Array(2 * n); // x: [n, 1] → [n, 2]
    for (let i = 0; i < n; i++) {
      const [a, b] = swissroll(x[i]);
      out[2 * i] = a;
      out[2 * i + 1] = b;
    }
    return { n, x: out, y: pairs.y };
  }
}

export const swissrollEntry: TaskEntry = {
  description: 'bmi transform: Swiss-roll embedding of a 1-d x into 2-d (y unchanged)',
  defaults: SWISSROLL_DEFAULTS,
  create: (options) => new SwissrollTask(options),
};
