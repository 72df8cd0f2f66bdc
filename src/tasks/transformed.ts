/**
 * Tasks made by pushing a base task through a map f × g, (X, Y) ↦ (f(X), g(Y)) (bmi
 * `TransformedSampler`; Czyż et al. 2023, Sec. 3, Theorem 2.1 there): if f and g are injective
 * (and measurable with measurable inverses on their images, e.g. continuous and strictly
 * monotone, or smooth embeddings), I(f(X); g(Y)) = I(X; Y). So the true MI is the base's, while
 * the margins, tails and geometry the estimator sees change. Each transform's file says why its
 * map is injective.
 *
 * The option `base` names the base task, either as a bmi catalogue id (`'1v1-normal-0.75'`, see
 * `bmi.ts`) or as a variant object `{task: 'student-t', dimX: 2, dimY: 2, dof: 1}` (a registry
 * name plus its options, as in an experiment's `tasks` map); null = the transform's default
 * base (the one bmi applies it to first).
 */
import type { Rng } from '../random.ts';
import { type Json, type Options, UserError } from '../types.ts';
import { BMI_TASKS, isBmiTask } from './bmi.ts';
import type { Pairs, Task } from './entry.ts';
import { createTask } from './registry.ts';

/**
 * The task `value` names (see the file comment; null → `fallback`, a catalogue id). A bad value,
 * an unknown id or a base that rejects its own options is a `UserError` naming option 'base'.
 */
export function resolveBase(value: Json | undefined, fallback: string, context: string): Task {
  const spec = value ?? fallback;
  let name: string;
  let options: Options;
  if (typeof spec === 'string') {
    if (!isBmiTask(spec)) {
      throw new UserError(
        `${context}: option 'base' '${spec}' is not a bmi catalogue id; valid ids: ${Object.keys(BMI_TASKS).join(', ')} (or give a variant object {task, ...options})`,
      );
    }
    ({ task: name, ...options } = BMI_TASKS[spec] as { task: string } & Options);
  } else if (
    spec !== null &&
    typeof spec === 'object' &&
    !Array.isArray(spec) &&
    typeof spec.task === 'string'
  ) {
    ({ task: name, ...options } = spec as { task: string } & Options);
  } else {
    throw new UserError(
      `${context}: option 'base' must be a bmi catalogue id or a variant object {task, ...options}, got ${JSON.stringify(spec)}`,
    );
  }
  try {
    return createTask(name, options);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${context}: option 'base': ${e.message}`);
    throw e;
  }
}

/** A base task pushed through a map; the MI is the base's (see the file comment). */
export abstract class TransformedTask implements Task {
  abstract readonly kind: string;
  readonly dimX: number;
  readonly dimY: number;
  readonly mutualInformation: number;

  constructor(
    readonly base: Task,
    dimX = base.dimX,
    dimY = base.dimY,
  ) {
    this.dimX = dimX;
    this.dimY = dimY;
    this.mutualInformation = base.mutualInformation;
  }

  /** The base's n pairs (same draws from `rng`), mapped. */
  sample(rng: Rng, n: number): Pairs {
    return this.transform(this.base.sample(rng, n));
  }

  /** (f(x), g(y)) for every pair; may reuse the (fresh) arrays of `pairs`. */
  protected abstract transform(pairs: Pairs): Pairs;
}

/** A transform applying `f` to every coordinate of x and `g` to every coordinate of y. */
export abstract class ElementwiseTask extends TransformedTask {
  protected abstract mapX(t: number): number;
  protected abstract mapY(t: number): number;

  protected transform(pairs: Pairs): Pairs {
    const { x, y } = pairs;
    for (let i = 0; i < x.length; i++) x[i] = this.mapX(x[i]);
    for (let i = 0; i < y.length; i++) y[i] = this.mapY(y[i]);
    return pairs;
  }
}
