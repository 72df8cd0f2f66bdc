/** Runs the mimax CLI in a child process. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../../src/results/schema.ts';
import { readRecords } from '../../src/results/store.ts';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mimax ARGS` to completion. */
export function mimax(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, ['bin/mimax.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `mimax ARGS` in its own process group (so the whole group can be killed). */
export function mimaxDetached(args: string[]) {
  return spawn(process.execPath, ['bin/mimax.js', ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Polls the records in `out` until `ready` holds (2 min at most). */
export async function waitForRecords(
  out: string,
  ready: (records: RunRecord[]) => boolean,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!ready(readRecords(out).records)) {
    assert.ok(Date.now() < deadline, 'sweep did not progress');
    await sleep(100);
  }
}
