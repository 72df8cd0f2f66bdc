/**
 * `mimax probe` on a saved encoder reproduces the run's own evaluation, writes beside the
 * record (never into it), and explains bad input (a missing step, a truncated checkpoint, a
 * checkpoint of another config). `encoders.load` rebuilds the encoder with its saved weights.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadEncoder } from '../../src/encoders/index.ts';
import { MODEL_FILE, readCheckpoint, stepCheckpointDir } from '../../src/results/checkpoints.ts';
import type { RunRecord } from '../../src/results/schema.ts';
import { recordPath } from '../../src/results/store.ts';
import { probeFileSuffix } from '../../src/run/probe-command.ts';
import { tempDir, testBackend } from '../helpers.ts';
import { mimax } from './helpers.ts';

const ID = 'resume-sweep/mlp.bilinear.infonce/seed-0';

describe('probe file names', () => {
  it('name the --set options, sorted, or hash them when unsafe or long', () => {
    assert.equal(probeFileSuffix([]), '');
    assert.equal(probeFileSuffix(['probe.solver=saga', 'probe.C=1']), '.C=1,solver=saga');
    const odd = probeFileSuffix(['probe.x=a/b']);
    assert.match(odd, /^\.set-[0-9a-f]{8}$/);
    assert.notEqual(odd, probeFileSuffix(['probe.x=a/c']));
    assert.match(probeFileSuffix([`probe.tol=${'1'.repeat(90)}`]), /^\.set-/);
  });
});

describe('mimax probe', () => {
  const out = tempDir('mimax-probe-');
  before(async () => {
    await testBackend();
    const run = mimax([
      'run',
      'test/fixtures/experiments/resume-sweep.ts',
      '--steps',
      '101',
      '--out',
      out,
      '--jobs',
      '1',
      '--no-plots',
      '--keep-checkpoints',
      'all',
    ]);
    assert.equal(run.status, 0, run.stderr);
  });

  it("reproduces the run's evaluation and writes beside the record", () => {
    const recordBefore = readFileSync(recordPath(out, ID), 'utf8');
    const result = mimax(['probe', out, '--run', ID, '--step', '50']);
    assert.equal(result.status, 0, result.stderr);
    const record = JSON.parse(recordBefore) as RunRecord;
    const expected = record.evaluations.find((e) => e.step === 50)!.accuracy!;
    const written = JSON.parse(
      readFileSync(join(out, 'probes', ...ID.split('/'), 'step-50.json'), 'utf8'),
    );
    assert.equal(written.accuracy, expected, 'same encoder, same probe inputs, same accuracy');
    assert.match(result.stdout, new RegExp(`step 50: probe accuracy ${expected.toFixed(4)}`));
    assert.equal(readFileSync(recordPath(out, ID), 'utf8'), recordBefore, 'record untouched');
  });

  it('passes --set probe.KEY=VALUE to the probe options', () => {
    const result = mimax(['probe', out, '--run', ID, '--set', 'probe.maxIterations=1']);
    assert.equal(result.status, 0, result.stderr);
    const written = JSON.parse(
      readFileSync(join(out, 'probes', ...ID.split('/'), 'step-101.maxIterations=1.json'), 'utf8'),
    );
    assert.equal(written.probe.maxIterations, 1);
    // The run's own probe of that step is a file of its own, not overwritten.
    const own = mimax(['probe', out, '--run', ID]);
    assert.equal(own.status, 0, own.stderr);
    const ownWritten = JSON.parse(
      readFileSync(join(out, 'probes', ...ID.split('/'), 'step-101.json'), 'utf8'),
    );
    assert.equal(ownWritten.probe.maxIterations, undefined);
    assert.ok(existsSync(join(out, 'probes', ...ID.split('/'), 'step-101.maxIterations=1.json')));
    const bad = mimax(['probe', out, '--run', ID, '--set', 'steps=3']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /takes probe\.KEY=VALUE/);
  });

  it('explains a missing step, a truncated file and a checkpoint of another config', () => {
    const missing = mimax(['probe', out, '--run', ID, '--step', '75']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no checkpoint of step 75 .*steps 0, 50, 100, 101/);
    const step50 = stepCheckpointDir(out, ID, 50);
    const model = join(step50, MODEL_FILE);
    const bytes = readFileSync(model);
    writeFileSync(model, bytes.subarray(0, bytes.length - 10));
    const truncated = mimax(['probe', out, '--run', ID, '--step', '50']);
    assert.equal(truncated.status, 2);
    assert.ok(truncated.stderr.includes(model), truncated.stderr);
    assert.match(truncated.stderr, /truncated/);
    const info = join(stepCheckpointDir(out, ID, 100), 'checkpoint.json');
    const json = JSON.parse(readFileSync(info, 'utf8'));
    writeFileSync(info, JSON.stringify({ ...json, configHash: 'feedface' }));
    const other = mimax(['probe', out, '--run', ID, '--step', '100']);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /step-100 is of another config \(hash feedface/);
  });

  it('encoders.load rebuilds the encoder with the saved weights', () => {
    const dir = stepCheckpointDir(out, ID, 0);
    assert.ok(existsSync(dir));
    const before = tf.memory().numTensors;
    const g1 = loadEncoder(join(out, 'checkpoints', ...ID.split('/'))); // newest step: 101
    const saved = readCheckpoint(stepCheckpointDir(out, ID, 101));
    assert.equal(g1.variables.length, saved.info.models['g1'].length);
    g1.variables.forEach((v, i) => {
      assert.deepEqual(
        Array.from(v.dataSync()),
        Array.from(saved.tensors[saved.info.models['g1'][i]].data),
      );
    });
    g1.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  });
});
