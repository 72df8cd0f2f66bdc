/**
 * The `gan-modes` findings table (pure maths on frames; never imports TF.js): per data set and
 * method, the measurements of each run's **last** evaluation (modes captured, % high quality,
 * reverse KL), as mean ± standard error (sd / √n, n − 1 in the sd) over the ok seeds, as
 * PacGAN's Table 1 reports its 10 trials. Failed runs are counted, never averaged.
 */
import type { Frames } from './frames.ts';

/** The metric trace series of a `gan-modes` run, in table order. */
export const GAN_METRICS = ['modes', 'highQuality', 'reverseKl'] as const;
export type GanMetric = (typeof GAN_METRICS)[number];

export interface MeanSe {
  mean: number;
  /** Standard error sd/√n; null for n < 2. */
  se: number | null;
  /** Runs with a value. */
  n: number;
}

export interface GanCell {
  dataset: string;
  method: string;
  ok: number;
  failed: number;
  /** Iteration of the last evaluation averaged (the largest among the ok runs). */
  step: number | null;
  /** Per metric; null when no ok run has a value (reverse KL: no high-quality sample anywhere). */
  metrics: Record<GanMetric, MeanSe | null>;
  /** Ok runs whose last evaluation had no high-quality sample (reverse KL undefined there). */
  noHighQuality: number;
}

/** Mean and standard error (sample sd, n − 1) of `values`; null when empty. */
export function meanSe(values: readonly number[]): MeanSe | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: null, n };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), n };
}

type Row = Record<string, string | number | null>;

/** One cell per (data set, method) present in `frames.runs`, in first-seen order. */
export function ganCells(frames: Frames): GanCell[] {
  const runs = frames.runs.objects() as Row[];
  const key = (d: Row) => JSON.stringify([d['task'], d['bound']]);
  const runKey = (d: Row) => JSON.stringify([d['task'], d['bound'], d['seed']]);
  const status = new Map(runs.map((d) => [runKey(d), d['status'] as string]));
  // Each ok run's last value per metric.
  const last = new Map<string, { step: number; values: Partial<Record<string, number | null>> }>();
  for (const d of frames.traces.objects() as Row[]) {
    if (status.get(runKey(d)) !== 'ok') continue;
    const series = d['series'] as string;
    if (!(GAN_METRICS as readonly string[]).includes(series) && series !== 'highQualitySamples')
      continue;
    const k = runKey(d);
    const step = d['step'] as number;
    const entry = last.get(k);
    if (!entry || step > entry.step)
      last.set(k, { step, values: { [series]: d['value'] as number | null } });
    else if (step === entry.step) entry.values[series] = d['value'] as number | null;
  }
  const cells = new Map<
    string,
    GanCell & { lasts: { step: number; values: Partial<Record<string, number | null>> }[] }
  >();
  for (const d of runs) {
    const k = key(d);
    let cell = cells.get(k);
    if (!cell) {
      cell = {
        dataset: d['task'] as string,
        method: d['bound'] as string,
        ok: 0,
        failed: 0,
        step: null,
        metrics: { modes: null, highQuality: null, reverseKl: null },
        noHighQuality: 0,
        lasts: [],
      };
      cells.set(k, cell);
    }
    if (d['status'] === 'ok') {
      cell.ok++;
      const entry = last.get(runKey(d));
      if (entry) cell.lasts.push(entry);
    } else if (d['status'] === 'failed') cell.failed++;
  }
  return [...cells.values()].map(({ lasts, ...cell }) => {
    for (const metric of GAN_METRICS) {
      const values = lasts
        .map((l) => l.values[metric])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      cell.metrics[metric] = meanSe(values);
    }
    cell.noHighQuality = lasts.filter((l) => l.values['highQualitySamples'] === 0).length;
    cell.step = lasts.length ? Math.max(...lasts.map((l) => l.step)) : null;
    return cell;
  });
}

/** `mean ± se` with `digits` decimals (`–` when absent; no ± for a single run). */
export function formatMeanSe(value: MeanSe | null, digits: number): string {
  if (!value) return '–';
  return value.se === null
    ? `${value.mean.toFixed(digits)}`
    : `${value.mean.toFixed(digits)} ± ${value.se.toFixed(digits)}`;
}
