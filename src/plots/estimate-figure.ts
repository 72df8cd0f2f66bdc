/**
 * The figure of `mimax estimate`: each neural estimator's held-out (solid) and training-batch
 * (dashed) estimate vs training step, mean over seeds; the baselines (KSG, Gaussian) as
 * horizontal rules at their held-out value; InfoNCE's ceiling log K as a grey dotted rule
 * (when it is near the estimates). Never imports TF.js.
 */
import type { EstimateResult } from '../estimate/result.ts';
import { label } from './labels.ts';
import { PANEL, VEGA_LITE_SCHEMA, type VlSpec } from './vega-lite.ts';

/** Display names of the estimators `mimax estimate` runs by default (others: `label(id)`). */
const NAMES: Readonly<Record<string, string>> = {
  smile: 'SMILE',
  infonce: 'InfoNCE',
  ksg: 'KSG',
  gaussian: 'Gaussian',
};

/** A ceiling above this multiple of the largest estimate is left out (it would flatten the plot). */
const CEILING_SHOWN_UP_TO = 1.25;

/** The Vega-Lite spec (inline data) of the estimate figure. */
export function estimateFigureSpec(result: EstimateResult, subtitle: string[] = []): VlSpec {
  const curves: Record<string, string | number>[] = [];
  const rules: Record<string, string | number>[] = [];
  const ceilings: Record<string, string | number>[] = [];
  for (const e of result.estimators) {
    const name = NAMES[e.id] ?? label(e.id);
    for (const [curve, points] of [
      ['held-out', e.heldOutCurve],
      ['training batches', e.trainCurve],
    ] as const) {
      for (const p of points) {
        if (p.estimate !== null)
          curves.push({ estimator: name, curve, step: p.step, estimate: p.estimate });
      }
    }
    if (e.kind === 'baseline' && e.estimate !== null && Number.isFinite(e.estimate)) {
      rules.push({ estimator: name, estimate: e.estimate });
    }
    if (e.ceiling !== null)
      ceilings.push({ estimator: name, ceiling: e.ceiling, text: `log K (${name})` });
  }
  const domain = result.estimators.map((e) => NAMES[e.id] ?? label(e.id));
  const largest = Math.max(
    ...curves.map((c) => c['estimate'] as number),
    ...rules.map((r) => r['estimate'] as number),
  );
  const shownCeilings = ceilings.filter(
    (c) => (c['ceiling'] as number) <= CEILING_SHOWN_UP_TO * Math.max(largest, 0),
  );
  const color = { field: 'estimator', type: 'nominal', title: 'estimator', scale: { domain } };
  const y = { type: 'quantitative', title: 'I(X; Y) estimate (nats)', scale: { zero: false } };
  const layers: VlSpec[] = [];
  if (curves.length + rules.length === 0) {
    layers.push({
      data: { values: [{ text: 'no finite estimate' }] },
      mark: { type: 'text' },
      encoding: { text: { field: 'text' } },
    });
  }
  if (curves.length) {
    layers.push({
      data: { values: curves },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'training step' },
        y: { field: 'estimate', ...y },
        color,
        strokeDash: {
          field: 'curve',
          type: 'nominal',
          title: 'estimate on',
          scale: {
            domain: ['held-out', 'training batches'],
            range: [
              [1, 0],
              [5, 3],
            ],
          },
        },
        tooltip: [
          { field: 'estimator', type: 'nominal' },
          { field: 'curve', type: 'nominal' },
          { field: 'step', type: 'quantitative' },
          { field: 'estimate', type: 'quantitative', format: '.4f' },
        ],
      },
    });
  }
  if (rules.length) {
    layers.push({
      data: { values: rules },
      mark: { type: 'rule', strokeWidth: 2, strokeDash: [2, 2] },
      encoding: {
        y: { field: 'estimate', ...y },
        color,
        tooltip: [
          { field: 'estimator', type: 'nominal' },
          { field: 'estimate', type: 'quantitative', format: '.4f', title: 'held-out' },
        ],
      },
    });
  }
  if (shownCeilings.length) {
    layers.push({
      data: { values: shownCeilings },
      mark: { type: 'rule', color: '#888', strokeDash: [1, 3] },
      encoding: { y: { field: 'ceiling', ...y } },
    });
  }
  const seeds = result.protocol.seeds.length;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Estimated I(X; Y) vs training step',
      subtitle: [
        ...subtitle,
        `mean over ${seeds} seed${seeds === 1 ? '' : 's'}; neural estimators: held-out (solid) and training-batch (dashed) estimates`,
        `baselines: held-out value (dotted)${shownCeilings.length ? '; grey: the ceiling log K' : ''}`,
      ],
      anchor: 'start',
    },
    ...PANEL,
    width: 420,
    config: {
      font: 'sans-serif',
      title: { subtitleFontSize: 11 },
      legend: { orient: 'right', symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
    },
    layer: layers,
  };
}
