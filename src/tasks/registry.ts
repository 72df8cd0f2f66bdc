/**
 * The task registry and `createTask`, apart from `index.ts` (which registers the built-in
 * tasks) so that a task built on another task (the transforms, whose `base` names one) can
 * create its base without an import cycle through `index.ts`.
 */
import { resolveOptions } from '../options.ts';
import { Registry } from '../registry.ts';
import type { Options } from '../types.ts';
import type { Task, TaskEntry } from './entry.ts';

/** Every task by id. */
export const taskRegistry = new Registry<TaskEntry>('task');

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
