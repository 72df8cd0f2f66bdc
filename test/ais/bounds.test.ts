/**
 * The bounds on I(X; Z) on the linear-Gaussian model (dz = 2, dx = 5, σ = 0.5: I = 2.18 nats),
 * where log p(x) is known per point: every lower bound ≤ truth ≤ every upper bound within a
 * Monte Carlo tolerance, the gap shrinks with K and T, AIS at T = 100 is within 0.1 nats, and
 * the exact identities (IWAE-prior ≤ log K, IWAE-q at K = 1 = Barber-Agakov, AIS at T = 1 =
 * IWAE at K = S). No tensor leaks; bad options name the field.
 *
 * Tolerance. Per point, d_i = L̂(x_i) − log p(x_i) has E[d_i] ≤ 0 and u_i = Û(x_i) − log p(x_i)
 * has E[u_i] ≥ 0. The test asserts mean(d) ≤ 2·c_d and mean(u) ≥ −2·c_u, with c the 95 % CI
 * half-width of that mean over 8 groups of points (`groupedMeanCi`, t with 7 df: c ≈ 2.36
 * standard errors, so 2c ≈ 4.7): with 16 such checks a valid bound must not fail by chance
 * (at 1·c the family-wise false-failure rate would be ~30 %), while a bound biased the wrong
 * way by more than ~0.1 nats fails. The seeds are fixed. Against the true MI (which also
 * carries the sampling error of the N pairs) it asserts miLower − 2·ciLower ≤ I ≤ miUpper + 2·ciUpper.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  boundMethodRegistry,
  GiwaeCritic,
  type LinearGaussianModel,
  linearGaussian,
  type MiBounds,
  type Proposal,
  runBoundMethod,
  trainProposal,
} from '../../src/ais/index.ts';
import { groupedMeanCi } from '../../src/ais/summary.ts';
import type { Options } from '../../src/types.ts';
import { UserError } from '../../src/types.ts';
import { leakedTensors, testBackend } from '../helpers.ts';

const N = 64;
const SEED = 3;
let model: LinearGaussianModel;
let data: { x: tf.Tensor2D; z: tf.Tensor2D };
let exact: Float64Array;
let sampleMI: number;
let q: Proposal;
const results = new Map<string, MiBounds>();

/** Runs a method and checks that it leaves no tensor behind. */
async function run(method: string, options: Options, proposal?: Proposal): Promise<MiBounds> {
  const before = tf.memory().numTensors;
  const r = await runBoundMethod(method, model, data, options, SEED, proposal);
  assert.equal(tf.memory().numTensors, before, `${method} leaked tensors`);
  return r;
}

const CASES: [string, string, Options, boolean][] = [
  ['iwae-prior K=10', 'iwae-prior', { K: 10 }, false],
  ['iwae-prior K=1000', 'iwae-prior', { K: 1000 }, false],
  ['iwae-q K=1', 'iwae-q', { K: 1 }, true],
  ['iwae-q K=10', 'iwae-q', { K: 10 }, true],
  ['ais-prior T=5', 'ais-prior', { T: 5, S: 4, L: 5 }, false],
  ['ais-prior T=100', 'ais-prior', { T: 100, S: 4, L: 5 }, false],
  ['ais-q T=20', 'ais-q', { T: 20, S: 4, L: 5 }, true],
  ['giwae K=10', 'giwae', { K: 10, criticHidden: [32], criticSteps: 200 }, true],
];

before(async () => {
  await testBackend();
  model = linearGaussian({ latentDim: 2, dataDim: 5, sigma: 0.5, seed: 1 });
  data = model.sample(N, 7);
  exact = model.logMarginal(data.x);
  const lik = model.logLikelihood(data.x, data.z);
  const values = lik.dataSync();
  lik.dispose();
  sampleMI = 0;
  for (let i = 0; i < N; i++) sampleMI += ((values[i] as number) - (exact[i] as number)) / N;
  // A small encoder suffices (the exact posterior is Gaussian with a mean linear in x).
  q = trainProposal(model, { hidden: [32], steps: 300, learningRate: 0.003 }, 5);
  for (const [name, method, options, usesQ] of CASES) {
    results.set(name, await run(method, options, usesQ ? q : undefined));
  }
});

after(() => {
  q.dispose();
  data.x.dispose();
  data.z.dispose();
  model.dispose();
});

function get(name: string): MiBounds {
  const r = results.get(name);
  assert.ok(r, name);
  return r;
}

