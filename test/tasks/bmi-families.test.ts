/**
 * The task families behind the bmi catalogue: samplers against their distributions (moments,
 * correlations, KS distances, Monte Carlo MI from the known densities), the transforms against
 * bmi's maps (reference values from NumPy/SciPy, snippets below) and their invariance
 * properties, and option errors that name the field. Plain Float32Arrays, no tensors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/random.ts';
import { lnGamma, normalCdf } from '../../src/special.ts';
import { BIMODAL_X, BIMODAL_Y } from '../../src/tasks/bimodal.ts';
import { halfCube } from '../../src/tasks/half-cube.ts';
import { createTask, type Pairs } from '../../src/tasks/index.ts';
import { equicorrelation, sparseCorrelation } from '../../src/tasks/multinormal.ts';
import { spiralRows } from '../../src/tasks/spiral.ts';
import { sampleGamma } from '../../src/tasks/student-t.ts';
import { swissroll } from '../../src/tasks/swissroll.ts';
import { wigglyX, wigglyY } from '../../src/tasks/wiggly.ts';
import { type Options, UserError } from '../../src/types.ts';
import { column, correlation, mean, variance } from './statistics.ts';

/** Column k of a row-major [n, d] array, in float64. */
/** Kolmogorov-Smirnov distance sup |F_n − F| of a sample against a CDF. */
function ksDistance(sample: ArrayLike<number>, cdf: (t: number) => number): number {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** KS critical distance at α = 0.001 for one sample of size n (asymptotic: 1.95/√n). */
const ks001 = (n: number) => 1.95 / Math.sqrt(n);

/** Mean and standard error of the mean. */
function meanAndError(values: Float64Array): { mean: number; error: number } {
  return { mean: mean(values), error: Math.sqrt(variance(values) / values.length) };
}

const rejects = (name: string, options: Options, pattern: RegExp) => {
  assert.throws(
    () => createTask(name, options),
    (e: Error) => e instanceof UserError && pattern.test(e.message),
    `${name} ${JSON.stringify(options)}`,
  );
};

describe('multinormal: samplers match Σ', () => {
  it('dense 3 × 3 and sparse 5 × 5: every sample correlation within 4 sd of Σ', () => {
    const n = 20_000;
    const cases: [string, Options, Float64Array, number][] = [
      ['multinormal-dense', { dimX: 3, dimY: 3, correlation: 0.5 }, equicorrelation(6, 0.5), 6],
      [
        'multinormal-sparse',
        { dimX: 5, dimY: 5, interacting: 2, strength: 2 },
        sparseCorrelation(5, 5, 2, 2),
        10,
      ],
    ];
    for (const [name, options, sigma, d] of cases) {
      const task = createTask(name, options);
      const { x, y } = task.sample(new Rng(31), n);
      const dx = task.dimX;
      const cols = [
        ...Array.from({ length: dx }, (_, k) => column(x, n, dx, k)),
        ...Array.from({ length: d - dx }, (_, k) => column(y, n, d - dx, k)),
      ];
      for (let i = 0; i < d; i++) {
        // N(0, 1) margins: sd(mean) = 1/√n, sd(variance) = √(2/n)
        assert.ok(Math.abs(mean(cols[i])) < 4 / Math.sqrt(n), `${name} mean ${i}`);
        assert.ok(Math.abs(variance(cols[i]) - 1) < 4 * Math.sqrt(2 / n), `${name} var ${i}`);
        for (let j = 0; j < i; j++) {
          const rho = sigma[i * d + j];
          const r = correlation(cols[i], cols[j]);
          // sd(r) ≈ (1 − ρ²)/√n; 4.5 sd over up to 45 pairs keeps false failures < 1e-3.
          const tolerance = (4.5 * (1 - rho * rho)) / Math.sqrt(n);
          assert.ok(Math.abs(r - rho) < tolerance, `${name} r[${i},${j}] = ${r}, Σ ${rho}`);
        }
      }
    }
  });

  it("sparse Σ is bmi's: 0.8 = λ²/(1 + λ²) on the first k pairs, 0 elsewhere", () => {
    const s = sparseCorrelation(3, 4, 2, 2);
    const d = 7;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const pair = (j === i + 3 && i < 2) || (i === j + 3 && j < 2);
        const want = i === j ? 1 : pair ? 0.8 : 0;
        assert.ok(Math.abs(s[i * d + j] - want) < 1e-15, `Σ[${i},${j}] = ${s[i * d + j]}`);
      }
    }
  });
});

