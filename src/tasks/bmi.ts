/**
 * The catalogue of `bmi`'s main benchmark (Czyż et al. 2023, "Beyond Normal", NeurIPS; the 40
 * tasks of the paper's main figure): bmi's own task ids → mimax task variants. The list and its
 * order are bmi's `src/bmi/benchmark/task_list.py` (`BENCHMARK_TASKS_LIST` = one-dimensional,
 * embedding, multinormal, Student-t and transformed tasks); the ids are built as bmi's
 * `task_id` f-strings build them (Python's `str(0.10)` = `0.1`, `str(2.0)` = `2.0`), so
 * results can be compared with bmi's by id. Every parameter below is bmi's:
 * - `GAUSSIAN_CORRELATION = 0.75` (task_list.py) for the bivariate normal and its transforms;
 * - additive noise ε ∈ {0.10, 0.75} (task_list.py);
 * - dense: `off_diag = 0.5` (multinormal.py), dims 2, 3, 5, 25, 50;
 * - sparse / 2-pair: 2 interacting pairs, `strength = 2.0` (multinormal.py), dims 2, 3, 5, 25;
 * - Student-t identity dispersion: (dims, ν) ∈ {(1, 1), (2, 1), (2, 2), (3, 2), (3, 3), (5, 2),
 *   (5, 3)} (task_list.py);
 * - transforms of `multinormal-sparse-{3,5,25}` and of the Student-t tasks (task_list.py).
 *
 * The true MI of each is its task's closed form (see `mimax list`, the README table and
 * `test/tasks/bmi.test.ts`, which checks it against values computed with bmi's formulas).
 */
import type { Options } from '../types.ts';
import { UserError } from '../types.ts';

/** bmi's ρ for the 1 × 1 Gaussian and the tasks built on it (task_list.py). */
const RHO = 0.75;

const sparse = (d: number) => `multinormal-sparse-${d}-${d}-2-2.0`;
const sparseSpec = (d: number): Options => ({
  task: 'multinormal-sparse',
  dimX: d,
  dimY: d,
  interacting: 2,
  strength: 2,
});
const student = (d: number, dof: number) => `student-identity-${d}-${d}-${dof}`;
const studentSpec = (d: number, dof: number): Options => ({
  task: 'student-t',
  dimX: d,
  dimY: d,
  dof,
});

function build(): { [bmiId: string]: Options } {
  const out: { [bmiId: string]: Options } = {};
  // ONE_DIM_TASKS
  out[`1v1-normal-${RHO}`] = { task: 'gaussian', dim: 1, rho: RHO };
  out[`normal_cdf-1v1-normal-${RHO}`] = { task: 'normal-cdf', base: `1v1-normal-${RHO}` };
  out['1v1-additive-0.1'] = { task: 'additive-uniform', epsilon: 0.1 };
  out['1v1-additive-0.75'] = { task: 'additive-uniform', epsilon: 0.75 };
  out[`1v1-bimodal-${RHO}`] = { task: 'bimodal', base: `1v1-normal-${RHO}` };
  out[`wiggly-1v1-normal-${RHO}`] = { task: 'wiggly', base: `1v1-normal-${RHO}` };
  out[`half_cube-1v1-normal-${RHO}`] = { task: 'half-cube', base: `1v1-normal-${RHO}` };
  out[student(1, 1)] = studentSpec(1, 1);
  out[`asinh-${student(1, 1)}`] = { task: 'asinh', base: student(1, 1) };
  // EMBEDDINGS_TASKS
  out[`swissroll_x-normal_cdf-1v1-normal-${RHO}`] = {
    task: 'swissroll',
    base: `normal_cdf-1v1-normal-${RHO}`,
  };
  // MULTINORMAL_TASKS
  for (const d of [2, 3, 5, 25, 50]) {
    out[`multinormal-dense-${d}-${d}-0.5`] = {
      task: 'multinormal-dense',
      dimX: d,
      dimY: d,
      correlation: 0.5,
    };
  }
  for (const d of [2, 3, 5, 25]) out[sparse(d)] = sparseSpec(d);
  // STUDENT_TASKS
  for (const [d, dof] of [
    [2, 1],
    [2, 2],
    [3, 2],
    [3, 3],
    [5, 2],
    [5, 3],
  ]) {
    out[student(d, dof)] = studentSpec(d, dof);
  }
  // TRANSFORMED_TASKS
  for (const d of [3, 5, 25])
    out[`normal_cdf-${sparse(d)}`] = { task: 'normal-cdf', base: sparse(d) };
  for (const d of [3, 5, 25])
    out[`half_cube-${sparse(d)}`] = { task: 'half-cube', base: sparse(d) };
  for (const d of [3, 5, 25]) out[`spiral-${sparse(d)}`] = { task: 'spiral', base: sparse(d) };
  for (const d of [3, 5, 25]) {
    out[`spiral-normal_cdf-${sparse(d)}`] = { task: 'spiral', base: `normal_cdf-${sparse(d)}` };
  }
  for (const [d, dof] of [
    [2, 1],
    [3, 2],
    [5, 2],
  ]) {
    out[`asinh-${student(d, dof)}`] = { task: 'asinh', base: student(d, dof) };
  }
  return out;
}

/** bmi id → task variant `{task, ...options}`, in bmi's order. */
export const BMI_TASKS: { readonly [bmiId: string]: Readonly<Options> } = Object.freeze(
  Object.fromEntries(Object.entries(build()).map(([id, spec]) => [id, Object.freeze(spec)])),
);

/** Whether `id` is a catalogue id (an own key: `toString` is not). */
export function isBmiTask(id: string): boolean {
  return Object.hasOwn(BMI_TASKS, id);
}

/**
 * The variant map for an experiment's `tasks` field: every catalogue task, or those `ids` (in
 * the order given). An unknown id is a `UserError` listing the valid ones.
 */
export function bmiTasks(ids?: string[]): { [bmiId: string]: Options } {
  const out: { [bmiId: string]: Options } = {};
  for (const id of ids ?? Object.keys(BMI_TASKS)) {
    if (!isBmiTask(id)) {
      throw new UserError(
        `unknown bmi task '${id}'; valid ids: ${Object.keys(BMI_TASKS).join(', ')}`,
      );
    }
    out[id] = { ...BMI_TASKS[id] };
  }
  return out;
}
