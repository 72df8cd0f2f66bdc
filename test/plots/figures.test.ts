import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { FIGURES, figureIds, getFigure } from '../../src/plots/figures.ts';
import { label, targetLabel } from '../../src/plots/labels.ts';
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
    if (id.startsWith('condition')) assert.equal(countMarks(svg, 'area'), 3);
  });
}

test('labels: known ids map to display names, unknown ids fall back to the id', () => {
  assert.equal(label('infonce'), 'I_NCE');
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
