/** Runs the mimax CLI in a child process. */
import { spawn, spawnSync } from 'node:child_process';

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
