/**
 * The figure registry: `FIGURES[experimentId][figureId]` builds the Vega-Lite spec of one
 * paper figure from an experiment's frames. Experiment definitions reference these ids.
 * Never imports TF.js.
 */
import {
  CELL_KEY,
  conditionPercentiles,
  type Frame,
  type Frames,
  movingAverage,
  summarize,
  TRACE_COLUMNS,
  tableFromRows,
} from '../results/frames.ts';
import type { Manifest } from '../results/io.ts';
import { UserError } from '../types.ts';
import { aisGan, aisLinearGaussian, aisVae } from './ais-figures.ts';
import { bmiHeatmap, bmiWithin } from './benchmark-figures.ts';
import {
  correlationEstimates,
  staircaseBiasVariance,
  staircaseEstimates,
} from './estimator-figures.ts';
import { ganMetrics, ganSamples } from './gan-figures.ts';
import { label } from './labels.ts';
import {
  caption,
  chart,
  type DataRow,
  meanBandLayers,
  nominal,
  PANEL,
  type VlSpec,
  withLabels,
  X_STEP_K,
} from './vega-lite.ts';

/** One figure: what it shows, where it is in the paper, how to build it. */
export interface FigureDef {
  title: string;
  /** Paper figure and section, e.g. `Fig. 1a (Sec. 3.1)`. */
  paperRef: string;
  /** Builds the spec (inline data) from one experiment's frames and manifest. */
  build(frames: Frames, meta: Manifest): VlSpec;
  /**
   * False for figures with tens of thousands of marks (the GAN samples: 2,500 points per panel),
   * whose SVG file would be several MB: the PNG and the spec (which the report renders) carry
   * them. Default true.
   */
  svgFile?: boolean;
}

/**
 * Smoothing of the noniid estimates (Fig. 4c): a centered moving average over this many
 * steps (the window is converted to trace points using the trace spacing, at least 1 point),
 * applied to each run's series before averaging over seeds.
 */
export const NONIID_SMOOTHING_STEPS = 1000;

const rowsOf = (t: Frame) => t.objects() as DataRow[];

/** Mean ± sd of `value` per cell and step, with label columns. */
function summaryRows(frames: Frames, value: string): DataRow[] {
  return withLabels(rowsOf(summarize(frames.evaluations, frames.runs, value)));
}

/** A mean ± sd line figure of one evaluation column. */
function lineFigure(options: {
  title: string;
  paperRef: string;
  value: 'accuracy' | 'testBound';
  /** Colour by this cell column. */
  color: string;
  colorTitle: string;
  /** One panel per value of this cell column. */
  facet?: string;
  strokeDash?: string;
  /** Extra layers drawn on top (e.g. target lines). */
  extra?: (rows: DataRow[]) => VlSpec[];
}): FigureDef {
  return {
    title: options.title,
    paperRef: options.paperRef,
    build(frames, meta) {
      const rows = summaryRows(frames, options.value);
      const layers = meanBandLayers({
        yTitle: label(options.value),
        color: nominal(rows, options.color, options.colorTitle),
        strokeDash: options.strokeDash ? nominal(rows, options.strokeDash, 'target') : undefined,
        yDomain: undefined,
      });
      return chart({
        title: options.title,
        subtitle: caption(options.paperRef, meta, rows),
        rows,
        layers: [...layers, ...(options.extra?.(rows) ?? [])],
        facet: options.facet ? nominal(rows, options.facet, null) : undefined,
      });
    },
  };
}

/** Fig. 2a: accuracy and bound side by side (two panels, independent y), colour = bound. */
const accuracyAndBound: FigureDef = {
  title: 'Non-invertible encoder: accuracy and bound',
  paperRef: 'Fig. 2a (Sec. 3.1)',
  build(frames, meta) {
    const rows = ['accuracy', 'testBound'].flatMap((metric) =>
      summaryRows(frames, metric).map((r) => ({ ...r, metric, metricLabel: label(metric) })),
    );
    return chart({
      title: this.title,
      subtitle: caption(this.paperRef, meta, rows),
      rows,
      layers: meanBandLayers({ yTitle: null, color: nominal(rows, 'bound', 'bound') }),
      facet: nominal(rows, 'metric', null),
      independentY: true,
    });
  },
};

