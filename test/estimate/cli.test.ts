/**
 * `mimax estimate` from the command line: one end-to-end run on the shipped example (table,
 * JSON, the files in --out), and every bad input of the issue: exit code 2, one `mimax: error:`
 * line naming the problem, no stack trace.
 *
 * The bad-input cases all run in one child process that calls the CLI's `main()` for each
 * (`run-cli-cases.ts`: the code path of `bin/mimax.js`, which only registers tsx and calls it),
 * to keep the suite fast; one of them, the end-to-end run and the Ctrl-C run go through
 * `bin/mimax.js` itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { mimax, mimaxDetached } from '../cli/helpers.ts';
import { tempDir } from '../helpers.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'estimate');
const GAUSSIAN_CSV = join(import.meta.dirname, '..', '..', 'examples', 'estimate', 'gaussian.csv');

/** Runs each command line in one child process (see `run-cli-cases.ts`). */
function cliCases(cases: string[][]): { code: number; stdout: string; stderr: string }[] {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'run-cli-cases.ts'), JSON.stringify(cases)],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** Asserts exit code 2 and one error line matching `pattern`, with no stack trace. */
function assertUserError(
  r: { code?: number; status?: number | null; stderr: string },
  pattern: RegExp,
) {
  assert.equal(r.code ?? r.status, 2, r.stderr);
  assert.match(r.stderr, /^mimax: error: /m);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

function csvFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A CSV of n rows: a, b correlated, c constant, d independent. */
function table(n: number): string {
  const lines = ['a,b,c,d'];
  for (let i = 0; i < n; i++) lines.push(`${i % 7},${(i % 7) + (i % 3)},1,${(i * 37) % 11}`);
  return `${lines.join('\n')}\n`;
}

describe('mimax estimate: bad input (exit 2, a clear message, no stack trace)', () => {
  const dir = tempDir('mimax-estimate-cli-');
  const good = csvFile(dir, 'good.csv', table(700));
  const small = csvFile(dir, 'small.csv', table(150));
  const ragged = csvFile(dir, 'ragged.csv', 'a,b\n1,2\n3,4,5\n');
  const binary = csvFile(dir, 'binary.csv', 'a,b\n\u0000\u0001\n');
  const nan = csvFile(dir, 'nan.csv', table(700).replace('\n3,3,1,', '\n3,NaN,1,'));
  const inf = csvFile(dir, 'inf.csv', table(700).replace('\n3,3,1,', '\n3,-inf,1,'));
  const npy = (name: string) => join(FIXTURES, name);
  const ab = ['--x', 'a', '--y', 'b'];
  /** [what, command line, the message expected]. */
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['estimate', join(dir, 'nope.csv'), ...ab], /file not found: .*nope\.csv/],
    [
      'ragged CSV',
      ['estimate', ragged, ...ab],
      /ragged\.csv: line 3 has 3 fields but the header has 2/,
    ],
    ['binary CSV', ['estimate', binary, ...ab], /binary\.csv: not a text CSV file/],
    [
      'corrupt npy',
      ['estimate', '--x-file', npy('not-npy.npy'), '--y-file', npy('f8-2d.npy')],
      /not-npy\.npy: not a readable \.npy file/,
    ],
    [
      'truncated npy',
      ['estimate', '--x-file', npy('truncated.npy'), '--y-file', npy('f8-2d.npy')],
      /truncated\.npy: the header's shape \(6, 2\) needs 12 values but the file holds 11/,
    ],
    [
      'unknown column',
      ['estimate', good, '--x', 'a,zz', '--y', 'b'],
      /--x: unknown column 'zz'; available columns: 0: a, 1: b, 2: c, 3: d/,
    ],
    [
      'different row counts',
      ['estimate', '--x-file', npy('f8-2d.npy'), '--y-file', npy('f8-5rows.npy')],
      /x \(.*f8-2d\.npy\) has 6 rows but y \(.*f8-5rows\.npy\) has 5/,
    ],
    [
      'too few rows',
      ['estimate', small, ...ab],
      /150 rows are too few: at least 638 are needed .*at least 2 × batch size = 256 rows/,
    ],
    [
      'too few rows at test fraction 0.5',
      ['estimate', small, ...ab, '--batch-size', '100', '--test-fraction', '0.5'],
      /150 rows are too few: at least 200 are needed at test fraction 0.5/,
    ],
    [
      'constant column',
      ['estimate', good, '--x', 'a,c', '--y', 'b', '--estimator', 'ksg'],
      /x: column 'c' is constant \(zero variance\)/,
    ],
    [
      'NaN in a CSV',
      ['estimate', nan, ...ab],
      /nan\.csv: line 5 \(data row 4\), column 'b': missing value .*--drop-missing/,
    ],
    [
      'inf in a CSV (even with --drop-missing)',
      ['estimate', inf, ...ab, '--drop-missing'],
      /inf\.csv: line 5 \(data row 4\), column 'b': infinite value/,
    ],
    [
      'inf in an npy',
      ['estimate', '--x-file', npy('inf.npy'), '--y-file', npy('f4-1d.npy')],
      /row 3 .*column 'x': infinite value/,
    ],
    ...['0', '1', '1.5', '-0.2', 'abc'].map(
      (f) =>
        [
          `--test-fraction ${f}`,
          ['estimate', good, ...ab, '--test-fraction', f],
          /--test-fraction must be (in \(0, 1\)|a number)/,
        ] as [string, string[], RegExp],
    ),
    [
      'unknown estimator',
      ['estimate', good, ...ab, '--estimator', 'smile,mutual'],
      /unknown estimator 'mutual'; valid estimators: infonce, .*smile.*, ksg, gaussian/,
    ],
    [
      '--steps and --epochs',
      ['estimate', good, ...ab, '--steps', '10', '--epochs', '2'],
      /--steps or as --epochs, not both/,
    ],
    [
      'bad --format',
      ['estimate', good, ...ab, '--format', 'xml'],
      /--format must be 'table' or 'json'/,
    ],
    ['--steps 0', ['estimate', good, ...ab, '--steps', '0'], /--steps must be an integer ≥ 1/],
    [
      '--set for an estimator not run',
      ['estimate', good, ...ab, '--estimator', 'ksg', '--set', 'smile.tau=2'],
      /'smile' is not one of the estimators run \(ksg\)/,
    ],
    [
      '--set of an unknown option',
      ['estimate', good, ...ab, '--estimator', 'ksg', '--set', 'ksg.kk=2'],
      /estimator 'ksg': unknown option 'kk'; valid options: k, noise/,
    ],
    ['unknown critic', ['estimate', good, ...ab, '--critic', 'mlp2'], /unknown critic 'mlp2'/],
    ['--x without --y', ['estimate', good, '--x', 'a'], /say which columns are x and y/],
    ['no data at all', ['estimate'], /no data: give a CSV file/],
    [
      '--x-file alone',
      ['estimate', '--x-file', npy('f8-2d.npy')],
      /--x-file and --y-file go together/,
    ],
  ];
  let results: { code: number; stdout: string; stderr: string }[] = [];
  before(() => {
    results = cliCases(cases.map(([, args]) => args));
  });
  for (const [i, [what, , pattern]] of cases.entries()) {
    it(what, () => assertUserError(results[i], pattern));
  }

  it('through bin/mimax.js: exit code 2 and no stack trace', () => {
    assertUserError(mimax(['estimate', join(dir, 'nope.csv'), ...ab]), /file not found/);
  });
});

