/**
 * From per-point bounds on log p(x_i) to MI bounds with 95 % confidence intervals.
 *
 * miLower = mean_i [log p(x_i | z_i) − Û(x_i)],  miUpper = mean_i [log p(x_i | z_i) − L̂(x_i)].
 * The N points are split into G contiguous groups of (nearly) equal size; the CI half-width is
 * t_{0.975, G−1} · sd(group means) / √G, the usual Student-t interval treating the G group
 * means as independent draws (they are: the pairs and every sampler draw are independent
 * across points).
 */
import type { MiBounds } from './result.ts';

/** t_{0.975, df} for df = 1..30 (scipy.stats.t.ppf(0.975, df), scipy 1.10.1). */
const T_975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788,
  2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639,
  2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** The 97.5 % quantile of Student's t with `df` degrees of freedom (df > 30: Cornish-Fisher). */
export function tQuantile975(df: number): number {
  if (df >= 1 && df <= 30) return T_975[df - 1] as number;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** Mean of `values` and the 95 % CI half-width over `groups` contiguous groups. */
export function groupedMeanCi(values: Float64Array, groups: number): { mean: number; ci: number } {
  const n = values.length;
  const g = Math.min(groups, n);
  let total = 0;
  for (const v of values) total += v;
  const mean = total / n;
  if (g < 2) return { mean, ci: Number.NaN };
  const means: number[] = [];
  for (let k = 0; k < g; k++) {
    const start = Math.floor((k * n) / g);
    const end = Math.floor(((k + 1) * n) / g);
    let s = 0;
    for (let i = start; i < end; i++) s += values[i] as number;
    means.push(s / (end - start));
  }
  const m = means.reduce((a, b) => a + b, 0) / g;
  const variance = means.reduce((a, b) => a + (b - m) ** 2, 0) / (g - 1);
  return { mean, ci: (tQuantile975(g - 1) * Math.sqrt(variance)) / Math.sqrt(g) };
}

/** Assembles `MiBounds` from per-point values. */
export function summarize(
  logpxLower: Float64Array,
  logpxUpper: Float64Array,
  logLik: Float64Array,
  groups: number,
  seconds: number,
  diagnostics: { [key: string]: number },
): MiBounds {
  const n = logLik.length;
  const lowerTerms = new Float64Array(n); // log p(x|z) − Û: MI lower bound per point
  const upperTerms = new Float64Array(n); // log p(x|z) − L̂: MI upper bound per point
  for (let i = 0; i < n; i++) {
    lowerTerms[i] = (logLik[i] as number) - (logpxUpper[i] as number);
    upperTerms[i] = (logLik[i] as number) - (logpxLower[i] as number);
  }
  const lower = groupedMeanCi(lowerTerms, groups);
  const upper = groupedMeanCi(upperTerms, groups);
  return {
    logpxLower,
    logpxUpper,
    logLik,
    miLower: lower.mean,
    miUpper: upper.mean,
    ciLower: lower.ci,
    ciUpper: upper.ci,
    groups: Math.min(groups, n),
    seconds,
    diagnostics,
  };
}

/** log mean_k exp(a_k) of a row of numbers, stable. */
export function logMeanExp(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < values.length; k++) max = Math.max(max, values[k] as number);
  if (max === Number.NEGATIVE_INFINITY) return max;
  let s = 0;
  for (let k = 0; k < values.length; k++) s += Math.exp((values[k] as number) - max);
  return max + Math.log(s / values.length);
}
