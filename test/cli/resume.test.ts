/**
 * Nothing is lost: a sweep killed with SIGKILL (parent and workers) in the middle and restarted
 * finishes with every run present exactly once, each with all its evaluations.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readRecords } from '../../src/results/store.ts';
import { tempDir } from '../helpers.ts';
import { mimax, mimaxDetached, waitForRecords } from './helpers.ts';

/** Pids whose parent is `pid` (Linux /proc: field 4 of /proc/<pid>/stat). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    } catch {} // the process ended while we looked
  }
  return found;
}

/** Whether a process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('resume after SIGKILL', () => {
  it('restarts unfinished runs, skips finished ones, loses nothing', async () => {
    const out = tempDir('mimax-kill-');
    // noniid at smoke size but 200 steps: each run takes a few seconds, long enough to kill mid-sweep.
    const args = [
      'run',
      'noniid',
      '--preset',
      'smoke',
      '--steps',
      '200',
      '--eval-every',
      '25',
      '--out',
      out,
      '--jobs',
      '1',
      '--no-plots',
    ];
    const child = mimaxDetached(args);
    // Wait until one run has finished and another has started.
    await waitForRecords(
      out,
      (records) =>
        records.some((r) => r.status === 'ok') &&
        records.some((r) => r.status === 'running' && r.evaluations.length >= 1),
    );
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const before = readRecords(out).records;
    const interrupted = before.filter((r) => r.status === 'running');
    assert.ok(interrupted.length >= 1, 'a run was interrupted');
    const finishedBefore = before.filter((r) => r.status === 'ok').map((r) => [r.id, r.updatedAt]);

    const result = mimax(args);
    assert.equal(result.status, 0, result.stderr);
    const after = readRecords(out);
    assert.equal(after.corrupt.length, 0);
    assert.equal(after.records.length, 4, 'every run present exactly once');
    for (const r of after.records) {
      assert.equal(r.status, 'ok', r.id);
      assert.deepEqual(
        r.evaluations.map((e) => e.step),
        [0, 25, 50, 75, 100, 125, 150, 175],
        r.id,
      );
      assert.equal(r.traces?.estimate.values.length, 200);
    }
    // Finished runs were not redone.
    for (const [id, updatedAt] of finishedBefore) {
      assert.equal(after.records.find((r) => r.id === id)?.updatedAt, updatedAt, `${id} was rerun`);
    }
    assert.match(result.stdout, new RegExp(`${finishedBefore.length} skipped`));
  });

  it('Ctrl-C (SIGINT) stops cleanly: exit 130, finished evaluations kept, the rerun completes', async () => {
    const out = tempDir('mimax-sigint-');
    const args = [
      'run',
      'noniid',
      '--preset',
      'smoke',
      // 300 steps: long enough to interrupt after two evaluations, short enough that the rerun
      // of all 4 runs fits the helper's 240 s on a loaded machine (600 steps did not).
      '--steps',
      '300',
      '--eval-every',
      '50',
      '--out',
      out,
      '--jobs',
      '1',
      '--no-plots',
    ];
    const child = mimaxDetached(args);
    await waitForRecords(out, (records) => records.some((r) => r.evaluations.length >= 2));
    process.kill(-child.pid!, 'SIGINT'); // as a terminal's Ctrl-C: the whole process group
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130);
    const stopped = readRecords(out).records;
    assert.ok(stopped.length >= 1);
    assert.ok(
      stopped.some((r) => r.status === 'running' && r.evaluations.length >= 2),
      'evaluations kept',
    );
    const result = mimax(args);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(readRecords(out).records.every((r) => r.status === 'ok'));
  });

  it('a second Ctrl-C kills a run stuck in a long step: exit 130 within seconds, the record stays resumable', async () => {
    const out = tempDir('mimax-sigint2-');
    // One ais-mi run whose one step is minutes of IWAE (K = 5·10⁷ on 8 points): a first Ctrl-C
    // waits for it; the second must not.
    const drop = ['iwae-q-k1', 'ais-prior-t5', 'giwae'].flatMap((m) => [
      '--set',
      `estimators.${m}=null`,
    ]);
    const args = [
      'run',
      'ais-mi',
      '--preset',
      'smoke',
      ...drop,
      '--set',
      'estimators.iwae-prior-k10.K=50000000',
      '--set',
      'tasks.vae-z2=null',
      '--set',
      'tasks.gan-z2=null',
      '--out',
      out,
      '--jobs',
      '1',
      '--no-plots',
    ];
    const child = mimaxDetached(args);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    await waitForRecords(out, (records) => records.some((r) => r.status === 'running'));
    const workers = childrenOf(child.pid!);
    assert.ok(workers.length >= 1, 'a worker process');
    const exited = new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    process.kill(-child.pid!, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = Date.now();
    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000)),
    ]);
    if (code === 'still running') process.kill(-child.pid!, 'SIGKILL');
    assert.equal(
      code,
      130,
      `exit ${String(code)} ${Date.now() - started} ms after the second Ctrl-C`,
    );
    assert.match(stderr, /killed: unfinished runs resume/);
    // No worker left behind (one busy in a long step would otherwise run on as an orphan).
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const pid of workers) assert.ok(!alive(pid), `worker ${pid} still running`);
    const records = readRecords(out).records;
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status, 'running', 'left resumable, not failed');
  });
});
