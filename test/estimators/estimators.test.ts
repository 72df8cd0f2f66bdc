/**
 * The estimator registry: what js, smile and MINE train and report (against NumPy), MINE's
 * moving average and its gradient, a contract over every registered estimator (a user's
 * `registerEstimator` is covered too), and option errors.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { dv, jsObjective, nwj, tuba } from '../../src/bounds/index.ts';
import { createCritic } from '../../src/critics/index.ts';
import {
  createEstimator,
  type Estimator,
  type EstimatorBatch,
  estimatorRegistry,
  jsReportedValue,
  MineEstimator,
  resolveEstimatorOptions,
} from '../../src/estimators/index.ts';
import { Rng } from '../../src/random.ts';
import { type Options, UserError } from '../../src/types.ts';
// Side effect: registers TF.js's stock gradients (tfjs-core alone has none in Node).
import '../../src/ops/index.ts';
import { leakedTensors, testBackend } from '../helpers.ts';

// S_a is S2 of bounds.test.ts; S_b another asymmetric 4×4 batch.
const SA = [
  [1.0, 0.2, -0.4, 0.9],
  [-1.1, 0.6, 0.3, 0.0],
  [0.5, -0.7, 2.2, -0.2],
  [0.8, 1.3, -0.6, -0.3],
];
const SB = [
  [2.5, -0.3, 0.1, 1.4],
  [0.7, 1.9, -1.2, 0.4],
  [-0.5, 0.9, 3.0, 0.2],
  [1.1, -0.8, 0.6, 2.0],
];

/*
Reference (NumPy 2.4.6, float64), written independently of the TF code:

import numpy as np
def lme_off(S):
    K = S.shape[0]
    off = S[~np.eye(K, dtype=bool)]
    m = off.max()
    return m + np.log(np.mean(np.exp(off - m)))
def dv(S): return np.mean(np.diag(S)) - lme_off(S)
def smile(S, tau): return np.mean(np.diag(S)) - lme_off(np.clip(S, -tau, tau))
def softplus(x): return np.logaddexp(0, x)
def js(S):
    K = S.shape[0]
    off = S[~np.eye(K, dtype=bool)]
    return np.mean(-softplus(-np.diag(S))) - np.mean(softplus(off))
def tuba(S):
    K = S.shape[0]
    return 1 + np.mean(np.diag(S)) - np.mean(np.exp(S[~np.eye(K, dtype=bool)]))
def mine_grad(S, m):
    # d/dS of −[mean diag S − Z_b/m], m constant
    K = S.shape[0]
    g = np.exp(S) / (K * (K - 1) * m)
    g[np.eye(K, dtype=bool)] = -1.0 / K
    return g
Sa = np.array([[1.0, 0.2, -0.4, 0.9], [-1.1, 0.6, 0.3, 0.0], [0.5, -0.7, 2.2, -0.2],
               [0.8, 1.3, -0.6, -0.3]])
Sb = np.array([[2.5, -0.3, 0.1, 1.4], [0.7, 1.9, -1.2, 0.4], [-0.5, 0.9, 3.0, 0.2],
               [1.1, -0.8, 0.6, 2.0]])
Za, Zb = np.exp(lme_off(Sa)), np.exp(lme_off(Sb))
js(Sa), tuba(Sa), smile(Sa, 1.0), dv(Sa), dv(Sb)
np.log(Za), np.log(Zb), np.log(0.5 * Za + 0.5 * Zb), np.log(0.99 * Za + 0.01 * Zb)
mine_grad(Sb, 0.5 * Za + 0.5 * Zb)    # MINE, rate 0.5, second step (m updated with Z_b first)
mine_grad(Sb, Zb)                     # DV
*/
const REF = {
  jsSa: -1.220225777174612,
  tubaSa: 0.504854802799825,
  smileSaTau1: 0.6174076231101421,
  dvSa: 0.5600832824180138,
  dvSb: 1.8762995125572721,
  logZa: 0.3149167175819864,
  logZb: 0.47370048744272797,
  logM05: 0.39745683303711205,
  logM001: 0.31663608341792515,
  gradMine05: [
    [-0.25, 0.04148748419786778, 0.06189205356938109, 0.22710030591424177],
    [0.1127746744035458, -0.25, 0.01686755233382059, 0.08354553362959487],
    [0.03396707918063117, 0.13774329836710594, -0.25, 0.06840129766486006],
    [0.16824004454366243, 0.025163431160350202, 0.10204274520715038, -0.25],
  ],
  gradDvSb: [
    [-0.25, 0.03844190504324409, 0.05734858336789204, 0.21042896584449067],
    [0.10449593193039854, -0.25, 0.015629312253212173, 0.07741249036115574],
    [0.0314735698658075, 0.12763161947630614, -0.25, 0.06337998653103105],
    [0.15588961205680957, 0.023316194026489243, 0.09455182924316319, -0.25],
  ],
};

