/**
 * Ground-truth tasks by id: distributions with a closed-form MI (see `entry.ts`).
 *
 * ## Adding a task
 * Write one file with a class implementing `Task` (seeded `sample`, closed-form
 * `mutualInformation`) and a `TaskEntry`, then one `taskRegistry.register` line below (or
 * `registerTask` from your own experiment file). The contract tests
 * (`test/tasks/tasks.test.ts`) then check its shapes, seeding and finite MI.
 */
import { resolveOptions } from '../options.ts';
import { Registry } from '../registry.ts';
import type { Options } from '../types.ts';
import { cubicEntry } from './cubic.ts';
import type { Task, TaskEntry } from './entry.ts';
import { gaussianEntry } from './gaussian.ts';

export { CubicTask } from './cubic.ts';
export type { Pairs, Task, TaskEntry } from './entry.ts';
export { GaussianTask, gaussianMI, rhoForMI, sampleCorrelatedGaussian } from './gaussian.ts';

/** Every task by id. */
export const taskRegistry = new Registry<TaskEntry>('task');

taskRegistry.register('gaussian', gaussianEntry);
taskRegistry.register('cubic', cubicEntry);

/**
 * A task `name` with `options` over its defaults: an unknown name lists the valid tasks; an
 * unknown option, a wrong type or a value out of range names the field.
 */
export function createTask(name: string, options?: Options): Task {
  const entry = taskRegistry.get(name);
  return entry.create(resolveOptions(entry.defaults, options, `task '${name}'`));
}

/** Adds a task (e.g. from a user's experiment file); a name taken twice is an error. */
export function registerTask(name: string, entry: TaskEntry): void {
  taskRegistry.register(name, entry);
}