/** Fig. 2b/2c: nested percentile bands of log condition numbers for one bound. */
function conditionFigure(bound: string, paperRef: string): FigureDef {
  const title = `Jacobian log condition number, ${label(bound)}`;
  return {
    title,
    paperRef,
    build(frames, meta) {
      const all = rowsOf(conditionPercentiles(frames.conditions, frames.runs));
      const rows = withLabels(all.filter((r) => r['bound'] === bound));
      const band = (lo: string, hi: string, opacity: number) => ({
        mark: { type: 'area', opacity, color: '#4c78a8' },
        encoding: {
          x: X_STEP_K,
          y: { field: lo, type: 'quantitative', title: label('logCondition') },
          y2: { field: hi },
        },
      });
      const seeds = rows.reduce((m, r) => Math.max(m, r['seeds'] as number), 0);
      const samples = rows.length ? (rows.at(-1)!['n'] as number) : 0;
      return chart({
        title,
        subtitle: [
          `${paperRef} · preset ${meta.preset} · ${meta.seeds.length} seed${meta.seeds.length === 1 ? '' : 's'} · backend ${meta.backend}`,
          'bands: min–max, 20–80th, 40–60th percentile; line: median',
          `pooled over ${seeds} ok runs × samples (n = ${samples} at the last step)`,
        ],
        rows,
        layers: [
          band('min', 'max', 0.15),
          band('p20', 'p80', 0.3),
          band('p40', 'p60', 0.5),
          {
            mark: { type: 'line', color: '#1f3b63', strokeWidth: 2 },
            encoding: { x: X_STEP_K, y: { field: 'p50', type: 'quantitative' } },
          },
        ],
      });
    },
  };
}

/** Rules at the |I − t| targets, dashed like the curves of the same target. */
function targetRules(rows: DataRow[]): VlSpec[] {
  if (!rows.some((r) => r['target'] !== null)) return [];
  return [
    {
      mark: { type: 'rule', color: '#666', strokeWidth: 1 },
      encoding: {
        y: { field: 'target', type: 'quantitative', aggregate: 'max' },
        strokeDash: nominal(rows, 'target', 'target'),
      },
    },
  ];
}

/** The per-step estimate rows of the noniid experiment, smoothed per run. */
function smoothedEstimates(frames: Frames): Frame {
  const series = new Set(frames.traces.array('series') as string[]);
  const name = series.has('estimate') ? 'estimate' : series.has('trainBound') ? 'trainBound' : null;
  if (name === null) {
    throw new UserError(
      `noniid figure: the traces frame has no 'estimate' (or 'trainBound') series` +
        ` (found: ${[...series].join(', ') || 'none'})`,
    );
  }
  const rows = rowsOf(frames.traces).filter((r) => r['series'] === name);
  const steps = [...new Set(rows.map((r) => r['step'] as number))].sort((a, b) => a - b);
  const spacing = steps.length > 1 ? steps[1] - steps[0] : 1;
  const window = Math.max(1, Math.round(NONIID_SMOOTHING_STEPS / spacing));
  return movingAverage(tableFromRows(TRACE_COLUMNS, rows), 'value', window, [...CELL_KEY, 'seed']);
}

/** Fig. 4c: the four smoothed estimates (NCE/NWJ × iid/non-iid) and the true MI. */
const noniidEstimates: FigureDef = {
  title: 'Non-iid samples: estimates exceed the true MI',
  paperRef: 'Fig. 4c (Sec. 4)',
  build(frames, meta) {
    const smoothed = smoothedEstimates(frames);
    const rows = withLabels(rowsOf(summarize(smoothed, frames.runs, 'smoothed')));
    const layers = meanBandLayers({
      yTitle: 'MI estimate (nats)',
      color: nominal(rows, 'bound', 'bound'),
      strokeDash: { ...nominal(rows, 'sampling', 'sampling') },
    });
    const trueMI = meta.constants['trueMI'];
    if (trueMI !== undefined) {
      layers.push(
        {
          mark: { type: 'rule', color: 'black', strokeDash: [6, 4] },
          encoding: { y: { datum: trueMI } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, fontSize: 11 },
          encoding: {
            x: { aggregate: 'min', field: 'stepK', type: 'quantitative' },
            y: { datum: trueMI },
            text: { value: `true MI = ${trueMI.toFixed(4)}` },
          },
        },
      );
    }
    const spec = chart({
      title: this.title,
      subtitle: caption(
        this.paperRef,
        meta,
        rows,
        `centered moving average (${NONIID_SMOOTHING_STEPS} steps) per run, mean ± 1 sd over seeds`,
      ),
      rows,
      layers,
    });
    return { ...spec, ...PANEL, width: 420 };
  },
};

