/**
 * Figures of `gan-modes` (MI as a GAN regularizer; measured as in VEEGAN and PacGAN):
 * - `samples`: the generated points of one seed's last evaluation over the true modes (grid,
 *   ring: centres; spiral: the noise-free curves), one panel per method, rows = data sets;
 * - `metrics`: modes captured, % high quality and reverse KL vs iterations, mean ± sd over ok
 *   seeds, colour = method, one column per data set.
 * Failed (NaN / diverged) runs are counted in both captions. Never imports TF.js.
 */
import * as aq from 'arquero';
import { modeDataset, SPIRAL_CIRCLE_RADIUS, spiralArmPoint } from '../data/mode-datasets.ts';
import { summarize } from '../results/frames.ts';
import { GAN_METRICS } from '../results/gan.ts';
import type { Manifest } from '../results/io.ts';
import { listLines, provenance, runCounts } from './estimator-figures.ts';
import type { FigureDef } from './figures.ts';
import {
  type DataRow,
  meanBandLayers,
  PANEL,
  STEP_K_TRANSFORM,
  VEGA_LITE_SCHEMA,
  type VlSpec,
} from './vega-lite.ts';

/** Display labels of the methods (ids stay in the data). */
export const GAN_METHOD_LABELS: Readonly<Record<string, string>> = {
  gan: 'GAN',
  mine: 'GAN + MINE',
  'mine-noclip': 'GAN + MINE, no clipping',
  nwj: 'GAN + NWJ',
  infonce: 'GAN + InfoNCE',
  'smile-5': 'GAN + SMILE (τ=5)',
  'mine-conditional': 'GAN + MINE, conditional',
};

export const GAN_DATASET_LABELS: Readonly<Record<string, string>> = {
  grid: '25 Gaussians (grid)',
  ring: '8 Gaussians (ring)',
  spiral: 'spiral + circle',
};

const METRIC_LABELS: Readonly<Record<string, string>> = {
  modes: 'modes captured',
  highQuality: 'high quality (%)',
  reverseKl: 'reverse KL (nats)',
};

const methodLabel = (id: string) => GAN_METHOD_LABELS[id] ?? id;
const datasetLabel = (id: string) => GAN_DATASET_LABELS[id] ?? id;

/** Half-width of the plotted window per data set (points outside are counted, not drawn). */
const WINDOW: Readonly<Record<string, number>> = { grid: 6, ring: 1.6, spiral: 7.5 };

