/**
 * Figures of `bmi-benchmark` (Czyż et al. 2023, Fig. 2): the heatmap of every estimator on
 * every task (colour = ln(estimate / truth) clipped to [−1, 1], the mean estimate printed in
 * each cell, failed cells shown as failed) and the count of tasks within 10 % of the truth
 * per estimator. Never imports TF.js.
 */
import {
  type BenchmarkCell,
  benchmarkCells,
  isWithin,
  logRatio,
  WITHIN_FRACTION,
  withinSummary,
} from '../results/benchmark.ts';
import type { Manifest } from '../results/io.ts';
import { listLines, provenance, runCounts } from './estimator-figures.ts';
import type { FigureDef } from './figures.ts';
import { label } from './labels.ts';
import { type DataRow, VEGA_LITE_SCHEMA, type VlSpec } from './vega-lite.ts';

/** Column labels of the table: the estimator label, with the Gaussian estimate named CCA. */
export function estimatorColumn(id: string): string {
  return id === 'gaussian' ? 'CCA (Gaussian)' : label(id);
}

/**
 * Column order: classical, variational, diffusion (bmi's figure groups estimators by family);
 * ids not listed follow, alphabetically.
 */
const ESTIMATOR_ORDER = ['ksg-10', 'ksg-5', 'ksg', 'gaussian', 'mine', 'infonce', 'nwj', 'dv'];

function sortedEstimators(cells: readonly BenchmarkCell[]): string[] {
  const rank = (id: string) => {
    const i = ESTIMATOR_ORDER.indexOf(id);
    if (i >= 0) return `0${String(i).padStart(3, '0')}`;
    return id.startsWith('minde') ? `2${id}` : `1${id}`; // SMILE etc. before MINDE
  };
  return [...new Set(cells.map((c) => c.estimator))].sort((a, b) => rank(a).localeCompare(rank(b)));
}

/** Row order: task ids in natural order (families together, dimensions ascending). */
function sortedTasks(cells: readonly BenchmarkCell[]): BenchmarkCell[] {
  return [...cells].sort((a, b) => a.task.localeCompare(b.task, 'en', { numeric: true }));
}

/** Row label: the bmi task id and its true MI. */
const taskRow = (c: BenchmarkCell) => `${c.task} (${c.truth === null ? '?' : c.truth.toFixed(2)})`;

/** Pixels per heatmap cell (rows are tasks, columns estimators). */
const CELL = { width: 62, height: 18 } as const;

function base(title: string, subtitle: string[]): VlSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle, anchor: 'start' },
    config: { font: 'sans-serif', title: { subtitleFontSize: 11 }, view: { stroke: null } },
  };
}

/** Caption lines shared by both figures. */
function captionLines(
  paperRef: string,
  meta: Manifest,
  frames: Parameters<FigureDef['build']>[0],
  cells: readonly BenchmarkCell[],
): string[] {
  const runs = frames.runs.objects() as DataRow[];
  const failedCells = cells
    .filter((c) => c.failed > 0)
    .map((c) => `${estimatorColumn(c.estimator)} on ${c.task} (${c.failed} of ${c.ok + c.failed})`);
  const seedCounts = cells.map((c) => c.ok);
  const lo = seedCounts.length ? Math.min(...seedCounts) : 0;
  const hi = seedCounts.length ? Math.max(...seedCounts) : 0;
  return [
    provenance(paperRef, meta),
    `each cell: mean over ${lo === hi ? lo : `${lo}–${hi}`} ok seeds of the final held-out estimate; ${runCounts(runs)}`,
    ...(failedCells.length ? listLines('failed runs:', failedCells, 6) : []),
  ];
}

