/**
 * Sampling time of every bmi catalogue task: median (min, max) over 5 draws of n pairs after one
 * warm-up draw, pure JS on Float32Arrays. Absolute times depend on the machine's load.
 *
 *   node --import tsx bench/tasks.ts [n]      (default n = 10,000)
 */
import { Rng } from '../src/random.ts';
import { BMI_TASKS, createTask } from '../src/tasks/index.ts';

const n = Number(process.argv[2] ?? 10_000);
const REPEATS = 5;
console.log(`ms to sample ${n} pairs (median, min-max of ${REPEATS})`);
for (const [id, spec] of Object.entries(BMI_TASKS)) {
  const { task, ...options } = spec;
  const created = createTask(task as string, options);
  created.sample(new Rng(0), n); // warm-up (JIT)
  const times: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    const start = performance.now();
    created.sample(new Rng(r), n);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const [median, min, max] = [times[REPEATS >> 1], times[0], times[REPEATS - 1]];
  console.log(
    `${id.padEnd(50)} ${median.toFixed(1).padStart(7)}  (${min.toFixed(1)}-${max.toFixed(1)})`,
  );
}
