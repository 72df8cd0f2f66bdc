/**
 * An output directory that cannot take records (read-only, or a full disk) is a clear error
 * naming the directory and the system's code (EACCES / ENOSPC), exit 2, no stack trace, before
 * any run starts, and leaves no partial record.
 *
 * Read-only: root writes through `chmod`, so as root the command runs as `nobody` through
 * `setpriv` (util-linux); otherwise the directory is made read-only with chmod 555. Full: a
 * 4 KiB tmpfs filled up, mounted in a private mount namespace (`unshare --mount`, root only).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers.ts';

const RUN = ['run', 'noniid', '--preset', 'smoke', '--jobs', '1', '--no-plots'];
const root = process.getuid?.() === 0;
const has = (bin: string) => spawnSync('which', [bin]).status === 0;
const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
// As root the command runs as `nobody`, who must be able to read the checkout (not so in a
// clone under a 0700 folder, e.g. `mktemp -d`).
const nobodyReadsCheckout =
  root &&
  has('setpriv') &&
  spawnSync(asNobody[0], [...asNobody.slice(1), 'test', '-r', 'bin/mimax.js']).status === 0;
const canUnshareMount =
  root && spawnSync('unshare', ['--mount', 'true'], { timeout: 10_000 }).status === 0;

function assertCleanFailure(
  result: { status: number | null; stderr: string },
  dir: string,
  code: string,
) {
  assert.equal(result.status, 2, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(
      `mimax: error: cannot write records to the results directory '${dir}' \\(${code}\\)`,
    ),
  );
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(result.stderr, /\[\d+\/\d+\]/, 'no run started');
}

describe('unwritable output directory', () => {
  it('read-only: EACCES named, exit 2, nothing written', {
    skip:
      root && !has('setpriv')
        ? 'root without setpriv cannot drop write access'
        : root && !nobodyReadsCheckout
          ? 'nobody cannot read this checkout (it sits under a folder closed to others)'
          : false,
  }, () => {
    const parent = tempDir('mimax-ro-');
    chmodSync(parent, 0o755);
    const dir = join(parent, 'read-only');
    mkdirSync(dir, { mode: 0o555 });
    chmodSync(dir, 0o555);
    const out = join(dir, 'results');
    const command = [process.execPath, 'bin/mimax.js', ...RUN, '--out', out];
    const [bin, ...args] = root ? [...asNobody, ...command] : command;
    const result = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000 });
    assertCleanFailure(result, out, 'EACCES');
    assert.deepEqual(readdirSync(dir, { recursive: true }), [], 'no partial record');
  });

  it('full disk: ENOSPC named, exit 2, no partial record', {
    skip: canUnshareMount ? false : 'needs root and unshare --mount for a tiny tmpfs',
  }, () => {
    const dir = tempDir('mimax-full-');
    const out = join(dir, 'results');
    // A one-page tmpfs, filled, visible only to this shell and its mimax.
    const script =
      `mount -t tmpfs -o size=4k tmpfs '${dir}' && head -c 8192 /dev/zero > '${dir}/fill' 2>/dev/null;` +
      ` '${process.execPath}' bin/mimax.js ${RUN.join(' ')} --out '${out}'; status=$?;` +
      ` find '${dir}' -type f >&2; exit $status`;
    const result = spawnSync('unshare', ['--mount', 'sh', '-c', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assertCleanFailure(result, out, 'ENOSPC');
    // The only file in the full filesystem is the filler: no record, no temp file.
    const files = result.stderr.split('\n').filter((l) => l.startsWith(dir));
    assert.deepEqual(files, [join(dir, 'fill')]);
  });
});
