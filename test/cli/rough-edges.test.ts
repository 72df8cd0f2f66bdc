/**
 * Rough edges found by trying mimax as a new user (issue 17, section 3): `merge` of a missing
 * directory, the wasm module's process handlers, the baseline's reference number.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Rng } from '../../src/random.ts';
import { readRecords, recordPath } from '../../src/results/store.ts';
import { idxBytes, tempDir } from '../helpers.ts';
import { mimax } from './helpers.ts';

const FIXTURE = 'test/fixtures/records';
const CRITIC = 'critic-impact/mlp.bilinear.infonce/seed-0';

/** A results directory holding two fixture records of critic-impact. */
function shard(ids: string[]): string {
  const dir = tempDir('mimax-merge-');
  for (const id of ids) {
    const target = recordPath(dir, id);
    mkdirSync(join(target, '..'), { recursive: true });
    cpSync(recordPath(FIXTURE, id), target);
  }
  return dir;
}

describe('mimax merge', () => {
  it('a missing directory or one without records is an error (exit 2) naming it', () => {
    const good = shard([CRITIC]);
    const missing = join(tempDir(), 'does-not-exist');
    const missingResult = mimax(['merge', good, missing]);
    assert.equal(missingResult.status, 2, missingResult.stdout);
    assert.match(missingResult.stderr, /mimax: error: .*does-not-exist.*does not exist/);
    assert.doesNotMatch(missingResult.stderr, /\n\s+at /, 'no stack trace');
    const alone = mimax(['merge', missing]);
    assert.equal(alone.status, 2);
    const notResults = tempDir('mimax-empty-');
    const emptyResult = mimax(['merge', good, notResults]);
    assert.equal(emptyResult.status, 2);
    assert.match(emptyResult.stderr, /not a results directory \(no records\/ folder/);
    // Nothing was written into the target by a refused merge.
    assert.equal(readRecords(good).records.length, 1);
  });

  it('prints a human summary (copied, unchanged, conflicts and corrupt with paths); JSON behind --json', () => {
    const into = shard([CRITIC]);
    const other = 'critic-impact/mlp.bilinear.nwj/seed-0';
    const from = shard([CRITIC, other]);
    // A conflicting version of CRITIC (newer, other numbers) and a corrupt record.
    const path = recordPath(from, CRITIC);
    const record = JSON.parse(readFileSync(path, 'utf8'));
    record.updatedAt = '2099-01-01T00:00:00.000Z';
    writeFileSync(path, JSON.stringify(record));
    const corrupt = join(from, 'records', 'critic-impact', 'broken.json');
    writeFileSync(corrupt, '{"schemaVersion": 1, "id": ');
    const out = tempDir('mimax-merge-out-');

    const human = mimax(['merge', into, from, '--out', out]);
    assert.equal(human.status, 0, human.stderr);
    assert.doesNotMatch(human.stdout, /^\s*[{[]/m, 'no raw JSON');
    assert.match(human.stdout, /2 copied, 0 unchanged, 1 conflict, 1 corrupt/);
    assert.ok(human.stdout.includes(recordPath(from, CRITIC)), 'conflict names the kept path');
    assert.ok(human.stdout.includes(recordPath(into, CRITIC)), 'conflict names the dropped path');
    assert.ok(human.stdout.includes(corrupt), 'corrupt names its path');
    assert.equal(readRecords(out).records.length, 2);

    const json = mimax(['merge', into, from, '--out', out, '--json']);
    assert.equal(json.status, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(report.copied, []);
    assert.deepEqual(report.unchanged, [CRITIC, other]);
    assert.equal(report.corrupt[0].path, corrupt);
  });
});

describe('initBackend and the process handlers', () => {
  it('a script that throws after initBackend() prints its error, not the wasm glue', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/scripts/throw-after-init.ts'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(result.status, 1, 'the ordinary exit code of an uncaught error');
    assert.match(result.stderr, /handlers before 0,0 after 0,0/);
    assert.match(result.stderr, /Error: user-error-after-init/);
    assert.ok(result.stderr.length < 4000, `stderr is ${result.stderr.length} characters`);
    assert.doesNotMatch(result.stderr, /WasmBackendModule/);
  });
});

describe('mimax baseline', () => {
  it('prints the Colab reference only for MNIST (not for another data set)', () => {
    // A tiny IDX data set (28×28 images, 10 classes) so the probe takes a moment.
    const dir = tempDir('mimax-idx-');
    const rng = new Rng(7);
    const images = (n: number) =>
      idxBytes(
        [n, 28, 28],
        Array.from({ length: n * 784 }, () => Math.floor(rng.uniform() * 256)),
      );
    const labels = (n: number) =>
      idxBytes(
        [n],
        Array.from({ length: n }, (_, i) => i % 10),
      );
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images(60)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels(60));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images(20));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels(20));
    const result = mimax(['baseline', '--data', dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /noisy \(σ = 0\.05\): test accuracy/);
    assert.doesNotMatch(result.stdout, /Colab|0\.835/);
    const saga = mimax(['baseline', '--data', dir, '--solver', 'saga']);
    assert.equal(saga.status, 0, saga.stderr);
    assert.match(saga.stdout, /saga probe on top-half pixels/);
    const bad = mimax(['baseline', '--data', dir, '--solver', 'sgd']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /option solver must be one of lbfgs, saga, got "sgd"/);
  });
});
