/**
 * Contract tests over every registered critic (a user's `registerCritic` is covered too), the
 * scores convention pinned with an asymmetric critic, and concat's efficient form = the naive one
 * (scores and gradients; on wasm its one-hidden-layer form is the kernel of src/ops/pair-mlp.ts).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  BilinearCritic,
  ConcatCritic,
  createCritic,
  criticRegistry,
  InnerProductCritic,
} from '../../src/critics/index.ts';
import { setFastPath } from '../../src/ops/index.ts';
import { Rng } from '../../src/random.ts';
import { type Critic, UserError } from '../../src/types.ts';
import { leakedTensors, testBackend } from '../helpers.ts';

const BATCH = 5;

function randomMatrix(seed: number, rows: number, cols: number, std = 1): tf.Tensor2D {
  return tf.tensor2d(new Rng(seed).normalArray(rows * cols, std), [rows, cols]);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Code sizes for an entry: unequal (catches a d1/d2 mix-up) unless the critic needs equal ones. */
function dimsFor(name: string): [number, number] {
  try {
    createCritic(name, {
      dim1: 6,
      dim2: 3,
      seed: 0,
      options: criticRegistry.get(name).testOptions,
    }).dispose();
    return [6, 3];
  } catch (e) {
    if (e instanceof UserError) return [4, 4];
    throw e;
  }
}

describe('critics: contract (every registered critic)', () => {
  before(testBackend);

  for (const name of criticRegistry.names()) {
    const entry = criticRegistry.get(name);
    const build = (seed: number): Critic => {
      const [dim1, dim2] = dimsFor(name);
      return createCritic(name, { dim1, dim2, seed, options: entry.testOptions });
    };
    const codes = (): [tf.Tensor2D, tf.Tensor2D] => {
      const [dim1, dim2] = dimsFor(name);
      return [randomMatrix(11, BATCH, dim1), randomMatrix(12, BATCH, dim2)];
    };

    describe(name, () => {
      it('scores are [B, B]; variables non-empty unless declared parameter-free', () => {
        const critic = build(1);
        const [c1, c2] = codes();
        const scores = critic.scores(c1, c2);
        assert.deepEqual(scores.shape, [BATCH, BATCH]);
        assert.equal(critic.kind, name);
        if (entry.parameterFree) assert.equal(critic.variables.length, 0);
        else assert.ok(critic.variables.length > 0, 'no variables and not declared parameterFree');
        for (const v of critic.variables) assert.ok(v.trainable && v.name);
        tf.dispose([scores, c1, c2]);
        critic.dispose();
      });

      it('one Adam step changes every variable', () => {
        const critic = build(2);
        const [c1, c2] = codes();
        const weights = randomMatrix(13, BATCH, BATCH);
        const before = critic.variables.map((v) => v.dataSync().slice());
        const optimizer = tf.train.adam(1e-2);
        if (critic.variables.length > 0) {
          optimizer.minimize(
            () => tf.sum(tf.mul(critic.scores(c1, c2), weights)),
            false,
            critic.variables,
          );
        }
        for (const [k, v] of critic.variables.entries()) {
          assert.ok(maxAbsDiff(before[k], v.dataSync()) > 0, `${v.name} unchanged`);
        }
        optimizer.dispose();
        tf.dispose([weights, c1, c2]);
        critic.dispose();
      });

      it('the same seed gives the same scores, a different seed different ones', () => {
        const [c1, c2] = codes();
        const [a, b, c] = [7, 7, 8].map((seed) => {
          const critic = build(seed);
          const out = tf.tidy(() => critic.scores(c1, c2).dataSync());
          critic.dispose();
          return out;
        });
        assert.deepEqual(a, b);
        if (!entry.parameterFree) assert.ok(maxAbsDiff(a, c) > 1e-6, 'seeds 7 and 8 agree');
        tf.dispose([c1, c2]);
      });

      it('a forward pass leaks no tensors', () => {
        const critic = build(3);
        const [c1, c2] = codes();
        assert.equal(
          leakedTensors(() => tf.tidy(() => void critic.scores(c1, c2))),
          0,
        );
        assert.equal(
          leakedTensors(() => critic.scores(c1, c2).dispose()),
          0,
        );
        tf.dispose([c1, c2]);
        critic.dispose();
      });
    });
  }
});

