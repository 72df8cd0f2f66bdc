import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { plotExperiment } from '../../src/plots/plot.ts';
import { writeFrames } from '../../src/results/io.ts';
import { UserError } from '../../src/types.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'records');
const temp = () => mkdtempSync(join(tmpdir(), 'mimax-plot-'));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('plotExperiment renders every format from a results dir of records', async () => {
  const out = temp();
  const written = await plotExperiment({ experiment: 'noniid', from: FIXTURES, out });
  assert.deepEqual(
    written.map((p) => basename(p)),
    ['noniid-estimates.vl.json', 'noniid-estimates.svg', 'noniid-estimates.png'],
  );
  const spec = JSON.parse(readFileSync(written[0], 'utf8'));
  assert.ok(spec.data.values.length > 0);
  assert.match(readFileSync(written[1], 'utf8'), /^<svg/);
  const png = readFileSync(written[2]);
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  assert.ok(png.length > 10_000);
});

test('plotExperiment renders from frame files (precomputed layout)', async () => {
  const frames = temp();
  writeFrames(FIXTURES, frames, { experiments: ['critic-impact'] });
  const out = temp();
  const written = await plotExperiment({
    experiment: 'critic-impact',
    from: frames,
    out,
    formats: ['json'],
  });
  assert.deepEqual(
    written.map((p) => basename(p)),
    ['critic-impact-accuracy.vl.json', 'critic-impact-bound.vl.json'],
  );
});

test('plotExperiment errors clearly on unknown experiments, figures and missing frames', async () => {
  const isUserError = (pattern: RegExp) => (err: unknown) =>
    err instanceof UserError && pattern.test((err as Error).message);
  await assert.rejects(
    plotExperiment({ experiment: 'nope', from: FIXTURES, out: temp() }),
    isUserError(/no figures for experiment 'nope'/),
  );
  await assert.rejects(
    plotExperiment({ experiment: 'noniid', from: FIXTURES, out: temp(), figures: ['x'] }),
    isUserError(/no figure 'x' for 'noniid'/),
  );
  const frames = temp();
  writeFrames(FIXTURES, frames, { experiments: ['invertible'] });
  rmSync(join(frames, 'invertible', 'runs.csv'));
  await assert.rejects(
    plotExperiment({ experiment: 'invertible', from: frames, out: temp() }),
    isUserError(/missing frame file .*runs\.csv/),
  );
  await assert.rejects(
    plotExperiment({ experiment: 'adversarial', from: frames, out: temp() }),
    isUserError(/no results for 'adversarial'/),
  );
});