/** float32 on wasm vs float64 reference: 1e-5 relative (absolute below 1). */
function close(actual: number, expected: number, tol = 1e-5, what = '') {
  const bound = tol * Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= bound,
    `${what} expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${bound})`,
  );
}

function closeMatrix(actual: number[][], expected: number[][], tol: number, what: string) {
  for (const [i, row] of expected.entries()) {
    for (const [j, e] of row.entries()) {
      assert.ok(
        Math.abs(actual[i][j] - e) <= tol,
        `${what}[${i}][${j}]: expected ${e}, got ${actual[i][j]}`,
      );
    }
  }
}

function randomMatrix(seed: number, rows: number, cols: number, std = 1): tf.Tensor2D {
  return tf.tensor2d(new Rng(seed).normalArray(rows * cols, std), [rows, cols]);
}

/** A batch from plain scores (rows: [K, 3], ignored by stateless estimators and MINE). */
function batch(scores: number[][]): EstimatorBatch {
  return {
    scores: tf.tensor2d(scores),
    rows: randomMatrix(5, scores.length, 3),
  };
}

function disposeBatch(b: EstimatorBatch) {
  tf.dispose([b.scores, b.rows]);
}

/** The number in a scalar, disposing it. */
function read(s: tf.Scalar): number {
  const v = s.dataSync()[0];
  s.dispose();
  return v;
}

/** A bound on a plain matrix. */
function bound(fn: (s: tf.Tensor2D) => tf.Scalar, rows: number[][]): number {
  return tf.tidy(() => fn(tf.tensor2d(rows)).dataSync()[0]);
}

function create(name: string, options?: Options): Estimator {
  return createEstimator(name, { rowDim: 3, seed: 0, options });
}

describe('estimators: js and smile (NumPy)', () => {
  before(testBackend);

  it('js reports nwj(S + 1) = tuba(S); trains on −jsObjective(S)', () => {
    const reported = bound(jsReportedValue, SA);
    close(reported, REF.tubaSa);
    close(
      reported,
      bound((s) => nwj(tf.add(s, 1)), SA),
    );
    close(
      reported,
      bound((s) => tuba(s), SA),
    );
    const js = create('js');
    const b = batch(SA);
    close(read(js.estimate(b)), REF.tubaSa);
    const { loss, estimate } = js.train(b);
    const lossValue = read(loss);
    close(lossValue, -REF.jsSa);
    close(lossValue, -bound(jsObjective, SA));
    close(read(estimate), REF.tubaSa);
    js.dispose();
    disposeBatch(b);
  });

  it('smile with tau null is dv; with tau 1 it matches NumPy', () => {
    const b = batch(SA);
    const infinite = createEstimator('smile', { rowDim: 2, seed: 0, options: { tau: null } });
    assert.equal(read(infinite.estimate(b)), bound(dv, SA));
    close(bound(dv, SA), REF.dvSa);
    const one = create('smile', { tau: 1 });
    close(read(one.estimate(b)), REF.smileSaTau1);
    assert.ok(Math.abs(REF.smileSaTau1 - REF.dvSa) > 0.05); // the clip changes the value
    // trained by the JS objective whatever tau is
    const { loss, estimate } = one.train(b);
    close(read(loss), -REF.jsSa);
    close(read(estimate), REF.smileSaTau1);
    // the default tau is 5: above every |S_ij| here, so dv
    close(read(create('smile').estimate(b)), REF.dvSa);
    disposeBatch(b);
  });
});

