/**
 * Mode-collapse measurements of generated 2-d samples (VEEGAN, Srivastava et al. 2017, Sec. 5;
 * PacGAN, Lin et al. 2018, Sec. 5.1 and Table 1), pure functions on Float32Arrays. Never
 * imports TF.js.
 *
 * - A sample is **high quality** when its Euclidean distance to the nearest mode centre (the
 *   spiral: the nearest noise-free curve point) is ≤ 3σ; it then belongs to that mode.
 * - **modes captured**: modes with at least one high-quality sample.
 * - **high quality**: percentage of samples that are high quality.
 * - **reverse KL**: KL(p ‖ u) = Σ_k p_k log(p_k · M), p = the mode histogram of the
 *   high-quality samples, u = uniform over the M modes (terms with p_k = 0 are 0). 0 when every
 *   mode is equally covered, log M when one mode has them all. With no high-quality sample p is
 *   undefined: the value is `null` and `noHighQuality` says why (never NaN).
 */
import {
  type ModeDataset,
  SPIRAL_CIRCLE_RADIUS,
  SPIRAL_R0,
  SPIRAL_SLOPE,
  spiralArmPoint,
} from '../data/mode-datasets.ts';

/** High quality = within this many σ of the nearest mode (VEEGAN / PacGAN: 3 standard deviations). */
export const HIGH_QUALITY_SIGMAS = 3;

export interface ModeMetrics {
  /** Modes with ≥ 1 high-quality sample. */
  modes: number;
  /** Percentage (0-100) of high-quality samples. */
  highQuality: number;
  /** KL(mode histogram of the high-quality samples ‖ uniform), nats; null when there are none. */
  reverseKl: number | null;
  /** Number of high-quality samples. */
  highQualityCount: number;
  /** True when no sample is high quality (reverse KL undefined). */
  noHighQuality: boolean;
  /** High-quality samples per mode. */
  counts: number[];
}

/** Coarse θ grid of the nearest-arm-point search (then refined by ternary search). */
const ARM_GRID = 2048;
const ARM_REFINE_STEPS = 40;

function armDistance2(arm: number, theta: number, x: number, y: number): number {
  const [px, py] = spiralArmPoint(arm, theta);
  return (px - x) ** 2 + (py - y) ** 2;
}

/**
 * Distance from (x, y) to the noise-free spiral arm `arm` (θ ∈ [0, 2π], endpoints included):
 * the best of a 2,048-point θ grid, refined by ternary search between its neighbours (the
 * squared distance is unimodal there for points near the curve; far points are far either way).
 */
export function spiralArmDistance(arm: number, x: number, y: number): number {
  const step = (2 * Math.PI) / ARM_GRID;
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let k = 0; k <= ARM_GRID; k++) {
    const d = armDistance2(arm, k * step, x, y);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  let lo = Math.max(0, (best - 1) * step);
  let hi = Math.min(2 * Math.PI, (best + 1) * step);
  for (let i = 0; i < ARM_REFINE_STEPS; i++) {
    const a = lo + (hi - lo) / 3;
    const b = hi - (hi - lo) / 3;
    if (armDistance2(arm, a, x, y) <= armDistance2(arm, b, x, y)) hi = b;
    else lo = a;
  }
  return Math.sqrt(Math.min(bestD, armDistance2(arm, (lo + hi) / 2, x, y)));
}

/**
 * The spiral's nearest noise-free curve: component (0, 1 = the arms, 2 = the circle of radius
 * 6) and the distance to it.
 */
export function spiralNearest(x: number, y: number): { mode: number; distance: number } {
  const circle = Math.abs(Math.hypot(x, y) - SPIRAL_CIRCLE_RADIUS);
  // An arm lies within radius [r0, r0 + 2π·slope] = [0.5, 3]: a point farther from that annulus
  // than from the circle cannot be nearer an arm.
  const annulusGap = Math.max(
    0,
    SPIRAL_R0 - Math.hypot(x, y),
    Math.hypot(x, y) - (SPIRAL_R0 + 2 * Math.PI * SPIRAL_SLOPE),
  );
  if (annulusGap >= circle) return { mode: 2, distance: circle };
  let mode = 2;
  let distance = circle;
  for (const arm of [0, 1]) {
    const d = spiralArmDistance(arm, x, y);
    if (d < distance) {
      distance = d;
      mode = arm;
    }
  }
  return { mode, distance };
}

/** Nearest mode of (x, y) and its distance (centres for grid/ring, curves for the spiral). */
export function nearestMode(
  dataset: ModeDataset,
  x: number,
  y: number,
): { mode: number; distance: number } {
  if (dataset.id === 'spiral') return spiralNearest(x, y);
  let mode = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < dataset.modes; k++) {
    const d = (dataset.centres[2 * k] - x) ** 2 + (dataset.centres[2 * k + 1] - y) ** 2;
    if (d < best) {
      best = d;
      mode = k;
    }
  }
  return { mode, distance: Math.sqrt(best) };
}

/** KL(p ‖ uniform over `counts.length` modes) of a histogram; null when it is empty. */
export function reverseKlToUniform(counts: readonly number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let kl = 0;
  for (const c of counts) {
    if (c > 0) kl += (c / total) * Math.log((c / total) * counts.length);
  }
  return Math.max(0, kl); // rounding can leave −1e-16 for a uniform histogram
}

/** The measurements of `points` ([n, 2] row-major) against the data set's modes. */
export function modeMetrics(dataset: ModeDataset, points: Float32Array): ModeMetrics {
  const n = points.length / 2;
  const counts = new Array<number>(dataset.modes).fill(0);
  const threshold = HIGH_QUALITY_SIGMAS * dataset.sigma;
  let good = 0;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    // A non-finite sample is never high quality (a diverged generator measures as collapsed).
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const { mode, distance } = nearestMode(dataset, x, y);
    if (distance <= threshold) {
      counts[mode]++;
      good++;
    }
  }
  return {
    modes: counts.filter((c) => c > 0).length,
    highQuality: n > 0 ? (100 * good) / n : 0,
    reverseKl: reverseKlToUniform(counts),
    highQualityCount: good,
    noHighQuality: good === 0,
    counts,
  };
}