/** The heatmap of bmi's main figure. */
export const bmiHeatmap: FigureDef = {
  title: 'Estimates on the bmi tasks: ln(estimate / true MI)',
  paperRef: 'Czyż et al. 2023, Fig. 2',
  build(frames, meta) {
    const cells = benchmarkCells(frames);
    const tasks = [...new Set(sortedTasks(cells).map(taskRow))];
    const estimators = sortedEstimators(cells).map(estimatorColumn);
    const rows: DataRow[] = cells.map((c) => {
      const failedAll = c.mean === null && c.failed > 0;
      const pending = c.mean === null && c.failed === 0; // only running or stopped runs
      return {
        task: c.task,
        taskLabel: taskRow(c),
        estimator: c.estimator,
        estimatorLabel: estimatorColumn(c.estimator),
        truth: c.truth,
        mean: c.mean,
        sd: c.sd,
        ok: c.ok,
        failed: c.failed,
        ratio: c.mean === null || c.truth === null ? null : logRatio(c.mean, c.truth),
        // The printed value; a star marks a cell where some (not all) runs failed.
        text: pending
          ? 'running'
          : failedAll
            ? 'failed'
            : `${c.mean!.toFixed(2)}${c.failed ? '*' : ''}`,
        status: pending ? 'running' : failedAll ? 'failed' : 'ok',
      };
    });
    const x = {
      field: 'estimatorLabel',
      type: 'nominal',
      title: null,
      sort: estimators,
      axis: { orient: 'top', labelAngle: -35, labelAlign: 'left' },
    };
    const y = {
      field: 'taskLabel',
      type: 'nominal',
      title: null, // the caption says what the parentheses hold
      sort: tasks,
      axis: { labelLimit: 360 }, // bmi ids are long (spiral-normal_cdf-multinormal-sparse-…)
    };
    const tooltip = [
      { field: 'task' },
      { field: 'estimatorLabel', title: 'estimator' },
      { field: 'mean', type: 'quantitative', format: '.3f', title: 'mean estimate' },
      { field: 'sd', type: 'quantitative', format: '.3f' },
      { field: 'truth', type: 'quantitative', format: '.3f', title: 'true MI' },
      { field: 'ok', type: 'quantitative', title: 'ok runs' },
      { field: 'failed', type: 'quantitative', title: 'failed runs' },
    ];
    const layers: VlSpec[] = [
      {
        transform: [{ filter: "datum.status === 'ok'" }],
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: {
            field: 'ratio',
            type: 'quantitative',
            title: 'ln(est / true)',
            // Red: underestimate, blue: overestimate, white: right (bmi's colour rule).
            scale: { domain: [-1, 1], scheme: 'redblue', clamp: true },
            legend: { values: [-1, -0.5, 0, 0.5, 1], format: '.1f' },
          },
          tooltip,
        },
      },
      {
        transform: [{ filter: "datum.status === 'failed'" }],
        mark: { type: 'rect', color: '#bbbbbb' },
        encoding: { x, y, tooltip },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: 'text' },
          color: {
            condition: { test: 'datum.ratio !== null && abs(datum.ratio) > 0.6', value: 'white' },
            value: 'black',
          },
        },
      },
    ];
    const subtitle = [
      ...captionLines(this.paperRef, meta, frames, cells),
      'rows: bmi task id (true MI, nats); colour: ln(mean estimate / true MI) clipped to [−1, 1]',
      'red: below the truth, blue: above; * some runs of the cell failed; grey: every run failed',
      ...(rows.some((r) => r['status'] === 'running') ? ['"running": runs not finished yet'] : []),
    ];
    return {
      ...base(this.title, subtitle),
      data: { values: rows },
      width: CELL.width * estimators.length,
      height: CELL.height * tasks.length,
      layer: layers,
    };
  },
};

/** Per estimator: how many tasks its mean estimate gets within 10 % of the truth. */
export const bmiWithin: FigureDef = {
  title: `Tasks within ${WITHIN_FRACTION * 100} % of the true MI, per estimator`,
  paperRef: 'Czyż et al. 2023, Fig. 2',
  build(frames, meta) {
    const cells = benchmarkCells(frames);
    const order = sortedEstimators(cells);
    const summary = withinSummary(cells).sort(
      (a, b) => order.indexOf(a.estimator) - order.indexOf(b.estimator),
    );
    const rows: DataRow[] = summary.map((s) => ({
      estimator: s.estimator,
      estimatorLabel: estimatorColumn(s.estimator),
      within: s.within,
      tasks: s.tasks,
      failedTasks: s.failedTasks,
      text: `${s.within} / ${s.tasks}${s.failedTasks ? ` (${s.failedTasks} failed)` : ''}`,
    }));
    const y = {
      field: 'estimatorLabel',
      type: 'nominal',
      title: null,
      sort: rows.map((r) => r['estimatorLabel'] as string),
    };
    const within = cells.filter(
      (c) => c.mean !== null && c.truth !== null && isWithin(c.mean, c.truth),
    ).length;
    const subtitle = [
      ...captionLines(this.paperRef, meta, frames, cells),
      `a task counts when |mean estimate / true MI − 1| ≤ ${WITHIN_FRACTION}; ${within} of ${cells.length} cells do`,
    ];
    return {
      ...base(this.title, subtitle),
      data: { values: rows },
      width: 480, // wide enough for the caption's run counts
      height: 22 * rows.length,
      layer: [
        {
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: {
            y,
            x: {
              field: 'within',
              type: 'quantitative',
              title: 'tasks within 10 % of the truth',
              scale: { domain: [0, Math.max(1, ...summary.map((s) => s.tasks))] },
            },
            tooltip: [
              { field: 'estimatorLabel', title: 'estimator' },
              { field: 'within', type: 'quantitative' },
              { field: 'tasks', type: 'quantitative' },
              { field: 'failedTasks', type: 'quantitative', title: 'tasks with every run failed' },
            ],
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: { y, x: { field: 'within', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    };
  },
};