describe('estimators: MINE', () => {
  before(testBackend);

  it('the moving average is initialized from the first batch and then really moves', () => {
    for (const [rate, expected] of [
      [0.5, REF.logM05],
      [0.01, REF.logM001],
    ]) {
      const mine = rate === 0.01 ? new MineEstimator(0.01) : create('mine', { rate: 0.5 });
      assert.ok(mine instanceof MineEstimator);
      const a = batch(SA);
      const b = batch(SB);
      const first = mine.train(a);
      // staged, not applied: logAverage moves only in update()
      assert.equal(mine.logAverage.dataSync()[0], 0);
      close(read(first.estimate), REF.dvSa, 1e-5, 'train().estimate');
      first.loss.dispose();
      mine.update();
      close(mine.logAverage.dataSync()[0], REF.logZa, 1e-5, `rate ${rate}, first batch`);
      const second = mine.train(b);
      close(read(second.estimate), REF.dvSb);
      second.loss.dispose();
      mine.update();
      close(mine.logAverage.dataSync()[0], expected, 1e-5, `rate ${rate}, second batch`);
      assert.ok(Math.abs(expected - REF.logZa) > 1e-3 && Math.abs(expected - REF.logZb) > 0.05);
      // update() without a new train() changes nothing; estimate() neither
      mine.update();
      close(read(mine.estimate(a)), REF.dvSa);
      close(mine.logAverage.dataSync()[0], expected);
      mine.dispose();
      disposeBatch(a);
      disposeBatch(b);
    }
  });

  it("the loss's gradient uses the moving average (stopgrad), not this batch's Z_b", () => {
    const mine = create('mine', { rate: 0.5 }) as MineEstimator;
    const a = batch(SA);
    const b = batch(SB);
    const gradAt = (scores: tf.Tensor2D, rows: tf.Tensor2D) =>
      tf.tidy(() =>
        tf
          .grad((s) => mine.train({ scores: s as tf.Tensor2D, rows }).loss)(scores)
          .arraySync(),
      ) as number[][];
    const dvGrad = (scores: tf.Tensor2D) =>
      tf.tidy(() =>
        tf
          .grad((s) => tf.neg(dv(s as tf.Tensor2D)))(scores)
          .arraySync(),
      ) as number[][];
    // first step: m = Z_a, so MINE's gradient is DV's
    closeMatrix(gradAt(a.scores, a.rows), dvGrad(a.scores), 1e-6, 'first step');
    mine.update();
    const g = gradAt(b.scores, b.rows);
    closeMatrix(g, REF.gradMine05, 1e-6, 'MINE gradient');
    closeMatrix(dvGrad(b.scores), REF.gradDvSb, 1e-6, 'DV gradient');
    assert.ok(Math.abs(REF.gradMine05[0][3] - REF.gradDvSb[0][3]) > 0.01); // they differ
    // train() inside tf.grad staged the same average as a plain train() would
    mine.update();
    close(mine.logAverage.dataSync()[0], REF.logM05);
    mine.dispose();
    disposeBatch(a);
    disposeBatch(b);
  });
});

