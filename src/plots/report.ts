/**
 * The HTML report: one self-contained page with every experiment's figures (interactive,
 * vega-embed), a table of final accuracies and bounds per cell, and each result set's
 * provenance. The vega, vega-lite and vega-embed bundles are copied from node_modules to
 * `<out>/vendor/` (no CDN), so the page works offline and from `file://`. Never imports TF.js.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { summarize } from '../results/frames.ts';
import type { Manifest, ResultSet } from '../results/io.ts';
import { listExperiments, loadResultSet } from '../results/source.ts';
import { UserError } from '../types.ts';
import { FIGURES, figureIds, getFigure } from './figures.ts';
import { label, targetLabel } from './labels.ts';
import type { DataRow, VlSpec } from './vega-lite.ts';

/** The browser bundles the page loads, in order (vega-embed's UMD build needs the other two). */
const VENDOR = [
  { pkg: 'vega', file: 'vega.min.js' },
  { pkg: 'vega-lite', file: 'vega-lite.min.js' },
  { pkg: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

/** Path of a package's browser bundle (each package's main entry sits in its `build/`). */
function vendorSource(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(pkg)), file);
}

/** Copies the vega bundles to `<out>/vendor/`; returns their paths relative to `out`. */
export function copyVendor(out: string): string[] {
  mkdirSync(join(out, 'vendor'), { recursive: true });
  return VENDOR.map(({ pkg, file }) => {
    copyFileSync(vendorSource(pkg, file), join(out, 'vendor', file));
    return `vendor/${file}`;
  });
}

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** Frames dir (e.g. `precomputed/`) or results dir with `records/` (see `loadResultSet`). */
  from: string;
  /** Output dir; the page is `<out>/index.html`. */
  out: string;
  /** Experiments to include. Default: every experiment found in `from` that has figures. */
  experiments?: readonly string[];
  /** Page title. Default `mimax report`. */
  title?: string;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
  );

/** JSON safe inside a `<script>` element. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');

const fmt = (x: unknown, digits: number) =>
  typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';

/** Final value per cell: the summary row at each cell's last step. */
function finalRows(set: ResultSet, value: string): Map<string, DataRow> {
  const rows = summarize(set.frames.evaluations, set.frames.runs, value).objects() as DataRow[];
  const out = new Map<string, DataRow>();
  for (const r of rows) {
    const key = JSON.stringify(CELL_HEADERS.map((c) => r[c]));
    const prev = out.get(key);
    if (!prev || (r['step'] as number) >= (prev['step'] as number)) out.set(key, r);
  }
  return out;
}

const CELL_HEADERS = ['encoder', 'critic', 'bound', 'target', 'sampling', 'task'];

/** The table of final accuracies, test and train bounds per cell (mean ± sd, n ok / n requested). */
function finalTable(set: ResultSet): string {
  const accuracy = finalRows(set, 'accuracy');
  const bound = finalRows(set, 'testBound');
  // The training bound: the only estimate of the bound-only experiment (noniid), and the
  // paper's own "test" value elsewhere (see README, protocol notes).
  const trainBound = finalRows(set, 'trainBound');
  const keys = [...new Set([...accuracy.keys(), ...bound.keys(), ...trainBound.keys()])].sort();
  const runs = set.frames.runs.objects() as DataRow[];
  const cell = (s: DataRow | undefined, digits: number) =>
    s
      ? `${fmt(s['mean'], digits)} ± ${fmt(s['sd'], digits)} <span class="n">(n ${s['n']}/${s['nRequested']}, step ${s['step']})</span>`
      : '—';
  const cells = keys.map((key) => JSON.parse(key) as (string | number | null)[]);
  // Cell columns that are null in every row (e.g. target outside encoder-impact) are left out.
  const shown = CELL_HEADERS.map((_, k) => cells.some((c) => c[k] !== null));
  const body = keys.map((key, i) => {
    const failed = runs.filter(
      (r) =>
        JSON.stringify([r['encoder'], r['critic'], r['bound'], r['target'], r['sampling']]) ===
          key && r['status'] !== 'ok',
    ).length;
    const ids = cells[i]
      .map((id, k) =>
        shown[k]
          ? `<td>${escapeHtml(k === 3 ? targetLabel(id as number | null) : label(id))}</td>`
          : '',
      )
      .join('');
    return (
      `<tr>${ids}<td>${cell(accuracy.get(key), 4)}</td>` +
      `<td>${cell(bound.get(key), 3)}</td><td>${cell(trainBound.get(key), 3)}</td>` +
      `<td>${failed || ''}</td></tr>`
    );
  });
  const head = CELL_HEADERS.filter((_, k) => shown[k])
    .map((h) => `<th>${h}</th>`)
    .join('');
  return (
    `<table class="final"><thead><tr>${head}<th>test accuracy</th><th>test bound (nats)</th>` +
    `<th>train bound (nats)</th><th>runs not ok</th></tr></thead><tbody>${body.join('\n')}</tbody></table>`
  );
}

