/**
 * Records → tidy frames (arquero tables), and the group summaries the figures plot.
 * Column names are identical in TypeScript, CSV and Vega-Lite; values are ids, never labels.
 * Never imports TF.js.
 */
import * as aq from 'arquero';
import type { RunRecord, Trace } from './schema.ts';

/** An arquero column table (the type arquero's `table()` returns). */
export type Frame = ReturnType<typeof aq.table>;

/** Column types a frame may hold: strings (ids, nullable) and numbers (nullable). */
export type ColumnType = 'string' | 'number';
/** Ordered column names → type: the contract between frames, CSV files and figures. */
export type ColumnSpec = Readonly<Record<string, ColumnType>>;

/** The cell fields, in order; `null` where a field does not apply to an experiment. */
export const CELL_COLUMNS = ['encoder', 'critic', 'bound', 'target', 'sampling', 'task'] as const;

/** Types of the cell columns (same order as {@link CELL_COLUMNS}). */
const CELL_SPEC = {
  encoder: 'string',
  critic: 'string',
  bound: 'string',
  target: 'number',
  sampling: 'string',
  task: 'string',
} as const satisfies ColumnSpec;

/** One row per record × evaluation. */
export const EVALUATION_COLUMNS = {
  experiment: 'string',
  preset: 'string',
  ...CELL_SPEC,
  seed: 'number',
  status: 'string',
  step: 'number',
  trainBound: 'number',
  testBound: 'number',
  accuracy: 'number',
  classifierLoss: 'number',
  encoderLoss: 'number',
  trueMI: 'number',
  trainSd: 'number',
  seconds: 'number',
} as const satisfies ColumnSpec;

/** One row per record × evaluation × Jacobian sample (non-invertible experiment). */
export const CONDITION_COLUMNS = {
  experiment: 'string',
  encoder: 'string',
  critic: 'string',
  bound: 'string',
  seed: 'number',
  step: 'number',
  sample: 'number',
  logCondition: 'number',
} as const satisfies ColumnSpec;

/** One row per record × trace × (possibly downsampled) step. */
export const TRACE_COLUMNS = {
  experiment: 'string',
  ...CELL_SPEC,
  seed: 'number',
  step: 'number',
  series: 'string',
  value: 'number',
} as const satisfies ColumnSpec;

/**
 * One row per generated point kept by a record (`gan-modes`: the latest evaluation of the
 * samples figure's seed): `sample` is the point's index, (x, y) its coordinates.
 */
export const POINT_COLUMNS = {
  experiment: 'string',
  ...CELL_SPEC,
  seed: 'number',
  step: 'number',
  sample: 'number',
  x: 'number',
  y: 'number',
} as const satisfies ColumnSpec;

/** One row per record: what ran, how it ended, how long it took. */
export const RUN_COLUMNS = {
  id: 'string',
  experiment: 'string',
  preset: 'string',
  ...CELL_SPEC,
  seed: 'number',
  status: 'string',
  error: 'string',
  seconds: 'number',
  nEvaluations: 'number',
  backend: 'string',
  configHash: 'string',
  updatedAt: 'string',
} as const satisfies ColumnSpec;

/** The four tidy frames of a result set, keyed by the base name of their CSV file. */
export interface Frames {
  evaluations: Frame;
  conditions: Frame;
  traces: Frame;
  runs: Frame;
  /** Generated points (`gan-modes`); empty elsewhere and in result sets written before it. */
  points: Frame;
}

export type FrameName = keyof Frames;

/** The column spec of each frame. */
export const FRAME_COLUMNS: Readonly<Record<FrameName, ColumnSpec>> = {
  evaluations: EVALUATION_COLUMNS,
  conditions: CONDITION_COLUMNS,
  traces: TRACE_COLUMNS,
  runs: RUN_COLUMNS,
  points: POINT_COLUMNS,
};

export const FRAME_NAMES: readonly FrameName[] = [
  'evaluations',
  'conditions',
  'traces',
  'runs',
  'points',
];

/** Frames a result set may lack (written before they existed): read as empty. */
export const OPTIONAL_FRAMES: readonly FrameName[] = ['points'];

type Row = Record<string, string | number | null>;

/** Builds a table with exactly the columns of `spec`, in order (absent values → null). */
export function tableFromRows(spec: ColumnSpec, rows: readonly Row[]): Frame {
  const columns: Record<string, (string | number | null)[]> = {};
  for (const name of Object.keys(spec)) columns[name] = rows.map((r) => r[name] ?? null);
  return aq.table(columns);
}

