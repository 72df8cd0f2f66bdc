/**
 * `ais-mi` behind the shared runner: the smoke preset runs end to end through the CLI
 * (records with the bounds as one-point traces at K or T, the model trained once per model ×
 * seed and cached, the figures), resume skips everything; bad grids (T < 1, K < 1, L < 1, a
 * latent size the model lacks, ids not starting with their method or model, N < 2) give clear
 * errors; the frame maths on hand-made records (means, CIs combined over seeds, flagged and
 * failed runs, families and sizes).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aisMi } from '../../experiments/ais-mi.ts';
import { aisCells, aisRuns, combinedHalfWidth, familyOf } from '../../src/results/ais.ts';
import { recordsToFrames } from '../../src/results/frames.ts';
import { RECORD_SCHEMA_VERSION, type RunRecord } from '../../src/results/schema.ts';
import { readRecords } from '../../src/results/store.ts';
import { resolveConfig } from '../../src/run/grid.ts';
import { validateGrid } from '../../src/run/validate.ts';
import { type Options, UserError } from '../../src/types.ts';
import { mimax } from '../cli/helpers.ts';
import { tempDir } from '../helpers.ts';

/** Resolves and validates `ais-mi` smoke with `override`. */
const check = (override: Options) => validateGrid(aisMi, resolveConfig(aisMi, 'smoke', [override]));

/** A hand-made ais-mi record with one-point traces at `size`. */
function record(
  model: string,
  method: string,
  seed: number,
  size: number,
  values: Record<string, number>,
  status: 'ok' | 'failed' = 'ok',
): RunRecord {
  const traces = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      { start: size, every: 1, values: [v], downsample: { every: 1, reduce: 'sample' as const } },
    ]),
  );
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id: `ais-mi/${method}.${model}/seed-${seed}`,
    experiment: 'ais-mi',
    preset: 'smoke',
    cell: { encoder: null, critic: null, bound: method, target: null, sampling: null, task: model },
    seed,
    status,
    config: {},
    configHash: 'h',
    backend: 'wasm',
    versions: {},
    startedAt: '',
    updatedAt: '',
    seconds: 1,
    evaluations: [],
    traces,
  };
}

