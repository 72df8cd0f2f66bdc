/**
 * The estimator experiments (staircase, correlation) behind the shared runner: an overflowing
 * estimate is a failed record that keeps its evaluations and stays in the frames; a killed
 * sweep resumes with every run once; shards cover the grid; bad estimator and task options are
 * clear errors naming the field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPERIMENTS } from '../../experiments/index.ts';
import { framesFromRecords } from '../../src/results/io.ts';
import { readRecords } from '../../src/results/store.ts';
import { parseSet, resolveConfig } from '../../src/run/grid.ts';
import { validateGrid } from '../../src/run/validate.ts';
import { UserError } from '../../src/types.ts';
import { OVERFLOW_STEP } from '../fixtures/experiments/overflow-staircase.ts';
import { tempDir } from '../helpers.ts';
import { mimax, mimaxDetached, waitForRecords } from './helpers.ts';

function assertUserError(args: string[], pattern: RegExp) {
  const result = mimax(args);
  assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
}

describe('estimator experiments', () => {
  it('an estimate that overflows fails its run, which keeps its evaluations and stays in the frames', () => {
    const out = tempDir('mimax-overflow-');
    const args = ['run', './test/fixtures/experiments/overflow-staircase.ts', '--preset', 'smoke'];
    const result = mimax([...args, '--out', out, '--no-plots']);
    assert.equal(result.status, 1, result.stderr + result.stdout); // a failed run: exit 1
    assert.match(result.stdout, /1 ok, 1 failed/);
    const records = readRecords(out).records;
    const failed = records.find((r) => r.cell.bound === 'overflow')!;
    const ok = records.find((r) => r.cell.bound === 'infonce')!;
    assert.equal(ok.status, 'ok');
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!.message, /overflow estimate became non-finite at step 25/);
    assert.equal(failed.error!.step, OVERFLOW_STEP);
    // Evaluations up to the failure; the failing window's mean is not finite → null.
    assert.deepEqual(
      failed.evaluations.map((e) => [e.step, e.trainBound === null]),
      [
        [0, true],
        [10, false],
        [20, false],
        [30, true],
      ],
    );
    const trace = failed.traces!.estimate.values;
    assert.equal(trace.length, OVERFLOW_STEP + 1, 'the trace ends with the non-finite value');
    assert.equal(trace.at(-1), null);
    assert.ok(trace.slice(0, -1).every((v) => Number.isFinite(v)));
    const set = framesFromRecords(out).get('overflow-staircase')!;
    const runs = set.frames.runs.objects() as { bound: string; status: string }[];
    assert.deepEqual(runs.map((r) => [r.bound, r.status]).sort(), [
      ['infonce', 'ok'],
      ['overflow', 'failed'],
    ]);
    assert.equal(set.manifest.runs.failed, 1);
    const failedRows = (set.frames.evaluations.objects() as { bound: string }[]).filter(
      (r) => r.bound === 'overflow',
    );
    assert.equal(failedRows.length, 4, "the failed run's evaluations are in the frame");
    // A rerun does not retry a failed run unless asked.
    const again = mimax([...args, '--out', out, '--no-plots']);
    assert.match(again.stdout, /0 ok, 1 failed, 1 skipped|0 ok, 0 failed, 2 skipped/);
  });

  it('a staircase sweep killed mid-run resumes with every run exactly once and complete', async () => {
    const out = tempDir('mimax-kill-staircase-');
    const args = [
      'run',
      'staircase',
      '--preset',
      'smoke',
      '--steps',
      '400',
      '--eval-every',
      '50',
      '--set',
      'critics.concat=null',
      '--out',
      out,
      '--jobs',
      '1',
      '--no-plots',
    ];
    const child = mimaxDetached(args);
    await waitForRecords(
      out,
      (records) =>
        records.some((r) => r.status === 'ok') &&
        records.some((r) => r.status === 'running' && r.evaluations.length >= 2),
    );
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    assert.ok(readRecords(out).records.some((r) => r.status === 'running'));
    const result = mimax(args);
    assert.equal(result.status, 0, result.stderr);
    const after = readRecords(out);
    assert.equal(after.corrupt.length, 0);
    assert.equal(after.records.length, 10, 'separable × 5 estimators × 2 tasks, once each');
    const steps = [0, 50, 100, 150, 200, 250, 300, 350, 400];
    for (const r of after.records) {
      assert.equal(r.status, 'ok', r.id);
      assert.deepEqual(
        r.evaluations.map((e) => e.step),
        steps,
        r.id,
      );
      assert.equal(r.traces?.estimate.values.length, 400, r.id);
    }
  });

  it('shards of the correlation grid are disjoint and cover it', () => {
    const out = tempDir('mimax-shards-');
    const run = (shard: string) =>
      mimax([
        'run',
        'correlation',
        '--preset',
        'smoke',
        '--shard',
        shard,
        '--out',
        out,
        '--no-plots',
      ]);
    const first = run('0/2');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(readRecords(out).records.length, 2);
    const second = run('1/2');
    assert.equal(second.status, 0, second.stderr);
    const ids = readRecords(out).records.map((r) => r.id);
    assert.equal(new Set(ids).size, 4);
    assert.ok(ids.includes('correlation/concat.smile-5.gaussian-d2-rho-0.9/seed-0'));
  });

  it('bad estimator, task and loop options name the field (CLI: exit 2, no stack trace)', () => {
    const out = tempDir('mimax-estimator-errors-');
    const run = (experiment: string, ...sets: string[]) => [
      'run',
      experiment,
      '--preset',
      'smoke',
      ...sets.flatMap((s) => ['--set', s]),
      '--out',
      out,
    ];
    assertUserError(
      run('staircase', 'estimators={"mien":{}}'),
      /unknown estimator 'mien'; valid estimators: infonce, nwj, tuba, dv, mine, js, smile, interpolated/,
    );
    assertUserError(run('staircase', 'estimators.smile-5.tau=0'), /option 'tau' must be > 0/);
    assertUserError(
      run('correlation', 'tasks={"bad":{"task":"gaussian","dim":1,"rho":1}}'),
      /task 'gaussian': option 'rho' must satisfy \|ρ\| < 1, got 1/,
    );
  });

  // The same checks in-process (what the CLI calls before any run): fast, one per field.
  const rejects = (experiment: string, set: string, pattern: RegExp) =>
    assert.throws(
      () => {
        const definition = EXPERIMENTS[experiment];
        validateGrid(definition, resolveConfig(definition, 'smoke', [parseSet(set)]));
      },
      (e: Error) => e instanceof UserError && pattern.test(e.message),
      set,
    );

  it('every bad estimator, task, loop and grid option is a UserError naming the field', () => {
    rejects('staircase', 'estimators.smile-5.tau=-1', /option 'tau' must be > 0/);
    rejects(
      'staircase',
      'estimators={"a":{"estimator":"interpolated","alpha":0}}',
      /option 'alpha' must be in \(0, 1\]/,
    );
    rejects(
      'staircase',
      'estimators={"a":{"estimator":"interpolated","alpha":1.5}}',
      /option 'alpha' must be in \(0, 1\]/,
    );
    rejects(
      'staircase',
      'estimators={"a":{"estimator":"mine","rate":0}}',
      /option 'rate' must be in \(0, 1\]/,
    );
    rejects(
      'staircase',
      'tasks={"normal":{}}',
      /unknown task 'normal'; valid tasks: gaussian, cubic/,
    );
    rejects(
      'staircase',
      'tasks.gaussian.dim=0',
      /task 'gaussian': option 'dim' must be an integer ≥ 1/,
    );
    rejects(
      'correlation',
      'tasks={"bad":{"task":"gaussian","dim":1,"rho":-1.5}}',
      /option 'rho' must satisfy \|ρ\| < 1/,
    );
    rejects('staircase', 'loop.levels=[]', /option 'levels' must be a non-empty array/);
    rejects('staircase', 'steps=45', /must split into 2 equal levels/);
    rejects('correlation', 'loop.testFraction=1', /option 'testFraction' must be in \(0, 1\)/);
    rejects('correlation', 'loop.samples=100', /option 'samples' \(100\) must be an integer/);
    rejects(
      'staircase',
      'exclude=[{"estimator":"mine"}]',
      /exclude: each entry must be a partial cell/,
    );
    rejects(
      'staircase',
      'encoders={"mlp":{}}',
      /experiment 'staircase' \(loop staircase\) takes no encoders/,
    );
  });
});
