/**
 * Ground-truth tasks by id: distributions with a closed-form MI (see `entry.ts`), and the
 * catalogue of bmi's benchmark tasks by bmi id (`bmi.ts`).
 *
 * ## Adding a task
 * Write one file with a class implementing `Task` (seeded `sample`, closed-form
 * `mutualInformation`, derived in the file's comment) and a `TaskEntry` (defaults for every
 * option, so that `createTask(name)` works), then one `taskRegistry.register` line below (or
 * `registerTask` from your own experiment file). The contract tests
 * (`test/tasks/tasks.test.ts`) then check its shapes, seeding and finite MI. A map of a task
 * that keeps MI (an injective f × g) extends `TransformedTask` / `ElementwiseTask`
 * (`transformed.ts`) and takes a `base` option. A bmi task gets one line in `bmi.ts` under its
 * bmi id, and its reference MI in `test/tasks/bmi.test.ts`.
 */
import { additiveUniformEntry } from './additive-uniform.ts';
import { asinhEntry } from './asinh.ts';
import { bimodalEntry } from './bimodal.ts';
import { BMI_TASKS } from './bmi.ts';
import { cubicEntry } from './cubic.ts';
import { gaussianEntry } from './gaussian.ts';
import { halfCubeEntry } from './half-cube.ts';
import { multinormalDenseEntry, multinormalSparseEntry } from './multinormal.ts';
import { normalCdfEntry } from './normal-cdf.ts';
import { createTask, taskRegistry } from './registry.ts';
import { spiralEntry } from './spiral.ts';
import { studentEntry } from './student-t.ts';
import { swissrollEntry } from './swissroll.ts';
import { wigglyEntry } from './wiggly.ts';

export { BMI_TASKS, bmiTasks, isBmiTask } from './bmi.ts';
export { CubicTask } from './cubic.ts';
export type { Pairs, Task, TaskEntry } from './entry.ts';
export { GaussianTask, gaussianMI, rhoForMI, sampleCorrelatedGaussian } from './gaussian.ts';
export { createTask, registerTask, taskRegistry } from './registry.ts';

taskRegistry.register('gaussian', gaussianEntry);
taskRegistry.register('cubic', cubicEntry);
taskRegistry.register('multinormal-dense', multinormalDenseEntry);
taskRegistry.register('multinormal-sparse', multinormalSparseEntry);
taskRegistry.register('student-t', studentEntry);
taskRegistry.register('additive-uniform', additiveUniformEntry);
taskRegistry.register('normal-cdf', normalCdfEntry);
taskRegistry.register('half-cube', halfCubeEntry);
taskRegistry.register('asinh', asinhEntry);
taskRegistry.register('wiggly', wigglyEntry);
taskRegistry.register('spiral', spiralEntry);
taskRegistry.register('swissroll', swissrollEntry);
taskRegistry.register('bimodal', bimodalEntry);

/** One row of the bmi catalogue as `mimax list` and the README show it. */
export interface BmiTaskRow {
  id: string;
  dimX: number;
  dimY: number;
  /** The closed-form true MI in nats. */
  mutualInformation: number;
}

/** Every catalogue task created (bmi's order) with its dims and true MI. */
export function bmiTaskTable(): BmiTaskRow[] {
  return Object.entries(BMI_TASKS).map(([id, spec]) => {
    const { task, ...options } = spec;
    const created = createTask(task as string, options);
    return {
      id,
      dimX: created.dimX,
      dimY: created.dimY,
      mutualInformation: created.mutualInformation,
    };
  });
}
