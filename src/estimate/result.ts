/**
 * What `estimate()` returns and how it is shown: per-estimator summaries over seeds (mean ± sd
 * of the held-out estimate), the table the CLI prints and the JSON it writes. Imports no TF.js.
 */
import type { Json, Options } from '../types.ts';
import type { CurvePoint, EstimatorKind, FitResult } from './data-estimator.ts';

/** One fit of one estimator: one seed (its own split, initialization and batch order). */
export interface SeedResult {
  seed: number;
  status: FitResult['status'];
  error?: string;
  /** Held-out estimate (nats); null unless `ok`. */
  estimate: number | null;
  /** The same on as many train rows (nats); null unless `ok`. */
  trainEstimate: number | null;
  /** Diffusion (MINDE): sd over the Monte Carlo draws averaged into `estimate`. */
  mcSd?: number;
  seconds: number;
  trainCurve: CurvePoint[];
  heldOutCurve: CurvePoint[];
}

/** One estimator over all seeds. */
export interface EstimatorSummary {
  id: string;
  estimator: string;
  kind: EstimatorKind;
  /** Resolved options of the estimator. */
  options: Options;
  /** Mean over the `ok` seeds of the held-out estimate (nats); null if none is ok. */
  estimate: number | null;
  /** Sample sd (n − 1) over the ok seeds; null for fewer than two. */
  sd: number | null;
  /** Mean over the ok seeds of the train estimate (nats). */
  trainEstimate: number | null;
  perSeed: SeedResult[];
  /** Mean over the ok seeds, step by step (neural; [] for the baselines). */
  trainCurve: CurvePoint[];
  heldOutCurve: CurvePoint[];
  /** Seconds of all its fits together. */
  seconds: number;
  /** A value the estimate cannot exceed (InfoNCE: log K), or null. */
  ceiling: number | null;
}

/** How the estimates were made (stored with them). */
export interface EstimateProtocol {
  seeds: number[];
  testFraction: number;
  /** Rows of each split. */
  trainRows: number;
  testRows: number;
  /** Neural estimators' training (null fields when only baselines ran). */
  critic: string | null;
  criticOptions: Options | null;
  steps: number | null;
  epochs: number | null;
  batchSize: number | null;
  learningRate: number | null;
  standardize: 'train split';
}

export interface EstimateResult {
  /** Rows (pairs), and the columns of x and y. */
  n: number;
  dx: number;
  dy: number;
  xNames: string[];
  yNames: string[];
  protocol: EstimateProtocol;
  estimators: EstimatorSummary[];
  /** True when a stop request (Ctrl-C, `signal`) ended the work early: only finished fits count. */
  stopped: boolean;
  /** Wall-clock seconds of the whole call. */
  seconds: number;
}

function meanSd(values: number[]): { mean: number | null; sd: number | null } {
  if (values.length === 0) return { mean: null, sd: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, sd: null };
  const squares = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(squares / (values.length - 1)) };
}

/** Step-by-step mean of curves sharing their steps (finite values only). */
function meanCurve(curves: CurvePoint[][]): CurvePoint[] {
  if (curves.length === 0) return [];
  return curves[0].map((point, i) => {
    const values = curves
      .map((c) => c[i]?.estimate)
      .filter((v): v is number => typeof v === 'number');
    return { step: point.step, estimate: meanSd(values).mean };
  });
}

/** The summary of one estimator's fits. */
export function summarize(
  head: Pick<EstimatorSummary, 'id' | 'estimator' | 'kind' | 'options'>,
  perSeed: SeedResult[],
  ceiling: number | null,
): EstimatorSummary {
  const ok = perSeed.filter((s) => s.status === 'ok');
  const held = meanSd(ok.map((s) => s.estimate as number));
  return {
    ...head,
    estimate: held.mean,
    sd: held.sd,
    trainEstimate: meanSd(ok.map((s) => s.trainEstimate as number)).mean,
    perSeed,
    trainCurve: meanCurve(ok.map((s) => s.trainCurve)),
    heldOutCurve: meanCurve(ok.map((s) => s.heldOutCurve)),
    seconds: perSeed.reduce((a, s) => a + s.seconds, 0),
    ceiling,
  };
}

const fixed = (v: number | null, digits = 3) => (v === null ? '–' : v.toFixed(digits));

/** Pads columns: text left-aligned in the first, numbers right-aligned elsewhere. */
function alignRows(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The table the CLI prints: one row per estimator with the estimate (mean of the held-out
 * estimates over seeds), its sd, the train estimate, the held-out estimate of each seed, the
 * seconds and the ceiling; failed fits are listed under it.
 */
export function formatTable(result: EstimateResult): string {
  const p = result.protocol;
  const header = [
    'estimator',
    'estimate',
    'sd',
    'train',
    'held-out per seed',
    'seconds',
    'ceiling',
  ];
  const rows = [header];
  for (const e of result.estimators) {
    const perSeed = e.perSeed.map((s) => fixed(s.estimate)).join(' ');
    const ceiling = e.ceiling === null ? '' : `log K = ${e.ceiling.toFixed(3)}`;
    rows.push([
      e.id,
      fixed(e.estimate),
      fixed(e.sd),
      fixed(e.trainEstimate),
      perSeed,
      e.seconds.toFixed(1),
      ceiling,
    ]);
  }
  // No ceiling anywhere (baselines only): leave the column out.
  if (result.estimators.every((e) => e.ceiling === null)) for (const r of rows) r.pop();
  const lines = alignRows(rows);
  lines.splice(1, 0, '-'.repeat(Math.max(...lines.map((l) => l.length))));
  const training =
    p.critic === null
      ? ''
      : `; neural: ${p.critic} critic, ${p.steps === null ? `${p.epochs} epochs` : `${p.steps} steps`}, batch ${p.batchSize}, Adam ${p.learningRate}`;
  const notes = [
    `I(X; Y) in nats: mean ± sd over ${p.seeds.length} seed${p.seeds.length === 1 ? '' : 's'} of the held-out estimate ` +
      `(${p.testRows} of ${result.n} rows held out, columns standardized on the ${p.trainRows} train rows)${training}.`,
    `train: the same estimate on ${p.testRows} train rows (above the held-out one when a critic overfits); seconds: all seeds.`,
  ];
  for (const e of result.estimators) {
    for (const s of e.perSeed) {
      if (s.status === 'failed') notes.push(`${e.id} seed ${s.seed} failed: ${s.error}`);
      if (s.status === 'stopped') notes.push(`${e.id} seed ${s.seed} stopped before the end`);
    }
  }
  if (result.stopped) notes.push('stopped early: only the fits listed above finished.');
  return `${lines.join('\n')}\n\n${notes.join('\n')}`;
}

/** JSON has no NaN/±∞: such numbers become null. */
function jsonSafe(value: unknown): Json {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out;
  }
  return value as Json;
}

/** The JSON document the CLI writes (`estimate.json`) and prints with `--format json`. */
export function resultJson(result: EstimateResult, extra: { [key: string]: Json } = {}): Json {
  return jsonSafe({ ...extra, ...result });
}