describe('ais-mi', () => {
  it('runs the smoke preset end to end: bounds, one training per model × seed, figures, resume', () => {
    const out = tempDir('mimax-ais-');
    const result = mimax(['run', 'ais-mi', '--preset', 'smoke', '--out', out, '--jobs', '2']);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const records = readRecords(out).records;
    // smoke: linear-gaussian × 4 methods + (vae-z2, gan-z2) × 2 methods, 1 seed
    assert.equal(records.length, 8);
    for (const r of records.filter((x) => x.cell.bound !== 'giwae')) {
      assert.equal(r.status, 'ok', `${r.id}: ${r.error?.message}`);
      const size = r.evaluations[0].step;
      const lower = r.traces!['miLower'];
      const upper = r.traces!['miUpper'];
      assert.equal(lower.start, size);
      assert.ok(Number.isFinite(lower.values[0]) && Number.isFinite(upper.values[0]), r.id);
      assert.equal(r.evaluations[0].testBound, lower.values[0]);
      // IWAE with the prior: the MI lower bound is at most log K (issue 18).
      if (r.cell.bound === 'iwae-prior-k10') assert.ok(lower.values[0]! <= Math.log(10) + 1e-9);
    }
    const lg = records.find((r) => r.cell.task === 'linear-gaussian')!;
    assert.ok(Number.isFinite(lg.evaluations[0].trueMI));
    // The exact MI of the simulated pairs: linear-Gaussian only (exact log p(x)), the same pairs
    // (seed `data`) hence the same value for every method of the model × seed.
    const sampleMI = records
      .filter((r) => r.cell.task === 'linear-gaussian')
      .map((r) => r.traces!['sampleMI']?.values[0]);
    assert.equal(sampleMI.length, 4);
    assert.ok(Number.isFinite(sampleMI[0]), 'linear-gaussian records sampleMI');
    for (const v of sampleMI) assert.equal(v, sampleMI[0]);
    for (const r of records.filter((x) => x.cell.task !== 'linear-gaussian'))
      assert.equal(r.traces!['sampleMI'], undefined, `${r.id} has no exact log p(x)`);
    // The AIS run keeps its HMC diagnostics and the collapse flag.
    const ais = records.find((r) => r.cell.bound === 'ais-prior-t5' && r.cell.task === 'vae-z2')!;
    for (const k of ['acceptance', 'stepSize', 'acceptanceCollapsed'])
      assert.ok(Number.isFinite(ais.constants![k]), k);
    // The VAE and the GAN trained once each (one weights folder per model × seed), shared by
    // both of their methods, which record the same training summary.
    // (The linear-Gaussian folder holds only the learned proposal of its q-methods.)
    const folders = readdirSync(join(out, 'models')).sort();
    assert.deepEqual(
      folders.map((f) => f.replace(/-[0-9a-f]{12}$/, '')),
      ['gan-z2', 'linear-gaussian', 'vae-z2'],
    );
    for (const f of folders.filter((name) => !name.startsWith('linear'))) {
      assert.deepEqual(readdirSync(join(out, 'models', f)), ['seed-0']);
      assert.ok(existsSync(join(out, 'models', f, 'seed-0', 'weights.bin')));
    }
    const proposal = readdirSync(join(out, 'models', folders[1], 'seed-0'));
    assert.equal(proposal.length, 1, 'one proposal shared by iwae-q and giwae');
    const vaeRuns = records.filter((r) => r.cell.task === 'vae-z2');
    assert.equal(vaeRuns.length, 2);
    assert.equal(
      vaeRuns.reduce((a, r) => a + r.constants!['model:trainedHere'], 0),
      1,
      'one of the two runs trained the VAE',
    );
    assert.equal(
      vaeRuns[0].constants!['model:validationElbo'],
      vaeRuns[1].constants!['model:validationElbo'],
    );
    assert.ok(vaeRuns[0].traces!['model:validationElbo'].values.length === 1);
    for (const id of ['linear-gaussian', 'vae', 'gan'])
      assert.ok(existsSync(join(out, 'figures', `ais-mi-${id}.svg`)), id);
    const again = mimax(['run', 'ais-mi', '--preset', 'smoke', '--out', out, '--no-plots']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /8 skipped/);
  });

  it('bad grids give errors that name the field', () => {
    const cases: [Options, RegExp][] = [
      [
        { estimators: { 'ais-prior-t5': { T: 0 } } },
        /estimators\.ais-prior-t5: .*option 'T' must be an integer ≥ 1, got 0/,
      ],
      [
        { estimators: { 'iwae-prior-k10': { K: 0 } } },
        /estimators\.iwae-prior-k10: .*option 'K' must be an integer ≥ 1, got 0/,
      ],
      [
        { estimators: { 'ais-prior-t5': { L: 0 } } },
        /estimators\.ais-prior-t5: .*option 'L' must be an integer ≥ 1, got 0/,
      ],
      [
        { tasks: { 'vae-z2': { latentDim: 3 } } },
        /tasks\.vae-z2: option 'latentDim' must be one of 2, 10, 100/,
      ],
      [
        { tasks: { 'gan-z2': { latentDim: 0 } } },
        /tasks\.gan-z2: option 'latentDim' must be one of 2, 10, 100/,
      ],
      [
        { tasks: { 'linear-gaussian': { latentDim: 0 } } },
        /tasks\.linear-gaussian: option 'latentDim' must be a positive integer/,
      ],
      [
        { tasks: { 'my-model': { task: 'flow' } } },
        /unknown model 'flow'; valid models: linear-gaussian, vae, gan/,
      ],
      [
        { estimators: { best: { estimator: 'iwae-prior' } } },
        /estimators\.best: the id must be 'iwae-prior' or start with 'iwae-prior-'/,
      ],
      [
        { tasks: { small: { task: 'vae' } } },
        /tasks\.small: the id must be 'vae' or start with 'vae-'/,
      ],
      [{ estimators: { 'ais-prior-t5': { Tee: 3 } } }, /unknown option 'Tee'/],
      [{ loop: { samples: 1 } }, /option 'samples' must be an integer ≥ 2/],
    ];
    for (const [override, pattern] of cases) {
      assert.throws(
        () => check(override),
        (e: Error) => {
          assert.ok(e instanceof UserError, `${e.message} is not a UserError`);
          assert.match(e.message, pattern);
          return true;
        },
        JSON.stringify(override),
      );
    }
    check({}); // the smoke grid itself is valid
    validateGrid(aisMi, resolveConfig(aisMi, 'paper'));
    validateGrid(aisMi, resolveConfig(aisMi, 'fast'));
  });

  it('the frame: per-run values, means and combined CIs over seeds, flagged and failed runs', () => {
    const lg = 'linear-gaussian';
    const frames = recordsToFrames([
      record(lg, 'ais-prior-t100', 0, 100, {
        miLower: 1.0,
        miUpper: 1.4,
        ciLower: 0.3,
        ciUpper: 0.1,
        seconds: 2,
        acceptance: 0.6,
        stepSize: 0.1,
        acceptanceCollapsed: 0,
        trueMI: 1.2,
      }),
      record(lg, 'ais-prior-t100', 1, 100, {
        miLower: 1.2,
        miUpper: 1.8,
        ciLower: 0.4,
        ciUpper: 0.2,
        seconds: 4,
        acceptance: 0.05,
        stepSize: 1e-4,
        acceptanceCollapsed: 1,
        trueMI: 1.2,
      }),
      record(lg, 'ais-prior-t100', 2, 100, {}, 'failed'),
      record('vae-z2', 'iwae-q-k1000', 0, 1000, { miLower: 5, miUpper: 9, ciLower: 1, ciUpper: 2 }),
    ]);
    const runs = aisRuns(frames);
    assert.equal(runs.length, 4);
    assert.equal(runs[0].family, 'ais-prior');
    assert.equal(runs[0].size, 100);
    assert.equal(runs[3].modelKind, 'vae');
    assert.equal(runs[3].family, 'iwae-q');
    assert.equal(runs[1].flagged, true);
    assert.equal(runs[2].lower, null);
    const [ais, iwae] = aisCells(runs);
    assert.deepEqual([ais.ok, ais.failed, ais.flagged], [2, 1, 1]);
    assert.ok(Math.abs(ais.lower! - 1.1) < 1e-12);
    assert.ok(Math.abs(ais.upper! - 1.6) < 1e-12);
    assert.ok(Math.abs(ais.gap! - 0.5) < 1e-12);
    // √(0.3² + 0.4²) / 2 = 0.25; √(0.1² + 0.2²) / 2 = √0.05 / 2
    assert.ok(Math.abs(ais.ciLower! - 0.25) < 1e-12);
    assert.ok(Math.abs(ais.ciUpper! - Math.sqrt(0.05) / 2) < 1e-12);
    // sd over seeds (n − 1): |1.0 − 1.2| / √2
    assert.ok(Math.abs(ais.sdLower! - 0.2 / Math.SQRT2) < 1e-12);
    assert.equal(ais.seconds, 3);
    assert.equal(ais.trueMI, 1.2);
    assert.deepEqual([iwae.lower, iwae.upper, iwae.ciLower, iwae.sdLower], [5, 9, 1, null]);
    assert.equal(combinedHalfWidth([]), null);
    assert.equal(familyOf('ais-q-t500', ['ais', 'ais-q']), 'ais-q');
    assert.equal(familyOf('custom', ['ais-q']), 'custom');
  });
});