describe('mimax estimate: end to end on the shipped example', () => {
  it('prints the table or JSON and writes estimate.json and the figure', () => {
    const out = join(tempDir('mimax-estimate-out-'), 'out');
    const r = mimax([
      'estimate',
      GAUSSIAN_CSV,
      '--x',
      'x1,x2',
      '--y',
      '2:4',
      '--steps',
      '20',
      '--seeds',
      '2',
      '--estimator',
      'infonce,ksg,gaussian',
      '--set',
      'ksg.k=4',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^estimator\s+estimate\s+sd\s+train\s+held-out per seed\s+seconds\s+ceiling$/m,
    );
    assert.match(r.stdout, /^infonce\s+-?\d\.\d{3}\s+\d\.\d{3}\s.*log K = 4\.852$/m);
    assert.match(r.stdout, /^ksg\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3} \d\.\d{3}\s/m);
    assert.match(r.stdout, /1000 of 5000 rows held out/);
    assert.match(r.stderr, /ksg seed 1: \d\.\d{3} nats held-out/);
    for (const f of ['estimate.json', 'estimate.vl.json', 'estimate.svg', 'estimate.png']) {
      assert.ok(existsSync(join(out, f)), f);
    }
    const json = JSON.parse(readFileSync(join(out, 'estimate.json'), 'utf8'));
    assert.equal(json.n, 5000);
    assert.deepEqual(json.yNames, ['y1', 'y2']);
    assert.deepEqual(json.protocol.seeds, [0, 1]);
    const ksg = json.estimators.find((e: { id: string }) => e.id === 'ksg');
    assert.equal(ksg.options.k, 4);
    // The baselines are near the true 1 nat (1,000 held-out rows: sd ≈ 0.05).
    assert.ok(Math.abs(ksg.estimate - 1) < 0.2, `ksg ${ksg.estimate}`);
    const gauss = json.estimators.find((e: { id: string }) => e.id === 'gaussian');
    assert.ok(Math.abs(gauss.estimate - 1) < 0.15, `gaussian ${gauss.estimate}`);
    const infonce = json.estimators.find((e: { id: string }) => e.id === 'infonce');
    assert.equal(infonce.heldOutCurve.length, 11);
    assert.equal(infonce.perSeed.length, 2);
    assert.match(readFileSync(join(out, 'estimate.svg'), 'utf8'), /^<svg/);
  });
});

describe('mimax estimate: Ctrl-C', () => {
  it('stops after the current step and prints what finished (exit 130)', async () => {
    // gaussian finishes at once; infonce would train for 10⁶ steps: SIGINT once gaussian is done.
    const child = mimaxDetached([
      'estimate',
      GAUSSIAN_CSV,
      '--x',
      'x1,x2',
      '--y',
      'y1,y2',
      '--estimator',
      'gaussian,infonce',
      '--steps',
      '1000000',
      '--seeds',
      '1',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/gaussian seed 0: /.test(stderr)) resolve();
      });
    });
    process.kill(child.pid!, 'SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping after the current step/);
    assert.match(stdout, /^gaussian\s+\d\.\d{3}/m);
    assert.doesNotMatch(stdout, /^infonce/m);
    assert.match(stdout, /stopped early: only the fits listed above finished/);
  });
});
