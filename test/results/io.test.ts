import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { csvToFrame, frameToCsv } from '../../src/results/csv.ts';
import {
  FRAME_COLUMNS,
  FRAME_NAMES,
  recordsToFrames,
  tableFromRows,
} from '../../src/results/frames.ts';
import {
  framesFromRecords,
  manifestOf,
  readResultSet,
  sharedConstants,
  writeFrames,
} from '../../src/results/io.ts';
import { loadResultSet } from '../../src/results/source.ts';
import { readRecords } from '../../src/results/store.ts';
import { UserError } from '../../src/types.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'records');
const temp = () => mkdtempSync(join(tmpdir(), 'mimax-io-'));

test('CSV round-trips numbers, nulls and awkward strings exactly', () => {
  const spec = { s: 'string', x: 'number' } as const;
  const values = [
    { s: 'plain', x: 0.1 + 0.2 },
    { s: '', x: 1e-300 },
    { s: 'negative zero', x: -0 },
    { s: null, x: null },
    { s: 'comma, "quote"\nnewline', x: 1 / 3 },
    { s: ' spaced ', x: Number.MAX_VALUE },
    { s: 'ünïcode σ', x: -5e-324 },
    { s: 'NaN', x: Number.NaN },
    { s: 'inf', x: Number.POSITIVE_INFINITY },
  ];
  const frame = tableFromRows(spec, values);
  const text = frameToCsv(frame, spec);
  const back = csvToFrame(text, spec, 'test.csv');
  assert.deepEqual(back.objects(), frame.objects());
  assert.equal(frameToCsv(back, spec), text);
});

test('records → frames → CSV → frames round-trips exactly for every fixture frame', () => {
  const frames = recordsToFrames(readRecords(FIXTURES).records);
  for (const name of FRAME_NAMES) {
    const text = frameToCsv(frames[name], FRAME_COLUMNS[name]);
    const back = csvToFrame(text, FRAME_COLUMNS[name], `${name}.csv`);
    assert.equal(back.numRows(), frames[name].numRows(), name);
    assert.deepEqual(back.objects(), frames[name].objects(), name);
  }
});

test('writeFrames writes one folder per experiment that readResultSet and loadResultSet read back', () => {
  const out = temp();
  const written = writeFrames(FIXTURES, out, { command: 'mimax run test', date: '2026-01-01' });
  assert.equal(written.length, 11 * 5 + 1); // 11 experiments × (4 CSVs + manifest) + gan-modes' points
  const inMemory = framesFromRecords(FIXTURES, { command: 'mimax run test', date: '2026-01-01' });
  for (const [experiment, set] of inMemory) {
    const back = readResultSet(join(out, experiment));
    assert.deepEqual(back.manifest, set.manifest);
    for (const name of FRAME_NAMES) {
      assert.deepEqual(
        back.frames[name].objects(),
        set.frames[name].objects(),
        `${experiment}/${name}`,
      );
    }
  }
  const noniid = readResultSet(join(out, 'noniid')).manifest;
  assert.equal(noniid.constants['trueMI'], 0.020411);
  assert.deepEqual(noniid.seeds, [0, 1]);
  const ci = readResultSet(join(out, 'critic-impact')).manifest;
  assert.deepEqual(ci.runs, { requested: 12, ok: 11, failed: 1, running: 0 });
  // The same loader reads frames or records.
  assert.equal(
    loadResultSet(out, 'invertible').frames.evaluations.numRows(),
    loadResultSet(FIXTURES, 'invertible').frames.evaluations.numRows(),
  );
});

test('manifest constants: only those every record that has them agrees on (no last-one-wins)', () => {
  const base = readRecords(FIXTURES).records.filter((r) => r.experiment === 'noniid');
  const records = base.map((r, i) => ({
    ...r,
    constants: { ...r.constants, perRun: i, shared: 2.5, ...(i === 0 ? { onlyFirst: 7 } : {}) },
  }));
  assert.ok(records.length >= 2);
  assert.deepEqual(sharedConstants(records), {
    ...base[0].constants,
    shared: 2.5,
    onlyFirst: 7,
  });
  assert.equal(manifestOf('noniid', records).constants['perRun'], undefined);
});

test('a missing or malformed frame is a UserError naming the file and the problem', () => {
  const out = temp();
  writeFrames(FIXTURES, out, { experiments: ['invertible'] });
  const dir = join(out, 'invertible');
  const expectError = (pattern: RegExp) =>
    assert.throws(
      () => readResultSet(dir),
      (err: unknown) => err instanceof UserError && pattern.test((err as Error).message),
    );
  const evaluations = join(dir, 'evaluations.csv');
  const original = readFileSync(evaluations, 'utf8');

  writeFileSync(evaluations, original.replace('accuracy', 'acc'));
  expectError(/evaluations\.csv: missing column accuracy/);

  const lines = original.split('\n');
  lines[2] = lines[2].replace(/,[^,]*$/, ',abc');
  writeFileSync(evaluations, lines.join('\n'));
  expectError(/evaluations\.csv: row 2, column seconds: 'abc' is not a number/);

  writeFileSync(evaluations, `${original}1,2\n`);
  expectError(/evaluations\.csv: data row \d+ has 2 fields/);

  writeFileSync(evaluations, '');
  expectError(/evaluations\.csv: empty file/);

  rmSync(evaluations);
  expectError(/missing frame file .*evaluations\.csv/);

  writeFileSync(join(dir, 'manifest.json'), '{"schemaVersion": 1, "experiment": 3');
  expectError(/manifest\.json: invalid JSON/);
  writeFileSync(join(dir, 'manifest.json'), '{"schemaVersion": 7}');
  expectError(/manifest\.json: schemaVersion is 7/);

  assert.throws(() => loadResultSet(out, 'adversarial'), /no results for 'adversarial'/);
});

test('corrupt records make frame building fail loudly', () => {
  const results = temp();
  mkdirSync(join(results, 'records', 'noniid'), { recursive: true });
  writeFileSync(join(results, 'records', 'noniid', 'x.json'), '{');
  assert.throws(
    () => framesFromRecords(results),
    (err: unknown) =>
      err instanceof UserError &&
      /corrupt run records[\s\S]*x\.json: invalid JSON/.test(String(err)),
  );
});
