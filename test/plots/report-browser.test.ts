/**
 * The HTML report in headless Chromium: every figure container gets an SVG with marks, and
 * the page logs no errors. Works offline from file:// (bundles are vendored next to the page).
 * Skipped when /usr/bin/chromium is missing (CI installs it with `apt-get install -y chromium`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { FIGURES } from '../../src/plots/figures.ts';
import { writeReport } from '../../src/plots/report.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'records');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

test('writeReport writes a self-contained page with tables and provenance', () => {
  const out = mkdtempSync(join(tmpdir(), 'mimax-report-'));
  const page = writeReport({ from: FIXTURES, out });
  assert.equal(page, join(out, 'index.html'));
  assert.deepEqual(readdirSync(join(out, 'vendor')).sort(), [
    'vega-embed.min.js',
    'vega-lite.min.js',
    'vega.min.js',
  ]);
  const html = readFileSync(page, 'utf8');
  assert.ok(!/https?:\/\/(cdn|unpkg|jsdelivr)/.test(html), 'no CDN');
  assert.match(html, /<td>MLP critic<\/td>/); // labels in the final table
  assert.match(html, /\(n 1\/2, step 5000\)/); // the failed concat/nwj run shows as 1 of 2
  assert.match(html, /<dt>backend<\/dt><dd>wasm<\/dd>/);
  const figures = Object.values(FIGURES).reduce((n, f) => n + Object.keys(f).length, 0);
  assert.equal((html.match(/class="figure"/g) ?? []).length, figures);
});

test('report renders every figure in headless Chromium without console errors', {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (apt-get install -y chromium)`,
  timeout: 60_000,
}, async () => {
  const out = mkdtempSync(join(tmpdir(), 'mimax-report-'));
  const page = writeReport({ from: FIXTURES, out });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(pathToFileURL(page).href);
    const expected = await tab.locator('.figure').count();
    await tab.waitForFunction(
      (n) =>
        document.querySelectorAll('.figure svg .role-mark').length > 0 &&
        Array.from(document.querySelectorAll('.figure')).filter((f) => f.querySelector('svg'))
          .length === n,
      expected,
      { timeout: 30_000 },
    );
    const marks = await tab.$$eval('.figure', (figs) =>
      figs.map((f) => ({
        id: f.id,
        svg: f.querySelectorAll('svg').length,
        // Line charts draw paths; the bmi heatmap and bar charts draw rects.
        lines: f.querySelectorAll('svg .mark-line path, svg .mark-rect path').length,
        error: f.classList.contains('error'),
      })),
    );
    assert.equal(
      marks.length,
      Object.values(FIGURES).reduce((n, f) => n + Object.keys(f).length, 0),
    );
    for (const m of marks) {
      assert.equal(m.error, false, m.id);
      assert.ok(m.svg >= 1, `${m.id} has no SVG`);
      assert.ok(m.lines >= 1, `${m.id} has no line or rect marks`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
