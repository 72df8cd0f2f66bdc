import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadDataset } from '../../src/data/datasets.ts';
import { IdxError, parseIdx, readIdx } from '../../src/data/idx.ts';
import { UserError } from '../../src/types.ts';
import { idxBytes, tempDir } from '../helpers.ts';

describe('IDX reader', () => {
  it('parses dimensions and values', () => {
    const parsed = parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]), 'mem');
    assert.deepEqual(parsed.dims, [2, 3]);
    assert.deepEqual(Array.from(parsed.data), [1, 2, 3, 4, 5, 6]);
  });

  it('reads gzip files the same as raw ones', () => {
    const dir = tempDir();
    const bytes = idxBytes([3], [7, 8, 9]);
    writeFileSync(join(dir, 'a'), bytes);
    writeFileSync(join(dir, 'a.gz'), gzipSync(bytes));
    assert.deepEqual(readIdx(join(dir, 'a.gz')), readIdx(join(dir, 'a')));
  });

  it('rejects a wrong magic number, naming the file', () => {
    const bytes = idxBytes([1], [1]);
    bytes[0] = 0x1f;
    assert.throws(() => parseIdx(bytes, 'bad.idx'), /bad\.idx: wrong magic number 0x1f/);
  });

  it('rejects an unsupported value type', () => {
    const bytes = idxBytes([1], [1]);
    bytes[2] = 0x0d; // float32: not used by MNIST
    assert.throws(() => parseIdx(bytes, 'f.idx'), /f\.idx: unsupported IDX value type 0xd/);
  });

  it('rejects truncated data and trailing bytes', () => {
    const bytes = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    assert.throws(
      () => parseIdx(bytes.subarray(0, bytes.length - 1), 't.idx'),
      /t\.idx: truncated: dimensions \[2, 3\] need 6 values, file has 5/,
    );
    assert.throws(
      () => parseIdx(bytes.subarray(0, 7), 'h.idx'),
      /h\.idx: truncated: header needs 12 bytes/,
    );
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    assert.throws(() => parseIdx(longer, 'l.idx'), /l\.idx: 2 trailing bytes/);
  });

  it('rejects corrupt gzip and a missing file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.gz'), new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    assert.throws(() => readIdx(join(dir, 'c.gz')), /c\.gz: corrupt gzip data/);
    assert.throws(() => readIdx(join(dir, 'none')), /none: file not found/);
  });

  it('errors are user errors (printed without a stack trace)', () => {
    assert.ok(new IdxError('x') instanceof UserError);
  });
});

describe('data set directories', () => {
  function writeSet(dir: string, nTrain: number, nTrainLabels: number): void {
    mkdirSync(dir, { recursive: true });
    const img = (n: number) => idxBytes([n, 2, 2], new Array(n * 4).fill(255));
    const lab = (n: number) => idxBytes([n], new Array(n).fill(3));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), img(nTrain));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(lab(nTrainLabels)));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), img(2));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), lab(2));
  }

  it('loads any directory of the four IDX files, scaled to [0, 1]', () => {
    const dir = tempDir();
    writeSet(dir, 3, 3);
    const data = loadDataset({ dir });
    assert.equal(data.train.n, 3);
    assert.equal(data.train.features, 4);
    assert.equal(data.train.images[0], 1);
    assert.equal(data.train.labels[2], 3);
  });

  it('rejects an images/labels count mismatch, naming both files', () => {
    const dir = tempDir();
    writeSet(dir, 3, 4);
    assert.throws(
      () => loadDataset({ dir }),
      /train-images-idx3-ubyte has 3 images but .*train-labels-idx1-ubyte\.gz has 4 labels/,
    );
  });

  it('names the missing files and unknown data sets', () => {
    const dir = tempDir();
    assert.throws(() => loadDataset({ dir }), /lacks the four IDX files/);
    assert.throws(() => loadDataset({ dir: join(dir, 'nope') }), /does not exist/);
    assert.throws(
      () => loadDataset({ name: 'cifar' }),
      /unknown data set 'cifar'; known: mnist, fashion-mnist/,
    );
  });
});
