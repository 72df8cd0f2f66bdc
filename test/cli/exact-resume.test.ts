/**
 * Exact resume (issue 19): a run of 300 steps evaluated every 50, uninterrupted, against the
 * same run SIGKILLed (parent and worker) after its step-150 checkpoint and resumed: the
 * evaluations (accuracy, bounds, losses, estimates), the traces and the final variables
 * (the step-300 checkpoint, byte for byte) are identical. For the sweep loop, the adversarial
 * loop and an estimator loop (the staircase with MINE, whose moving average is loop state).
 * The uninterrupted and the interrupted run go side by side to keep the test short.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointSteps, MODEL_FILE, stepCheckpointDir } from '../../src/results/checkpoints.ts';
import type { RunRecord } from '../../src/results/schema.ts';
import { recordPath } from '../../src/results/store.ts';
import { tempDir } from '../helpers.ts';
import { mimaxDetached } from './helpers.ts';

/** Runs `mimax ARGS` to completion without blocking the event loop. */
function mimaxAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['bin/mimax.js', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stderr })));
}

const read = (out: string, id: string) =>
  JSON.parse(readFileSync(recordPath(out, id), 'utf8')) as RunRecord;
const evaluations = (r: RunRecord) => r.evaluations.map(({ seconds: _, ...rest }) => rest);

async function killedAndResumed(experiment: string, id: string) {
  const args = (out: string) => ['run', experiment, '--out', out, '--jobs', '1', '--no-plots'];
  const whole = tempDir('mimax-whole-');
  const cut = tempDir('mimax-cut-');
  const uninterrupted = mimaxAsync(args(whole));
  const child = mimaxDetached(args(cut));
  const deadline = Date.now() + 600_000; // generous: the CPU may be shared
  while (!existsSync(stepCheckpointDir(cut, id, 150))) {
    assert.ok(Date.now() < deadline, 'the run did not reach its step-150 checkpoint');
    await sleep(50);
  }
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  const killed = read(cut, id);
  assert.equal(killed.status, 'running');
  const resumed = await mimaxAsync(args(cut));
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from the checkpoint of step (150|200|250)/);
  const done = await uninterrupted;
  assert.equal(done.status, 0, done.stderr);
  const a = read(whole, id);
  const b = read(cut, id);
  assert.equal(b.status, 'ok');
  assert.ok(a.evaluations.length >= 6);
  assert.deepEqual(evaluations(b), evaluations(a));
  assert.deepEqual(b.traces, a.traces);
  // Final variables and optimizer state: the last checkpoints are byte-identical.
  const last = checkpointSteps(whole, id).at(-1)!;
  assert.equal(last, 300);
  assert.deepEqual(checkpointSteps(cut, id), [300], '--keep-checkpoints last');
  const bytes = (out: string) => readFileSync(join(stepCheckpointDir(out, id, last), MODEL_FILE));
  assert.ok(bytes(cut).equals(bytes(whole)), 'final variables differ');
}

const FIXTURES = 'test/fixtures/experiments';

describe('exact resume after SIGKILL', () => {
  it('sweep loop', async () => {
    await killedAndResumed(
      `${FIXTURES}/resume-sweep.ts`,
      'resume-sweep/mlp.bilinear.infonce/seed-0',
    );
  });
  it('adversarial loop', async () => {
    await killedAndResumed(
      `${FIXTURES}/resume-adversarial.ts`,
      'resume-adversarial/realnvp/seed-0',
    );
  });
  it('estimator loop (staircase, MINE)', async () => {
    await killedAndResumed(
      `${FIXTURES}/resume-staircase.ts`,
      'resume-staircase/separable.mine.gaussian/seed-0',
    );
  });
});
