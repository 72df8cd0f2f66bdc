/**
 * Ground-truth tasks: the closed-form MI and its inverse, a contract over every registered task
 * (a user's `registerTask` is covered too), the samplers against their formulas, and option errors.
 * No tensors: tasks are plain Float32Arrays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/random.ts';
import { gaussianParameters } from '../../src/tasks/gaussian.ts';
import { createTask, gaussianMI, rhoForMI, taskRegistry } from '../../src/tasks/index.ts';
import { type Options, UserError } from '../../src/types.ts';
import { column, correlation, mean, variance } from './statistics.ts';

/** Column k of a row-major [n, d] array, in float64. */
function ranks(a: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: a.length }, (_, i) => i).sort((i, j) => a[i] - a[j]);
  const out = new Float64Array(a.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && a[order[end + 1]] === a[order[start]]) end++;
    for (let t = start; t <= end; t++) out[order[t]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return out;
}

function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return correlation(ranks(a), ranks(b));
}

describe('tasks: closed-form MI', () => {
  it('gaussianMI(0.8, 1) = −½ ln 0.36', () => {
    // Python: -0.5 * math.log(0.36) = 0.5108256237659907
    assert.ok(Math.abs(gaussianMI(0.8, 1) - 0.5108256237659907) < 1e-15);
    assert.ok(Math.abs(gaussianMI(-0.8, 1) - 0.5108256237659907) < 1e-15); // even in ρ
    assert.equal(gaussianMI(0, 7), 0);
    assert.ok(Math.abs(gaussianMI(0.8, 20) - 20 * 0.5108256237659907) < 1e-13); // additive in d
  });

  it('rhoForMI inverts gaussianMI', () => {
    const cases: [number, number][] = [
      [0.01, 1],
      [0.5, 1],
      [1, 2],
      [2, 5],
      [0.3, 10],
      ...[2, 4, 6, 8, 10].map((mi): [number, number] => [mi, 20]),
    ];
    for (const [mi, d] of cases) {
      const rho = rhoForMI(mi, d);
      assert.ok(rho > 0 && rho < 1, `mi ${mi}, d ${d}: ρ = ${rho}`);
      const back = gaussianMI(rho, d);
      assert.ok(Math.abs(back - mi) <= 1e-12, `mi ${mi}, d ${d}: gaussianMI(ρ) = ${back}`);
    }
    assert.equal(rhoForMI(0, 3), 0);
    assert.ok(Math.abs(rhoForMI(gaussianMI(0.8, 1), 1) - 0.8) < 1e-14);
  });
});

describe('tasks: contract (every registered task)', () => {
  // The Gaussian family is checked at d = 3, MI = 1; every other task at its defaults (every
  // option has one, so `createTask(name)` works), with dims and MI from the task itself.
  const OPTIONS: { [name: string]: Options } = {
    gaussian: { dim: 3, mi: 1 },
    cubic: { dim: 3, mi: 1 },
  };
  const N = 50;

  for (const [name] of taskRegistry.list()) {
    it(`${name}: dims, sample shapes, seeded determinism, finite MI`, () => {
      const task = createTask(name, OPTIONS[name]);
      assert.equal(task.kind, name);
      assert.ok(Number.isInteger(task.dimX) && task.dimX >= 1);
      assert.ok(Number.isInteger(task.dimY) && task.dimY >= 1);
      assert.ok(Number.isFinite(task.mutualInformation) && task.mutualInformation >= 0);
      if (OPTIONS[name]) {
        assert.equal(task.dimX, 3);
        assert.equal(task.dimY, 3);
        assert.ok(Math.abs(task.mutualInformation - 1) < 1e-12, `MI ${task.mutualInformation}`);
      }

      const a = task.sample(new Rng(5), N);
      const b = task.sample(new Rng(5), N);
      const c = task.sample(new Rng(6), N);
      assert.equal(a.n, N);
      assert.ok(a.x instanceof Float32Array && a.y instanceof Float32Array);
      assert.equal(a.x.length, N * task.dimX);
      assert.equal(a.y.length, N * task.dimY);
      assert.ok(a.x.every(Number.isFinite) && a.y.every(Number.isFinite));
      assert.deepEqual(a.x, b.x);
      assert.deepEqual(a.y, b.y);
      assert.notDeepEqual(a.x, c.x);
      assert.notDeepEqual(a.y, c.y);
      // one Rng draws fresh pairs on each call
      const rng = new Rng(5);
      task.sample(rng, N);
      assert.notDeepEqual(task.sample(rng, N).x, a.x);
    });
  }
});

