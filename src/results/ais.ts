/**
 * The `ais-mi` frame (pure maths on frames; never imports TF.js): one row per run (model,
 * method, K or T, seed, lower and upper MI bounds with their 95 % CI half-widths, seconds, HMC
 * diagnostics, flagged), and one row per model × method averaged over the ok seeds.
 *
 * Where the numbers live in a record (`src/run/execute-ais.ts`): one-point traces at step =
 * the method's K or T (`miLower`, `miUpper`, `ciLower`, `ciUpper`, `seconds`, `acceptance`,
 * `stepSize`, `acceptanceCollapsed`, `trueMI`, `sampleMI`), so they reach the `traces` frame.
 * `sampleMI` is the exact MI of the run's own N simulated pairs (models with an exact log p(x):
 * linear-Gaussian), the quantity the run's bounds sandwich; `trueMI` is the population value.
 *
 * Averaging over seeds: bounds are means over the ok seeds; the CI half-width of that mean
 * combines the seeds' own half-widths (each over groups of data points) as for a mean of
 * independent estimates, h = √(Σ_s h_s²) / n. The sd over seeds is reported beside it.
 */
import type { Frames } from './frames.ts';

/** Registered bound methods (`src/ais/`), in figure order: a method id starts with one. */
export const AIS_METHOD_FAMILIES = ['iwae-prior', 'iwae-q', 'ais-prior', 'ais-q', 'giwae'] as const;

/** Registered models (`src/generative/models.ts`): a model id starts with one. */
export const AIS_MODEL_KINDS = ['linear-gaussian', 'vae', 'gan'] as const;

/** The trace series of an `ais-mi` run. */
export const AIS_SERIES = [
  'miLower',
  'miUpper',
  'ciLower',
  'ciUpper',
  'seconds',
  'acceptance',
  'stepSize',
  'acceptanceCollapsed',
  'trueMI',
  'sampleMI',
] as const;

/** The registered name an id starts with (`ais-prior-t100` → `ais-prior`), else the id. */
export function familyOf(id: string, names: readonly string[]): string {
  const hits = names.filter((n) => id === n || id.startsWith(`${n}-`));
  return hits.sort((a, b) => b.length - a.length)[0] ?? id;
}

/** The size axis of a method family: K (importance samples) or T (annealing steps). */
export const sizeName = (family: string): 'K' | 'T' => (family.startsWith('ais') ? 'T' : 'K');

export interface AisRun {
  model: string;
  modelKind: string;
  method: string;
  family: string;
  /** K or T (the record's evaluation step). */
  size: number | null;
  seed: number;
  status: string;
  lower: number | null;
  upper: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  seconds: number | null;
  acceptance: number | null;
  stepSize: number | null;
  /** The mean acceptance fell under the loop's `collapseAcceptance`. */
  flagged: boolean;
  trueMI: number | null;
  sampleMI: number | null;
}

type Row = Record<string, string | number | null>;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One row per `ais-mi` run in `frames` (failed and running runs included, values null). */
export function aisRuns(frames: Frames): AisRun[] {
  const key = (d: Row) => JSON.stringify([d['task'], d['bound'], d['seed']]);
  const values = new Map<string, { step: number; series: Record<string, number | null> }>();
  for (const d of frames.traces.objects() as Row[]) {
    const series = d['series'] as string;
    if (!(AIS_SERIES as readonly string[]).includes(series)) continue;
    const k = key(d);
    const entry = values.get(k) ?? { step: d['step'] as number, series: {} };
    entry.series[series] = num(d['value']);
    values.set(k, entry);
  }
  return (frames.runs.objects() as Row[]).map((d) => {
    const model = d['task'] as string;
    const method = d['bound'] as string;
    const v = values.get(key(d));
    const s = v?.series ?? {};
    return {
      model,
      modelKind: familyOf(model, AIS_MODEL_KINDS),
      method,
      family: familyOf(method, AIS_METHOD_FAMILIES),
      size: v ? v.step : null,
      seed: d['seed'] as number,
      status: d['status'] as string,
      lower: s['miLower'] ?? null,
      upper: s['miUpper'] ?? null,
      ciLower: s['ciLower'] ?? null,
      ciUpper: s['ciUpper'] ?? null,
      seconds: s['seconds'] ?? null,
      acceptance: s['acceptance'] ?? null,
      stepSize: s['stepSize'] ?? null,
      flagged: s['acceptanceCollapsed'] === 1,
      trueMI: s['trueMI'] ?? null,
      sampleMI: s['sampleMI'] ?? null,
    };
  });
}

/** One model × method, averaged over its ok seeds. */
export interface AisCell {
  model: string;
  modelKind: string;
  method: string;
  family: string;
  size: number | null;
  /** Runs per status. */
  ok: number;
  failed: number;
  /** Ok runs whose HMC acceptance collapsed (still averaged; named in captions). */
  flagged: number;
  /** Mean over ok seeds (null when none has a value). */
  lower: number | null;
  upper: number | null;
  /** 95 % CI half-widths of the means: √(Σ h_s²) / n. */
  ciLower: number | null;
  ciUpper: number | null;
  /** Sample sd (n − 1) over seeds; null for n < 2. */
  sdLower: number | null;
  sdUpper: number | null;
  /** upper − lower (null unless both exist). */
  gap: number | null;
  /** Mean method seconds. */
  seconds: number | null;
  acceptance: number | null;
  trueMI: number | null;
  /** Mean over ok seeds of the exact MI of each run's simulated pairs (where known). */
  sampleMI: number | null;
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function sd(values: number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values)!;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

/** √(Σ h²) / n over the runs that have a half-width. */
export function combinedHalfWidth(halfWidths: number[]): number | null {
  if (!halfWidths.length) return null;
  return Math.sqrt(halfWidths.reduce((a, h) => a + h * h, 0)) / halfWidths.length;
}

/** Model × method cells in first-seen order of `runs`. */
export function aisCells(runs: readonly AisRun[]): AisCell[] {
  const groups = new Map<string, AisRun[]>();
  for (const r of runs) {
    const k = JSON.stringify([r.model, r.method]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const ok = group.filter((r) => r.status === 'ok');
    const pick = (f: (r: AisRun) => number | null) =>
      ok.map(f).filter((v): v is number => v !== null);
    const lower = mean(pick((r) => r.lower));
    const upper = mean(pick((r) => r.upper));
    const first = group[0];
    return {
      model: first.model,
      modelKind: first.modelKind,
      method: first.method,
      family: first.family,
      size: group.find((r) => r.size !== null)?.size ?? null,
      ok: ok.length,
      failed: group.filter((r) => r.status === 'failed').length,
      flagged: ok.filter((r) => r.flagged).length,
      lower,
      upper,
      ciLower: combinedHalfWidth(pick((r) => (r.lower === null ? null : r.ciLower))),
      ciUpper: combinedHalfWidth(pick((r) => (r.upper === null ? null : r.ciUpper))),
      sdLower: sd(pick((r) => r.lower)),
      sdUpper: sd(pick((r) => r.upper)),
      gap: lower !== null && upper !== null ? upper - lower : null,
      seconds: mean(pick((r) => r.seconds)),
      acceptance: mean(pick((r) => r.acceptance)),
      trueMI: mean(pick((r) => r.trueMI)),
      sampleMI: mean(pick((r) => r.sampleMI)),
    };
  });
}
