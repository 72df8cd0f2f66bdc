/**
 * The half-cube transform (bmi `transform_half_cube_task` / `transforms.half_cube`, ids
 * `half_cube-{base}`): t ↦ t·√|t| = sign(t)|t|^{3/2} on every coordinate of x and y. It is
 * continuous and strictly increasing (derivative (3/2)√|t| > 0 for t ≠ 0), so MI is unchanged;
 * it lengthens the tails of a Gaussian base.
 */
import type { Options } from '../types.ts';
import type { TaskEntry } from './entry.ts';
import { ElementwiseTask, resolveBase } from './transformed.ts';

/** t·√|t|. */
export function halfCube(t: number): number {
  return t * Math.sqrt(Math.abs(t));
}

export const HALF_CUBE_DEFAULTS: Options = {
  /** Base task: a bmi catalogue id or `{task, ...options}`; null = `1v1-normal-0.75` (bmi). */
  base: null,
};

export class HalfCubeTask extends ElementwiseTask {
  readonly kind = 'half-cube';

  constructor(options: Options) {
    super(resolveBase(options.base, '1v1-normal-0.75', "task 'half-cube'"));
  }

  protected mapX(t: number): number {
    return halfCube(t);
  }

  protected mapY(t: number): number {
    return halfCube(t);
  }
}

export const halfCubeEntry: TaskEntry = {
  description: 'bmi transform: t·√|t| on every coordinate (longer tails)',
  defaults: HALF_CUBE_DEFAULTS,
  create: (options) => new HalfCubeTask(options),
};