/** Options of {@link recordsToFrames}. */
export interface FrameOptions {
  /**
   * Keep one trace point per `traceEvery` steps. Default 100: a 20,000-step series becomes
   * 200 points, which keeps committed CSVs small. 1 keeps every step.
   */
  traceEvery?: number;
  /**
   * How a block of `traceEvery` steps becomes one point. `'mean'` (default): the mean of the
   * block's values, reported at the block's last step (a trailing average, which also
   * smooths); `'sample'`: the block's first value at its own step (plain decimation).
   */
  traceReduce?: 'mean' | 'sample';
}

const num = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/** Downsamples one trace to `[step, value]` points (see {@link FrameOptions}). */
export function downsampleTrace(
  trace: Trace,
  traceEvery = 100,
  reduce: 'mean' | 'sample' = 'mean',
): [number, number | null][] {
  const perBlock = Math.max(1, Math.round(traceEvery / Math.max(1, trace.every)));
  const out: [number, number | null][] = [];
  for (let k = 0; k < trace.values.length; k += perBlock) {
    const block = trace.values.slice(k, k + perBlock);
    if (reduce === 'sample') {
      out.push([trace.start + k * trace.every, num(block[0])]);
      continue;
    }
    const finite = block.map(num).filter((v): v is number => v !== null);
    const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
    out.push([trace.start + (k + block.length - 1) * trace.every, mean]);
  }
  return out;
}

/** Converts run records into the four tidy frames. Failed and running runs are kept. */
export function recordsToFrames(records: readonly RunRecord[], options: FrameOptions = {}): Frames {
  const evaluations: Row[] = [];
  const conditions: Row[] = [];
  const traces: Row[] = [];
  const runs: Row[] = [];
  const points: Row[] = [];
  for (const r of records) {
    const cell: Row = {
      encoder: r.cell.encoder,
      critic: r.cell.critic,
      bound: r.cell.bound,
      target: r.cell.target,
      sampling: r.cell.sampling,
      task: r.cell.task ?? null,
    };
    const base: Row = { experiment: r.experiment, preset: r.preset, ...cell, seed: r.seed };
    runs.push({
      ...base,
      id: r.id,
      status: r.status,
      error: r.error?.message ?? null,
      seconds: num(r.seconds),
      nEvaluations: r.evaluations.length,
      backend: r.backend,
      configHash: r.configHash,
      updatedAt: r.updatedAt,
    });
    for (const e of r.evaluations) {
      evaluations.push({
        ...base,
        status: r.status,
        step: e.step,
        trainBound: num(e.trainBound),
        testBound: num(e.testBound),
        accuracy: num(e.accuracy),
        classifierLoss: num(e.classifierLoss),
        encoderLoss: num(e.encoderLoss),
        trueMI: num(e.trueMI),
        trainSd: num(e.trainSd),
        seconds: num(e.seconds),
      });
      for (const [sample, value] of (e.logCondition ?? []).entries()) {
        conditions.push({ ...base, step: e.step, sample, logCondition: num(value) });
      }
    }
    if (r.points) {
      const { step, x, y } = r.points;
      for (let k = 0; k < x.length; k++) {
        points.push({ ...base, step, sample: k, x: num(x[k]), y: num(y[k]) });
      }
    }
    for (const [series, trace] of Object.entries(r.traces ?? {})) {
      const { every, reduce } = trace.downsample ?? {
        every: options.traceEvery,
        reduce: options.traceReduce,
      };
      for (const [step, value] of downsampleTrace(trace, every, reduce)) {
        traces.push({ ...base, step, series, value });
      }
    }
  }
  return {
    evaluations: tableFromRows(EVALUATION_COLUMNS, evaluations),
    conditions: tableFromRows(CONDITION_COLUMNS, conditions),
    traces: tableFromRows(TRACE_COLUMNS, traces),
    runs: tableFromRows(RUN_COLUMNS, runs),
    points: tableFromRows(POINT_COLUMNS, points),
  };
}

/** Keeps the rows of one experiment in every frame. */
export function selectExperiment(frames: Frames, experiment: string): Frames {
  const keep = (t: Frame) =>
    t.numRows() ? t.filter(aq.escape((d: Row) => d['experiment'] === experiment)) : t;
  return {
    evaluations: keep(frames.evaluations),
    conditions: keep(frames.conditions),
    traces: keep(frames.traces),
    runs: keep(frames.runs),
    points: keep(frames.points),
  };
}