describe('student-t', () => {
  it('Marsaglia-Tsang gamma: mean and variance = shape (below and above 1)', () => {
    const n = 20_000;
    for (const shape of [0.5, 1, 1.5, 5]) {
      const rng = new Rng(7);
      const draws = Float64Array.from({ length: n }, () => sampleGamma(rng, shape));
      assert.ok(draws.every((v) => v > 0));
      // sd(mean) = √(shape/n); sd(variance) ≈ shape·√((2 + 6/shape)/n) (4th cumulant 6·shape)
      assert.ok(Math.abs(mean(draws) - shape) < 5 * Math.sqrt(shape / n), `shape ${shape}`);
      const varTolerance = 5 * shape * Math.sqrt((2 + 6 / shape) / n);
      assert.ok(Math.abs(variance(draws) - shape) < varTolerance, `shape ${shape} variance`);
    }
  });

  it('ν = 10: coordinates have variance ν/(ν − 2) and are uncorrelated (yet dependent)', () => {
    const n = 20_000;
    const task = createTask('student-t', { dimX: 2, dimY: 2, dof: 10 });
    const { x, y } = task.sample(new Rng(3), n);
    const cols = [column(x, n, 2, 0), column(x, n, 2, 1), column(y, n, 2, 0), column(y, n, 2, 1)];
    // t_10: variance 1.25, kurtosis 3 + 6/(ν − 4) = 4, so sd(sample variance) ≈ 1.25·√(3/n).
    for (const [k, c] of cols.entries()) {
      assert.ok(Math.abs(variance(c) - 1.25) < 5 * 1.25 * Math.sqrt(3 / n), `var ${k}`);
    }
    // Uncorrelated: cross-correlations within 5/√n ...
    assert.ok(Math.abs(correlation(cols[0], cols[2])) < 5 / Math.sqrt(n));
    assert.ok(Math.abs(correlation(cols[1], cols[3])) < 5 / Math.sqrt(n));
    // ... yet dependent: |x| and |y| share the scale √(ν/W), so their correlation is > 0
    // (0.097 at ν = 10, measured on 4·10⁵ pairs; sd ≈ 1/√n = 0.007, so 0.04 is > 5 sd from both).
    const ax = cols[0].map(Math.abs);
    const ay = cols[2].map(Math.abs);
    assert.ok(correlation(ax, ay) > 0.04, `corr(|x|, |y|) = ${correlation(ax, ay)}`);
  });

  it('Monte Carlo E[ln p(x,y) − ln p(x) − ln p(y)] on 10⁵ pairs matches the closed form (4 SE)', () => {
    // ln p_k(v) = ln Γ((ν+k)/2) − ln Γ(ν/2) − (k/2) ln(νπ) − ((ν+k)/2) ln(1 + ‖v‖²/ν): the
    // sampler and the ψ-part of the formula are checked; ln Γ against SciPy in special.test.ts.
    const n = 100_000;
    for (const [d, dof] of [
      [1, 1],
      [2, 1],
      [3, 3],
      [5, 2],
    ]) {
      const task = createTask('student-t', { dimX: d, dimY: d, dof });
      const { x, y } = task.sample(new Rng(100 + d), n);
      const logConst = (k: number) =>
        lnGamma((dof + k) / 2) - lnGamma(dof / 2) - (k / 2) * Math.log(dof * Math.PI);
      const pointwise = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let a = 0;
        let b = 0;
        for (let k = 0; k < d; k++) {
          a += x[i * d + k] ** 2;
          b += y[i * d + k] ** 2;
        }
        const joint = logConst(2 * d) - ((dof + 2 * d) / 2) * Math.log1p((a + b) / dof);
        const px = logConst(d) - ((dof + d) / 2) * Math.log1p(a / dof);
        const py = logConst(d) - ((dof + d) / 2) * Math.log1p(b / dof);
        pointwise[i] = joint - px - py;
      }
      const { mean: mc, error } = meanAndError(pointwise);
      const truth = task.mutualInformation;
      assert.ok(
        Math.abs(mc - truth) < 4 * error,
        `${d}×${d} ν=${dof}: MC ${mc} ± ${error}, closed form ${truth}`,
      );
    }
  });
});

