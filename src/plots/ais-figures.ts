/**
 * Figures of `ais-mi` (Brekelmans et al., ICLR 2022, Sec. 6), one per model kind
 * (`linear-gaussian`, `vae`, `gan`): rows = the kind's model variants (e.g. vae-z2, vae-z10),
 * columns = the bound methods (IWAE prior, IWAE q, AIS prior, AIS q, GIWAE). In each panel the
 * lower (solid) and upper (dashed) MI bounds vs K or T on a log axis, means over ok seeds with
 * 95 % CI bars (`src/results/ais.ts`), the gap between them shaded, the true MI as a red rule
 * where known (and the exact MI of the runs' simulated pairs as a black dotted one), and log K as a grey dotted line under IWAE with the prior (its lower bound
 * cannot exceed it). The caption counts runs (ok / failed), names runs whose HMC acceptance
 * collapsed and the mean seconds per method. The y axis is symmetric-log (K = 1 upper bounds
 * are hundreds of nats). Never imports TF.js.
 */

import { AIS_METHOD_FAMILIES, aisCells, aisRuns } from '../results/ais.ts';
import type { Manifest } from '../results/io.ts';
import { listLines, provenance, runCounts } from './estimator-figures.ts';
import type { FigureDef } from './figures.ts';
import { type DataRow, VEGA_LITE_SCHEMA, type VlSpec } from './vega-lite.ts';

/** Display labels of the method families (ids stay in the data). */
export const AIS_METHOD_LABELS: Readonly<Record<string, string>> = {
  'iwae-prior': 'IWAE, prior proposal (K)',
  'iwae-q': 'IWAE, learned q (K)',
  'ais-prior': 'AIS from the prior (T)',
  'ais-q': 'AIS from q (T)',
  giwae: 'GIWAE (K)',
};

const familyLabel = (id: string) => AIS_METHOD_LABELS[id] ?? id;

const fmt = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));