describe('bounds on the linear-Gaussian model', () => {
  for (const [name] of CASES) {
    it(`${name}: L̂ ≤ log p(x) ≤ Û per point within the CI, and lower ≤ I ≤ upper within the CIs`, () => {
      const r = get(name);
      const d = Float64Array.from(r.logpxLower, (v, i) => v - (exact[i] as number));
      const u = Float64Array.from(r.logpxUpper, (v, i) => v - (exact[i] as number));
      const lower = groupedMeanCi(d, 8);
      const upper = groupedMeanCi(u, 8);
      assert.ok(
        lower.mean <= 2 * lower.ci,
        `${name}: mean(L̂ − log p) = ${lower.mean} > 2·${lower.ci}`,
      );
      assert.ok(
        upper.mean >= -2 * upper.ci,
        `${name}: mean(Û − log p) = ${upper.mean} < −2·${upper.ci}`,
      );
      const truth = model.trueMI;
      assert.ok(
        r.miLower - 2 * r.ciLower <= truth,
        `${name}: lower ${r.miLower} ± ${r.ciLower} vs ${truth}`,
      );
      assert.ok(
        r.miUpper + 2 * r.ciUpper >= truth,
        `${name}: upper ${r.miUpper} ± ${r.ciUpper} vs ${truth}`,
      );
      assert.equal(r.groups, 8);
      assert.ok(r.seconds >= 0);
    });
  }

  it('the gap shrinks as K (IWAE, prior) and T (AIS, prior) grow', () => {
    const gap = (name: string) => get(name).miUpper - get(name).miLower;
    assert.ok(gap('iwae-prior K=1000') < gap('iwae-prior K=10'), `${gap('iwae-prior K=1000')}`);
    assert.ok(gap('ais-prior T=100') < gap('ais-prior T=5'), `${gap('ais-prior T=100')}`);
    assert.ok(gap('iwae-q K=10') < gap('iwae-q K=1'));
  });

  it('AIS with T = 100 is within 0.1 nats of the MI on both sides (sample MI with exact log p(x_i))', () => {
    const r = get('ais-prior T=100');
    assert.ok(Math.abs(r.miLower - sampleMI) < 0.1, `lower ${r.miLower} vs ${sampleMI}`);
    assert.ok(Math.abs(r.miUpper - sampleMI) < 0.1, `upper ${r.miUpper} vs ${sampleMI}`);
    assert.ok(r.diagnostics['acceptance']! > 0.3 && r.diagnostics['acceptance']! <= 1);
    assert.ok(r.diagnostics['stepSize']! > 0);
    assert.ok(Number.isFinite(r.diagnostics['msPerTransition']));
  });

  it('IWAE-q with K = 1 is exactly Barber-Agakov: mean log q(z_i | x_i) − mean log p(z_i)', () => {
    const { mean, logStd } = q.gaussian(data.x);
    const m = mean.dataSync();
    const s = logStd.dataSync();
    const z = data.z.dataSync();
    mean.dispose();
    logStd.dispose();
    let ba = 0;
    for (let i = 0; i < N; i++) {
      for (let d = 0; d < 2; d++) {
        const k = 2 * i + d;
        const u = ((z[k] as number) - (m[k] as number)) / Math.exp(s[k] as number);
        // log N(z; m, e^{2s}) − log N(z; 0, 1), coordinate by coordinate
        ba += (-0.5 * u * u - (s[k] as number) + 0.5 * (z[k] as number) ** 2) / N;
      }
    }
    assert.ok(
      Math.abs(get('iwae-q K=1').miLower - ba) < 1e-4,
      `${get('iwae-q K=1').miLower} vs ${ba}`,
    );
  });

  it('GIWAE is at least Barber-Agakov here (the critic starts at T ≡ 0 and learns a positive contrastive term ≤ log K)', () => {
    const r = get('giwae K=10');
    const c = r.diagnostics['contrastive'] as number;
    assert.ok(c > 0 && c <= Math.log(10), `${c}`);
    // Its seconds include the critic's training (the method's own work).
    assert.ok(r.seconds >= (r.diagnostics['criticSeconds'] as number), `${r.seconds}`);
  });
});