describe('additive-uniform', () => {
  it('x ∈ [0, 1), |y − x| ≤ ε, y − x ~ U(−ε, ε); Monte Carlo MI (4 SE) in both regimes', () => {
    const n = 50_000;
    for (const epsilon of [0.1, 0.75]) {
      const task = createTask('additive-uniform', { epsilon });
      const { x, y } = task.sample(new Rng(17), n);
      const noise = new Float64Array(n);
      const pointwise = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        assert.ok(x[i] >= 0 && x[i] < 1, `x ${x[i]}`);
        noise[i] = y[i] - x[i];
        assert.ok(Math.abs(noise[i]) <= epsilon + 1e-6, `|y − x| = ${Math.abs(noise[i])}`);
        // p(y) = |[y − ε, y + ε] ∩ [0, 1]| / (2ε); p(y | x) = 1/(2ε)
        const py = (Math.min(y[i] + epsilon, 1) - Math.max(y[i] - epsilon, 0)) / (2 * epsilon);
        pointwise[i] = -Math.log(2 * epsilon) - Math.log(py);
      }
      // U(0,1) and U(−ε, ε): means ½ and 0, variances 1/12 and ε²/3 (sd of the mean √(var/n))
      assert.ok(Math.abs(mean(x) - 0.5) < 5 * Math.sqrt(1 / 12 / n));
      assert.ok(Math.abs(mean(noise)) < 5 * Math.sqrt((epsilon * epsilon) / 3 / n));
      assert.ok(Math.abs(variance(noise) / ((epsilon * epsilon) / 3) - 1) < 0.03);
      assert.ok(Math.abs(correlation(x, noise)) < 5 / Math.sqrt(n));
      const { mean: mc, error } = meanAndError(pointwise);
      assert.ok(
        Math.abs(mc - task.mutualInformation) < 4 * error + 1e-9,
        `ε ${epsilon}: MC ${mc} ± ${error}, closed form ${task.mutualInformation}`,
      );
    }
    // the closed forms: ε − ln 2ε and 1/(4ε) (Python: 0.1 - math.log(0.2) = 1.7094379124341004)
    assert.ok(
      Math.abs(
        createTask('additive-uniform', { epsilon: 0.1 }).mutualInformation - 1.7094379124341004,
      ) < 1e-14,
    );
    assert.equal(createTask('additive-uniform', { epsilon: 2 }).mutualInformation, 0.125);
  });
});

/** The base's and the transform's samples from the same seed. */
function sideBySide(
  name: string,
  options: Options,
  baseName: string,
  baseOptions: Options,
  n: number,
): [Pairs, Pairs] {
  const base = createTask(baseName, baseOptions).sample(new Rng(77), n);
  const mapped = createTask(name, options).sample(new Rng(77), n);
  return [base, mapped];
}

