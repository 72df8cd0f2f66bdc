import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { RunRecord } from '../../src/results/schema.ts';
import {
  mergeResultDirs,
  preferRecord,
  readRecords,
  recordPath,
  writeRecord,
} from '../../src/results/store.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'records');
const temp = () => mkdtempSync(join(tmpdir(), 'mimax-store-'));

function fixture(id: string): RunRecord {
  return JSON.parse(readFileSync(recordPath(FIXTURES, id), 'utf8')) as RunRecord;
}

const ID = 'critic-impact/mlp.bilinear.infonce/seed-0';

test('recordPath maps slashes to folders and refuses escapes', () => {
  assert.equal(recordPath('/r', ID), '/r/records/critic-impact/mlp.bilinear.infonce/seed-0.json');
  for (const bad of ['', '../x', 'a//b', 'a/./b', '/abs']) {
    assert.throws(() => recordPath('/r', bad), /invalid record id/);
  }
});

test('writeRecord is atomic: parent dirs created, no temp file left, round-trips', () => {
  const dir = temp();
  const record = fixture(ID);
  const path = writeRecord(dir, record);
  assert.equal(path, recordPath(dir, ID));
  assert.deepEqual(readdirSync(dirname(path)), ['seed-0.json']);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), record);
  // Overwrite in place: still exactly one file.
  writeRecord(dir, { ...record, status: 'ok', seconds: 1 });
  assert.deepEqual(readdirSync(dirname(path)), ['seed-0.json']);
});

test('writeRecord removes its temp file when the rename fails', () => {
  const dir = temp();
  const record = fixture(ID);
  mkdirSync(recordPath(dir, ID), { recursive: true }); // a directory where the file should go
  writeFileSync(join(recordPath(dir, ID), 'blocker'), 'x');
  assert.throws(() => writeRecord(dir, record));
  assert.deepEqual(
    readdirSync(dirname(recordPath(dir, ID))).filter((f) => f.includes('.tmp-')),
    [],
  );
});

test('writeRecord refuses an invalid record', () => {
  const bad = { ...fixture(ID), schemaVersion: 2 } as unknown as RunRecord;
  assert.throws(() => writeRecord(temp(), bad), /schemaVersion is 2/);
});

test('readRecords reads the fixtures and reports corrupt files', () => {
  const fixtures = readRecords(FIXTURES);
  assert.equal(fixtures.corrupt.length, 0);
  assert.equal(fixtures.records.length, 114); // 51 paper, 12 staircase, 24 correlation, 12 bmi-benchmark, 7 gan-modes, 8 ais-mi
  assert.ok(fixtures.records.some((r) => r.status === 'failed'));

  const dir = temp();
  writeRecord(dir, fixture(ID));
  const truncated = recordPath(dir, 'invertible/realnvp.bilinear.nwj/seed-0');
  mkdirSync(dirname(truncated), { recursive: true });
  writeFileSync(truncated, readFileSync(recordPath(FIXTURES, ID), 'utf8').slice(0, 100));
  const wrongVersion = recordPath(dir, 'invertible/realnvp.bilinear.nwj/seed-1');
  writeFileSync(wrongVersion, JSON.stringify({ ...fixture(ID), schemaVersion: 0 }));
  const misplaced = recordPath(dir, 'invertible/realnvp.bilinear.nwj/seed-2');
  writeFileSync(misplaced, JSON.stringify(fixture(ID)));
  const { records, corrupt } = readRecords(dir);
  assert.deepEqual(
    records.map((r) => r.id),
    [ID],
  );
  assert.deepEqual(
    corrupt.map((c) => c.path),
    [truncated, wrongVersion, misplaced],
  );
  assert.match(corrupt[0].error, /invalid JSON/);
  assert.match(corrupt[1].error, /schemaVersion is 0, expected 1/);
  assert.match(corrupt[2].error, /does not match its path/);
});

test('readRecords of a dir without records is empty', () => {
  assert.deepEqual(readRecords(temp()), { records: [], corrupt: [] });
});

test('preferRecord: status first, then updatedAt, then evaluations', () => {
  const base = fixture(ID);
  const failed = { ...base, status: 'failed' as const, updatedAt: '2030-01-01T00:00:00Z' };
  assert.equal(preferRecord(failed, base), base);
  const newer = { ...base, updatedAt: '2030-01-01T00:00:00Z' };
  assert.equal(preferRecord(base, newer), newer);
  const longer = { ...base, evaluations: [...base.evaluations, base.evaluations[0]] };
  assert.equal(preferRecord(base, longer), longer);
});

test('mergeResultDirs copies shards, keeps the better version, reports conflicts', () => {
  const into = temp();
  const shardA = temp();
  const shardB = temp();
  const a = fixture(ID);
  const b = fixture('critic-impact/mlp.bilinear.infonce/seed-1');
  const failedA = { ...a, status: 'failed' as const, error: { message: 'boom' } };
  writeRecord(into, failedA); // an earlier failed attempt already merged
  writeRecord(shardA, a); // the rerun succeeded
  writeRecord(shardB, b);
  writeRecord(shardB, { ...a, configHash: 'other', updatedAt: '2020-01-01T00:00:00Z' });
  const report = mergeResultDirs(into, [shardA, shardB]);
  assert.deepEqual(report.copied, [ID, 'critic-impact/mlp.bilinear.infonce/seed-1']);
  assert.equal(report.conflicts.length, 2);
  assert.match(report.conflicts[0].reason, /status ok beats failed/);
  assert.equal(report.conflicts[0].kept, recordPath(shardA, ID));
  assert.match(report.conflicts[1].reason, /config hashes differ/);
  assert.equal(report.conflicts[1].dropped, recordPath(shardB, ID));
  const merged = readRecords(into);
  assert.deepEqual(merged.records, [a, b]);
  // Merging again changes nothing and reports no conflicts with identical copies.
  const again = mergeResultDirs(into, [shardA]);
  assert.deepEqual(again.copied, []);
  assert.deepEqual(again.conflicts, []);
  assert.ok(existsSync(recordPath(into, ID)));
});
