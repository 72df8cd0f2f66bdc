/**
 * The 2-d mixtures of the mode-collapse literature (experiment `gan-modes`): their geometry
 * (mode centres or noise-free curves, the noise σ) and seeded samplers. Never imports TF.js, so
 * the metrics (`src/results/modes.ts`) and the figures can use the geometry too.
 *
 * - `grid`: 25 Gaussians, means {−4, −2, 0, 2, 4}², isotropic σ = 0.05 (PacGAN's 2D-grid,
 *   Lin et al. 2018, Sec. 5.1; the MINE-regularizer example of Boudiaf's repository).
 * - `ring`: 8 Gaussians, means (cos 2πk/8, sin 2πk/8), σ = 0.01 (PacGAN's 2D-ring).
 * - `spiral`: two spiral arms r = 0.5 + (2.5/2π)·θ, θ ~ U[0, 2π) (the second arm rotated by
 *   π) and a circle of radius 6, a third of the points each (component drawn uniformly), plus
 *   N(0, σ² I) noise with σ = 0.05 (issue 15). Its "modes" are the three curves.
 */
import type { Rng } from '../random.ts';
import { UserError } from '../types.ts';

export type ModeDatasetId = 'grid' | 'ring' | 'spiral';

export const MODE_DATASET_IDS: readonly ModeDatasetId[] = ['grid', 'ring', 'spiral'];

export interface ModeDataset {
  id: ModeDatasetId;
  /** Noise std σ of each component; a sample is high quality within 3σ of its mode. */
  sigma: number;
  /** Number of modes (grid 25, ring 8, spiral 3 curves). */
  modes: number;
  /** Mode centres as [x0, y0, x1, y1, ...] (grid, ring); empty for the spiral (curves). */
  centres: Float32Array;
}

/** Grid: means {−4, −2, 0, 2, 4}² (PacGAN 2D-grid), row-major in (x, y). */
function gridCentres(): Float32Array {
  const out = new Float32Array(50);
  let k = 0;
  for (const x of [-4, -2, 0, 2, 4]) {
    for (const y of [-4, -2, 0, 2, 4]) {
      out[k++] = x;
      out[k++] = y;
    }
  }
  return out;
}

function ringCentres(): Float32Array {
  const out = new Float32Array(16);
  for (let k = 0; k < 8; k++) {
    out[2 * k] = Math.cos((2 * Math.PI * k) / 8);
    out[2 * k + 1] = Math.sin((2 * Math.PI * k) / 8);
  }
  return out;
}

/** Spiral arm r(θ) = SPIRAL_R0 + SPIRAL_SLOPE·θ, θ ∈ [0, 2π) (issue 15). */
export const SPIRAL_R0 = 0.5;
export const SPIRAL_SLOPE = 2.5 / (2 * Math.PI);
/** Radius of the spiral data set's circle (issue 15). */
export const SPIRAL_CIRCLE_RADIUS = 6;

/** The geometry of data set `id` (unknown id → `UserError` listing the valid ones). */
export function modeDataset(id: string): ModeDataset {
  switch (id) {
    case 'grid':
      return { id, sigma: 0.05, modes: 25, centres: gridCentres() };
    case 'ring':
      return { id, sigma: 0.01, modes: 8, centres: ringCentres() };
    case 'spiral':
      return { id, sigma: 0.05, modes: 3, centres: new Float32Array(0) };
    default:
      throw new UserError(
        `unknown gan data set '${id}'; valid data sets: ${MODE_DATASET_IDS.join(', ')}`,
      );
  }
}

/** Point of spiral arm `arm` (0, or 1 = rotated by π) at angle θ. */
export function spiralArmPoint(arm: number, theta: number): [number, number] {
  const r = SPIRAL_R0 + SPIRAL_SLOPE * theta;
  const sign = arm === 0 ? 1 : -1;
  return [sign * r * Math.cos(theta), sign * r * Math.sin(theta)];
}

/**
 * `n` samples of the data set as [n, 2] row-major Float32 (and each sample's mode index).
 * Components are drawn uniformly, then the noise N(0, σ² I).
 */
export function sampleModeDataset(
  dataset: ModeDataset,
  rng: Rng,
  n: number,
): { points: Float32Array; modes: Int32Array } {
  const points = new Float32Array(2 * n);
  const modes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = rng.int(dataset.modes);
    let cx: number;
    let cy: number;
    if (dataset.id !== 'spiral') {
      cx = dataset.centres[2 * k];
      cy = dataset.centres[2 * k + 1];
    } else {
      const theta = 2 * Math.PI * rng.uniform();
      if (k < 2) [cx, cy] = spiralArmPoint(k, theta);
      else
        [cx, cy] = [SPIRAL_CIRCLE_RADIUS * Math.cos(theta), SPIRAL_CIRCLE_RADIUS * Math.sin(theta)];
    }
    modes[i] = k;
    points[2 * i] = cx + dataset.sigma * rng.normal();
    points[2 * i + 1] = cy + dataset.sigma * rng.normal();
  }
  return { points, modes };
}