describe("transforms: the maps are bmi's, injective, MI unchanged", () => {
  const gauss = { task: 'gaussian', dim: 1, rho: 0.75 };

  it("every transform reports its base's MI (by catalogue id, by variant object, by default)", () => {
    const cases: [string, string, string | null, Options][] = [
      ['normal-cdf', '1v1-normal-0.75', 'gaussian', { dim: 1, rho: 0.75 }],
      ['half-cube', 'multinormal-sparse-5-5-2-2.0', 'multinormal-sparse', { dimX: 5, dimY: 5 }],
      ['asinh', 'student-identity-3-3-2', 'student-t', { dimX: 3, dimY: 3, dof: 2 }],
      ['wiggly', '1v1-normal-0.75', 'gaussian', { dim: 1, rho: 0.75 }],
      ['bimodal', '1v1-normal-0.75', 'gaussian', { dim: 1, rho: 0.75 }],
      ['spiral', 'multinormal-dense-3-3-0.5', 'multinormal-dense', { dimX: 3, dimY: 3 }],
      ['swissroll', 'normal_cdf-1v1-normal-0.75', null, {}],
    ];
    for (const [name, id, baseName, baseOptions] of cases) {
      const viaId = createTask(name, { base: id }).mutualInformation;
      if (baseName) {
        const truth = createTask(baseName, baseOptions).mutualInformation;
        assert.equal(viaId, truth, name);
        const viaObject = createTask(name, { base: { task: baseName, ...baseOptions } });
        assert.equal(viaObject.mutualInformation, truth, name);
      }
      assert.ok(viaId > 0, name);
      // null (the default) = the base bmi applies the transform to first
      assert.ok(createTask(name).mutualInformation > 0, name);
    }
    assert.equal(createTask('spiral').dimX, 3); // default base multinormal-sparse-3-3-2-2.0
    assert.equal(createTask('asinh').mutualInformation, createTask('student-t').mutualInformation);
  });

  it('normal-cdf: x = Φ(base x) exactly, and U(0, 1) margins (KS, α = 0.001)', () => {
    const n = 20_000;
    const [base, mapped] = sideBySide(
      'normal-cdf',
      { base: gauss },
      'gaussian',
      { dim: 1, rho: 0.75 },
      n,
    );
    for (let i = 0; i < n; i++) {
      assert.equal(mapped.x[i], Math.fround(normalCdf(base.x[i])));
      assert.equal(mapped.y[i], Math.fround(normalCdf(base.y[i])));
    }
    const uniform = (t: number) => Math.min(1, Math.max(0, t));
    assert.ok(ksDistance(mapped.x, uniform) < ks001(n), `KS x ${ksDistance(mapped.x, uniform)}`);
    assert.ok(ksDistance(mapped.y, uniform) < ks001(n), `KS y ${ksDistance(mapped.y, uniform)}`);
    // a Gaussian copula with ρ = 0.75: Spearman's ρ_s = (6/π) asin(ρ/2) = 0.7376 (Pearson of the
    // uniforms is Spearman's ρ_s); sd ≈ 0.6/√n
    const rs = correlation(mapped.x, mapped.y);
    assert.ok(
      Math.abs(rs - (6 / Math.PI) * Math.asin(0.375)) < 4 * (0.6 / Math.sqrt(n)),
      `ρ_s ${rs}`,
    );
  });

  it('half-cube and asinh: the map applied to the base, strictly increasing', () => {
    const n = 500;
    const [base, cube] = sideBySide(
      'half-cube',
      { base: gauss },
      'gaussian',
      { dim: 1, rho: 0.75 },
      n,
    );
    const student = { dimX: 2, dimY: 2, dof: 1 };
    const [tBase, asinh] = sideBySide(
      'asinh',
      { base: { task: 'student-t', ...student } },
      'student-t',
      student,
      n,
    );
    for (let i = 0; i < n; i++) {
      assert.equal(cube.x[i], Math.fround(base.x[i] * Math.sqrt(Math.abs(base.x[i]))));
      assert.equal(cube.y[i], Math.fround(base.y[i] * Math.sqrt(Math.abs(base.y[i]))));
    }
    for (let i = 0; i < 2 * n; i++) {
      assert.equal(asinh.x[i], Math.fround(Math.asinh(tBase.x[i])));
      assert.equal(asinh.y[i], Math.fround(Math.asinh(tBase.y[i])));
      // asinh t = ln(t + √(t² + 1)) (float64 rounding only; for t < 0 use the odd symmetry)
      const t = Math.abs(tBase.x[i]);
      const want = Math.log(t + Math.sqrt(t * t + 1));
      assert.ok(Math.abs(Math.abs(asinh.x[i]) - want) < 1e-6 * Math.max(1, want));
    }
    for (let t = -20; t < 20; t += 0.01) assert.ok(halfCube(t + 0.01) > halfCube(t), `t ${t}`);
    assert.equal(halfCube(-4), -8);
    assert.equal(halfCube(2.25), 3.375);
  });

  it("wiggly: bmi's wiggly_x / wiggly_y (NumPy values), strictly increasing", () => {
    // Reference (NumPy, bmi's benchmark/tasks/wiggly.py definitions):
    //   wx = lambda x: x + 0.4*np.sin(1.0*x) + 0.2*np.sin(1.7*x + 1) + 0.03*np.sin(3.3*x - 2.5)
    //   wy = lambda x: x - 0.4*np.sin(0.4*x) + 0.17*np.sin(1.3*x + 3.5) + 0.02*np.sin(4.3*x - 2.5)
    //   [(t, wx(t), wy(t)) for t in [-2.0, -0.3, 0.0, 1.1, 3.0]]
    const REF = [
      [-2.0, -2.508384557710983, -1.5600009372394388],
      [-0.3, -0.3138408666939996, -0.23466690429000986],
      [0.0, 0.15034003263846063, -0.07160259158931451],
      [1.1, 1.5372685198918625, 0.7794430966710298],
      [3.0, 3.0469767452438763, 2.763408212519373],
    ];
    for (const [t, wx, wy] of REF) {
      assert.ok(Math.abs(wigglyX(t) - wx) < 1e-14, `wiggly_x(${t})`);
      assert.ok(Math.abs(wigglyY(t) - wy) < 1e-14, `wiggly_y(${t})`);
    }
    for (let t = -30; t < 30; t += 0.001) {
      assert.ok(wigglyX(t + 0.001) > wigglyX(t) && wigglyY(t + 0.001) > wigglyY(t), `t ${t}`);
    }
    const [base, mapped] = sideBySide('wiggly', {}, 'gaussian', { dim: 1, rho: 0.75 }, 100);
    for (let i = 0; i < 100; i++) {
      assert.equal(mapped.x[i], Math.fround(wigglyX(base.x[i])));
      assert.equal(mapped.y[i], Math.fround(wigglyY(base.y[i])));
    }
  });

  it('bimodal: F⁻¹(Φ(t)) matches SciPy brentq; margins are the mixtures (KS); few steps', () => {
    // Reference (SciPy):
    //   Fx = lambda q: 0.3*ndtr(q) + 0.7*ndtr(q - 5); Fy = lambda q: 0.5*ndtr(q + 1) + 0.5*ndtr(q - 3)
    //   [(t, brentq(lambda q: Fx(q) - ndtr(t), -30, 30, xtol=1e-14),
    //        brentq(lambda q: Fy(q) - ndtr(t), -30, 30, xtol=1e-14)) for t in [-2.5, -1, 0, 0.4, 1.5, 3]]
    const REF = [
      [-2.5, -2.039523895740705, -3.243902723665783],
      [-1, 0.07237905932407011, -1.4752435586564767],
      [0, 4.434057008006635, 1.0000000000000007],
      [0.4, 5.019416199438297, 2.5071801007518393],
      [1.5, 6.307987002587669, 4.109467674495788],
      [3, 7.889638431019401, 5.782174967598686],
    ];
    for (const [t, qx, qy] of REF) {
      assert.ok(Math.abs(BIMODAL_X.quantileOfNormal(t) - qx) < 1e-10, `x quantile at t = ${t}`);
      assert.ok(Math.abs(BIMODAL_Y.quantileOfNormal(t) - qy) < 1e-10, `y quantile at t = ${t}`);
    }
    // Far tails keep relative precision: 1 − F(q) = Φ(−t) holds to 1e-12 relative at t = 6.5.
    const q = BIMODAL_X.quantileOfNormal(6.5);
    assert.ok(Math.abs(BIMODAL_X.sf(q) / normalCdf(-6.5) - 1) < 1e-9, `q ${q}`);
    // Strictly increasing on a grid, and the step count stays small (≤ 20 on this grid).
    const stats = { iterations: 0 };
    let previous = Number.NEGATIVE_INFINITY;
    for (let t = -7; t <= 7; t += 0.01) {
      const v = BIMODAL_Y.quantileOfNormal(t, stats);
      assert.ok(v > previous, `t ${t}`);
      assert.ok(stats.iterations <= 20, `t ${t}: ${stats.iterations} steps`);
      previous = v;
    }
    const n = 20_000;
    const task = createTask('bimodal', {});
    const { x, y } = task.sample(new Rng(5), n);
    const fx = (t: number) => 0.3 * normalCdf(t) + 0.7 * normalCdf(t - 5);
    const fy = (t: number) => 0.5 * normalCdf(t + 1) + 0.5 * normalCdf(t - 3);
    assert.ok(ksDistance(x, fx) < ks001(n), `KS x ${ksDistance(x, fx)}`);
    assert.ok(ksDistance(y, fy) < ks001(n), `KS y ${ksDistance(y, fy)}`);
    // no repeats (bmi's own test: > 99 % unique)
    assert.ok(new Set(x).size > 0.99 * n);
  });

  it("spiral: bmi's example, norms kept, invertible; planes (0,1) of x and (1,2) of y", () => {
    // bmi's Spiral docstring: generator [[0, −1], [1, 0]], speed π/2, x = (1, 0) → (0, 1).
    const v = new Float32Array([1, 0]);
    spiralRows(v, 1, 2, 0, 1, Math.PI / 2);
    assert.ok(Math.abs(v[0]) < 1e-7 && Math.abs(v[1] - 1) < 1e-7, `${v}`);
    const n = 300;
    const options = { dimX: 3, dimY: 3, interacting: 2, strength: 2 };
    const [base, mapped] = sideBySide('spiral', {}, 'multinormal-sparse', options, n);
    for (const [side, plane, d] of [
      ['x', [0, 1], 3],
      ['y', [1, 2], 3],
    ] as const) {
      const b = base[side];
      const m = mapped[side];
      let moved = 0;
      for (let i = 0; i < n; i++) {
        const row = (a: Float32Array) => Array.from(a.subarray(i * d, (i + 1) * d));
        const [rb, rm] = [row(b), row(m)];
        const norm2 = rb.reduce((s, t) => s + t * t, 0);
        const norm2m = rm.reduce((s, t) => s + t * t, 0);
        assert.ok(Math.abs(norm2 - norm2m) < 1e-5 * (1 + norm2), `${side} ${i}: norm`);
        // the coordinate off the plane is untouched
        const other = [0, 1, 2].find((k) => !(plane as readonly number[]).includes(k)) as number;
        assert.equal(rm[other], rb[other]);
        // invert: θ from the output's norm (speed 1/d), rotate back
        const theta = norm2m / d;
        const [i0, j0] = plane;
        const back0 = Math.cos(theta) * rm[i0] + Math.sin(theta) * rm[j0];
        const back1 = -Math.sin(theta) * rm[i0] + Math.cos(theta) * rm[j0];
        assert.ok(
          Math.abs(back0 - rb[i0]) < 1e-4 && Math.abs(back1 - rb[j0]) < 1e-4,
          `${side} ${i}`,
        );
        if (Math.abs(rm[i0] - rb[i0]) > 0.1) moved++;
      }
      assert.ok(moved > n / 4, `${side}: only ${moved} rows moved`);
    }
  });

  it("swissroll: bmi's swissroll2d (NumPy values), x 1 → 2 dims, radius increasing, y unchanged", () => {
    // Reference (NumPy): t = 1.5*np.pi*(1 + 2*x); (t*np.cos(t)/21, t*np.sin(t)/21)
    const REF: [number, number, number][] = [
      [0.0, -4.122151486546692e-17, -0.2243994752564138],
      [0.3, 0.11094920221288392, 0.34146653311332065],
      [0.77, 0.47141497502944185, -0.3203732862025418],
      [1.0, 3.7099363378920237e-16, 0.6731984257692414],
    ];
    for (const [x, a, b] of REF) {
      const [ga, gb] = swissroll(x);
      assert.ok(Math.abs(ga - a) < 1e-14 && Math.abs(gb - b) < 1e-14, `swissroll(${x})`);
    }
    const n = 400;
    const baseTask = createTask('normal-cdf', { base: '1v1-normal-0.75' });
    const task = createTask('swissroll', {});
    assert.deepEqual([task.dimX, task.dimY], [2, 1]);
    const base = baseTask.sample(new Rng(8), n);
    const rolled = task.sample(new Rng(8), n);
    assert.deepEqual(rolled.y, base.y);
    for (let i = 0; i < n; i++) {
      // radius·21 = t = 1.5π(1 + 2x): strictly increasing in x, so the embedding is injective
      const radius = Math.hypot(rolled.x[2 * i], rolled.x[2 * i + 1]) * 21;
      assert.ok(Math.abs(radius - 1.5 * Math.PI * (1 + 2 * base.x[i])) < 1e-4, `row ${i}`);
    }
  });
});