describe('exact identities', () => {
  it('the GIWAE critic on r latents per x (first layer split as x·W_x repeated + z·W_z) is the MLP on [x; z]', () => {
    const critic = new GiwaeCritic(5, 2, [8, 8], 3);
    const vars = critic.variables; // [k1 [7, 8], b1, k2 [8, 8], b2, k3 [8, 1], b3]
    // The last kernel starts at zero (T ≡ 0): give it values so that the test can fail.
    const random = tf.randomNormal([8, 1], 0, 1, 'float32', 7);
    vars[4]!.assign(random);
    random.dispose();
    const leaked = leakedTensors(() => {
      const x = tf.randomNormal([3, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
      const z = tf.randomNormal([6, 2], 0, 1, 'float32', 2) as tf.Tensor2D; // rows i·2 + j ↔ x_i
      const got = critic.applyRepeated(x, z, 2);
      // Reference: the plain MLP on the concatenated pairs, written out layer by layer.
      const want = tf.tidy(() => {
        const xRep = tf.gather(x, [0, 0, 1, 1, 2, 2]); // [6, 5]
        let h: tf.Tensor = tf.concat([xRep, z], 1); // [6, 7]
        h = tf.relu(tf.add(tf.matMul(h as tf.Tensor2D, vars[0]!), vars[1]!));
        h = tf.relu(tf.add(tf.matMul(h as tf.Tensor2D, vars[2]!), vars[3]!));
        return tf.reshape(tf.add(tf.matMul(h as tf.Tensor2D, vars[4]!), vars[5]!), [-1]);
      });
      const g = got.dataSync();
      const w = want.dataSync();
      assert.equal(g.length, 6);
      assert.ok(
        w.some((v) => Math.abs(v) > 0.1),
        'a non-trivial critic',
      );
      for (let i = 0; i < 6; i++) assert.ok(Math.abs(g[i]! - w[i]!) < 1e-5, `${g[i]} vs ${w[i]}`);
      const x1 = tf.slice(x, [1, 0], [1, 5]) as tf.Tensor2D; // x_1
      const z3 = tf.slice(z, [3, 0], [1, 2]) as tf.Tensor2D; // its second latent (row 1·2 + 1)
      const one = critic.apply(x1, z3);
      assert.ok(Math.abs(one.dataSync()[0]! - w[3]!) < 1e-5, 'apply = applyRepeated with r = 1');
      tf.dispose([x, z, got, want, x1, z3, one]);
    });
    assert.equal(leaked, 0);
    critic.dispose();
  });

  it('IWAE with the prior: log p(x_i | z_i) − Û_K(x_i) ≤ log K for every point, and saturates near log K at high MI', async () => {
    const high = linearGaussian({ latentDim: 2, dataDim: 5, sigma: 0.05, seed: 1 });
    const pairs = high.sample(32, 8);
    const r = await runBoundMethod('iwae-prior', high, pairs, { K: 5 }, 1);
    for (let i = 0; i < 32; i++) {
      assert.ok((r.logLik[i] as number) - (r.logpxUpper[i] as number) <= Math.log(5) + 1e-9);
    }
    assert.ok(high.trueMI > 2 * Math.log(5));
    assert.ok(r.miLower > 0.9 * Math.log(5), `${r.miLower}`);
    pairs.x.dispose();
    pairs.z.dispose();
    high.dispose();
  });

  it('forward AIS with T = 1 is IWAE with K = S prior samples (same seed, same draws); its BDMC bound is IWAE at K = 1', async () => {
    const ais = await run('ais-prior', { T: 1, S: 6 });
    const iwae = await run('iwae-prior', { K: 6 });
    const iwae1 = await run('iwae-prior', { K: 1 });
    for (let i = 0; i < N; i++) {
      assert.ok(Math.abs((ais.logpxLower[i] as number) - (iwae.logpxLower[i] as number)) < 1e-4);
      assert.ok(Math.abs((ais.logpxUpper[i] as number) - (iwae1.logpxUpper[i] as number)) < 1e-4);
    }
  });
});

describe('options and data errors', () => {
  it('registers the five methods', () => {
    assert.deepEqual(boundMethodRegistry.names().sort(), [
      'ais-prior',
      'ais-q',
      'giwae',
      'iwae-prior',
      'iwae-q',
    ]);
  });

  const bad: [string, Options, RegExp][] = [
    ['ais-prior', { T: 0 }, /'T' must be an integer ≥ 1/],
    ['ais-q', { L: 0 }, /'L' must be an integer ≥ 1/],
    ['ais-prior', { S: 1.5 }, /'S'/],
    ['ais-prior', { targetAcceptance: 1.5 }, /'targetAcceptance'/],
    ['ais-prior', { schedule: 'cosine' }, /'schedule'/],
    ['iwae-prior', { K: 0 }, /'K' must be an integer ≥ 1/],
    ['iwae-q', { proposal: { steps: -1 } }, /proposal.*'steps'/],
    ['giwae', { base: 'data' }, /'base'/],
    ['giwae', { K: 0 }, /'K'/],
    ['iwae-prior', { samples: 10 }, /unknown option 'samples'/],
    ['iwae-prior', { K: '10' }, /'K' must be number/],
  ];
  for (const [method, options, pattern] of bad) {
    it(`${method} ${JSON.stringify(options)} is a UserError naming the field`, async () => {
      await assert.rejects(runBoundMethod(method, model, data, options, 1), (e: Error) => {
        assert.ok(e instanceof UserError, String(e));
        assert.match(e.message, pattern);
        return true;
      });
    });
  }

  it('data with a latent size the model lacks is a UserError', async () => {
    const z3 = tf.zeros([N, 3]) as tf.Tensor2D;
    await assert.rejects(
      runBoundMethod('iwae-prior', model, { x: data.x, z: z3 }, {}, 1),
      /latent dims/,
    );
    z3.dispose();
  });
});