/** `FIGURES[experimentId][figureId]`: every figure of every experiment. */
export const FIGURES: Readonly<Record<string, Readonly<Record<string, FigureDef>>>> = {
  invertible: {
    accuracy: lineFigure({
      title: 'Invertible encoder: probe accuracy rises while MI is constant',
      paperRef: 'Fig. 1a (Sec. 3.1)',
      value: 'accuracy',
      color: 'bound',
      colorTitle: 'bound',
    }),
    bound: lineFigure({
      title: 'Invertible encoder: test bound',
      paperRef: 'Fig. 1b (Sec. 3.1)',
      value: 'testBound',
      color: 'bound',
      colorTitle: 'bound',
    }),
  },
  adversarial: {
    accuracy: lineFigure({
      title: 'Adversarially trained invertible encoder: probe accuracy collapses',
      paperRef: 'Fig. 1c (Sec. 3.1)',
      value: 'accuracy',
      color: 'encoder',
      colorTitle: 'encoder',
    }),
  },
  'non-invertible': {
    'accuracy-bound': accuracyAndBound,
    'condition-nwj': conditionFigure('nwj', 'Fig. 2b (Sec. 3.1)'),
    'condition-infonce': conditionFigure('infonce', 'Fig. 2c (Sec. 3.1)'),
  },
  'critic-impact': {
    accuracy: lineFigure({
      title: 'Critic architecture: probe accuracy',
      paperRef: 'Fig. 3a/3b (Sec. 3.2)',
      value: 'accuracy',
      color: 'critic',
      colorTitle: 'critic',
      facet: 'bound',
    }),
    bound: lineFigure({
      title: 'Critic architecture: test bound',
      paperRef: 'Fig. 3c/3d (Sec. 3.2)',
      value: 'testBound',
      color: 'critic',
      colorTitle: 'critic',
      facet: 'bound',
    }),
  },
  'encoder-impact': {
    accuracy: lineFigure({
      title: 'Encoder architecture: probe accuracy at the same bound value',
      paperRef: 'Fig. 4a (Sec. 3.3)',
      value: 'accuracy',
      color: 'encoder',
      colorTitle: 'encoder',
      strokeDash: 'target',
      facet: 'bound',
    }),
    bound: lineFigure({
      title: 'Encoder architecture: test bound and its target',
      paperRef: 'Fig. 4b (Sec. 3.3)',
      value: 'testBound',
      color: 'encoder',
      colorTitle: 'encoder',
      strokeDash: 'target',
      facet: 'bound',
      extra: targetRules,
    }),
  },
  noniid: {
    estimates: noniidEstimates,
  },
  staircase: {
    estimates: staircaseEstimates,
    'bias-variance': staircaseBiasVariance,
  },
  correlation: {
    estimates: correlationEstimates,
  },
  'bmi-benchmark': {
    heatmap: bmiHeatmap,
    within: bmiWithin,
  },
  'gan-modes': {
    samples: ganSamples,
    metrics: ganMetrics,
  },
  'ais-mi': {
    'linear-gaussian': aisLinearGaussian,
    vae: aisVae,
    gan: aisGan,
  },
};

/** The figure `figureId` of `experiment`, or a {@link UserError} listing what exists. */
export function getFigure(experiment: string, figureId: string): FigureDef {
  const figure = FIGURES[experiment]?.[figureId];
  if (!figure) {
    throw new UserError(
      `no figure '${figureId}' for '${experiment}' (known: ${figureIds(experiment).join(', ')})`,
    );
  }
  return figure;
}

/** The figure ids of `experiment`, or a {@link UserError} listing the known experiments. */
export function figureIds(experiment: string): string[] {
  const figures = FIGURES[experiment];
  if (!figures) {
    throw new UserError(
      `no figures for experiment '${experiment}' (known: ${Object.keys(FIGURES).join(', ')})`,
    );
  }
  return Object.keys(figures);
}
