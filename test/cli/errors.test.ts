/** Bad input: a clear one-line message, exit code 2, no stack trace. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRecords, recordPath } from '../../src/results/store.ts';
import { tempDir } from '../helpers.ts';
import { mimax } from './helpers.ts';

function assertUserError(args: string[], pattern: RegExp) {
  const result = mimax(args);
  assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
}

describe('mimax run: bad input', () => {
  const out = tempDir('mimax-errors-');

  it('unknown experiment, preset, encoder, critic, bound list the valid ones', () => {
    assertUserError(
      ['run', 'critic-impakt', '--out', out],
      /unknown experiment 'critic-impakt'; valid experiments: invertible, adversarial/,
    );
    assertUserError(
      ['run', 'noniid', '--preset', 'quick', '--out', out],
      /unknown preset 'quick'; valid presets: paper, fast, smoke/,
    );
    assertUserError(
      [
        'run',
        'critic-impact',
        '--preset',
        'smoke',
        '--set',
        'encoders={"resnet":{}}',
        '--out',
        out,
      ],
      /unknown encoder 'resnet'; valid encoders: mlp, convnet, realnvp/,
    );
    assertUserError(
      ['run', 'critic-impact', '--preset', 'smoke', '--set', 'critics={"mine":{}}', '--out', out],
      /unknown critic 'mine'; valid critics: .*bilinear/,
    );
    assertUserError(
      ['run', 'critic-impact', '--preset', 'smoke', '--set', 'bounds=["mine"]', '--out', out],
      /unknown bound 'mine'; valid bounds: .*infonce/,
    );
  });

  it('unknown --set key or wrong type names the field and the expected type', () => {
    assertUserError(
      ['run', 'noniid', '--set', 'learningrate=1', '--out', out],
      /unknown option 'learningrate'; valid options: .*learningRate/,
    );
    assertUserError(
      ['run', 'noniid', '--set', 'batchSize=big', '--out', out],
      /option 'batchSize' must be number, got string/,
    );
    assertUserError(['run', 'noniid', '--set', 'nokey', '--out', out], /--set expects key=value/);
  });

  it('steps ≤ 0, eval-every beyond steps, shard out of range', () => {
    assertUserError(
      ['run', 'noniid', '--steps', '0', '--out', out],
      /--steps must be an integer ≥ 1, got '0'/,
    );
    assertUserError(
      ['run', 'noniid', '--steps', '10', '--eval-every', '20', '--out', out],
      /evalEvery \(20\) exceeds steps \(10\)/,
    );
    assertUserError(
      ['run', 'noniid', '--shard', '4/4', '--out', out],
      /--shard 4\/4 is out of range/,
    );
  });

  it('missing data set says how to get it', () => {
    assertUserError(
      ['run', 'critic-impact', '--preset', 'smoke', '--data', '/nonexistent/idx', '--out', out],
      /data directory \/nonexistent\/idx does not exist/,
    );
  });

  it('refuses a results directory holding another config unless --force; reruns corrupt records', () => {
    const dir = tempDir('mimax-conflict-');
    const base = ['run', 'noniid', '--preset', 'smoke', '--out', dir, '--no-plots', '--jobs', '1'];
    assert.equal(mimax(base).status, 0);
    assertUserError(
      [...base, '--set', 'learningRate=0.01'],
      /holds records of a different config for 4 run\(s\).*--force/,
    );
    const forced = mimax([...base, '--set', 'learningRate=0.01', '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /4 ok/);
    // A corrupt record is reported and its run redone.
    const path = recordPath(dir, 'noniid/concat.nwj.iid/seed-0');
    writeFileSync(path, '{"truncated');
    const again = mimax([...base, '--set', 'learningRate=0.01']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /corrupt record \(rerun\): .*concat\.nwj\.iid.*invalid JSON/);
    assert.match(again.stdout, /1 ok, 0 failed, 3 skipped/);
    assert.equal(readRecords(dir).corrupt.length, 0);
  });

  it('an experiment file that is not a definition is a clear error', () => {
    const dir = tempDir('mimax-file-');
    mkdirSync(dir, { recursive: true });
    // A user's experiment file is an ES module (here: a folder whose package.json says so).
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
    const file = join(dir, 'bad.ts');
    writeFileSync(file, 'export const x = 1;\n');
    assertUserError(['run', file, '--out', out], /must be an ExperimentDefinition; missing: id/);
    assertUserError(['run', join(dir, 'none.ts'), '--out', out], /does not exist/);
  });
});
