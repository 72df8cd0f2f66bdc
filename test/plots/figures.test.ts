import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { STAIRCASE_FAIL_STEP } from '../../scripts/make-fixture-records.ts';
import {
  CORRELATION_TASK_ID,
  gaussianMI,
  parseCorrelationTask,
} from '../../src/plots/estimator-figures.ts';
import { FIGURES, figureIds, getFigure } from '../../src/plots/figures.ts';
import { label, targetLabel } from '../../src/plots/labels.ts';
import { specJson } from '../../src/plots/plot.ts';
import { compileSpec, renderSvg, resvgOptions } from '../../src/plots/render.ts';
import { isBold, textWidth } from '../../src/plots/text-width.ts';
import { framesFromRecords } from '../../src/results/io.ts';
import { UserError } from '../../src/types.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'records');
const sets = framesFromRecords(FIXTURES);

/** Line series drawn: `mark-line` groups holding a path with a non-empty outline. */
function countLines(svg: string): number {
  const groups = svg.match(/<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/gs) ?? [];
  return groups.filter((g) => /<path[^>]* d="M[^"]+"/.test(g)).length;
}
const countMarks = (svg: string, mark: string) =>
  (svg.match(new RegExp(`<g class="mark-${mark} role-mark`, 'g')) ?? []).length;

/** Figure → [line series, texts the SVG must contain]. */
const EXPECTED: Record<string, [number, string[]]> = {
  'invertible/accuracy': [2, ['I_NCE', 'I_NWJ', 'Test accuracy', 'step (×1000)']],
  'invertible/bound': [2, ['I_NCE', 'I_NWJ', 'Bound (nats)']],
  'adversarial/accuracy': [1, ['RealNVP']],
  'non-invertible/accuracy-bound': [4, ['I_NCE', 'I_NWJ', 'Test accuracy', 'Bound (nats)']],
  'non-invertible/condition-nwj': [1, ['log(σ_max / σ_min)', 'I_NWJ']],
  'non-invertible/condition-infonce': [1, ['log(σ_max / σ_min)', 'I_NCE']],
  'critic-impact/accuracy': [
    6,
    ['Bilinear critic', 'Separable critic', 'MLP critic', 'only 1 of 2'],
  ],
  'critic-impact/bound': [6, ['Bilinear critic', 'Separable critic', 'MLP critic']],
  'encoder-impact/accuracy': [8, ['MLP', 'ConvNet', 't = 2', 't = 4']],
  'encoder-impact/bound': [8, ['MLP', 'ConvNet', 't = 2', 't = 4']],
  'noniid/estimates': [4, ['I_NCE', 'I_NWJ', 'non-iid', 'true MI = 0.0204']],
  // 12 runs × (raw trace + EMA), and the true-MI staircase in each of the 6 panels.
  'staircase/estimates': [
    30,
    [
      'I_NCE · Gaussian',
      'MINE · Cubic',
      'SMILE (τ=5) · Gaussian',
      'Separable critic',
      'MLP critic',
      'true MI',
      'log K',
      '12 runs: 11 ok, 1 failed (non-finite estimate; drawn up to their failure)',
      'y clipped to [−2, 9] nats',
    ],
  ],
  // 3 metrics × (2 critics × 2 tasks) panels × 3 estimators (the failed run's a single point).
  'staircase/bias-variance': [
    36,
    [
      'bias (nats)',
      'sd (nats)',
      'MSE (nats²)',
      'I_NCE',
      'MINE',
      'SMILE (τ=5)',
      'Separable critic · Cubic',
      'true MI (nats)',
      "the level's last 100 steps",
      'no value (run failed or unfinished before the level ended): MINE · MLP critic · Gaussian at 4 nats',
    ],
  ],
  // 3 estimators and the true MI in each of the 2 dimension panels.
  'correlation/estimates': [
    8,
    [
      'd = 1',
      'd = 10',
      'I_NCE',
      'MINE',
      'SMILE (τ=5)',
      'true MI',
      'correlation ρ',
      '24 runs: 24 ok',
    ],
  ],
  'bmi-benchmark/heatmap': [
    0,
    ['KSG (k=10)', 'CCA (Gaussian)', 'I_NCE', '1v1-normal-0.75 (0.41)', '12 runs: 11 ok, 1 failed'],
  ],
  'bmi-benchmark/within': [0, ['tasks within 10 % of the truth', '1 / 2']],
  // gan-modes fixtures are a real smoke run (7 runs: 3 methods × {grid, spiral} + conditional).
  'gan-modes/samples': [
    9,
    [
      '25 Gaussians (grid)',
      'GAN + MINE',
      'Generated samples over the true modes',
      'not in the grid', // the conditional mode on the spiral: an excluded cell, still a panel
    ],
  ],
  'gan-modes/metrics': [21, ['modes captured', 'high quality (%)', 'reverse KL (nats)']],
  // ais-mi fixtures are a real smoke run (8 ok runs): per panel a lower and an upper line,
  // and log K (failed runs in the caption: test/run/ais.test.ts, on hand-made records).
  'ais-mi/linear-gaussian': [
    9,
    ['IWAE, prior proposal (K)', 'AIS from the prior (T)', '4 runs: 4 ok, 0 failed'],
  ],
  'ais-mi/vae': [5, ['MI bounds of the MNIST VAEs', 'vae-z2', 'no run flagged']],
  'ais-mi/gan': [5, ['σ² = 0.03', 'gan-z2', '2 runs: 2 ok, 0 failed']],
};

