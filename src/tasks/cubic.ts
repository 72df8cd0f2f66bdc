/**
 * The cubic task (Poole et al. 2019, Sec. 5; Song & Ermon 2020, Sec. 6.1): the correlated
 * Gaussian with y ← y³ elementwise. y ↦ y³ is a smooth bijection of ℝ, so I(X; Y³) = I(X; Y)
 * and the true MI is the Gaussian's; only the critic's job gets harder (the density ratio is
 * no longer bilinear, which hurts a separable critic).
 */
import type { Rng } from '../random.ts';
import type { Options } from '../types.ts';
import type { Pairs, TaskEntry } from './entry.ts';
import { GAUSSIAN_DEFAULTS, GaussianTask } from './gaussian.ts';

export class CubicTask extends GaussianTask {
  override readonly kind = 'cubic';

  constructor(options: Options) {
    super(options, "task 'cubic'");
  }

  override sample(rng: Rng, n: number): Pairs {
    const pairs = super.sample(rng, n);
    for (let i = 0; i < pairs.y.length; i++) pairs.y[i] = pairs.y[i] ** 3;
    return pairs;
  }
}

export const cubicEntry: TaskEntry = {
  description: 'the correlated Gaussian with y ← y³ (MI unchanged: an invertible map of y)',
  defaults: GAUSSIAN_DEFAULTS,
  create: (options) => new CubicTask(options),
};
