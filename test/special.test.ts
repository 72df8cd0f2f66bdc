/**
 * Special functions (src/special.ts) against SciPy 1.10.1 (Debian's python3-scipy), values
 * computed once with:
 *
 *     from scipy.special import erfc, gammaln, ndtr
 *     [(x, float(erfc(x))) for x in [-3, -0.5, 0, 0.3, 1, 1.9, 2, 2.1, 3, 5, 10, 26]]
 *     [(z, float(ndtr(z))) for z in [-37, -20, -8, -5.4, -2, 0, 0.7, 3]]
 *     [(x, float(gammaln(x))) for x in [0.001, 0.5, 1.5, 2.5, 3.7, 9.5, 10, 27.5, 1000]]
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { erfc, lnGamma, normalCdf } from '../src/special.ts';

const ERFC: [number, number][] = [
  [-3, 1.9999779095030015],
  [-0.5, 1.5204998778130465],
  [0, 1.0],
  [0.3, 0.6713732405408726],
  [1, 0.15729920705028516],
  [1.9, 0.007209570764742531],
  [2, 0.004677734981047266],
  [2.1, 0.0029794666563329845],
  [3, 2.2090496998585445e-5],
  [5, 1.5374597944280347e-12],
  [10, 2.0884875837625446e-45],
  [26, 5.663192408856145e-296],
];

const NDTR: [number, number][] = [
  [-37, 5.7255712225239266e-300],
  [-20, 2.7536241186061556e-89],
  [-8, 6.22096057427174e-16],
  [-5.4, 3.332044848542845e-8],
  [-2, 0.022750131948179195],
  [0, 0.5],
  [0.7, 0.758036347776927],
  [3, 0.9986501019683699],
];

const GAMMALN: [number, number][] = [
  [0.001, 6.907178885383853],
  [0.5, 0.5723649429247],
  [1.5, -0.12078223763524526],
  [2.5, 0.2846828704729192],
  [3.7, 1.428072326665388],
  [9.5, 11.689333420797269],
  [10, 12.801827480081469],
  [27.5, 62.90499082887651],
  [1000, 5905.220423209181],
];

describe('special functions vs SciPy', () => {
  it('erfc: relative error < 1e-13 (tails included, where 1 − erf would lose everything)', () => {
    for (const [x, want] of ERFC) {
      const got = erfc(x);
      assert.ok(Math.abs(got - want) <= 1e-13 * want, `erfc(${x}) = ${got}, SciPy ${want}`);
    }
    assert.ok(Number.isNaN(erfc(Number.NaN)));
  });

  it('Φ: relative error < 1e-13, down to Φ(−37) ≈ 6e-300', () => {
    for (const [z, want] of NDTR) {
      const got = normalCdf(z);
      assert.ok(Math.abs(got - want) <= 1e-13 * want, `Φ(${z}) = ${got}, SciPy ${want}`);
    }
    // symmetry Φ(z) + Φ(−z) = 1 on a grid, and monotone
    let previous = -1;
    for (let z = -10; z <= 10; z += 0.01) {
      assert.ok(Math.abs(normalCdf(z) + normalCdf(-z) - 1) < 1e-15, `z ${z}`);
      assert.ok(normalCdf(z) >= previous, `monotone at ${z}`);
      previous = normalCdf(z);
    }
  });

  it('lnGamma: absolute error < 1e-14, relative < 1e-14 where |ln Γ| > 1', () => {
    for (const [x, want] of GAMMALN) {
      const got = lnGamma(x);
      const tolerance = 1e-14 * Math.max(1, Math.abs(want));
      assert.ok(Math.abs(got - want) <= tolerance, `lnGamma(${x}) = ${got}, SciPy ${want}`);
    }
    // Γ(n) = (n − 1)! exactly at small integers, and the recurrence ln Γ(x+1) = ln Γ(x) + ln x
    assert.ok(Math.abs(lnGamma(6) - Math.log(120)) < 1e-14);
    for (const x of [0.3, 1.7, 4.2, 9.9, 15]) {
      assert.ok(Math.abs(lnGamma(x + 1) - lnGamma(x) - Math.log(x)) < 1e-13, `x ${x}`);
    }
    assert.ok(Number.isNaN(lnGamma(0)) && Number.isNaN(lnGamma(-1.5)));
  });
});