test('the registry has exactly the figure ids the experiments reference', () => {
  assert.deepEqual(
    Object.entries(FIGURES)
      .flatMap(([e, figs]) => Object.keys(figs).map((f) => `${e}/${f}`))
      .sort(),
    Object.keys(EXPECTED).sort(),
  );
  assert.throws(() => figureIds('nope'), UserError);
  assert.throws(() => getFigure('invertible', 'nope'), /known: accuracy, bound/);
});

for (const [key, [lines, texts]] of Object.entries(EXPECTED)) {
  test(`${key}: compiles, renders, draws ${lines} line series`, async () => {
    const [experiment, id] = key.split('/');
    const set = sets.get(experiment)!;
    const spec = getFigure(experiment, id).build(set.frames, set.manifest);
    assert.ok(Array.isArray((spec['data'] as { values: unknown[] }).values), 'inline data');
    compileSpec(spec);
    const svg = await renderSvg(spec);
    assert.equal(countLines(svg), lines);
    for (const text of texts) {
      assert.ok(svg.includes(text.replace('&', '&amp;')), `SVG lacks '${text}'`);
    }
    // Ids never leak into the display (they are data, not labels).
    if (experiment === 'critic-impact') assert.ok(!svg.includes('>concat<'));
    for (const id of ['concat', 'mine', 'smile-5', 'infonce', 'gaussian']) {
      if (['staircase', 'correlation', 'bmi-benchmark'].includes(experiment)) {
        assert.ok(!svg.includes(`>${id}<`), `id '${id}' shown`);
      }
    }
    if (id.startsWith('condition')) assert.equal(countMarks(svg, 'area'), 3);
  });
}

const build = (experiment: string, id: string) => {
  const set = sets.get(experiment)!;
  return getFigure(experiment, id).build(set.frames, set.manifest);
};
const dataOf = (spec: Record<string, unknown>) =>
  (spec['data'] as { values: Record<string, unknown>[] }).values;

test('staircase/estimates: the caption names the failed run and where it stopped', () => {
  const subtitle = (build('staircase', 'estimates')['title'] as { subtitle: string[] }).subtitle;
  const failed = subtitle.filter((line) => line.startsWith('failed:'));
  assert.deepEqual(failed, [
    `failed: MINE · MLP critic · Gaussian, seed 0, stopped at step ${STAIRCASE_FAIL_STEP}`,
  ]);
  // The failed run is drawn up to its failure: its last trace point is before the failing step.
  const rows = dataOf(build('staircase', 'estimates')).filter(
    (r) => r['kind'] === 'estimate' && r['criticLabel'] === 'MLP critic',
  );
  const steps = (panel: string) =>
    rows.filter((r) => r['panel'] === panel).map((r) => r['step'] as number);
  const gaussian = steps('MINE · Gaussian');
  const cubic = steps('MINE · Cubic');
  assert.ok(Math.max(...gaussian) < STAIRCASE_FAIL_STEP && Math.max(...gaussian) >= 300);
  assert.equal(Math.max(...cubic), 375);
});

test('staircase/bias-variance: a failed run has no rows at the level it did not finish', () => {
  const rows = dataOf(build('staircase', 'bias-variance'));
  const of = (task: string, trueMI: number) =>
    rows.filter(
      (r) =>
        r['critic'] === 'concat' &&
        r['bound'] === 'mine' &&
        r['task'] === task &&
        r['trueMI'] === trueMI,
    );
  // Failed at step 312, in the second level (4 nats): the first level is complete.
  assert.deepEqual(
    of('gaussian', 2).map((r) => r['metric']),
    ['bias', 'sd', 'mse'],
  );
  assert.deepEqual(of('gaussian', 4), []); // absent, not zero
  assert.equal(of('cubic', 4).length, 3); // the same cell's ok run has both levels
  for (const r of of('gaussian', 2)) assert.ok(Number.isFinite(r['value']) && r['value'] !== 0);
  // MSE = bias² + sd² per run (1 seed: the point is that run's value).
  const [bias, sd, mse] = of('cubic', 4).map((r) => r['value'] as number);
  assert.ok(Math.abs(mse - (bias * bias + sd * sd)) < 1e-12);
  assert.equal(rows.length, 3 * (12 * 2 - 1));
});