describe('tasks: the samplers match their formulas', () => {
  it('gaussian, d = 5, MI = 2: empirical −½ Σ ln(1 − r_k²), marginals, cross-correlations', () => {
    const d = 5;
    const n = 20_000;
    const task = createTask('gaussian', { dim: d, mi: 2 });
    const rho = rhoForMI(2, d); // 0.742
    const { x, y } = task.sample(new Rng(2024), n);
    const xs = Array.from({ length: d }, (_, k) => column(x, n, d, k));
    const ys = Array.from({ length: d }, (_, k) => column(y, n, d, k));

    // Delta method: sd(r) ≈ (1 − ρ²)/√n and d/dr[−½ ln(1 − r²)] = r/(1 − r²), so each
    // dimension's plug-in MI has sd ≈ ρ/√n, and the sum over d independent dims √d·ρ/√n =
    // 0.0117 nats (NumPy, 400 repetitions at this setting: mean 2.0011, sd 0.0123). The
    // tolerance is 4 sd: 0.05 nats.
    const sd = (Math.sqrt(d) * rho) / Math.sqrt(n);
    let empirical = 0;
    for (let k = 0; k < d; k++) {
      const r = correlation(xs[k], ys[k]);
      assert.ok(Math.abs(r - rho) < (4 * (1 - rho * rho)) / Math.sqrt(n), `dim ${k}: r = ${r}`);
      empirical += -0.5 * Math.log(1 - r * r);
    }
    assert.ok(
      Math.abs(empirical - 2) < 4 * sd,
      `empirical MI ${empirical} vs 2 (tolerance ${4 * sd})`,
    );

    // Each marginal is N(0, 1): sd(mean) = 1/√n = 0.007, sd(variance) = √(2/n) = 0.01; 4 sd.
    for (const [k, v] of [...xs, ...ys].entries()) {
      assert.ok(Math.abs(mean(v)) < 4 / Math.sqrt(n), `marginal ${k}: mean ${mean(v)}`);
      assert.ok(
        Math.abs(variance(v) - 1) < 4 * Math.sqrt(2 / n),
        `marginal ${k}: variance ${variance(v)}`,
      );
    }
    // Dimensions are independent: 40 correlations of independent columns, each with sd 1/√n;
    // 5 sd (0.035) keeps the max of 40 far from a false failure.
    for (let k = 0; k < d; k++) {
      for (let l = 0; l < d; l++) {
        if (k === l) continue;
        const pairs: [Float64Array, Float64Array, string][] = [[xs[k], ys[l], 'x-y']];
        if (k < l) pairs.push([xs[k], xs[l], 'x-x'], [ys[k], ys[l], 'y-y']);
        for (const [a, b, what] of pairs) {
          const r = correlation(a, b);
          assert.ok(Math.abs(r) < 5 / Math.sqrt(n), `${what} ${k},${l}: r = ${r}`);
        }
      }
    }
  });

  it('cubic: y is the cube of what gaussian draws from the same seed; same ranks, same MI', () => {
    const options = { dim: 3, rho: 0.6 };
    const n = 2000;
    const gaussian = createTask('gaussian', options);
    const cubic = createTask('cubic', options);
    assert.equal(cubic.mutualInformation, gaussian.mutualInformation);
    const g = gaussian.sample(new Rng(9), n);
    const c = cubic.sample(new Rng(9), n);
    assert.deepEqual(c.x, g.x);
    for (let i = 0; i < g.y.length; i++) {
      assert.equal(c.y[i], Math.fround(g.y[i] ** 3), `y[${i}]`);
    }
    // Not the identity: the cube moves values off ±1
    assert.ok(c.y.some((v, i) => Math.abs(v - g.y[i]) > 0.5));
    for (let k = 0; k < 3; k++) {
      const [gx, gy, cy] = [column(g.x, n, 3, k), column(g.y, n, 3, k), column(c.y, n, 3, k)];
      const rg = spearman(gx, gy);
      assert.ok(Math.abs(spearman(gx, cy) - rg) < 1e-12, `dim ${k}: Spearman differs`);
      // while Pearson's r does change (the map is not linear)
      assert.ok(Math.abs(correlation(gx, cy) - correlation(gx, gy)) > 0.02, `dim ${k}`);
    }
  });
});

describe('tasks: bad input', () => {
  const rejects = (options: Options, pattern: RegExp, name = 'gaussian') => {
    assert.throws(
      () => createTask(name, options),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
      `${name} ${JSON.stringify(options)}`,
    );
  };

  it('dim, rho and mi out of range name the field (the Gaussian family)', () => {
    for (const name of ['gaussian', 'cubic']) {
      rejects({ dim: 0, mi: 1 }, /'dim'/, name);
      rejects({ dim: 1.5, mi: 1 }, /'dim'/, name);
      rejects({ dim: 2, rho: 1 }, /'rho'/, name);
      rejects({ dim: 2, rho: -1 }, /'rho'/, name);
      rejects({ dim: 2, rho: 1.2 }, /'rho'/, name);
      rejects({ dim: 2, mi: -1 }, /'mi'/, name);
      rejects({ dim: 2, mi: '1' }, /'mi'/, name);
      rejects({ dim: 2, mi: 1, extra: 3 }, /unknown option 'extra'/, name);
    }
    // the error names the task
    rejects({ dim: 0, mi: 1 }, /task 'cubic'/, 'cubic');
  });

  it('exactly one of rho and mi', () => {
    rejects({ dim: 2, rho: 0.5, mi: 1 }, /exactly one of the options 'rho' and 'mi'/);
    rejects({ dim: 2 }, /exactly one of the options 'rho' and 'mi'/);
    assert.throws(
      () => gaussianParameters({ dim: 2, rho: null, mi: null }, 'ctx'),
      /ctx: set exactly one/,
    );
  });

  it('gaussianParameters derives ρ from mi and passes ρ through', () => {
    const fromMi = gaussianParameters({ dim: 4, rho: null, mi: 2 }, 'ctx');
    assert.equal(fromMi.dim, 4);
    assert.equal(fromMi.rho, rhoForMI(2, 4));
    assert.deepEqual(gaussianParameters({ dim: 1, rho: -0.3, mi: null }, 'ctx'), {
      dim: 1,
      rho: -0.3,
    });
    assert.throws(() => gaussianParameters({ dim: 1, rho: 1, mi: null }, 'ctx'), /ctx: .*'rho'/);
  });

  it('an unknown task name lists the valid ones', () => {
    assert.throws(
      () => createTask('gausian', { dim: 1, mi: 1 }),
      (e: Error) =>
        e instanceof UserError &&
        /unknown task 'gausian'; valid tasks: gaussian, cubic, multinormal-dense/.test(e.message),
    );
  });
});
