/**
 * The wiggly transform (bmi `benchmark/tasks/wiggly.py`, ids `wiggly-{base}`): bmi's two fixed
 * maps, on every coordinate,
 *
 *     f(t) = t + 0.4 sin(t) + 0.2 sin(1.7t + 1) + 0.03 sin(3.3t − 2.5)        (x)
 *     g(t) = t − 0.4 sin(0.4t) + 0.17 sin(1.3t + 3.5) + 0.02 sin(4.3t − 2.5)  (y)
 *
 * Both are strictly increasing, hence injective and MI-preserving:
 * f′(t) ≥ 1 − 0.4 − 0.2·1.7 − 0.03·3.3 = 0.161 > 0 and
 * g′(t) ≥ 1 − 0.4·0.4 − 0.17·1.3 − 0.02·4.3 = 0.533 > 0.
 */
import type { Options } from '../types.ts';
import type { TaskEntry } from './entry.ts';
import { ElementwiseTask, resolveBase } from './transformed.ts';

/** bmi's `wiggly_x`. */
export function wigglyX(t: number): number {
  return t + 0.4 * Math.sin(t) + 0.2 * Math.sin(1.7 * t + 1) + 0.03 * Math.sin(3.3 * t - 2.5);
}

/** bmi's `wiggly_y`. */
export function wigglyY(t: number): number {
  return (
    t - 0.4 * Math.sin(0.4 * t) + 0.17 * Math.sin(1.3 * t + 3.5) + 0.02 * Math.sin(4.3 * t - 2.5)
  );
}

export const WIGGLY_DEFAULTS: Options = {
  /** Base task: a bmi catalogue id or `{task, ...options}`; null = `1v1-normal-0.75` (bmi). */
  base: null,
};

export class WigglyTask extends ElementwiseTask {
  readonly kind = 'wiggly';

  constructor(options: Options) {
    super(resolveBase(options.base, '1v1-normal-0.75', "task 'wiggly'"));
  }

  protected mapX(t: number): number {
    return wigglyX(t);
  }

  protected mapY(t: number): number {
    return wigglyY(t);
  }
}

export const wigglyEntry: TaskEntry = {
  description: "bmi transform: the wiggly monotone maps (bmi's wiggly_x on x, wiggly_y on y)",
  defaults: WIGGLY_DEFAULTS,
  create: (options) => new WigglyTask(options),
};