test('correlation/estimates: task ids parse, and the true MI curve is −(d/2)·ln(1 − ρ²)', () => {
  assert.deepEqual(parseCorrelationTask('gaussian-d1-rho0.5'), {
    task: 'gaussian',
    dim: 1,
    rho: 0.5,
  });
  assert.deepEqual(parseCorrelationTask('gaussian-d10-rho-0.9'), {
    task: 'gaussian',
    dim: 10,
    rho: -0.9,
  });
  assert.equal(parseCorrelationTask('gaussian-d2-rho0').rho, 0);
  assert.ok(!CORRELATION_TASK_ID.test('gaussian'));
  assert.throws(() => parseCorrelationTask('gaussian-rho0.5'), UserError);
  assert.ok(Math.abs(gaussianMI(10, 0.9) - 5 * Math.log(1 / 0.19)) < 1e-12);
  const rows = dataOf(build('correlation', 'estimates'));
  const truth = rows.filter((r) => r['kind'] === 'truth');
  assert.ok(truth.length > 100);
  for (const r of truth) {
    const d = r['dim'] as number;
    const rho = r['rho'] as number;
    assert.ok(rho >= -0.995 && rho <= 0.995);
    assert.ok(Math.abs((r['mean'] as number) - -(d / 2) * Math.log(1 - rho * rho)) < 1e-12);
  }
  // One point per estimator × ρ × d (1 seed each), at the runs' true MI.
  const points = rows.filter((r) => r['kind'] === 'estimate');
  assert.equal(points.length, 3 * 4 * 2);
  for (const p of points) {
    assert.ok(
      Math.abs((p['trueMI'] as number) - gaussianMI(p['dim'] as number, p['rho'] as number)) <
        1e-12,
    );
  }
});

test('labels: known ids map to display names, unknown ids fall back to the id', () => {
  assert.equal(label('infonce'), 'I_NCE');
  assert.equal(label('smile-inf'), 'SMILE (τ=∞)');
  assert.equal(label('alpha-0.5'), 'I_α (α=0.5)');
  assert.equal(label('mse'), 'MSE (nats²)');
  assert.equal(label('inner-product'), 'Inner product');
  assert.equal(label('my-critic'), 'my-critic');
  assert.equal(label(null), 'none');
  assert.equal(targetLabel(2), 't = 2');
  assert.equal(targetLabel(null), 'max');
});

test('PNG rendering draws text with a real font', () => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30">' +
    '<text x="5" y="20" font-family="sans-serif" font-size="16">I_NCE</text></svg>';
  const pixels = new Resvg(svg, resvgOptions({ scale: 1 })).render().pixels;
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
  assert.ok(dark > 50, `only ${dark} dark pixels: no font loaded?`);
});

test('text widths are DejaVu Sans advances, not Vega’s 0.8 em guess', () => {
  // Independent reference: DejaVu Sans has 2048 units per em; every digit advances 1303 units
  // (regular) and 1425 (bold), e.g. `fc-query`/fontTools: font['hmtx']['zero'] == (1303, 0).
  assert.ok(Math.abs(textWidth('0123456789', 10) - (10 * 10 * 1303) / 2048) < 0.05);
  assert.ok(Math.abs(textWidth('0123456789', 10, true) - (10 * 10 * 1425) / 2048) < 0.05);
  assert.ok(isBold('bold') && isBold(700) && isBold('600') && !isBold('normal') && !isBold(400));
});

test('a figure is as wide as its content: no room reserved for over-estimated text', async () => {
  const set = sets.get('adversarial')!;
  const spec = getFigure('adversarial', 'accuracy').build(set.frames, set.manifest);
  const svg = await renderSvg(spec);
  const width = Number(svg.match(/<svg[^>]* width="(\d+)"/)![1]);
  const title = String((spec['title'] as { text: string }).text);
  // The bold 13 px title (Vega-Lite's default) is the widest line; Vega's estimate (0.8 em per char) made the figure
  // ~200 px wider than it.
  const titleWidth = textWidth(title, 13, true);
  assert.ok(width >= titleWidth - 1 && width < titleWidth + 40, `${width} vs ${titleWidth}`);
});

test('gan-modes/samples: one data row per panel with its coordinates, every grid cell present', () => {
  const set = sets.get('gan-modes')!;
  const spec = build('gan-modes', 'samples');
  const rows = (spec['data'] as { values: Record<string, unknown>[] }).values;
  const samples = rows.filter((r) => r['kind'] === 'sample');
  const points = set.frames.points.objects() as Record<string, unknown>[];
  for (const panel of samples) {
    const own = points.filter((p) => p['task'] === panel['task'] && p['bound'] === panel['bound']);
    assert.equal((panel['x'] as number[]).length, own.length, `${panel['task']}/${panel['bound']}`);
    assert.equal((panel['y'] as number[]).length, own.length);
  }
  const excluded = rows.filter((r) => r['kind'] === 'excluded');
  assert.deepEqual(
    excluded.map((r) => `${r['task']}/${r['bound']}`),
    ['spiral/mine-conditional'],
  );
  // The written spec keeps number arrays on one line and parses back to the same spec.
  const json = specJson(spec);
  assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(spec)));
  assert.ok(!/^\s*-?[\d.]+,?$/m.test(json), 'a number alone on its line');
  assert.equal(getFigure('gan-modes', 'samples').svgFile, false);
});
