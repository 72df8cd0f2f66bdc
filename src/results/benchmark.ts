/**
 * The `bmi-benchmark` table from its frames: one cell per (task, estimator) with the mean of
 * the runs' final held-out estimates, the truth, and how many runs ended ok or not. Shared by
 * the heatmap, the "within 10 %" figure and `scripts/findings.ts`. Never imports TF.js.
 *
 * In this experiment the cell's `bound` column holds the estimator variant id and `task` the
 * bmi task id; an evaluation's `testBound` is the held-out estimate and `trueMI` the truth.
 */
import type { Frames } from './frames.ts';

type Row = Record<string, unknown>;

/** One (task, estimator) cell of the table. */
export interface BenchmarkCell {
  task: string;
  estimator: string;
  /** The task's closed-form MI (nats); null if no run of the task recorded it. */
  truth: number | null;
  /** Final held-out estimates of the ok runs, by seed order. */
  estimates: number[];
  /** Best held-out estimate over training of each ok run (bmi's reported value). */
  best: number[];
  /** Mean and sd (n − 1) of `estimates`; null when empty (sd: fewer than 2). */
  mean: number | null;
  sd: number | null;
  /** Runs of the cell: ok, failed (diverged / error), and still running or stopped. */
  ok: number;
  failed: number;
  unfinished: number;
  /** Mean fit seconds of the ok runs (the final evaluation's `seconds`). */
  seconds: number | null;
  /** The failed runs' errors (distinct). */
  errors: string[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const mean = (xs: readonly number[]) =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
function sd(xs: readonly number[]): number | null {
  const m = mean(xs);
  if (m === null || xs.length < 2) return null;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/**
 * Every (task, estimator) cell that has at least one run, tasks and estimators in the order
 * their first run appears in `frames.runs` (the grid's order).
 */
export function benchmarkCells(frames: Frames): BenchmarkCell[] {
  const runs = frames.runs.objects() as Row[];
  const evaluations = frames.evaluations.objects() as Row[];
  const key = (r: Row) => JSON.stringify([r['task'], r['bound'], r['seed']]);
  const byRun = new Map<string, Row[]>();
  for (const e of evaluations) {
    const list = byRun.get(key(e));
    if (list) list.push(e);
    else byRun.set(key(e), [e]);
  }
  const cells = new Map<string, BenchmarkCell>();
  for (const run of runs) {
    const task = String(run['task']);
    const estimator = String(run['bound']);
    const cellKey = JSON.stringify([task, estimator]);
    let cell = cells.get(cellKey);
    if (!cell) {
      cell = {
        task,
        estimator,
        truth: null,
        estimates: [],
        best: [],
        mean: null,
        sd: null,
        ok: 0,
        failed: 0,
        unfinished: 0,
        seconds: null,
        errors: [],
      };
      cells.set(cellKey, cell);
    }
    const evals = (byRun.get(key(run)) ?? []).sort(
      (a, b) => (a['step'] as number) - (b['step'] as number),
    );
    for (const e of evals) cell.truth ??= num(e['trueMI']);
    const last = evals.at(-1);
    const final = last ? num(last['testBound']) : null;
    if (run['status'] === 'ok' && final !== null) {
      cell.ok++;
      cell.estimates.push(final);
      const values = evals.map((e) => num(e['testBound'])).filter((v): v is number => v !== null);
      cell.best.push(Math.max(...values));
      const s = num(last!['seconds']);
      if (s !== null) cell.seconds = (cell.seconds ?? 0) + s;
    } else if (run['status'] === 'failed' || run['status'] === 'ok') {
      cell.failed++;
      const error = run['error'] ? String(run['error']) : 'no finite estimate';
      if (!cell.errors.includes(error)) cell.errors.push(error);
    } else cell.unfinished++;
  }
  // The truth is the task's: a cell whose runs have no evaluation yet takes it from the others.
  const truthOf = new Map<string, number>();
  for (const cell of cells.values()) {
    if (cell.truth !== null) truthOf.set(cell.task, cell.truth);
  }
  for (const cell of cells.values()) {
    cell.truth ??= truthOf.get(cell.task) ?? null;
    cell.mean = mean(cell.estimates);
    cell.sd = sd(cell.estimates);
    if (cell.seconds !== null) cell.seconds /= cell.ok;
  }
  return [...cells.values()];
}

/**
 * ln(estimate / truth) clipped to [−1, 1], the colour of bmi's main figure; an estimate ≤ 0
 * (the log is undefined) counts as the far low end, −1.
 */
export function logRatio(estimate: number, truth: number): number {
  if (!(truth > 0)) return 0;
  if (!(estimate > 0)) return -1;
  return Math.max(-1, Math.min(1, Math.log(estimate / truth)));
}

/** Within 10 % of the truth: |estimate / truth − 1| ≤ 0.1 (the summary column). */
export const WITHIN_FRACTION = 0.1;

export function isWithin(estimate: number, truth: number, fraction = WITHIN_FRACTION): boolean {
  // 1e-12: a value exactly on the edge (1.1 vs 1, which float64 puts 9e-17 over) counts.
  return Math.abs(estimate - truth) <= fraction * Math.abs(truth) + 1e-12;
}

/**
 * Per estimator: tasks whose mean estimate is within 10 % of the truth, of the tasks with a
 * finished (ok or failed) run; `failedTasks`: tasks where every finished run failed.
 */
export function withinSummary(
  cells: readonly BenchmarkCell[],
): { estimator: string; within: number; tasks: number; failedTasks: number }[] {
  const out = new Map<
    string,
    { estimator: string; within: number; tasks: number; failedTasks: number }
  >();
  for (const c of cells) {
    if (c.ok + c.failed === 0) continue; // only running or stopped runs: not a result yet
    const s = out.get(c.estimator) ?? {
      estimator: c.estimator,
      within: 0,
      tasks: 0,
      failedTasks: 0,
    };
    s.tasks++;
    if (c.mean === null) s.failedTasks++;
    else if (c.truth !== null && isWithin(c.mean, c.truth)) s.within++;
    out.set(c.estimator, s);
  }
  return [...out.values()];
}
