/** The table printed at the end of a sweep: per cell, n ok / n runs and final values (mean ± sd). */
import type { RunRecord } from '../results/schema.ts';
import { cellKey } from './grid.ts';

function meanSd(values: number[]): string {
  if (values.length === 0) return '-';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return mean.toFixed(3);
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
}

/** A fixed-width table of the final evaluation of each cell over its runs. */
export function summaryTable(records: RunRecord[], requestedPerCell: Map<string, number>): string {
  const cells = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = cellKey(r.cell) || 'default';
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const rows: string[][] = [
    ['cell', 'ok/runs', 'failed', 'final step', 'accuracy', 'test bound', 'train bound'],
  ];
  for (const [key, requested] of requestedPerCell) {
    const list = cells.get(key) ?? [];
    const ok = list.filter((r) => r.status === 'ok');
    const finals = ok.map((r) => r.evaluations.at(-1)).filter((e) => e !== undefined);
    const pick = (f: (e: (typeof finals)[number]) => number | null | undefined) =>
      finals.map(f).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    rows.push([
      key,
      `${ok.length}/${requested}`,
      String(list.filter((r) => r.status === 'failed').length),
      finals.length ? String(Math.max(...finals.map((e) => e.step))) : '-',
      meanSd(pick((e) => e.accuracy)),
      meanSd(pick((e) => e.testBound)),
      meanSd(pick((e) => e.trainBound)),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((v, c) => v.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