/** A JSON key of a row's values in `columns` (null-safe, unlike joins on null keys). */
const keyOf = (d: Row, columns: readonly string[]) => JSON.stringify(columns.map((c) => d[c]));

/** The columns a cell is identified by: experiment plus the cell fields. */
export const CELL_KEY: readonly string[] = ['experiment', ...CELL_COLUMNS];

/** Options of {@link summarize}. */
export interface SummaryOptions {
  /** Grouping columns besides `step`. Default {@link CELL_KEY}. */
  by?: readonly string[];
  /** Runs whose values are averaged. Default `['ok']`: failed runs count only as requested. */
  statuses?: readonly string[];
  /**
   * Runs requested per group. Default: the number of rows of `runs` in the group (any status);
   * pass the sweep's seed count when some runs never wrote a record.
   */
  requested?: number;
}

/**
 * Mean, sample sd (n − 1) and counts of `value` per group and step, over the rows of runs
 * whose status (looked up in `runs` by cell and seed) is in `statuses`. `rows` is any frame
 * with the cell columns, `seed` and `step` (evaluations, traces). Output columns:
 * the `by` columns, `step`, `mean`, `sd` (null when n < 2), `n` (runs with a value at this
 * step) and `nRequested` (runs requested for the group), so a curve averaged over 17 of 20
 * seeds says so.
 */
export function summarize(
  rows: Frame,
  runs: Frame,
  value: string,
  options: SummaryOptions = {},
): Frame {
  const by = options.by ?? CELL_KEY;
  const statuses = new Set(options.statuses ?? ['ok']);
  const requested = new Map<string, number>();
  const runKey = [...CELL_KEY, 'seed'];
  const kept = new Set<string>();
  for (const d of runs.objects() as Row[]) {
    const k = keyOf(d, by);
    requested.set(k, (requested.get(k) ?? 0) + 1);
    if (statuses.has(d['status'] as string)) kept.add(keyOf(d, runKey));
  }
  const selected = rows.filter(aq.escape((d: Row) => kept.has(keyOf(d, runKey))));
  const empty: Record<string, ColumnType> = {};
  for (const c of [...by, 'step', 'mean', 'sd', 'n', 'nRequested']) empty[c] = 'number';
  if (selected.numRows() === 0) return tableFromRows(empty, []);
  return selected
    .groupby(...by, 'step')
    .rollup({
      mean: aq.op.mean(value),
      sd: aq.op.stdev(value),
      n: aq.op.valid(value),
    })
    .derive({
      mean: aq.escape((d: Row) => num(d['mean'] as number)),
      sd: aq.escape((d: Row) => ((d['n'] as number) >= 2 ? num(d['sd'] as number) : null)),
      nRequested: aq.escape(
        (d: Row) => options.requested ?? requested.get(keyOf(d, by)) ?? (d['n'] as number),
      ),
    })
    .filter(aq.escape((d: Row) => (d['n'] as number) > 0))
    .orderby(...by, 'step');
}

/** The percentiles of Fig. 2b/2c, as output column names → quantile. */
export const CONDITION_PERCENTILES = {
  min: 0,
  p20: 0.2,
  p40: 0.4,
  p50: 0.5,
  p60: 0.6,
  p80: 0.8,
  max: 1,
} as const;

/**
 * Percentiles of `logCondition` pooled over seeds × samples, per (experiment, bound, step).
 * Quantiles interpolate linearly between order statistics (NumPy's default). Output columns:
 * experiment, bound, step, min, p20, p40, p50, p60, p80, max, n (values pooled),
 * seeds (runs pooled). Only runs with a status in `statuses` (default `['ok']`) count.
 */
export function conditionPercentiles(
  conditions: Frame,
  runs: Frame,
  statuses: readonly string[] = ['ok'],
): Frame {
  const keep = new Set(statuses);
  const runKey = ['experiment', 'encoder', 'critic', 'bound', 'seed'];
  const okRuns = new Set(
    (runs.objects() as Row[])
      .filter((d) => keep.has(d['status'] as string))
      .map((d) => keyOf(d, runKey)),
  );
  const rows = conditions.filter(
    aq.escape((d: Row) => d['logCondition'] !== null && okRuns.has(keyOf(d, runKey))),
  );
  const spec: Record<string, ColumnType> = {
    experiment: 'string',
    bound: 'string',
    step: 'number',
  };
  for (const c of [...Object.keys(CONDITION_PERCENTILES), 'n', 'seeds']) spec[c] = 'number';
  if (rows.numRows() === 0) return tableFromRows(spec, []);
  const rollup: Record<string, unknown> = {};
  for (const [name, q] of Object.entries(CONDITION_PERCENTILES)) {
    rollup[name] = aq.op.quantile('logCondition', q);
  }
  rollup['n'] = aq.op.valid('logCondition');
  rollup['seeds'] = aq.op.distinct('seed');
  return rows
    .groupby('experiment', 'bound', 'step')
    .rollup(rollup as Parameters<Frame['rollup']>[0])
    .orderby('experiment', 'bound', 'step');
}