describe('critics: the scores convention scores[i][j] = f(codes1_i, codes2_j)', () => {
  before(testBackend);

  it('bilinear with a non-square W: scores[i][j] = codes1_i W codes2_jᵀ, by hand', () => {
    const critic = new BilinearCritic({ dim1: 2, dim2: 3, seed: 0 });
    const w = [
      [1, -2, 0.5],
      [3, 0.25, -1],
    ];
    critic.kernel.assign(tf.tensor2d(w));
    const c1 = [
      [1, 2],
      [-1, 0.5],
      [0, 3],
      [2, -1],
    ];
    const c2 = [
      [0.5, 1, -1],
      [2, 0, 1],
      [-1, 1, 1],
      [1, 1, 0],
    ];
    const got = tf.tidy(() => critic.scores(tf.tensor2d(c1), tf.tensor2d(c2)).arraySync());
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let expected = 0;
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 3; b++) expected += c1[i][a] * w[a][b] * c2[j][b];
        assert.ok(
          Math.abs(got[i][j] - expected) < 1e-5,
          `scores[${i}][${j}] = ${got[i][j]} ≠ ${expected}`,
        );
      }
    }
    // transposed would differ: the check above can fail
    assert.ok(Math.abs(got[0][1] - got[1][0]) > 0.1);
    critic.dispose();
  });

  it('inner-product: scores[i][j] = codes1_i · codes2_j', () => {
    const critic = new InnerProductCritic({ dim1: 2, dim2: 2, seed: 0 });
    const got = tf.tidy(() =>
      critic
        .scores(
          tf.tensor2d([
            [1, 0],
            [0, 2],
          ]),
          tf.tensor2d([
            [3, 4],
            [5, 6],
          ]),
        )
        .arraySync(),
    );
    assert.deepEqual(got, [
      [3, 5],
      [8, 12],
    ]);
  });
});