describe('bmi families: bad options name the field', () => {
  it('student-t, additive-uniform, multinormal', () => {
    rejects('student-t', { dof: 0 }, /option 'dof' must be a finite number > 0, got 0/);
    rejects('student-t', { dof: -2 }, /'dof'/);
    rejects('student-t', { dimX: 1.5 }, /option 'dimX' must be an integer ≥ 1/);
    rejects('student-t', { dimY: 0 }, /'dimY'/);
    rejects('additive-uniform', { epsilon: 0 }, /option 'epsilon' must be a finite number > 0/);
    rejects('additive-uniform', { epsilon: -0.1 }, /'epsilon'/);
    rejects('additive-uniform', { epsilon: '0.1' }, /option 'epsilon' must be number/);
    rejects('multinormal-dense', { correlation: 1 }, /option 'correlation' must lie in/);
    rejects(
      'multinormal-dense',
      { dimX: 2, dimY: 2, correlation: -0.4 },
      /'correlation'.*\(-0\.3333, 1\)/,
    );
    rejects(
      'multinormal-sparse',
      { dimX: 1, interacting: 2 },
      /option 'interacting' must be ≤ min\(dimX, dimY\) = 1/,
    );
    rejects('multinormal-sparse', { interacting: -1 }, /'interacting'/);
    rejects('multinormal-sparse', { dimX: 0 }, /'dimX'/);
    rejects('student-t', { nu: 3 }, /unknown option 'nu'; valid options: dimX, dimY, dof/);
  });

  it('transforms: unknown or malformed base, spiral below 2 × 3, swissroll on a 2-d x', () => {
    rejects(
      'half-cube',
      { base: '1v1-normal-0.5' },
      /task 'half-cube': option 'base' '1v1-normal-0.5' is not a bmi catalogue id; valid ids: 1v1-normal-0.75,/,
    );
    rejects('half-cube', { base: 'toString' }, /not a bmi catalogue id/);
    rejects('asinh', { base: 3 }, /option 'base' must be a bmi catalogue id or a variant object/);
    rejects(
      'asinh',
      { base: { dof: 2 } },
      /option 'base' must be a bmi catalogue id or a variant object/,
    );
    rejects(
      'asinh',
      { base: { task: 'studen-t' } },
      /task 'asinh': option 'base': unknown task 'studen-t'; valid tasks:/,
    );
    rejects(
      'asinh',
      { base: { task: 'student-t', dof: 0 } },
      /task 'asinh': option 'base': task 'student-t': option 'dof'/,
    );
    rejects(
      'spiral',
      { base: 'multinormal-dense-2-2-0.5' },
      /task 'spiral': option 'base' must have dimX ≥ 2 and dimY ≥ 3.*got 2 × 2/,
    );
    rejects('spiral', { base: '1v1-normal-0.75' }, /option 'base' must have dimX ≥ 2 and dimY ≥ 3/);
    rejects('spiral', { base: { task: 'multinormal-dense', dimX: 1, dimY: 3 } }, /got 1 × 3/);
    rejects('spiral', { speed: 'fast' }, /option 'speed' must be number/);
    rejects('swissroll', { base: 'multinormal-dense-2-2-0.5' }, /option 'base' must have dimX = 1/);
    // a spiral on 2 × 3 is fine (bmi asserts dim_x > 1, dim_y > 2)
    assert.equal(
      createTask('spiral', { base: { task: 'multinormal-dense', dimX: 2, dimY: 3 } }).dimY,
      3,
    );
  });
});