/**
 * Centered moving average of `value` over `window` consecutive rows (odd; the window shrinks
 * at the ends), per group of `by`, ordered by `step`. Adds the column `smoothed`.
 */
export function movingAverage(
  frame: Frame,
  value: string,
  window: number,
  by: readonly string[],
): Frame {
  if (frame.numRows() === 0) return frame.derive({ smoothed: () => null });
  const half = Math.floor(Math.max(1, window) / 2);
  return frame
    .groupby(...by)
    .orderby('step')
    .derive({ smoothed: aq.rolling(aq.op.average(value) as unknown as object, [-half, half]) })
    .ungroup();
}

/**
 * Per-level statistics of the staircase (Poole et al. 2019, Fig. 2 bias/variance): for every
 * run and true-MI level, its last evaluation in that level, whose window is the level's last
 * `evalEvery` steps. Columns: the cell columns, `seed`, `status`, `trueMI`, `step` (of that
 * evaluation), `window` (steps since the run's previous evaluation), `estimate` (the window mean), `bias` (estimate − trueMI), `sd` (of the per-step estimates), `mse` (bias² +
 * the window's variance, i.e. the mean squared error of a per-step estimate, with the variance
 * taken as sd²·(n − 1)/n ≈ sd² for windows of hundreds of steps). A level that a failed or
 * still running run did not finish, or whose window held a non-finite estimate, has no row:
 * absent, never zero.
 */
export function levelStatistics(evaluations: Frame, runs: Frame): Frame {
  const status = new Map<string, string>();
  const runKey = [...CELL_KEY, 'seed'];
  for (const d of runs.objects() as Row[]) status.set(keyOf(d, runKey), d['status'] as string);
  // The last evaluation per run and level; a level a failed run stopped in is incomplete.
  const last = new Map<string, Row>();
  for (const d of evaluations.objects() as Row[]) {
    if (d['trueMI'] === null) continue;
    const k = keyOf(d, [...runKey, 'trueMI']);
    const previous = last.get(k);
    if (!previous || (d['step'] as number) > (previous['step'] as number)) last.set(k, d);
  }
  // Each run's evaluation steps, ascending: its last step, and each window's length.
  const stepsOf = new Map<string, number[]>();
  for (const d of evaluations.objects() as Row[]) {
    const k = keyOf(d, runKey);
    stepsOf.set(k, [...(stepsOf.get(k) ?? []), d['step'] as number]);
  }
  for (const steps of stepsOf.values()) steps.sort((a, b) => a - b);
  const rows: Row[] = [];
  for (const d of last.values()) {
    const k = keyOf(d, runKey);
    const runStatus = status.get(k) ?? (d['status'] as string);
    const estimate = d['trainBound'] as number | null;
    const sd = d['trainSd'] as number | null;
    // An unfinished run's last level ended early: its window is not the level's end.
    const steps = stepsOf.get(k) ?? [];
    const step = d['step'] as number;
    const incomplete = runStatus !== 'ok' && step === steps.at(-1);
    if (estimate === null || sd === null || incomplete) continue;
    const previous = steps[steps.indexOf(step) - 1] ?? 0;
    const bias = estimate - (d['trueMI'] as number);
    const cell: Row = {};
    for (const c of CELL_COLUMNS) cell[c] = d[c];
    rows.push({
      experiment: d['experiment'],
      ...cell,
      seed: d['seed'],
      status: runStatus,
      trueMI: d['trueMI'],
      step,
      window: step - previous,
      estimate,
      bias,
      sd,
      mse: bias * bias + sd * sd,
    });
  }
  return tableFromRows(LEVEL_COLUMNS, rows);
}

/** Columns of {@link levelStatistics}. */
export const LEVEL_COLUMNS = {
  experiment: 'string',
  ...CELL_SPEC,
  seed: 'number',
  status: 'string',
  trueMI: 'number',
  step: 'number',
  window: 'number',
  estimate: 'number',
  bias: 'number',
  sd: 'number',
  mse: 'number',
} as const satisfies ColumnSpec;