describe('critics: concat', () => {
  before(testBackend);

  /** The naive form: tile and concatenate all B² pairs [x_i; y_j], then the MLP. */
  function naiveScores(critic: ConcatCritic, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [b, d1] = x.shape;
      const d2 = y.shape[1];
      const xs = tf.tile(tf.reshape(x, [b, 1, d1]), [1, b, 1]); // [B, B, d1]: x_i at (i, j)
      const ys = tf.tile(tf.reshape(y, [1, b, d2]), [b, 1, 1]); // [B, B, d2]: y_j at (i, j)
      const pairs = tf.reshape(tf.concat([xs, ys], 2), [b * b, d1 + d2]); // [B², d1 + d2]
      const kernel = tf.concat([critic.kernelX, critic.kernelY], 0); // [d1 + d2, h0]
      let h = tf.relu(tf.add(tf.matMul(pairs, kernel), critic.bias)) as tf.Tensor2D;
      for (const [k, layer] of critic.rest.entries()) {
        h = tf.add(tf.matMul(h, layer.kernel), layer.bias) as tf.Tensor2D;
        if (k < critic.rest.length - 1) h = tf.relu(h);
      }
      return tf.reshape(h, [b, b]) as tf.Tensor2D;
    });
  }

  for (const hidden of [[7], [6, 5, 4]]) {
    it(`equals the naive tiled MLP with the same parameters (hidden ${JSON.stringify(hidden)})`, () => {
      const critic = new ConcatCritic({ dim1: 4, dim2: 3, seed: 5, options: { hidden } });
      // move every parameter (biases included) away from init so no term can hide
      for (const [k, v] of critic.variables.entries()) {
        v.assign(tf.tensor(new Rng(100 + k).normalArray(v.size, 0.7), v.shape));
      }
      const x = randomMatrix(21, 6, 4);
      const y = randomMatrix(22, 6, 3);
      const fast = tf.tidy(() => critic.scores(x, y).dataSync());
      const naive = tf.tidy(() => naiveScores(critic, x, y).dataSync());
      assert.ok(maxAbsDiff(fast, naive) < 1e-4, `max |diff| ${maxAbsDiff(fast, naive)}`);
      assert.ok(maxAbsDiff(fast, new Float32Array(fast.length)) > 0.1, 'degenerate scores');
      tf.dispose([x, y]);
      critic.dispose();
    });
  }
  /** Scores and the gradient of ⟨scores, R⟩ w.r.t. every variable, read back to arrays. */
  function scoresAndGrads(
    critic: ConcatCritic,
    f: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D,
    x: tf.Tensor2D,
    y: tf.Tensor2D,
  ): { scores: Float32Array; grads: Float32Array[] } {
    return tf.tidy(() => {
      const r = randomMatrix(23, x.shape[0], y.shape[0]); // fixed cotangent: no cancellation
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(f(x, y), r)) as tf.Scalar,
        critic.variables,
      );
      value.dataSync();
      return {
        scores: f(x, y).dataSync() as Float32Array,
        grads: critic.variables.map((v) => grads[v.name].dataSync() as Float32Array),
      };
    });
  }

  // The old formulation = the naive tiled MLP (no split first layer, no kernel): the critic on
  // cpu with its fast path forced (the wasm kernel's code path) and on the stock path must give
  // the same scores and gradients w.r.t. every variable, to 1e-5 relative.
  for (const hidden of [[7], [6, 5, 4], [9]]) {
    for (const mode of ['always', 'never'] as const) {
      it(`scores and gradients equal the naive MLP's on cpu (hidden ${JSON.stringify(hidden)}, fast path ${mode})`, async () => {
        const backend = tf.getBackend();
        await tf.setBackend('cpu');
        const previous = setFastPath(mode);
        const critic = new ConcatCritic({ dim1: 4, dim2: 3, seed: 5, options: { hidden } });
        try {
          for (const [k, v] of critic.variables.entries()) {
            v.assign(tf.tensor(new Rng(200 + k).normalArray(v.size, 0.7), v.shape));
          }
          const x = randomMatrix(24, 6, 4);
          const y = randomMatrix(25, 6, 3);
          const leaked = leakedTensors(() => {
            const fast = scoresAndGrads(critic, (a, b) => critic.scores(a, b), x, y);
            const naive = scoresAndGrads(critic, (a, b) => naiveScores(critic, a, b), x, y);
            const scale = Math.max(...naive.scores.map(Math.abs));
            assert.ok(maxAbsDiff(fast.scores, naive.scores) <= 1e-5 * (1 + scale), 'scores');
            for (const [k, g] of naive.grads.entries()) {
              const gScale = Math.max(...g.map(Math.abs));
              assert.ok(gScale > 0, `degenerate gradient of ${critic.variables[k].name}`);
              const diff = maxAbsDiff(fast.grads[k], g);
              assert.ok(diff <= 1e-5 * (1 + gScale), `d/d ${critic.variables[k].name}: ${diff}`);
            }
          });
          assert.equal(leaked, 0, 'leaked tensors');
          tf.dispose([x, y]);
        } finally {
          critic.dispose();
          setFastPath(previous);
          await tf.setBackend(backend);
        }
      });
    }
  }
});

describe('critics: registry and options errors', () => {
  it('an unknown critic name lists the valid ones', () => {
    assert.throws(
      () => createCritic('bilinar', { dim1: 2, dim2: 2, seed: 0 }),
      (e: Error) =>
        e instanceof UserError &&
        /unknown critic 'bilinar'; valid critics: inner-product, bilinear, separable, concat/.test(
          e.message,
        ),
    );
  });

  it('an unknown or mistyped option names the field', () => {
    assert.throws(
      () => createCritic('concat', { dim1: 2, dim2: 2, seed: 0, options: { hiden: [3] } }),
      /critic 'concat': unknown option 'hiden'; valid options: hidden/,
    );
    assert.throws(
      () => createCritic('separable', { dim1: 2, dim2: 2, seed: 0, options: { outputDim: '5' } }),
      /critic 'separable': option 'outputDim' must be number, got string/,
    );
    assert.throws(
      () => createCritic('inner-product', { dim1: 2, dim2: 3, seed: 0 }),
      /needs equal code sizes/,
    );
  });
});