/** The manifest as a small definition list. */
function provenance(m: Manifest): string {
  const items: [string, string][] = [
    ['preset', m.preset],
    ['seeds', m.seeds.join(', ')],
    [
      'runs',
      `${m.runs.ok} ok, ${m.runs.failed} failed, ${m.runs.running} running of ${m.runs.requested}`,
    ],
    ['backend', m.backend],
    [
      'versions',
      Object.entries(m.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['config hash', m.configHashes.join(', ')],
    ['date', m.date],
    ['command', m.command ?? 'unknown'],
  ];
  return `<dl class="provenance">${items
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join('')}</dl>`;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
.figure { margin: 1rem 0; min-height: 100px; }
table.final { border-collapse: collapse; font-size: .9rem; margin: .5rem 0 1rem; }
table.final td, table.final th { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; }
table.final .n { color: #777; font-size: .8rem; }
dl.provenance { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; font-size: .85rem; }
dl.provenance dt { font-weight: 600; } dl.provenance dd { margin: 0; }
.error { color: #b00; white-space: pre-wrap; }
`;

/**
 * Writes `<out>/index.html` with every experiment of `from` and copies the vega bundles to
 * `<out>/vendor/`. Returns the page's path. No experiment found is a {@link UserError}.
 */
export function writeReport(options: ReportOptions): string {
  // Paper order (the registry's), then any other experiment given explicitly.
  const found = options.experiments ?? listExperiments(options.from);
  const experiments = [
    ...Object.keys(FIGURES).filter((e) => found.includes(e)),
    ...(options.experiments ?? []).filter((e) => !FIGURES[e]),
  ];
  if (experiments.length === 0) {
    throw new UserError(`no experiment results with figures in ${options.from}`);
  }
  const specs: Record<string, VlSpec> = {};
  const sections = experiments.map((experiment) => {
    const set = loadResultSet(options.from, experiment);
    const figures = figureIds(experiment).map((id) => {
      const figure = getFigure(experiment, id);
      const domId = `fig-${experiment}-${id}`;
      specs[domId] = figure.build(set.frames, set.manifest);
      return `<div class="figure" id="${escapeHtml(domId)}" data-figure="${escapeHtml(`${experiment}/${id}`)}"></div>`;
    });
    return (
      `<section id="${escapeHtml(experiment)}"><h2>${escapeHtml(experiment)}</h2>\n` +
      `${figures.join('\n')}\n<h3>Final values per cell</h3>\n${finalTable(set)}\n` +
      `<h3>Provenance</h3>\n${provenance(set.manifest)}</section>`
    );
  });
  mkdirSync(options.out, { recursive: true });
  const scripts = copyVendor(options.out)
    .map((src) => `<script src="${src}"></script>`)
    .join('\n');
  const title = options.title ?? 'mimax report';
  const nav = experiments
    .map((e) => `<a href="#${escapeHtml(e)}">${escapeHtml(e)}</a>`)
    .join(' · ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${scripts}
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Tschannen et al., <a href="https://arxiv.org/abs/1907.13625">On Mutual Information Maximization for Representation Learning</a> (ICLR 2020), reproduced with mimax. Lines: mean over seeds; bands: ±1 sd.</p>
<nav>${nav}</nav>
${sections.join('\n')}
<script type="application/json" id="mimax-specs">${scriptJson(specs)}</script>
<script>
const specs = JSON.parse(document.getElementById('mimax-specs').textContent);
for (const [id, spec] of Object.entries(specs)) {
  vegaEmbed('#' + id, spec, { renderer: 'svg', actions: { export: true, source: true, compiled: false, editor: false } })
    .catch((err) => {
      const el = document.getElementById(id);
      el.className += ' error';
      el.textContent = 'figure failed: ' + err;
      console.error(err);
    });
}
</script>
</body>
</html>
`;
  const path = join(options.out, 'index.html');
  writeFileSync(path, html);
  return path;
}
