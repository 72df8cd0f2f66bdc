/**
 * The spiral transform (bmi `transform_spiral_task` and `transforms.Spiral`, ids
 * `spiral-{base}`; Czyż et al. 2023, Sec. 3): v ↦ exp(θ(v)·A)·v, a rotation whose angle grows
 * with the squared norm, θ(v) = s·‖v‖², A a fixed skew-symmetric generator. bmi's choices, used
 * here: on x, A = the canonical so(d_x) generator of the plane (0, 1); on y, the plane (1, 2) of
 * so(d_y) (so d_y ≥ 3, d_x ≥ 2: bmi asserts exactly these); the speed is normalized by the
 * dimension, s_x = speed/d_x, s_y = speed/d_y (bmi `normalize_speed=True`, `speed=1.0`).
 *
 * With A_ij = −1, A_ji = 1 (bmi's `so_generator(n, i, j)`), A² = −1 on that plane, so
 * exp(θA) = I + (cos θ − 1)(e_i e_iᵀ + e_j e_jᵀ) + sin θ (e_j e_iᵀ − e_i e_jᵀ): a plain rotation
 * of coordinates (i, j), out_i = cos θ v_i − sin θ v_j, out_j = sin θ v_i + cos θ v_j, the
 * others unchanged (no matrix exponential needed). A rotation keeps ‖v‖, so θ can be read back
 * from the output and the rotation undone: the map is a smooth bijection, MI is unchanged.
 */
import type { Options } from '../types.ts';
import { UserError } from '../types.ts';
import type { Pairs, Task, TaskEntry } from './entry.ts';
import { resolveBase, TransformedTask } from './transformed.ts';

/**
 * Rotates each row of the row-major [n, d] `values` in place by θ = speed·‖row‖² in the plane
 * of coordinates (i, j).
 */
export function spiralRows(
  values: Float32Array,
  n: number,
  d: number,
  i: number,
  j: number,
  speed: number,
): void {
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let norm2 = 0;
    for (let k = 0; k < d; k++) norm2 += values[o + k] * values[o + k];
    const theta = speed * norm2;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const vi = values[o + i];
    const vj = values[o + j];
    values[o + i] = c * vi - s * vj;
    values[o + j] = s * vi + c * vj;
  }
}

export const SPIRAL_DEFAULTS: Options = {
  /** Base task: a bmi catalogue id or `{task, ...options}`; null = `multinormal-sparse-3-3-2-2.0`. */
  base: null,
  /** bmi's `speed`, divided by the dimension on each side (bmi `normalize_speed`). Default 1. */
  speed: 1,
};

export class SpiralTask extends TransformedTask {
  readonly kind = 'spiral';
  readonly speed: number;

  constructor(options: Options) {
    const context = "task 'spiral'";
    const base: Task = resolveBase(options.base, 'multinormal-sparse-3-3-2-2.0', context);
    if (base.dimX < 2 || base.dimY < 3) {
      throw new UserError(
        `${context}: option 'base' must have dimX ≥ 2 and dimY ≥ 3 (the rotation planes (0, 1) of x and (1, 2) of y, as bmi), got ${base.dimX} × ${base.dimY}`,
      );
    }
    super(base);
    const speed = options.speed;
    if (typeof speed !== 'number' || !Number.isFinite(speed)) {
      throw new UserError(
        `${context}: option 'speed' must be a finite number, got ${JSON.stringify(speed)}`,
      );
    }
    this.speed = speed;
  }

  protected transform(pairs: Pairs): Pairs {
    const { n, x, y } = pairs;
    spiralRows(x, n, this.dimX, 0, 1, this.speed / this.dimX);
    spiralRows(y, n, this.dimY, 1, 2, this.speed / this.dimY);
    return pairs;
  }
}

export const spiralEntry: TaskEntry = {
  description: 'bmi transform: rotation by angle ∝ ‖v‖² (x: plane 0-1, y: plane 1-2; dims ≥ 2, 3)',
  defaults: SPIRAL_DEFAULTS,
  create: (options) => new SpiralTask(options),
};
