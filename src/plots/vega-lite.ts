/**
 * Vega-Lite building blocks shared by the figures: mean line + ±1 sd band over seeds,
 * percentile bands, captions. Specs are plain JSON objects with inline data, so any Vega
 * editor opens them. Never imports TF.js.
 */
import type { Manifest } from '../results/io.ts';
import { LABELS, label, targetLabel } from './labels.ts';

/** A Vega-Lite spec as plain JSON. */
export type VlSpec = Record<string, unknown>;

/** A data row of a figure (ids, numbers, and the label columns added by {@link withLabels}). */
export type DataRow = Record<string, string | number | null>;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Panel size in pixels. */
export const PANEL = { width: 300, height: 200 } as const;

/** The x axis of every training curve: steps in thousands. */
export const STEP_K_TRANSFORM = { calculate: 'datum.step / 1000', as: 'stepK' } as const;
export const X_STEP_K = {
  field: 'stepK',
  type: 'quantitative',
  title: 'step (×1000)',
  axis: { format: '~g' },
} as const;

/** Id columns that get a display-label column (`bound` → `boundLabel`). */
const LABELLED = ['encoder', 'critic', 'bound', 'sampling', 'metric'] as const;

/** Copies rows adding `<column>Label` for each id column present, and `targetLabel`. */
export function withLabels(rows: readonly DataRow[]): DataRow[] {
  return rows.map((row) => {
    const out: DataRow = { ...row };
    for (const c of LABELLED) if (c in row) out[`${c}Label`] = label(row[c]);
    if ('target' in row) out['targetLabel'] = targetLabel(row['target'] as number | null);
    return out;
  });
}

/** The labels of `ids` in a stable order (the order of {@link LABELS}, then alphabetical). */
export function labelDomain(ids: readonly (string | null)[]): string[] {
  const order = Object.keys(LABELS);
  const rank = (id: string | null) => {
    const i = id === null ? -1 : order.indexOf(id);
    return i < 0 ? order.length : i;
  };
  return [...new Set(ids)]
    .sort((a, b) => rank(a) - rank(b) || String(a).localeCompare(String(b)))
    .map((id) => label(id));
}

/** A nominal channel (colour, strokeDash, facet) on the label column of `idColumn`. */
export function nominal(
  rows: readonly DataRow[],
  idColumn: string,
  title: string | null,
): Record<string, unknown> {
  const ids = rows.map((r) => r[idColumn] as string | null);
  const domain =
    idColumn === 'target'
      ? [...new Set(rows.map((r) => r['target'] as number | null))]
          .sort((a, b) => (a ?? 0) - (b ?? 0))
          .map(targetLabel)
      : labelDomain(ids);
  return { field: `${idColumn}Label`, type: 'nominal', title, scale: { domain } };
}

/** Options of {@link meanBandLayers}. */
export interface SeriesEncoding {
  /** Title of the y axis; null for none (e.g. when the panel header names the quantity). */
  yTitle: string | null;
  /** Colour channel (from {@link nominal}). */
  color: Record<string, unknown>;
  /** Optional second series channel drawn as line dashes. */
  strokeDash?: Record<string, unknown>;
  /** Fixed y domain, e.g. [0, 1] for accuracy; default: fit the data. */
  yDomain?: [number, number];
}

/**
 * Two layers over summary rows (`mean`, `sd`, `n`, `nRequested`): a ±1 sd area and the mean
 * line. Where sd is null (a single run) the band collapses to the line.
 */
export function meanBandLayers(enc: SeriesEncoding): VlSpec[] {
  const yScale = enc.yDomain ? { domain: enc.yDomain, zero: false } : { zero: false };
  const detail = enc.strokeDash ? [{ field: enc.strokeDash['field'], type: 'nominal' }] : undefined;
  return [
    {
      transform: [
        { calculate: 'datum.mean - (datum.sd === null ? 0 : datum.sd)', as: 'lo' },
        { calculate: 'datum.mean + (datum.sd === null ? 0 : datum.sd)', as: 'hi' },
      ],
      mark: { type: 'area', opacity: 0.18 },
      encoding: {
        x: X_STEP_K,
        y: { field: 'lo', type: 'quantitative', title: enc.yTitle, scale: yScale },
        y2: { field: 'hi' },
        color: enc.color,
        ...(detail ? { detail } : {}),
      },
    },
    {
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: X_STEP_K,
        y: { field: 'mean', type: 'quantitative', title: enc.yTitle, scale: yScale },
        color: enc.color,
        ...(enc.strokeDash ? { strokeDash: enc.strokeDash } : {}),
        tooltip: [
          { field: 'step', type: 'quantitative' },
          { field: 'mean', type: 'quantitative', format: '.4f' },
          { field: 'sd', type: 'quantitative', format: '.4f' },
          { field: 'n', type: 'quantitative', title: 'runs' },
          { field: 'nRequested', type: 'quantitative', title: 'requested' },
        ],
      },
    },
  ];
}

/** Caption lines: provenance and how many runs a curve averages. */
export function caption(
  paperRef: string,
  meta: Manifest,
  summary: readonly DataRow[],
  what = 'mean ± 1 sd over seeds',
): string[] {
  const lines = [
    `${paperRef} · preset ${meta.preset} · ${meta.seeds.length} seed${meta.seeds.length === 1 ? '' : 's'} · backend ${meta.backend}`,
  ];
  let fewest: DataRow | null = null;
  for (const row of summary) {
    const short = (row['nRequested'] as number) - (row['n'] as number);
    if (short > 0 && (!fewest || (row['n'] as number) < (fewest['n'] as number))) fewest = row;
  }
  lines.push(`${what}; runs ok ${meta.runs.ok}/${meta.runs.requested}`);
  lines.push(
    fewest
      ? `some points average only ${fewest['n']} of ${fewest['nRequested']} requested runs`
      : 'every point averages all requested runs',
  );
  return lines;
}

/** A titled spec with inline data: a single layered chart, or one panel per `facetColumn`. */
export function chart(options: {
  title: string;
  subtitle: string[];
  rows: readonly DataRow[];
  layers: VlSpec[];
  /** Facet channel (from {@link nominal}), one panel per value. */
  facet?: Record<string, unknown>;
  /** Independent y scales across panels. Default false. */
  independentY?: boolean;
}): VlSpec {
  const base: VlSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, subtitle: options.subtitle, anchor: 'start' },
    data: { values: options.rows },
    transform: [STEP_K_TRANSFORM],
    config: {
      font: 'sans-serif',
      title: { subtitleFontSize: 11 },
      legend: { orient: 'right', symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
    },
  };
  if (!options.facet) return { ...base, ...PANEL, layer: options.layers };
  return {
    ...base,
    facet: {
      column: {
        field: options.facet['field'],
        type: 'nominal',
        sort: (options.facet['scale'] as { domain?: string[] } | undefined)?.domain ?? 'ascending',
        title: null,
        header: { labelFontSize: 13 },
      },
    },
    spec: { ...PANEL, layer: options.layers },
    ...(options.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
  };
}
