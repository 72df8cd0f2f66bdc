import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPERIMENTS } from '../../experiments/index.ts';
import { PRESETS } from '../../src/run/experiment.ts';
import {
  cellKey,
  expandRuns,
  parseSet,
  parseShard,
  resolveConfig,
  shardRuns,
} from '../../src/run/grid.ts';
import { validateGrid } from '../../src/run/validate.ts';

describe('experiment definitions', () => {
  const PAPER = [
    'adversarial',
    'critic-impact',
    'encoder-impact',
    'invertible',
    'non-invertible',
    'noniid',
  ];

  it('all six experiments of the paper are defined, each citing its section, plus the estimator benchmarks', () => {
    assert.deepEqual(
      Object.keys(EXPERIMENTS).sort(),
      [...PAPER, 'correlation', 'staircase', 'bmi-benchmark', 'gan-modes', 'ais-mi'].sort(),
    );
    for (const id of PAPER) assert.match(EXPERIMENTS[id].paper, /^Sec\. \d/);
    assert.match(EXPERIMENTS['staircase'].paper, /Poole 2019/);
  });

  it('every preset resolves and validates against the registries', () => {
    for (const e of Object.values(EXPERIMENTS)) {
      const paperExperiment = PAPER.includes(e.id);
      for (const preset of PRESETS) {
        const config = resolveConfig(e, preset);
        validateGrid(e, config);
        // The Colab: 20 runs per cell; the estimator benchmarks: ≥ 3 (Poole shows one run).
        if (preset === 'paper')
          assert.ok(config.seeds >= (paperExperiment ? 20 : 3), `${e.id}: paper preset seeds`);
        if (preset === 'fast' && paperExperiment)
          assert.ok(config.seeds >= 3, `${e.id}: fast preset has ≥ 3 seeds`);
      }
    }
  });

  it('exclude drops matching cells; the staircase fast preset keeps the separable critic', () => {
    const definition = EXPERIMENTS['staircase'];
    const runs = expandRuns(definition, resolveConfig(definition, 'fast'), 'fast');
    assert.equal(runs.length, 12 * 2);
    assert.ok(runs.every((r) => r.cell.critic === 'separable'));
    const kept = ['infonce', 'smile-5'];
    const exclude = Object.keys(definition.base.estimators)
      .filter((id) => !kept.includes(id))
      .map((bound) => ({ critic: 'concat', bound }));
    const partial = expandRuns(
      definition,
      resolveConfig(definition, 'paper', [{ exclude, seeds: 1 }]),
      'paper',
    );
    const concat = [
      ...new Set(partial.filter((r) => r.cell.critic === 'concat').map((r) => r.cell.bound)),
    ];
    assert.deepEqual(concat.sort(), kept);
    assert.equal(partial.length, 12 * 2 + 2 * 2);
    // The paper preset runs the full product: 2 critics × 12 estimators × 2 tasks × 3 seeds.
    const paper = resolveConfig(EXPERIMENTS['staircase'], 'paper');
    assert.equal(expandRuns(EXPERIMENTS['staircase'], paper, 'paper').length, 2 * 12 * 2 * 3);
    // Estimator variants carry their registry name and options; the variant id is the cell's bound.
    const smile = runs.find((r) => r.cell.bound === 'smile-inf')!;
    assert.deepEqual(smile.config.estimator, { name: 'smile', options: { tau: null } });
    assert.deepEqual(smile.config.task, { name: 'gaussian', options: { dim: 20 } });
    assert.equal(smile.id, 'staircase/separable.smile-inf.gaussian/seed-0');
  });

  it('definitions are plain data (JSON round-trip preserves them)', () => {
    for (const e of Object.values(EXPERIMENTS)) assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
  });

  it('the critic-impact grid has 3 critics × 2 bounds, encoder-impact 2 encoders × 2 bounds × 2 targets', () => {
    const ci = expandRuns(
      EXPERIMENTS['critic-impact'],
      resolveConfig(EXPERIMENTS['critic-impact'], 'paper'),
      'paper',
    );
    assert.equal(ci.length, 6 * 20);
    assert.deepEqual(
      [...new Set(ci.map((r) => cellKey(r.cell)))],
      [
        'mlp.bilinear.nwj',
        'mlp.bilinear.infonce',
        'mlp.separable.nwj',
        'mlp.separable.infonce',
        'mlp.concat.nwj',
        'mlp.concat.infonce',
      ],
    );
    const ei = expandRuns(
      EXPERIMENTS['encoder-impact'],
      resolveConfig(EXPERIMENTS['encoder-impact'], 'fast'),
      'fast',
    );
    assert.equal(new Set(ei.map((r) => cellKey(r.cell))).size, 8);
    assert.ok(ei.some((r) => r.id === 'encoder-impact/convnet.bilinear.infonce.t4/seed-2'));
    const adv = expandRuns(
      EXPERIMENTS.adversarial,
      resolveConfig(EXPERIMENTS.adversarial, 'paper'),
      'paper',
    );
    assert.equal(adv.length, 20);
    assert.equal(adv[0].id, 'adversarial/realnvp/seed-0');
    const ni = expandRuns(EXPERIMENTS.noniid, resolveConfig(EXPERIMENTS.noniid, 'paper'), 'paper');
    assert.deepEqual(
      [...new Set(ni.map((r) => cellKey(r.cell)))],
      ['concat.infonce.iid', 'concat.infonce.noniid', 'concat.nwj.iid', 'concat.nwj.noniid'],
    );
  });

  it('ids are stable and unique; config hashes differ between cells and presets', () => {
    const e = EXPERIMENTS['critic-impact'];
    const a = expandRuns(e, resolveConfig(e, 'fast'), 'fast');
    const b = expandRuns(e, resolveConfig(e, 'fast'), 'fast');
    assert.deepEqual(a, b);
    assert.equal(new Set(a.map((r) => r.id)).size, a.length);
    const smoke = expandRuns(e, resolveConfig(e, 'smoke'), 'smoke');
    assert.notEqual(smoke[0].configHash, a[0].configHash);
  });
});

