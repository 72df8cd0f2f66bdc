/**
 * Special functions in float64: ψ(x) (the KSG estimator, Student-t's MI), ln Γ(x) (Student-t's
 * MI) and erfc / the standard normal CDF Φ (the normal-CDF and bimodal task transforms). Plain
 * numbers, no TF.js; each is checked against SciPy in `test/special.test.ts` (and ψ also in
 * `test/estimate/baselines.test.ts`).
 *
 * ## ψ(x) = d/dx ln Γ(x)
 *
 * Method (Abramowitz & Stegun 6.3.5 and 6.3.18): the recurrence ψ(x) = ψ(x + 1) − 1/x lifts x
 * to x ≥ 10, then the asymptotic series
 *
 *     ψ(x) ≈ ln x − 1/(2x) − Σ_{k≥1} B_{2k} / (2k x^{2k})
 *          = ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰)
 *            + 691/(32760x¹²)
 *
 * whose first omitted term, 1/(12x¹⁴), is 8e-16 at x = 10 and smaller beyond: the result is
 * accurate to a few ulps of float64 (checked against scipy.special.digamma in the tests).
 * Negative arguments use the reflection ψ(1 − x) − ψ(x) = π cot(πx) (A&S 6.3.7).
 */

/** x at or above which the asymptotic series is used (error < 1e-15 there, see above). */
const ASYMPTOTIC_FROM = 10;

/** ψ(x); NaN at the poles x = 0, −1, −2, … and for NaN. */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.NaN; // poles
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let shift = 0;
  while (x < ASYMPTOTIC_FROM) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  // Horner form of the Bernoulli terms B_2k / 2k: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760.
  const series =
    inv2 *
    (1 / 12 -
      inv2 *
        (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/**
 * ln Γ(x) for x > 0 (NaN otherwise), in float64.
 *
 * Method (A&S 6.1.40, Stirling's series, the same lift-then-expand route as `digamma`): the
 * recurrence Γ(x + 1) = x Γ(x) lifts x to z = x + m ≥ 10, so ln Γ(x) = ln Γ(z) − ln(x(x+1)…(z−1)),
 * and
 *
 *     ln Γ(z) ≈ (z − ½) ln z − z + ½ ln 2π + Σ_{k≥1} B_{2k} / (2k(2k − 1) z^{2k−1})
 *             = … + 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + 1/(1188z⁹)
 *               − 691/(360360z¹¹) + 1/(156z¹³)
 *
 * (B_2…B_14 = 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730, 7/6). The first omitted term,
 * 3617/(122400 z¹⁵), is 3e-17 at z = 10. The product x(x+1)…(z−1) has at most 10 factors, so
 * it neither overflows nor loses precision before its one logarithm.
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let product = 1;
  let z = x;
  while (z < ASYMPTOTIC_FROM) {
    product *= z;
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  // Horner form of B_2k / (2k(2k−1)): 1/12, −1/360, 1/1260, −1/1680, 1/1188, −691/360360, 1/156.
  const series =
    inv *
    (1 / 12 -
      inv2 *
        (1 / 360 -
          inv2 *
            (1 / 1260 -
              inv2 * (1 / 1680 - inv2 * (1 / 1188 - inv2 * (691 / 360360 - inv2 / 156))))));
  const stirling = (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series;
  return product === 1 ? stirling : stirling - Math.log(product);
}

/** x below which erfc uses 1 − erf(x) from the series; the continued fraction above. */
const ERFC_SERIES_BELOW = 2;

/**
 * erfc(x) = 1 − erf(x) = (2/√π) ∫ₓ^∞ e^{−t²} dt in float64, with full *relative* accuracy in the
 * upper tail (so Φ(−z) = ½ erfc(z/√2) stays accurate where Φ(z) rounds to 1).
 *
 * - 0 ≤ x < 2: erf from the series of positive terms (A&S 7.1.6)
 *   erf x = (2/√π) e^{−x²} Σ_{n≥0} 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), no cancellation, ≤ 31 terms;
 *   erfc = 1 − erf (relative error ~5e-14 near x = 2, where erfc = 5e-3).
 * - x ≥ 2: the continued fraction (A&S 7.1.14)
 *   erfc x = (e^{−x²}/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))),
 *   evaluated bottom-up over N = ⌈12 + 180/x²⌉ terms (57 at x = 2, 13 at x = 26). N was sized
 *   against mpmath: the fewest terms for a relative error < 2e-16 are 52, 37, 29, 20, 13, 11 at
 *   x = 2, 2.5, 3, 4, 6, 8, all below 12 + 180/x² − 1 (the tests check the result vs SciPy).
 * - x < 0: erfc x = 2 − erfc(−x).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < ERFC_SERIES_BELOW) {
    const twoX2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; term > 1e-17 * sum; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  let fraction = x; // the fraction's tail below term N is approximated by x
  for (let k = Math.ceil(12 + 180 / (x * x)); k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

/** The standard normal CDF Φ(z) = ½ erfc(−z/√2), accurate relative to Φ in the lower tail. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}