describe('estimators: contract (every registered estimator)', () => {
  before(testBackend);

  const K = 8;
  const STEPS = 3;

  for (const [name, entry] of estimatorRegistry.list()) {
    const args = { rowDim: 3, seed: 0, options: entry.testOptions };

    it(`${name}: create + dispose leaks nothing`, () => {
      assert.equal(
        leakedTensors(() => createEstimator(name, args).dispose()),
        0,
      );
    });

    it(`${name}: trains a critic with Adam, updates, reports finite values, leaks nothing`, () => {
      // what create + dispose alone leaves is pinned by the test above; here: training leaks nothing
      const constructionLeak = leakedTensors(() => createEstimator(name, args).dispose());
      const start = tf.memory().numTensors;
      const estimator = createEstimator(name, args);
      assert.equal(estimator.kind, name);
      if (name === 'interpolated' || name === 'tuba') {
        assert.ok(estimator.variables.length > 0, `${name} has no variables`);
      }
      const critic = createCritic('separable', {
        dim1: 3,
        dim2: 3,
        seed: 1,
        options: { hidden: [8], outputDim: 4 },
      });
      const x = randomMatrix(21, K, 3);
      const y = tf.tidy(() => tf.add(x, tf.mul(randomMatrix(22, K, 3), 0.5))) as tf.Tensor2D;
      const optimizer = tf.train.adam(1e-2);
      const variables = [...critic.variables, ...estimator.variables];
      const snapshot = () => variables.map((v) => v.dataSync().slice());
      const initial = snapshot();
      let afterFirst = 0;
      for (let step = 0; step < STEPS; step++) {
        let trained = Number.NaN;
        optimizer.minimize(
          () => {
            const scores = critic.scores(x, y);
            const { loss, estimate } = estimator.train({ scores, rows: x });
            trained = estimate.dataSync()[0];
            return loss;
          },
          false,
          variables,
        );
        estimator.update();
        assert.ok(Number.isFinite(trained), `step ${step}: train estimate ${trained}`);
        const reported = tf.tidy(() => {
          const out = estimator.estimate({ scores: critic.scores(x, y), rows: x });
          assert.equal(out.rank, 0);
          return out.dataSync()[0];
        });
        assert.ok(Number.isFinite(reported), `step ${step}: estimate ${reported}`);
        const ceiling = estimator.ceiling(K);
        assert.ok(ceiling === null || typeof ceiling === 'number');
        if (ceiling !== null) {
          assert.ok(reported <= ceiling + 1e-5, `estimate ${reported} > ceiling ${ceiling}`);
          assert.ok(trained <= ceiling + 1e-5, `train estimate ${trained} > ceiling ${ceiling}`);
        }
        if (step === 0) afterFirst = tf.memory().numTensors;
      }
      // after the first step (Adam's slots exist) nothing accumulates
      assert.equal(tf.memory().numTensors, afterFirst, 'tensors accumulate across steps');
      for (const [k, v] of variables.entries()) {
        const now = v.dataSync();
        assert.ok(
          now.some((value, i) => value !== initial[k][i]),
          `${v.name} unchanged after ${STEPS} steps`,
        );
      }
      optimizer.dispose();
      critic.dispose();
      estimator.dispose();
      tf.dispose([x, y]);
      assert.equal(tf.memory().numTensors - start, constructionLeak, `${name} leaked tensors`);
    });
  }
});

describe('estimators: bad options', () => {
  before(testBackend);

  const rejects = (name: string, options: Options, pattern: RegExp) => {
    for (const attempt of [
      () => resolveEstimatorOptions(name, options),
      () => create(name, options),
    ]) {
      assert.throws(
        attempt,
        (e: Error) => e instanceof UserError && pattern.test(e.message),
        `${name} ${JSON.stringify(options)}`,
      );
    }
  };

  it('an unknown estimator name lists the valid ones', () => {
    assert.throws(
      () => create('minee'),
      (e: Error) =>
        e instanceof UserError &&
        /unknown estimator 'minee'; valid estimators: .*infonce.*mine.*smile.*interpolated/.test(
          e.message,
        ),
    );
  });

  it('ranges: smile tau, interpolated alpha, mine rate, tuba baseline', () => {
    rejects('smile', { tau: 0 }, /'tau'/);
    rejects('smile', { tau: -1 }, /'tau'/);
    rejects('interpolated', { alpha: 0 }, /'alpha'/);
    rejects('interpolated', { alpha: 1.5 }, /'alpha'/);
    rejects('mine', { rate: 0 }, /'rate'/);
    rejects('tuba', { baseline: 'foo' }, /'baseline'/);
    // wrong types name the field too
    rejects('mine', { rate: '0.1' }, /'rate'/);
    rejects('interpolated', { alpha: null }, /'alpha'/);
    // the boundary values are accepted
    assert.equal(resolveEstimatorOptions('interpolated', { alpha: 1 })['alpha'], 1);
    create('interpolated', { alpha: 1, baselineHidden: [4] }).dispose();
    assert.equal(resolveEstimatorOptions('mine', { rate: 1 })['rate'], 1);
    assert.equal(resolveEstimatorOptions('smile', { tau: null })['tau'], null);
  });

  it('an unknown option names it', () => {
    rejects('smile', { taux: 1 }, /unknown option 'taux'; valid options: tau/);
    rejects('interpolated', { alpah: 0.5 }, /unknown option 'alpah'; valid options: alpha/);
    rejects('mine', { ema: 0.5 }, /unknown option 'ema'/);
    assert.throws(
      () => resolveEstimatorOptions('infonce', { alpha: 0.5 }),
      /estimator 'infonce': unknown option 'alpha'; valid options: \(none\)/,
    );
  });

  for (const name of estimatorRegistry.names()) {
    it(`${name}: createEstimator rejects an unknown option`, () => {
      assert.throws(
        () => create(name, { bogusOption: 1 }),
        (e: Error) => e instanceof UserError && /unknown option 'bogusOption'/.test(e.message),
      );
    });
  }
});