/** The figure of one model kind. */
function boundsFigure(kind: string, title: string): FigureDef {
  return {
    title,
    paperRef: 'Brekelmans et al. 2022 Sec. 6',
    build(frames, meta: Manifest): VlSpec {
      const runs = aisRuns(frames).filter((r) => r.modelKind === kind);
      const cells = aisCells(runs);
      const rows: DataRow[] = [];
      for (const c of cells) {
        if (c.size === null) continue;
        const base = {
          model: c.model,
          family: c.family,
          familyLabel: familyLabel(c.family),
          size: c.size,
        };
        if (c.lower !== null && c.upper !== null)
          rows.push({ kind: 'gap', ...base, lower: c.lower, upper: c.upper });
        for (const [which, value, half] of [
          ['lower', c.lower, c.ciLower],
          ['upper', c.upper, c.ciUpper],
        ] as const) {
          if (value === null) continue;
          rows.push({
            kind: 'bound',
            ...base,
            which,
            value,
            lo: value - (half ?? 0),
            hi: value + (half ?? 0),
          });
        }
        if (c.family === 'iwae-prior')
          rows.push({ kind: 'logK', ...base, value: Math.log(c.size) });
      }
      // The truth (population MI) and the exact MI of the simulated pairs, one rule each per
      // panel of a model that has them (the same for every method of a model × seed).
      for (const [kind, of] of [
        ['truth', (c: (typeof cells)[number]) => c.trueMI],
        ['sampleTruth', (c: (typeof cells)[number]) => c.sampleMI],
      ] as const) {
        const values = new Map<string, number>();
        for (const c of cells) {
          const v = of(c);
          if (v !== null) values.set(c.model, v);
        }
        for (const c of cells) {
          const value = values.get(c.model);
          if (value !== undefined && c.size !== null)
            rows.push({
              kind,
              model: c.model,
              family: c.family,
              familyLabel: familyLabel(c.family),
              value,
            });
        }
      }
      const hasSampleTruth = cells.some((c) => c.sampleMI !== null);
      const families = AIS_METHOD_FAMILIES.filter((f) => cells.some((c) => c.family === f));
      const models = [...new Set(cells.map((c) => c.model))];
      const runRows = runs.map((r) => ({ status: r.status }) as DataRow);
      const flagged = runs
        .filter((r) => r.flagged)
        .map((r) => `${r.model} ${r.method} seed ${r.seed} (acceptance ${fmt(r.acceptance)})`);
      const failed = runs
        .filter((r) => r.status === 'failed')
        .map((r) => `${r.model} ${r.method} seed ${r.seed}`);
      // Seconds per run of each method, averaged over this kind's models (one item per method:
      // a per-model list would not fit the caption).
      const byMethod = new Map<string, number[]>();
      for (const c of cells)
        if (c.seconds !== null)
          byMethod.set(c.method, [...(byMethod.get(c.method) ?? []), c.seconds]);
      const seconds = [...byMethod].map(
        ([method, s]) => `${method} ${fmt(s.reduce((a, b) => a + b, 0) / s.length, 1)} s`,
      );
      const subtitle = runs.length
        ? [
            provenance(this.paperRef, meta),
            `${runCounts(runRows)}; means over ok seeds, bars: 95 % CI over groups of data points`,
            `solid: MI lower bound, dashed: upper bound, shaded: the gap${cells.some((c) => c.trueMI !== null) ? '; red: true MI' : ' (no closed-form MI for these models)'};`,
            'grey dotted: log K (the IWAE-prior lower bound cannot exceed it)',
            ...(hasSampleTruth
              ? [
                  'black dotted: the exact MI of the N simulated pairs, what each run sandwiches (the red population value differs from it by sampling noise)',
                ]
              : []),
            ...(flagged.length
              ? listLines('HMC acceptance collapsed (flagged, still averaged):', flagged, 6)
              : ['no run flagged for collapsed HMC acceptance']),
            ...(failed.length ? listLines('failed runs:', failed, 6) : []),
            ...listLines(
              `seconds per run (mean over ${models.length === 1 ? 'the model' : `the ${models.length} models`}):`,
              seconds,
              12,
            ),
          ]
        : [`${provenance(this.paperRef, meta)}`, `no ${kind} runs in these results`];
      const x = {
        field: 'size',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'K or T (log scale)',
        // Decades only: Vega's automatic log ticks overlap at this width (1 2 10 20 … 1k 2k 10k).
        axis: { format: '~s', values: [1, 10, 100, 1000, 10000, 100000] },
      };
      const color = {
        field: 'familyLabel',
        type: 'nominal',
        title: 'method',
        scale: { domain: families.map(familyLabel) },
        legend: null,
      };
      // Symmetric log y: the K = 1 upper bounds are hundreds of nats while the lower bounds start
      // at 0, and a linear axis would flatten everything near the truth. symlog is linear within
      // ±1 nat (constant 1) and logarithmic beyond, so 0 stays on the axis.
      const y = (field: string, title?: string) => ({
        field,
        type: 'quantitative',
        scale: { type: 'symlog', constant: 1, nice: false },
        // Vega's automatic symlog ticks skip most decades; ticks outside a panel's domain drop.
        axis: { values: [0, 1, 3, 10, 30, 100, 300, 1000, 3000], grid: true },
        ...(title ? { title } : {}),
      });
      const layer: VlSpec[] = [
        {
          transform: [{ filter: "datum.kind === 'gap'" }],
          mark: { type: 'area', opacity: 0.2 },
          encoding: {
            x,
            y: y('lower', 'I(X; Z) bound (nats, symlog scale)'),
            y2: { field: 'upper' },
            color,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bound'" }],
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: y('value'),
            color,
            strokeDash: {
              field: 'which',
              type: 'nominal',
              scale: {
                domain: ['lower', 'upper'],
                range: [
                  [1, 0],
                  [5, 3],
                ],
              },
              legend: null,
            },
            detail: { field: 'which', type: 'nominal' },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bound'" }],
          mark: { type: 'rule' },
          encoding: {
            x,
            y: y('lo'),
            y2: { field: 'hi' },
            color,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'logK'" }],
          mark: { type: 'line', color: '#888', strokeDash: [2, 2] },
          encoding: { x, y: y('value') },
        },
        {
          transform: [{ filter: "datum.kind === 'truth'" }],
          mark: { type: 'rule', color: '#d62728', strokeDash: [6, 3] },
          encoding: { y: y('value') },
        },
        {
          transform: [{ filter: "datum.kind === 'sampleTruth'" }],
          mark: { type: 'rule', color: '#222', strokeDash: [1, 2], strokeWidth: 2 },
          encoding: { y: y('value') },
        },
      ];
      return {
        $schema: VEGA_LITE_SCHEMA,
        title: { text: title, subtitle, anchor: 'start' },
        data: { values: rows },
        facet: {
          row: { field: 'model', type: 'nominal', title: null, sort: models },
          column: {
            field: 'familyLabel',
            type: 'nominal',
            title: null,
            sort: families.map(familyLabel),
            header: { labelFontSize: 12 },
          },
        },
        spec: { width: 170, height: 150, layer },
        // One K/T axis for every panel (a panel with a single K, GIWAE's, got labels that overlapped)
        resolve: { scale: { y: 'independent', x: 'shared' } },
        config: { font: 'sans-serif', title: { subtitleFontSize: 11 } },
      };
    },
  };
}

export const aisLinearGaussian = boundsFigure(
  'linear-gaussian',
  'MI bounds of the linear-Gaussian models (truth known)',
);
export const aisVae = boundsFigure('vae', 'MI bounds of the MNIST VAEs');
export const aisGan = boundsFigure('gan', 'MI bounds of the MNIST GAN generator (σ² = 0.03)');
