/**
 * The checkpoint format (safetensors, read by PyTorch/NumPy) and store (atomic step folders,
 * --keep-checkpoints, clear errors for truncated or foreign checkpoints).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CHECKPOINT_SCHEMA_VERSION,
  type CheckpointInfo,
  checkpointSteps,
  findResumePoint,
  MODEL_FILE,
  readCheckpoint,
  stepCheckpointDir,
  writeCheckpoint,
} from '../../src/results/checkpoints.ts';
import {
  decodeSafetensors,
  encodeSafetensors,
  SafetensorsError,
} from '../../src/results/safetensors.ts';
import { UserError } from '../../src/types.ts';
import { tempDir } from '../helpers.ts';

const FIXTURE = new URL('../fixtures/checkpoints/tiny.safetensors', import.meta.url);

// Written by test/fixtures/checkpoints/make-safetensors.py (NumPy only, from the format's spec).
const KERNEL = [-0.25, -0.125, 0, 0.125, 0.25, 0.375];
const STEP = [150, -1, 7, 2 ** 31 - 1];

describe('safetensors', () => {
  it('reads a file written by NumPy from the specification', () => {
    const { tensors, metadata } = decodeSafetensors(readFileSync(FIXTURE));
    assert.deepEqual(tensors['g1/dense0/kernel'].shape, [2, 3]);
    assert.equal(tensors['g1/dense0/kernel'].dtype, 'F32');
    assert.deepEqual([...tensors['g1/dense0/kernel'].data], KERNEL);
    assert.equal(tensors['step'].dtype, 'I32');
    assert.deepEqual([...tensors['step'].data], STEP);
    assert.deepEqual(metadata, { runId: 'x/y/seed-0', step: '150' });
  });

  it('writes the same bytes as the NumPy writer', () => {
    const bytes = encodeSafetensors(
      {
        'g1/dense0/kernel': { dtype: 'F32', shape: [2, 3], data: Float32Array.from(KERNEL) },
        step: { dtype: 'I32', shape: [4], data: Int32Array.from(STEP) },
      },
      { runId: 'x/y/seed-0', step: '150' },
    );
    // Python's json.dumps puts ", " and ": " between items; ours is compact, so compare the
    // decoded content and the layout rules, not the header bytes.
    assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0, 'header padded to 8 bytes');
    const back = decodeSafetensors(bytes);
    const ref = decodeSafetensors(readFileSync(FIXTURE));
    assert.deepEqual(back, ref);
    // The data section is byte-identical (little-endian, same order).
    const tail = (b: Uint8Array) =>
      Buffer.from(b.subarray(8 + Number(Buffer.from(b).readBigUInt64LE(0))));
    assert.deepEqual(tail(bytes), tail(readFileSync(FIXTURE)));
  });

  it('says a truncated file is truncated', () => {
    const bytes = readFileSync(FIXTURE);
    assert.throws(
      () => decodeSafetensors(bytes.subarray(0, bytes.length - 3)),
      (e: Error) => {
        assert.ok(e instanceof SafetensorsError);
        assert.match(e.message, /truncated/);
        return true;
      },
    );
    assert.throws(() => decodeSafetensors(bytes.subarray(0, 40)), /truncated/);
  });
});

function info(step: number, configHash = 'abc'): CheckpointInfo {
  return {
    schemaVersion: CHECKPOINT_SCHEMA_VERSION,
    runId: 'exp/cell/seed-0',
    step,
    configHash,
    backend: 'cpu',
    versions: { mimax: '0' },
    createdAt: new Date(0).toISOString(),
    models: { g1: ['g1/w'] },
    loop: { step },
  };
}
const tensors = (v: number) => ({
  'g1/w': { dtype: 'F32' as const, shape: [2], data: Float32Array.of(v, -v) },
});

describe('checkpoint store', () => {
  it('keeps the last, all, or none; reads back what it wrote', () => {
    const dir = tempDir('mimax-ckpt-');
    writeCheckpoint(dir, info(0), tensors(1), 'last');
    writeCheckpoint(dir, info(50), tensors(2), 'last');
    assert.deepEqual(checkpointSteps(dir, 'exp/cell/seed-0'), [50]);
    const back = readCheckpoint(stepCheckpointDir(dir, 'exp/cell/seed-0', 50));
    assert.deepEqual([...back.tensors['g1/w'].data], [2, -2]);
    assert.deepEqual(back.info.loop, { step: 50 });
    writeCheckpoint(dir, info(100), tensors(3), 'all');
    writeCheckpoint(dir, info(150), tensors(4), 'all');
    assert.deepEqual(checkpointSteps(dir, 'exp/cell/seed-0'), [50, 100, 150]);
    assert.equal(writeCheckpoint(dir, info(200), tensors(5), 'none'), null);
    assert.deepEqual(checkpointSteps(dir, 'exp/cell/seed-0'), [50, 100, 150]);
  });

  it('resumes from the newest usable checkpoint of this config and says why others are skipped', () => {
    const dir = tempDir('mimax-ckpt-');
    writeCheckpoint(dir, info(50), tensors(1), 'all');
    writeCheckpoint(dir, info(100), tensors(2), 'all');
    writeCheckpoint(dir, info(150, 'other'), tensors(3), 'all');
    const model = join(stepCheckpointDir(dir, 'exp/cell/seed-0', 100), MODEL_FILE);
    writeFileSync(model, readFileSync(model).subarray(0, 60)); // truncated by a full disk
    const found = findResumePoint(dir, 'exp/cell/seed-0', 'abc');
    assert.equal(found.checkpoint?.info.step, 50);
    assert.equal(found.notes.length, 2);
    assert.match(found.notes[0], /step-150 is of another config \(hash other, this run abc\)/);
    assert.match(found.notes[1], /step-100 is unusable .*model\.safetensors is corrupt.*truncated/);
  });

  it('gives a UserError naming the file for a missing or truncated checkpoint', () => {
    const dir = tempDir('mimax-ckpt-');
    writeCheckpoint(dir, info(50), tensors(1), 'last');
    const step = stepCheckpointDir(dir, 'exp/cell/seed-0', 50);
    writeFileSync(join(step, 'checkpoint.json'), '{"schemaVersion": 1, "st');
    assert.throws(
      () => readCheckpoint(step),
      (e: Error) => e instanceof UserError && e.message.includes(join(step, 'checkpoint.json')),
    );
    assert.throws(() => readCheckpoint(join(dir, 'nope')), /checkpoint file .*nope.* is missing/);
  });
});
