/**
 * The committed results: every experiment in precomputed/manifest.json loads, its frames agree
 * with the manifest (runs, seeds, preset), and `mimax plot EXP` with no options reproduces the
 * committed figures in plots/ byte for byte.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXPERIMENTS } from '../experiments/index.ts';
import { loadResultSet } from '../src/results/source.ts';
import { mimax } from './cli/helpers.ts';
import { tempDir } from './helpers.ts';

const MANIFEST = 'precomputed/manifest.json';
const present = existsSync(MANIFEST);

interface Entry {
  preset: string;
  seeds: number[];
  runs: { requested: number; ok: number; failed: number; running: number };
  backend: string;
  command: string;
}

describe('precomputed results', { skip: !present && 'no precomputed/manifest.json yet' }, () => {
  const manifest = present
    ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { experiments: Record<string, Entry> })
    : { experiments: {} };

  it('every experiment in the manifest is a known experiment', () => {
    for (const id of Object.keys(manifest.experiments)) assert.ok(id in EXPERIMENTS, id);
    assert.ok(Object.keys(manifest.experiments).length >= 1);
  });

  for (const [id, entry] of Object.entries(manifest.experiments)) {
    it(`${id}: frames load and match the manifest`, () => {
      const set = loadResultSet('precomputed', id);
      assert.equal(set.manifest.preset, entry.preset);
      assert.deepEqual(set.manifest.seeds, entry.seeds);
      assert.deepEqual(set.manifest.runs, entry.runs);
      const runs = set.frames.runs.objects() as { status: string; seed: number }[];
      assert.equal(runs.length, entry.runs.requested);
      assert.equal(runs.filter((r) => r.status === 'ok').length, entry.runs.ok);
      assert.deepEqual(
        [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b),
        entry.seeds,
      );
      // Every seed its preset asks for (3 for the paper's fast presets).
      const definition = EXPERIMENTS[id];
      const preset = definition.presets[entry.preset as 'paper' | 'fast' | 'smoke'];
      const seeds = (preset['seeds'] as number | undefined) ?? definition.base.seeds;
      assert.ok(entry.seeds.length >= seeds, `at least ${seeds} seed(s)`);
      assert.match(entry.command, new RegExp(`mimax run ${id} --preset ${entry.preset}`));
    });
  }

  it('`mimax plot EXP` with no options reproduces the committed figures byte for byte', () => {
    const id = Object.keys(manifest.experiments)[0];
    const out = tempDir('mimax-replot-');
    const result = mimax(['plot', id, '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    const files = result.stdout.trim().split('\n');
    assert.ok(files.length >= 3);
    for (const file of files) {
      const name = file.split('/').at(-1) as string;
      assert.ok(existsSync(join('plots', name)), `plots/${name} is committed`);
      assert.ok(readFileSync(file).equals(readFileSync(join('plots', name))), `${name} differs`);
    }
  });
});
