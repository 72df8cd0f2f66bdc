/**
 * Figures of the estimator benchmarks: the staircase (Poole et al. 2019, Fig. 2; Song & Ermon
 * 2020, Fig. 1) and the estimate-vs-correlation benchmark of MINE-style repositories. In these
 * experiments the cell's `bound` column holds the estimator variant id (`mine`, `smile-5`, ...)
 * and `task` the ground-truth task id. Never imports TF.js.
 */
import { type Frame, type Frames, levelStatistics } from '../results/frames.ts';
import type { Manifest } from '../results/io.ts';
import { UserError } from '../types.ts';
import type { FigureDef } from './figures.ts';
import { label } from './labels.ts';
import { chart, type DataRow, labelDomain, PANEL, type VlSpec, X_STEP_K } from './vega-lite.ts';

const rowsOf = (t: Frame) => t.objects() as DataRow[];
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
/** A number with a typographic minus (−2, as the axes write it). */
const signed = (x: number) => String(x).replace('-', '−');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The key of one run: cell fields of the estimator experiments and the seed. */
const runKey = (r: DataRow) => JSON.stringify([r['critic'], r['bound'], r['task'], r['seed']]);

/** Rows grouped by `key` (insertion order). */
function groupBy(rows: readonly DataRow[], key: (r: DataRow) => string): Map<string, DataRow[]> {
  const out = new Map<string, DataRow[]>();
  for (const r of rows) {
    const k = key(r);
    const group = out.get(k);
    if (group) group.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * Colours of the estimator variants, by family: InfoNCE blue, NWJ/TUBA orange/red, JS teal,
 * DV green, MINE purple, SMILE gold shades, the interpolated I_α pink shades (12 distinct
 * colours: Vega's default category scheme has 10). Ids not listed get grey.
 */
export const ESTIMATOR_COLORS: Readonly<Record<string, string>> = {
  infonce: '#4c78a8',
  nwj: '#f58518',
  tuba: '#e45756',
  js: '#72b7b2',
  dv: '#54a24b',
  mine: '#b279a2',
  'smile-1': '#8c6d00',
  'smile-5': '#d4a800',
  'smile-inf': '#f0d36e',
  'alpha-0.01': '#a0456b',
  'alpha-0.5': '#e377a4',
  'alpha-0.99': '#f4b6cf',
};

/** A colour channel on the estimator label (`boundLabel`), with the family colours. */
function estimatorColor(ids: readonly string[], extra: [string, string][] = []): VlSpec {
  const sorted = sortIds(ids);
  return {
    field: 'boundLabel',
    type: 'nominal',
    title: 'estimator',
    scale: {
      domain: [...sorted.map((id) => label(id)), ...extra.map(([name]) => name)],
      range: [...sorted.map((id) => ESTIMATOR_COLORS[id] ?? '#888888'), ...extra.map(([, c]) => c)],
    },
  };
}

/** Distinct ids in display order (the order of the labels table, then alphabetical). */
function sortIds(ids: readonly (string | null)[]): string[] {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  const order = labelDomain(unique);
  return unique.sort((a, b) => order.indexOf(label(a)) - order.indexOf(label(b)));
}

/** `I_NCE · MLP critic · Gaussian, seed 0`: a run by its labels. */
function runName(r: DataRow, withSeed = true): string {
  const parts = [r['bound'], r['critic'], r['task']].filter((p) => p !== null).map(label);
  return `${parts.join(' · ')}${withSeed ? `, seed ${r['seed']}` : ''}`;
}

/** The step a failed run stopped at: from its error (`... at step 312`), else its last row. */
function failedStep(run: DataRow, lastStep: Map<string, number>): number | null {
  const m = /at step (\d+)/.exec(String(run['error'] ?? ''));
  return m ? Number(m[1]) : (lastStep.get(runKey(run)) ?? null);
}

/** First caption line: provenance, as {@link caption} in vega-lite.ts writes it. */
export function provenance(paperRef: string, meta: Manifest): string {
  return `${paperRef} · preset ${meta.preset} · ${plural(meta.seeds.length, 'seed')} · backend ${meta.backend}`;
}

/** `30 runs: 27 ok, 3 failed` (and running ones, if any). */
export function runCounts(runs: readonly DataRow[]): string {
  const by = (s: string) => runs.filter((r) => r['status'] === s).length;
  const parts = [`${by('ok')} ok`, `${by('failed')} failed`];
  if (by('running')) parts.push(`${by('running')} running`);
  return `${plural(runs.length, 'run')}: ${parts.join(', ')}`;
}

/**
 * Caption lines naming up to `max` items after `head`, wrapped at about 120 characters, with
 * `and N more` when there are more.
 */
export function listLines(head: string, items: readonly string[], max = 8): string[] {
  const shown = items.slice(0, max);
  if (items.length > max) shown.push(`and ${items.length - max} more`);
  const lines: string[] = [];
  let line = head;
  for (const [i, item] of shown.entries()) {
    const piece = `${item}${i < shown.length - 1 ? ';' : ''}`;
    if (line.length + piece.length > 120 && line !== head) {
      lines.push(line);
      line = `  ${piece}`;
    } else line = `${line} ${piece}`;
  }
  lines.push(line);
  return lines;
}

/** A faceted spec on top of {@link chart}'s title, data and config. */
function facetChart(options: {
  title: string;
  subtitle: string[];
  rows: readonly DataRow[];
  layers: VlSpec[];
  facet: VlSpec;
  columns?: number;
  independentY?: boolean;
  panel?: { width: number; height: number };
  /** Keep {@link chart}'s `stepK` transform (x = step in thousands). */
  stepK?: boolean;
}): VlSpec {
  const {
    layer: _layer,
    width: _w,
    height: _h,
    transform: _t,
    ...base
  } = chart({
    title: options.title,
    subtitle: options.subtitle,
    rows: options.rows,
    layers: options.layers,
  });
  return {
    ...base,
    ...(options.stepK ? { transform: _t } : {}),
    facet: options.facet,
    ...(options.columns ? { columns: options.columns } : {}),
    spec: { ...(options.panel ?? PANEL), layer: options.layers },
    ...(options.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
  };
}

/** A facet header channel on `field`, panels in the order of `domain`. */
const facetHeader = (field: string, domain: readonly string[]) => ({
  field,
  type: 'nominal',
  sort: domain,
  title: null,
  header: { labelFontSize: 12 },
});

/** `I_NCE · Gaussian`: a staircase panel (estimator · task). */
const panelOf = (r: DataRow) =>
  r['task'] === null ? label(r['bound']) : `${label(r['bound'])} · ${label(r['task'])}`;

/** Panel labels in display order: task-major (Poole's rows), then estimator. */
function panelDomain(runs: readonly DataRow[]): string[] {
  const tasks = sortIds(runs.map((r) => r['task'] as string | null));
  const bounds = sortIds(runs.map((r) => r['bound'] as string | null));
  const present = new Set(runs.map(panelOf));
  const out: string[] = [];
  for (const task of tasks.length ? tasks : [null]) {
    for (const bound of bounds) {
      const p = panelOf({ bound, task });
      if (present.has(p)) out.push(p);
    }
  }
  return out;
}

/** Wrap columns: all estimators in one row up to 5, else a divisor of their count near 4. */
function wrapColumns(estimators: number): number {
  if (estimators <= 5) return Math.max(1, estimators);
  return [4, 3, 5, 6].find((c) => estimators % c === 0) ?? 4;
}

/** Per-run segments [from, to] of the true MI, from each evaluation's window (ok runs first). */
function trueMISchedule(evaluations: readonly DataRow[], runs: readonly DataRow[]) {
  const ok = new Set(runs.filter((r) => r['status'] === 'ok').map(runKey));
  const pool = evaluations.some((e) => ok.has(runKey(e)))
    ? evaluations.filter((e) => ok.has(runKey(e)))
    : evaluations;
  const byRun = groupBy(pool, runKey);
  const segments = new Map<string, { from: number; to: number; mi: number }>();
  for (const evals of byRun.values()) {
    evals.sort((a, b) => (a['step'] as number) - (b['step'] as number));
    for (let i = 1; i < evals.length; i++) {
      const mi = num(evals[i]['trueMI']);
      if (mi === null) continue;
      const from = evals[i - 1]['step'] as number;
      const to = evals[i]['step'] as number;
      segments.set(JSON.stringify([from, to, mi]), { from, to, mi });
    }
  }
  return [...segments.values()].sort((a, b) => a.from - b.from || a.to - b.to);
}

/** The staircase's lower y limit (nats); the upper is the top level (or log K) + 4. */
export const STAIRCASE_Y_MIN = -2;

/** Staircase, Poole Fig. 2: every run's estimate over the steps against the true MI. */
export const staircaseEstimates: FigureDef = {
  title: 'Staircase: estimates of a stepped true MI',
  paperRef: 'Poole et al. 2019, Fig. 2',
  build(frames, meta) {
    const names = new Set(frames.traces.array('series') as string[]);
    if (!names.has('estimate') && !names.has('estimateEma')) {
      throw new UserError(
        `staircase figure: the traces frame has no 'estimate' or 'estimateEma' series` +
          ` (found: ${[...names].join(', ') || 'none'})`,
      );
    }
    const runs = rowsOf(frames.runs);
    const evaluations = rowsOf(frames.evaluations);
    const traceRows: DataRow[] = [];
    const lastStep = new Map<string, number>();
    const outside = new Set<string>();
    const schedule = trueMISchedule(evaluations, runs);
    const top = Math.max(4, ...schedule.map((s) => s.mi), meta.constants['logK'] ?? 0);
    const yDomain = [STAIRCASE_Y_MIN, Math.ceil(top) + 4];
    // Each run's two series, by step; thinned to about 2 (raw) and 1 (EMA) points per pixel of
    // the panel width, which keeps the paper preset's 144 runs × 800 points a few MB.
    const series = new Map<
      string,
      { run: DataRow; kind: string; points: [number, number | null][] }
    >();
    for (const t of rowsOf(frames.traces)) {
      const kind = t['series'] as string;
      if (kind !== 'estimate' && kind !== 'estimateEma') continue;
      const key = `${runKey(t)}|${kind}`;
      const entry = series.get(key) ?? { run: t, kind, points: [] };
      entry.points.push([t['step'] as number, num(t['value'])]);
      series.set(key, entry);
    }
    const panelWidth = 220;
    const longest = Math.max(0, ...[...series.values()].map((s) => s.points.length));
    const thin = {
      estimate: Math.ceil(longest / (2 * panelWidth)) || 1,
      estimateEma: Math.ceil(longest / panelWidth) || 1,
    };
    // Values far outside the clip range are clamped one panel height beyond it: the panel clips
    // them either way, and the renderer need not draw lines millions of pixels long.
    const span = yDomain[1] - yDomain[0];
    const clamp = (v: number) => Math.min(yDomain[1] + span, Math.max(yDomain[0] - span, v));
    let spacing = 1;
    for (const { run, kind, points } of series.values()) {
      points.sort((a, b) => a[0] - b[0]);
      if (points.length > 1) spacing = points[1][0] - points[0][0];
      const every = thin[kind as keyof typeof thin];
      const k = runKey(run);
      for (const [i, [step, value]] of points.entries()) {
        if (value !== null) {
          lastStep.set(k, Math.max(lastStep.get(k) ?? 0, step));
          if (value < yDomain[0] || value > yDomain[1]) outside.add(k);
        }
        if (i % every !== 0 && i !== points.length - 1) continue;
        traceRows.push({
          kind,
          panel: panelOf(run),
          criticLabel: label(run['critic']),
          seed: run['seed'],
          step,
          value: value === null ? null : round4(clamp(value)),
        });
      }
    }
    const rawEvery = spacing * thin.estimate;
    const panels = panelDomain(runs);
    const truthRows: DataRow[] = panels.flatMap((panel) =>
      schedule.flatMap((s, i) => [
        { kind: 'trueMI', panel, step: s.from, value: s.mi, order: 2 * i },
        { kind: 'trueMI', panel, step: s.to, value: s.mi, order: 2 * i + 1 },
      ]),
    );
    const logK = meta.constants['logK'];
    const ceilingRows: DataRow[] =
      logK === undefined ? [] : panels.map((panel) => ({ kind: 'logK', panel, value: logK }));
    const rows = [...traceRows, ...truthRows, ...ceilingRows];

    const critics = sortIds(runs.map((r) => r['critic'] as string | null));
    const color = {
      field: 'criticLabel',
      type: 'nominal',
      title: 'critic',
      scale: { domain: critics.map((c) => label(c)) },
    };
    const y = {
      field: 'value',
      type: 'quantitative',
      title: 'MI estimate (nats)',
      scale: { domain: yDomain, nice: false },
    };
    const only = (kind: string) => ({ filter: `datum.kind === '${kind}'` });
    const x = { ...X_STEP_K, axis: { ...X_STEP_K.axis, tickCount: 5, labelOverlap: true } };
    const layers: VlSpec[] = [
      {
        transform: [only('estimate')],
        mark: { type: 'line', strokeWidth: 1, opacity: 0.3, clip: true },
        encoding: { x, y, color, detail: { field: 'seed', type: 'nominal' } },
      },
      {
        transform: [only('estimateEma')],
        mark: { type: 'line', strokeWidth: 2, clip: true },
        encoding: {
          x,
          y,
          color,
          detail: { field: 'seed', type: 'nominal' },
          tooltip: [
            { field: 'panel', title: 'estimator · task' },
            { field: 'criticLabel', title: 'critic' },
            { field: 'seed', type: 'nominal' },
            { field: 'step', type: 'quantitative' },
            { field: 'value', type: 'quantitative', format: '.3f', title: 'EMA' },
          ],
        },
      },
      {
        transform: [only('trueMI')],
        mark: { type: 'line', color: 'black', strokeWidth: 1.5, clip: true },
        encoding: { x, y, order: { field: 'order', type: 'quantitative' } },
      },
    ];
    if (logK !== undefined) {
      layers.push(
        {
          transform: [only('logK')],
          mark: { type: 'rule', color: '#444', strokeDash: [5, 3], strokeWidth: 1 },
          encoding: { y: { field: 'value', type: 'quantitative' } },
        },
        {
          transform: [only('logK')],
          mark: { type: 'text', align: 'left', dx: 3, dy: -6, fontSize: 10, color: '#444' },
          encoding: {
            x: { value: 0 },
            y: { field: 'value', type: 'quantitative' },
            text: { value: 'log K' },
          },
        },
      );
    }

    const failedRuns = runs.filter((r) => r['status'] === 'failed');
    const nonFinite = failedRuns.every((r) => /non-finite/.test(String(r['error'] ?? '')));
    const failed = failedRuns.map((r) => {
      const at = failedStep(r, lastStep);
      return `${runName(r)}${at === null ? '' : `, stopped at step ${at}`}`;
    });
    const K = logK === undefined ? null : Math.round(Math.exp(logK));
    const subtitle = [
      provenance(this.paperRef, meta),
      // The EMA's span is the loop's STAIRCASE_EMA_SPAN (src/run/execute-estimators.ts, which
      // loads TF.js and so cannot be imported here).
      `light: per-step estimate (${rawEvery > 1 ? `every ${rawEvery}th step` : 'every step'}); ` +
        'line: its EMA (span 200); black: true MI' +
        (logK === undefined
          ? ''
          : `; dashed: log K = ${logK.toFixed(2)} (InfoNCE ceiling, K = ${K})`),
      `${runCounts(runs)}` +
        (failed.length
          ? ` (${nonFinite ? 'non-finite estimate' : "see each run's error"}; drawn up to their failure)`
          : '') +
        `; one line per seed`,
      ...(failed.length ? listLines('failed:', failed) : []),
      `y clipped to [${yDomain.map(signed).join(', ')}] nats` +
        (outside.size
          ? `: ${plural(outside.size, 'run')} leave${outside.size === 1 ? 's' : ''} it (cut at the panel edge)`
          : ''),
    ];
    return facetChart({
      title: this.title,
      subtitle,
      rows,
      layers,
      facet: facetHeader('panel', panels),
      columns: wrapColumns(sortIds(runs.map((r) => r['bound'] as string | null)).length),
      panel: { width: panelWidth, height: 150 },
      stepK: true,
    });
  },
};

/** The metrics of the bias-variance figure, in row order. */
export const BIAS_VARIANCE_METRICS = ['bias', 'sd', 'mse'] as const;

/**
 * Per-level statistics of every run ({@link levelStatistics}: the last window of each true-MI
 * level; unfinished levels absent), one row per metric.
 */
function perLevelRows(frames: Frames): DataRow[] {
  return rowsOf(levelStatistics(frames.evaluations, frames.runs)).flatMap((r) =>
    BIAS_VARIANCE_METRICS.map((metric) => ({
      critic: r['critic'],
      bound: r['bound'],
      task: r['task'],
      seed: r['seed'],
      status: r['status'],
      trueMI: r['trueMI'],
      step: r['step'],
      window: r['window'],
      metric,
      value: r[metric],
    })),
  );
}

/** `MLP critic · Gaussian`: a bias-variance column (critic · task). */
const columnOf = (r: DataRow) =>
  [r['critic'], r['task']]
    .filter((p) => p !== null)
    .map(label)
    .join(' · ');

/** Staircase: bias, sd and MSE of every estimator at each true-MI level. */
export const staircaseBiasVariance: FigureDef = {
  title: 'Staircase: bias, variance and MSE per true-MI level',
  paperRef: 'Poole et al. 2019, Fig. 2; Song & Ermon 2020, Fig. 1',
  build(frames, meta) {
    const perRun = perLevelRows(frames);
    const groups = groupBy(perRun, (r) =>
      JSON.stringify([r['metric'], r['critic'], r['bound'], r['task'], r['trueMI']]),
    );
    const rows: DataRow[] = [...groups.values()].map((g) => {
      const values = g.map((r) => r['value'] as number);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const r = g[0];
      return {
        metric: r['metric'],
        metricLabel: label(r['metric']),
        critic: r['critic'],
        bound: r['bound'],
        boundLabel: label(r['bound']),
        task: r['task'],
        column: columnOf(r),
        trueMI: r['trueMI'],
        value: mean,
        n: g.length,
      };
    });
    const runs = rowsOf(frames.runs);
    const bounds = sortIds(runs.map((r) => r['bound'] as string | null));
    const critics = sortIds(runs.map((r) => r['critic'] as string | null));
    const tasks = sortIds(runs.map((r) => r['task'] as string | null));
    const columns: string[] = [];
    for (const critic of critics) {
      for (const task of tasks.length ? tasks : [null]) columns.push(columnOf({ critic, task }));
    }
    const levels = [...new Set(perRun.map((r) => r['trueMI'] as number))].sort((a, b) => a - b);
    // Cells (estimator × critic × task) requested but without a value at some level.
    const have = new Set(
      rows
        .filter((r) => r['metric'] === 'bias')
        .map((r) => JSON.stringify([r['critic'], r['bound'], r['task'], r['trueMI']])),
    );
    const cells = new Map(
      runs.map((r) => [JSON.stringify([r['critic'], r['bound'], r['task']]), r]),
    );
    const missing: string[] = [];
    for (const [key, run] of cells) {
      const absent = levels.filter((mi) => !have.has(JSON.stringify([...JSON.parse(key), mi])));
      if (absent.length) missing.push(`${runName(run, false)} at ${absent.join(', ')} nats`);
    }
    const windows = [...new Set(perRun.map((r) => r['window'] as number))].sort((a, b) => a - b);
    const ns = rows.map((r) => r['n'] as number);
    const nMin = ns.length ? Math.min(...ns) : 0;
    const nMax = ns.length ? Math.max(...ns) : 0;
    const layers: VlSpec[] = [
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: {
            field: 'trueMI',
            type: 'quantitative',
            title: 'true MI (nats)',
            scale: {
              domain: levels.length ? [levels[0], levels.at(-1)] : undefined,
              nice: false,
              padding: 10,
            },
            axis: { values: levels, format: '~r' },
          },
          y: {
            field: 'value',
            type: 'quantitative',
            title: null,
            scale: { type: 'symlog' },
            axis: { format: '.2~g', tickCount: 5, labelOverlap: true },
          },
          color: estimatorColor(bounds),
        },
      },
      {
        mark: { type: 'point', filled: true, size: 30 },
        encoding: {
          x: { field: 'trueMI', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative' },
          color: estimatorColor(bounds),
          tooltip: [
            { field: 'boundLabel', title: 'estimator' },
            { field: 'column', title: 'critic · task' },
            { field: 'trueMI', type: 'quantitative', title: 'true MI' },
            { field: 'metricLabel', title: 'metric' },
            { field: 'value', type: 'quantitative', format: '.4f' },
            { field: 'n', type: 'quantitative', title: 'runs' },
          ],
        },
      },
    ];
    const subtitle = [
      provenance(this.paperRef, meta),
      `per level: the last evaluation of each true-MI level per run (the level's last ` +
        `${windows.length ? windows.join('/') : '?'} steps)`,
      'bias = mean estimate − true MI, sd = sd of the per-step estimates, MSE = bias² + sd²',
      `each point: ${nMax === 1 ? '1 run' : `mean over ${nMin === nMax ? nMin : `${nMin}–${nMax}`} runs (seeds)`}; ` +
        `${runCounts(runs)}; y: symmetric log scale, independent per panel`,
      ...(missing.length
        ? listLines('no value (run failed or unfinished before the level ended):', missing)
        : ['every estimator has a value at every level']),
    ];
    const metrics = BIAS_VARIANCE_METRICS.filter((m) => rows.some((r) => r['metric'] === m));
    return facetChart({
      title: this.title,
      subtitle,
      rows,
      layers,
      facet: {
        row: facetHeader('metricLabel', metrics.map(label)),
        column: facetHeader('column', columns),
      },
      independentY: true,
      panel: { width: 200, height: 130 },
    });
  },
};

/**
 * Task ids of the correlation experiment: `<task>-d<dim>-rho<ρ>`, e.g. `gaussian-d1-rho0.5`,
 * `gaussian-d10-rho-0.9` (see `correlationTasks` in experiments/correlation.ts).
 */
export const CORRELATION_TASK_ID =
  /^(?<task>.+)-d(?<dim>\d+)-rho(?<rho>-?(?:\d+(?:\.\d*)?|\.\d+))$/;

/** The dimension and correlation of a correlation task id, or a {@link UserError}. */
export function parseCorrelationTask(id: string): { task: string; dim: number; rho: number } {
  const m = CORRELATION_TASK_ID.exec(id);
  if (!m?.groups) {
    throw new UserError(
      `correlation figure: task id '${id}' is not of the form <task>-d<dim>-rho<ρ> (e.g. gaussian-d1-rho0.5)`,
    );
  }
  return { task: m.groups['task'], dim: Number(m.groups['dim']), rho: Number(m.groups['rho']) };
}

/** True MI of a d-dimensional pair of ρ-correlated Gaussians: −(d/2)·ln(1 − ρ²). */
export const gaussianMI = (dim: number, rho: number) => -(dim / 2) * Math.log(1 - rho * rho);

/** Correlation: held-out estimate at the last evaluation against the true MI, per dimension. */
export const correlationEstimates: FigureDef = {
  title: 'Estimated vs true MI over the correlation (finite sample)',
  paperRef: 'MINE-style repositories (MI vs ρ)',
  build(frames, meta) {
    const runs = rowsOf(frames.runs);
    const status = new Map(runs.map((r) => [runKey(r), r['status']]));
    const last = new Map<string, DataRow>();
    for (const e of rowsOf(frames.evaluations)) {
      const prev = last.get(runKey(e));
      if (!prev || (e['step'] as number) > (prev['step'] as number)) last.set(runKey(e), e);
    }
    const groups = new Map<string, { row: DataRow; values: number[]; dim: number; rho: number }>();
    const steps = new Set<number>();
    for (const [key, e] of last) {
      const value = num(e['testBound']);
      if (status.get(key) !== 'ok' || value === null) continue;
      const { dim, rho } = parseCorrelationTask(String(e['task']));
      steps.add(e['step'] as number);
      const k = JSON.stringify([e['critic'], e['bound'], dim, rho]);
      const g = groups.get(k) ?? { row: e, values: [], dim, rho };
      g.values.push(value);
      groups.set(k, g);
    }
    const dims = [...new Set(runs.map((r) => parseCorrelationTask(String(r['task'])).dim))].sort(
      (a, b) => a - b,
    );
    const dimLabel = (d: number) => `d = ${d}`;
    const estimateRows: DataRow[] = [...groups.values()].map(({ row, values, dim, rho }) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd =
        values.length > 1
          ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1))
          : null;
      return {
        kind: 'estimate',
        critic: row['critic'],
        criticLabel: label(row['critic']),
        bound: row['bound'],
        boundLabel: label(row['bound']),
        dim,
        dimLabel: dimLabel(dim),
        rho,
        mean,
        sd,
        lo: mean - (sd ?? 0),
        hi: mean + (sd ?? 0),
        n: values.length,
        trueMI: gaussianMI(dim, rho),
      };
    });
    estimateRows.sort((a, b) => (a['rho'] as number) - (b['rho'] as number));
    const TRUE = 'true MI';
    // The truth is drawn densely over ρ ∈ [−0.995, 0.995] but only up to a little above what
    // the panel shows (the estimates, and the truth at the largest |ρ| run), so its steep ends
    // near ±1 do not flatten the estimates.
    const top = (dim: number) => {
      const rhoMax = Math.max(
        ...runs
          .map((r) => parseCorrelationTask(String(r['task'])))
          .filter((t) => t.dim === dim)
          .map((t) => Math.abs(t.rho)),
      );
      const his = estimateRows.filter((r) => r['dim'] === dim).map((r) => r['hi'] as number);
      return Math.max(0.25, 1.15 * Math.max(gaussianMI(dim, rhoMax), ...his));
    };
    const truthRows: DataRow[] = dims.flatMap((dim) => {
      const limit = top(dim);
      return Array.from({ length: 399 }, (_, i) => round4(-0.995 + 0.005 * i))
        .map((rho) => ({
          kind: 'truth',
          boundLabel: TRUE,
          dim,
          dimLabel: dimLabel(dim),
          rho,
          mean: gaussianMI(dim, rho),
        }))
        .filter((r) => r.mean <= limit);
    });
    const bounds = sortIds(runs.map((r) => r['bound'] as string | null));
    const critics = sortIds(runs.map((r) => r['critic'] as string | null));
    const color = estimatorColor(bounds, [[TRUE, 'black']]);
    const dash =
      critics.length > 1
        ? {
            strokeDash: {
              field: 'criticLabel',
              type: 'nominal',
              title: 'critic',
              scale: { domain: critics.map((c) => label(c)) },
            },
          }
        : {};
    const detail = { detail: { field: 'criticLabel', type: 'nominal' } };
    const x = {
      field: 'rho',
      type: 'quantitative',
      title: 'correlation ρ',
      scale: { domain: [-1, 1], nice: false },
      axis: { values: [-1, -0.5, 0, 0.5, 1], format: '~g' },
    };
    const y = { field: 'mean', type: 'quantitative', title: 'MI (nats)' };
    const only = (kind: string) => ({ filter: `datum.kind === '${kind}'` });
    const layers: VlSpec[] = [
      {
        transform: [only('truth')],
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y, color },
      },
      {
        transform: [only('estimate')],
        mark: { type: 'area', opacity: 0.18 },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative' },
          y2: { field: 'hi' },
          color,
          ...detail,
        },
      },
      {
        transform: [only('estimate')],
        mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 30 } },
        encoding: {
          x,
          y,
          color,
          ...(critics.length > 1 ? dash : detail),
          tooltip: [
            { field: 'boundLabel', title: 'estimator' },
            { field: 'criticLabel', title: 'critic' },
            { field: 'rho', type: 'quantitative', title: 'ρ' },
            { field: 'mean', type: 'quantitative', format: '.3f', title: 'estimate' },
            { field: 'sd', type: 'quantitative', format: '.3f' },
            { field: 'trueMI', type: 'quantitative', format: '.3f', title: 'true MI' },
            { field: 'n', type: 'quantitative', title: 'seeds' },
          ],
        },
      },
    ];
    const notOk = runs.filter((r) => r['status'] !== 'ok').map((r) => runName(r));
    const ns = estimateRows.map((r) => r['n'] as number);
    const nMin = ns.length ? Math.min(...ns) : 0;
    const nMax = ns.length ? Math.max(...ns) : 0;
    const stepList = [...steps].sort((a, b) => a - b);
    const subtitle = [
      provenance(this.paperRef, meta),
      `points: held-out estimate at each run's last evaluation (step ${stepList.join('/') || '?'}), ` +
        (nMax > 1
          ? `mean ± 1 sd over ${nMin === nMax ? nMin : `${nMin}–${nMax}`} seeds; `
          : '1 seed each; ') +
        'black: true MI −(d/2)·ln(1 − ρ²)',
      `${runCounts(runs)}${notOk.length ? '; runs not ok are left out' : ''}`,
      ...(notOk.length ? listLines('not ok:', notOk) : []),
    ];
    return facetChart({
      title: this.title,
      subtitle,
      rows: [...truthRows, ...estimateRows],
      layers,
      facet: { column: facetHeader('dimLabel', dims.map(dimLabel)) },
      independentY: true,
    });
  },
};