function ordered(ids: Iterable<string>, order: readonly string[]): string[] {
  const rank = (id: string) => (order.indexOf(id) < 0 ? order.length : order.indexOf(id));
  return [...new Set(ids)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const METHOD_ORDER = Object.keys(GAN_METHOD_LABELS);
const DATASET_ORDER = Object.keys(GAN_DATASET_LABELS);

/** Caption lines: provenance, run counts and the failed (diverged) runs by cell. */
function captionLines(paperRef: string, meta: Manifest, runs: readonly DataRow[]): string[] {
  const failed = runs
    .filter((r) => r['status'] === 'failed')
    .map((r) => `${methodLabel(r['bound'] as string)} on ${r['task']} seed ${r['seed']}`);
  return [
    provenance(paperRef, meta),
    `${runCounts(runs)} (a NaN or diverged run is failed: left out of the curves and the table)`,
    ...(failed.length ? listLines('failed runs:', failed, 6) : []),
  ];
}

/** The true modes as points: centres (grid, ring) or dense noise-free curve points (spiral). */
export function truthRows(dataset: string): DataRow[] {
  const geometry = modeDataset(dataset);
  const rows: DataRow[] = [];
  if (dataset !== 'spiral') {
    for (let k = 0; k < geometry.modes; k++) {
      rows.push({
        x: geometry.centres[2 * k],
        y: geometry.centres[2 * k + 1],
        curve: `mode-${k}`,
        order: 0,
      });
    }
    return rows;
  }
  const n = 200;
  for (let i = 0; i <= n; i++) {
    const theta = (2 * Math.PI * i) / n;
    for (const arm of [0, 1]) {
      const [x, y] = spiralArmPoint(arm, theta);
      rows.push({ x, y, curve: `arm-${arm}`, order: i });
    }
    rows.push({
      x: SPIRAL_CIRCLE_RADIUS * Math.cos(theta),
      y: SPIRAL_CIRCLE_RADIUS * Math.sin(theta),
      curve: 'circle',
      order: i,
    });
  }
  return rows;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000 + 0; // + 0: no -0 in the spec

export const ganSamples: FigureDef = {
  title: 'Generated samples over the true modes',
  svgFile: false, // 2,500 points × 13 panels: a 7 MB SVG; the PNG and the spec carry it
  paperRef: 'PacGAN Fig. 4 (Lin et al. 2018); MINE Sec. 5.1',
  build(frames, meta) {
    const runs = frames.runs.objects() as DataRow[];
    const ok = new Set(
      runs
        .filter((r) => r['status'] === 'ok')
        .map((r) => JSON.stringify([r['task'], r['bound'], r['seed']])),
    );
    const points = (frames.points.objects() as DataRow[]).filter((p) =>
      ok.has(JSON.stringify([p['task'], p['bound'], p['seed']])),
    );
    const seeds = [...new Set(points.map((p) => p['seed'] as number))].sort((a, b) => a - b);
    const steps = [...new Set(points.map((p) => p['step'] as number))].sort((a, b) => a - b);
    const datasets = ordered(
      runs.map((r) => r['task'] as string),
      DATASET_ORDER,
    );
    const methods = ordered(
      runs.map((r) => r['bound'] as string),
      METHOD_ORDER,
    );
    // One row per panel holding its coordinate arrays (flattened by the sample layer): 13
    // panels × 2,500 points as one row each would make a spec of several MB.
    let outside = 0;
    const panels = new Map<string, { task: string; bound: string; x: number[]; y: number[] }>();
    for (const p of points) {
      const w = WINDOW[p['task'] as string] ?? 10;
      const x = p['x'] as number | null;
      const y = p['y'] as number | null;
      if (x === null || y === null || Math.abs(x) > w || Math.abs(y) > w) {
        outside++;
        continue;
      }
      const key = JSON.stringify([p['task'], p['bound']]);
      let panel = panels.get(key);
      if (!panel) {
        panel = { task: p['task'] as string, bound: p['bound'] as string, x: [], y: [] };
        panels.set(key, panel);
      }
      panel.x.push(round3(x)); // 1e-3 is far below a pixel of a 160-px panel over ±5
      panel.y.push(round3(y));
    }
    // DataRow holds scalars; these rows carry arrays, which Vega-Lite's `flatten` expands.
    const rows = [...panels.values()].map((p) => ({
      kind: 'sample',
      ...p,
    })) as unknown as DataRow[];
    // The truth is drawn in every panel of its data set's row.
    const cells = new Set(runs.map((r) => JSON.stringify([r['task'], r['bound']])));
    for (const dataset of datasets) {
      for (const method of methods) {
        if (!cells.has(JSON.stringify([dataset, method]))) {
          // An excluded cell still gets a row: Vega lays a facet grid with a missing cell out of
          // order (the panels shifted by one), so every cell exists and says why it is empty.
          rows.push({ kind: 'excluded', task: dataset, bound: method, x: 0, y: 0 });
          continue;
        }
        for (const t of truthRows(dataset))
          rows.push({ kind: 'truth', task: dataset, bound: method, ...t });
      }
    }
    const perPanel = new Map<string, number>();
    for (const p of points) {
      const k = JSON.stringify([p['task'], p['bound']]);
      perPanel.set(k, (perPanel.get(k) ?? 0) + 1);
    }
    const counts = [...new Set(perPanel.values())].sort((a, b) => a - b);
    for (const r of rows) {
      r['taskLabel'] = datasetLabel(r['task'] as string);
      r['boundLabel'] = methodLabel(r['bound'] as string);
    }
    const subtitle = [
      ...captionLines(this.paperRef, meta, runs),
      `${seeds.length ? `seed ${seeds.join(', ')}` : 'no ok run kept its samples'}, at iteration ${steps.join(', ') || '–'}; ` +
        `grey: generated (${counts.join(', ') || 0} per panel), red: true modes${outside ? `; ${outside} samples outside the window not drawn` : ''}`,
    ];
    return {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: this.title, subtitle, anchor: 'start' },
      data: { values: rows },
      facet: {
        row: { field: 'taskLabel', type: 'nominal', title: null, sort: datasets.map(datasetLabel) },
        column: {
          field: 'boundLabel',
          type: 'nominal',
          title: null,
          sort: methods.map(methodLabel),
        },
      },
      spec: {
        width: 160,
        height: 160,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'sample'" }, { flatten: ['x', 'y'] }],
            mark: { type: 'circle', size: 4, opacity: 0.35, color: '#555' },
            encoding: {
              x: { field: 'x', type: 'quantitative', title: null, scale: { zero: false } },
              y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'excluded'" }],
            mark: { type: 'text', text: 'not in the grid', color: '#888' },
            encoding: {
              x: { field: 'x', type: 'quantitative', axis: null },
              y: { field: 'y', type: 'quantitative', axis: null },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'truth' && datum.task !== 'spiral'" }],
            mark: { type: 'point', shape: 'cross', size: 30, color: '#d62728', strokeWidth: 1.5 },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'truth' && datum.task === 'spiral'" }],
            mark: { type: 'line', color: '#d62728', strokeWidth: 1 },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
              detail: { field: 'curve', type: 'nominal' },
              order: { field: 'order', type: 'quantitative' },
            },
          },
        ],
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      config: { font: 'sans-serif', title: { subtitleFontSize: 11 } },
    };
  },
};

export const ganMetrics: FigureDef = {
  title: 'Mode coverage vs iterations',
  paperRef: 'PacGAN Table 1 measures (Lin et al. 2018); MINE Sec. 5.1',
  build(frames, meta) {
    const runs = frames.runs.objects() as DataRow[];
    const rows: DataRow[] = [];
    const by = ['experiment', 'task', 'bound'];
    for (const metric of GAN_METRICS) {
      const series = frames.traces.filter(aq.escape((d: DataRow) => d['series'] === metric));
      for (const r of summarize(series, frames.runs, 'value', { by }).objects() as DataRow[]) {
        rows.push({
          ...r,
          metric,
          metricLabel: METRIC_LABELS[metric],
          taskLabel: datasetLabel(r['task'] as string),
          boundLabel: methodLabel(r['bound'] as string),
        });
      }
    }
    const methods = ordered(
      runs.map((r) => r['bound'] as string),
      METHOD_ORDER,
    );
    const datasets = ordered(
      runs.map((r) => r['task'] as string),
      DATASET_ORDER,
    );
    const color = {
      field: 'boundLabel',
      type: 'nominal',
      title: 'method',
      scale: { domain: methods.map(methodLabel) },
    };
    const subtitle = [
      ...captionLines(this.paperRef, meta, runs),
      'mean ± 1 sd over ok seeds of 2,500 generated samples per evaluation; reverse KL averages the runs with ≥ 1 high-quality sample',
    ];
    return {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: this.title, subtitle, anchor: 'start' },
      data: { values: rows },
      facet: {
        row: {
          field: 'metricLabel',
          type: 'nominal',
          title: null,
          sort: GAN_METRICS.map((m) => METRIC_LABELS[m]),
        },
        column: {
          field: 'taskLabel',
          type: 'nominal',
          title: null,
          sort: datasets.map(datasetLabel),
        },
      },
      spec: {
        width: PANEL.width,
        height: 160,
        transform: [STEP_K_TRANSFORM],
        layer: meanBandLayers({ yTitle: null, color }),
      },
      resolve: { scale: { y: 'independent' } },
      config: { font: 'sans-serif', title: { subtitleFontSize: 11 } },
    } as VlSpec;
  },
};
