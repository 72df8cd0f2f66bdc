/** `mimax plot` and `mimax report` work from results without training and never load TF.js. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers.ts';
import { mimax } from './helpers.ts';

const FIXTURES = 'test/fixtures/records';

describe('mimax plot / report', () => {
  it('renders an experiment from records, loading no @tensorflow module', () => {
    const dir = tempDir('mimax-plot-');
    const log = join(dir, 'resolved.txt');
    const hook = join(dir, 'hook.mjs');
    writeFileSync(
      hook,
      `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
  import { appendFileSync } from 'node:fs';
  export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    appendFileSync(${JSON.stringify(log)}, result.url + '\\\\n');
    return result;
  }\`));
`,
    );
    const out = join(dir, 'figures');
    const result = spawnSync(
      process.execPath,
      ['--import', hook, 'bin/mimax.js', 'plot', 'critic-impact', '--from', FIXTURES, '--out', out],
      { encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    for (const ext of ['svg', 'png', 'vl.json']) {
      assert.ok(existsSync(join(out, `critic-impact-accuracy.${ext}`)), ext);
    }
    const urls = readFileSync(log, 'utf8');
    assert.match(urls, /src\/plots\/plot\.ts/, 'the hook saw the plot module load');
    assert.doesNotMatch(urls, /@tensorflow/);
  });

  it('a missing results directory or unknown experiment is a clear error', () => {
    const missing = mimax(['plot', 'critic-impact', '--from', '/nonexistent/results']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /mimax: error: .*\/nonexistent\/results/);
    const unknown = mimax(['plot', 'critic-impakt', '--from', FIXTURES]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown experiment 'critic-impakt'; valid experiments:/);
    const format = mimax(['plot', 'critic-impact', '--from', FIXTURES, '--format', 'pdf']);
    assert.match(format.stderr, /unknown format 'pdf'; valid formats: svg, png, json/);
  });

  it('report writes one HTML page with vendored bundles', () => {
    const out = tempDir('mimax-report-');
    const result = mimax(['report', '--from', FIXTURES, '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /https?:\/\/cdn/);
    assert.ok(existsSync(join(out, 'vendor')));
  });
});
