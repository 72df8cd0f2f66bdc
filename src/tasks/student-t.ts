/**
 * Multivariate Student-t with identity dispersion (bmi `task_student_identity`, ids
 * `student-identity-{dx}-{dy}-{ν}`; Czyż et al. 2023, Sec. 4): ν degrees of freedom,
 *
 *     (X, Y) = Z / √(W/ν),   Z ~ N(0, I_{dx+dy}),   W ~ χ²_ν independent of Z,
 *
 * the standard stochastic representation of t_ν(0, I). The coordinates are uncorrelated yet
 * dependent through the shared W (heavy tails move together), so I(X; Y) > 0.
 *
 * ## The MI (Arellano-Valle, Contreras-Reyes & Genton 2013, Scand. J. Stat. 40, Eq. 7)
 * The density of a k-dimensional t_ν(0, I_k) is
 *
 *     p_k(v) = Γ((ν+k)/2) / (Γ(ν/2) (νπ)^{k/2}) · (1 + ‖v‖²/ν)^{−(ν+k)/2},
 *
 * and its differential entropy is
 *
 *     h_k = −ln Γ((ν+k)/2) + ln Γ(ν/2) + (k/2) ln(νπ) + ((ν+k)/2) (ψ((ν+k)/2) − ψ(ν/2)):
 *
 * the first three terms are −ln of the constant; the last is ((ν+k)/2) E[ln(1 + ‖V‖²/ν)], and
 * with ‖V‖²/ν = (χ²_k/k)/(χ²_ν/ν)·(k/ν), 1 + ‖V‖²/ν = (χ²_k + χ²_ν)/χ²_ν is a ratio of a
 * χ²_{ν+k} and a χ²_ν; E ln χ²_m = ψ(m/2) + ln 2, so the expectation is ψ((ν+k)/2) − ψ(ν/2).
 * Sub-vectors of a multivariate t are t with the same ν (X = Z_x/√(W/ν)), so with k = d_x, d_y,
 * d_x + d_y,
 *
 *     I(X; Y) = h_{dx} + h_{dy} − h_{dx+dy}
 *             = ln Γ((ν+dx)/2) + ln Γ((ν+dy)/2) − ln Γ((ν+dx+dy)/2) − ln Γ(ν/2)      [consts]
 *               + ((ν+dx)/2) ψ((ν+dx)/2) + ((ν+dy)/2) ψ((ν+dy)/2)
 *               − ((ν+dx+dy)/2) ψ((ν+dx+dy)/2) − (ν/2) ψ(ν/2)
 *
 * (the (k/2) ln(νπ) terms cancel, the ψ(ν/2) coefficients sum to (ν+dx + ν+dy − ν−dx−dy)/2 =
 * ν/2). With a general dispersion Σ the Gaussian term ½(ln|Σxx| + ln|Σyy| − ln|Σ|) is added;
 * for the identity it is 0. This is bmi's `SplitStudentT.mi_correction_function` (which notes
 * that the paper's final MI formula is slightly wrong, and uses the entropies as here). I > 0 for
 * every ν and → 0 as ν → ∞ (the Gaussian limit, independent coordinates).
 *
 * W: χ²_ν = 2·Gamma(ν/2, 1), drawn with Marsaglia & Tsang's (2000, ACM TOMS 26(3), "A simple
 * method for generating gamma variables") squeeze method; for shape a < 1 (ν < 2) their
 * boost Gamma(a) = Gamma(a + 1)·U^{1/a}.
 */

import type { Rng } from '../random.ts';
import { digamma, lnGamma } from '../special.ts';
import type { Options } from '../types.ts';
import { integerOption, positiveOption } from './checks.ts';
import type { Pairs, Task, TaskEntry } from './entry.ts';

/** The differential entropy h_k of t_ν(0, I_k), in nats (see the file comment). */
export function studentEntropy(k: number, dof: number): number {
  const half = (dof + k) / 2;
  return (
    -lnGamma(half) +
    lnGamma(dof / 2) +
    (k / 2) * Math.log(dof * Math.PI) +
    half * (digamma(half) - digamma(dof / 2))
  );
}

/** I(X; Y) of t_ν(0, I_{dx+dy}) split into (X, Y): h_{dx} + h_{dy} − h_{dx+dy}. */
export function studentIdentityMI(dimX: number, dimY: number, dof: number): number {
  return studentEntropy(dimX, dof) + studentEntropy(dimY, dof) - studentEntropy(dimX + dimY, dof);
}

/** One Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 through their boost). */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    let u = rng.uniform();
    while (u === 0) u = rng.uniform();
    return sampleGamma(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = rng.normal();
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * z ** 4) return d * v; // the squeeze: accepts ~98 % without a log
    if (u > 0 && Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
  }
}

export const STUDENT_DEFAULTS: Options = {
  /** d_x. Default 1 (bmi `student-identity-1-1-1`). */
  dimX: 1,
  /** d_y. Default 1. */
  dimY: 1,
  /**
   * Degrees of freedom ν > 0 (any real); bmi uses 1, 2, 3. Default 1 (Cauchy margins). Below
   * ν ≈ 0.3 a rare draw can exceed float32's range (W ~ U^{2/ν} near 0) and be stored as ±∞.
   */
  dof: 1,
};

export class StudentTask implements Task {
  readonly kind = 'student-t';
  readonly dimX: number;
  readonly dimY: number;
  readonly dof: number;
  readonly mutualInformation: number;

  constructor(options: Options) {
    const context = "task 'student-t'";
    this.dimX = integerOption(options, 'dimX', 1, context);
    this.dimY = integerOption(options, 'dimY', 1, context);
    this.dof = positiveOption(options, 'dof', context);
    this.mutualInformation = studentIdentityMI(this.dimX, this.dimY, this.dof);
  }

  /** Per pair: dimX + dimY normals, then one χ²_ν; every coordinate divided by √(W/ν). */
  sample(rng: Rng, n: number): Pairs {
    const { dimX, dimY, dof } = this;
    const x = new Float32Array(n * dimX);
    const y = new Float32Array(n * dimY);
    const z = new Float64Array(dimX + dimY);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < z.length; k++) z[k] = rng.normal();
      const w = 2 * sampleGamma(rng, dof / 2); // χ²_ν
      const scale = Math.sqrt(dof / w);
      for (let k = 0; k < dimX; k++) x[i * dimX + k] = z[k] * scale;
      for (let k = 0; k < dimY; k++) y[i * dimY + k] = z[dimX + k] * scale;
    }
    return { n, x, y };
  }
}

export const studentEntry: TaskEntry = {
  description: 'bmi Student-t, identity dispersion, ν dof: I = h(X) + h(Y) − h(X, Y) (lnΓ, ψ)',
  defaults: STUDENT_DEFAULTS,
  create: (options) => new StudentTask(options),
};
