/**
 * `src/results/` and `src/plots/` must not load TF.js, so plotting precomputed results starts
 * fast and needs no backend. Checked twice: statically (no runtime import of @tensorflow in
 * their import graph) and at runtime (a child process imports every module and records every
 * module URL it resolves).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ENTRY_DIRS = ['src/results', 'src/plots'];
const entries = ENTRY_DIRS.flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, d, f)),
);

/** Runtime (non-type) import specifiers of a TS file. */
function runtimeImports(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(
    /^\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s*['"]([^'"]+)['"]/gms,
  )) {
    if (!m[2]) out.push(m[4]);
  }
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  return out;
}

test('static import graph of src/results and src/plots has no runtime @tensorflow import', () => {
  const seen = new Set<string>();
  const offending: string[] = [];
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const spec of runtimeImports(path)) {
      if (spec.startsWith('.')) visit(resolve(dirname(path), spec));
      else if (spec.startsWith('@tensorflow')) offending.push(`${path} imports ${spec}`);
    }
  };
  for (const entry of entries) visit(entry);
  assert.ok(seen.size >= entries.length);
  assert.deepEqual(offending, []);
});

test('importing every results and plots module at runtime loads no @tensorflow module', () => {
  const log = join(mkdtempSync(join(tmpdir(), 'mimax-imports-')), 'resolved.txt');
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context);
      appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
      return result;
    }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    for (const f of ${JSON.stringify(entries)}) await import(f);
    console.log(JSON.stringify({ tfengine: globalThis._tfengine !== undefined }));
  `;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1)!), { tfengine: false });
  const urls = readFileSync(log, 'utf8').trim().split('\n');
  assert.ok(
    urls.some((u) => u.includes('/vega-lite/')),
    'the hook saw vega-lite load',
  );
  assert.ok(urls.some((u) => u.endsWith('/src/plots/report.ts')));
  assert.deepEqual(
    urls.filter((u) => u.includes('@tensorflow')),
    [],
  );
});
