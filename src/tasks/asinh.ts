/**
 * The asinh transform (bmi `transform_asinh_task`, ids `asinh-{base}`): t ↦ asinh(t) =
 * ln(t + √(t² + 1)) on every coordinate of x and y. It is smooth and strictly increasing
 * (derivative 1/√(1 + t²) > 0), so MI is unchanged; it shortens heavy tails (bmi applies it to
 * the Student-t tasks) to logarithmic ones.
 */
import type { Options } from '../types.ts';
import type { TaskEntry } from './entry.ts';
import { ElementwiseTask, resolveBase } from './transformed.ts';

export const ASINH_DEFAULTS: Options = {
  /** Base task: a bmi catalogue id or `{task, ...options}`; null = `student-identity-1-1-1`. */
  base: null,
};

export class AsinhTask extends ElementwiseTask {
  readonly kind = 'asinh';

  constructor(options: Options) {
    super(resolveBase(options.base, 'student-identity-1-1-1', "task 'asinh'"));
  }

  protected mapX(t: number): number {
    return Math.asinh(t);
  }

  protected mapY(t: number): number {
    return Math.asinh(t);
  }
}

export const asinhEntry: TaskEntry = {
  description: 'bmi transform: asinh on every coordinate (shorter tails)',
  defaults: ASINH_DEFAULTS,
  create: (options) => new AsinhTask(options),
};