describe('config overrides', () => {
  const e = EXPERIMENTS['critic-impact'];

  it('--set parses JSON values into nested overrides', () => {
    assert.deepEqual(parseSet('encoders.mlp.layers=[64,10]'), {
      encoders: { mlp: { layers: [64, 10] } },
    });
    assert.deepEqual(parseSet('dataset=fashion-mnist'), { dataset: 'fashion-mnist' });
    const config = resolveConfig(e, 'smoke', [
      parseSet('encoders.mlp.layers=[64,10]'),
      parseSet('learningRate=0.001'),
    ]);
    assert.deepEqual(config.encoders.mlp, { layers: [64, 10] });
    assert.equal(config.learningRate, 0.001);
  });

  it('grid maps merge by name; null removes an entry', () => {
    const config = resolveConfig(e, 'smoke', [
      parseSet('critics.concat=null'),
      parseSet('critics.separable.hidden=[8]'),
    ]);
    assert.deepEqual(Object.keys(config.critics), ['bilinear', 'separable']);
    assert.deepEqual(config.critics.separable, { hidden: [8] });
  });

  it('probe options merge field by field and are checked against the probe defaults', () => {
    const config = resolveConfig(e, 'smoke', [
      parseSet('probe.constantRange=1.19e-6'),
      parseSet('probe.C=1'),
    ]);
    assert.deepEqual(config.probe, { constantRange: 1.19e-6, C: 1 });
    validateGrid(e, config);
    // The default stays {} so configs (and their hashes) of existing records are unchanged.
    assert.deepEqual(resolveConfig(e, 'smoke').probe, {});
    assert.throws(
      () => validateGrid(e, resolveConfig(e, 'smoke', [parseSet('probe.constantRange=-1')])),
      /probe: option constantRange must be a number ≥ 0, got -1/,
    );
    assert.throws(
      () => validateGrid(e, resolveConfig(e, 'smoke', [parseSet('probe.foo=1')])),
      /probe: unknown option 'foo'; valid options: .*constantRange/,
    );
    // The Colab's solver from the command line (`--set probe.solver=saga`), a bad one named.
    const saga = resolveConfig(e, 'smoke', [
      parseSet('probe.solver=saga'),
      parseSet('probe.seed=3'),
    ]);
    assert.deepEqual(saga.probe, { solver: 'saga', seed: 3 });
    validateGrid(e, saga);
    assert.throws(
      () => validateGrid(e, resolveConfig(e, 'smoke', [parseSet('probe.solver=sgd')])),
      /probe: option solver must be one of lbfgs, saga, got "sgd"/,
    );
    assert.throws(
      () => resolveConfig(e, 'smoke', [parseSet('probe=3')]),
      /option 'probe' must be an object of options, got 3/,
    );
  });

  it('an unknown key or a wrong type names the field', () => {
    assert.throws(
      () => resolveConfig(e, 'smoke', [parseSet('stepz=5')]),
      /unknown option 'stepz'; valid options: .*steps/,
    );
    assert.throws(
      () => resolveConfig(e, 'smoke', [parseSet('steps=abc')]),
      /option 'steps' must be number, got string/,
    );
    assert.throws(
      () => validateGrid(e, resolveConfig(e, 'smoke', [parseSet('encoders.mlp.layerz=[1]')])),
      /encoder 'mlp': unknown option 'layerz'/,
    );
  });

  it('ranges are checked', () => {
    assert.throws(
      () => resolveConfig(e, 'smoke', [{ steps: 0 }]),
      /steps must be a positive integer/,
    );
    assert.throws(
      () => resolveConfig(e, 'smoke', [{ steps: 10, evalEvery: 20 }]),
      /evalEvery \(20\) exceeds steps \(10\)/,
    );
    assert.throws(
      () => resolveConfig(e, 'smoke', [{ learningRate: -1 }]),
      /learningRate must be > 0/,
    );
  });
});

describe('shards', () => {
  it('0/3, 1/3, 2/3 are disjoint and together equal the unsharded list', () => {
    const e = EXPERIMENTS['encoder-impact'];
    const runs = expandRuns(e, resolveConfig(e, 'fast'), 'fast').map((r) => r.id);
    const shards = [0, 1, 2].map((index) => shardRuns(runs, { index, count: 3 }));
    const union = shards.flat();
    assert.equal(union.length, runs.length);
    assert.deepEqual([...union].sort(), [...runs].sort());
    assert.equal(new Set(union).size, runs.length);
  });

  it('a shard spec out of range is an error', () => {
    assert.throws(() => parseShard('3/3'), /out of range/);
    assert.throws(() => parseShard('1-3'), /expects i\/n/);
    assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  });
});

describe('config hashes', () => {
  it('the paper experiments hash as before the estimator axes existed (existing result dirs resume)', () => {
    // precomputed/noniid/runs.csv, written before `estimators`, `tasks` and `exclude` existed.
    const runs = expandRuns(
      EXPERIMENTS['noniid'],
      resolveConfig(EXPERIMENTS['noniid'], 'fast'),
      'fast',
    );
    const run = runs.find((r) => r.id === 'noniid/concat.infonce.iid/seed-0')!;
    assert.equal(run.configHash, '02dfb91aab77f0f6');
    assert.equal('estimator' in run.config, false);
  });
});
