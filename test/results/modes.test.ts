/**
 * The mode-collapse measurements of `gan-modes` (src/results/modes.ts) on hand-made samples
 * with known answers, the spiral's nearest-curve distance on points placed at a known
 * distance, and the data samplers against their own geometry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  modeDataset,
  SPIRAL_R0,
  SPIRAL_SLOPE,
  sampleModeDataset,
  spiralArmPoint,
} from '../../src/data/mode-datasets.ts';
import { Rng } from '../../src/random.ts';
import {
  modeMetrics,
  nearestMode,
  reverseKlToUniform,
  spiralNearest,
} from '../../src/results/modes.ts';
import { UserError } from '../../src/types.ts';

const pts = (...xy: [number, number][]) => Float32Array.from(xy.flat());
const close = (a: number, b: number, tol: number, what = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

describe('mode metrics', () => {
  const grid = modeDataset('grid');
  const ring = modeDataset('ring');

  it('grid: two modes evenly hit, two samples off every mode', () => {
    const m = modeMetrics(
      grid,
      pts(
        [-4, -4],
        [-4.05, -4],
        [-4, -3.9],
        [-4.1, -4.1],
        [0, 0],
        [0.1, 0],
        [0, -0.1],
        [0.14, 0],
        [1, 1],
        [3, 3],
      ),
    );
    assert.equal(m.modes, 2);
    assert.equal(m.highQuality, 80); // 8 of 10 within 3σ = 0.15
    assert.equal(m.highQualityCount, 8);
    // p = (1/2, 1/2) on 2 of 25 modes: KL = Σ ½ ln(½ · 25) = ln 12.5
    close(m.reverseKl!, Math.log(12.5), 1e-12, 'reverse KL');
    assert.equal(m.noHighQuality, false);
    assert.equal(m.counts[0], 4); // (−4, −4) is mode 0
    assert.equal(m.counts[12], 4); // (0, 0) is mode 12 (row-major over x, then y)
  });

  it('grid: one sample on every mode → 25 modes, 100 %, KL 0', () => {
    const xy: [number, number][] = [];
    for (const x of [-4, -2, 0, 2, 4])
      for (const y of [-4, -2, 0, 2, 4]) xy.push([x + 0.01, y - 0.02]);
    const m = modeMetrics(grid, pts(...xy));
    assert.equal(m.modes, 25);
    assert.equal(m.highQuality, 100);
    assert.equal(m.reverseKl, 0);
  });

  it('the 3σ threshold is inclusive below and exclusive above (grid σ = 0.05, ring σ = 0.01)', () => {
    assert.equal(modeMetrics(grid, pts([2, 2.149])).highQualityCount, 1);
    assert.equal(modeMetrics(grid, pts([2, 2.151])).highQualityCount, 0);
    const c = [Math.cos(Math.PI / 4), Math.sin(Math.PI / 4)];
    assert.equal(modeMetrics(ring, pts([c[0] + 0.0295, c[1]])).highQualityCount, 1);
    assert.equal(modeMetrics(ring, pts([c[0] + 0.0305, c[1]])).highQualityCount, 0);
    assert.equal(nearestMode(ring, c[0], c[1]).mode, 1);
  });

  it('no high-quality sample: reverse KL null and flagged, never NaN; non-finite samples are never high quality', () => {
    const m = modeMetrics(
      grid,
      pts([1, 1], [3, -1], [Number.NaN, 0], [0, Number.POSITIVE_INFINITY]),
    );
    assert.equal(m.modes, 0);
    assert.equal(m.highQuality, 0);
    assert.equal(m.reverseKl, null);
    assert.equal(m.noHighQuality, true);
  });

  it('reverse KL to uniform by hand: [3, 1] → ¾ ln 1.5 + ¼ ln ½; all in one mode → ln M', () => {
    close(reverseKlToUniform([3, 1])!, 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5), 1e-15, '[3,1]');
    close(reverseKlToUniform([0, 7, 0, 0, 0, 0, 0, 0])!, Math.log(8), 1e-15, 'collapsed');
    assert.equal(reverseKlToUniform([0, 0]), null);
  });
});

describe('spiral: distance to the nearest noise-free curve', () => {
  it('is the normal offset of a point displaced from an arm, for both arms', () => {
    for (const arm of [0, 1]) {
      for (const theta of [0.3, 1, 2.5, 4, 5.5]) {
        const [px, py] = spiralArmPoint(arm, theta);
        // Tangent of (s·r cos θ, s·r sin θ), r = r0 + bθ: s·(b cos θ − r sin θ, b sin θ + r cos θ).
        const r = SPIRAL_R0 + SPIRAL_SLOPE * theta;
        const s = arm === 0 ? 1 : -1;
        const tx = s * (SPIRAL_SLOPE * Math.cos(theta) - r * Math.sin(theta));
        const ty = s * (SPIRAL_SLOPE * Math.sin(theta) + r * Math.cos(theta));
        const norm = Math.hypot(tx, ty);
        for (const d of [0, 0.05, 0.1]) {
          const nearest = spiralNearest(px + (d * ty) / norm, py - (d * tx) / norm);
          assert.equal(nearest.mode, arm, `arm ${arm} θ ${theta} d ${d}`);
          close(nearest.distance, d, 1e-7, `arm ${arm} θ ${theta} d ${d}`);
        }
      }
    }
  });

  it('the origin is 0.5 from both arms (r ≥ 0.5); the circle of radius 6 by |‖p‖ − 6|', () => {
    close(spiralNearest(0, 0).distance, 0.5, 1e-9, 'origin');
    const far = spiralNearest(6.1 * Math.cos(2), 6.1 * Math.sin(2));
    assert.equal(far.mode, 2);
    close(far.distance, 0.1, 1e-12, 'circle');
  });

  it('counts the three curves as its modes', () => {
    const spiral = modeDataset('spiral');
    const m = modeMetrics(
      spiral,
      pts(spiralArmPoint(0, 1), spiralArmPoint(1, 3), [0, 6.02], [0, 4.5]),
    );
    assert.deepEqual(m.counts, [1, 1, 1]);
    assert.equal(m.modes, 3);
    assert.equal(m.highQuality, 75);
    assert.equal(m.reverseKl, 0);
  });
});

describe('mode data sets', () => {
  it('grid and ring samples are high quality with the 2-d Gaussian probability 1 − e^{−9/2}', () => {
    for (const id of ['grid', 'ring']) {
      const dataset = modeDataset(id);
      const { points, modes } = sampleModeDataset(dataset, new Rng(7), 20_000);
      const m = modeMetrics(dataset, points);
      // P(‖ε‖ ≤ 3σ) for ε ~ N(0, σ² I₂) = 1 − exp(−9/2) = 98.889 %; sd of the rate ≈ 0.074 %.
      close(m.highQuality, 100 * (1 - Math.exp(-4.5)), 0.4, id);
      assert.equal(m.modes, dataset.modes);
      assert.ok(m.reverseKl! < 0.01, `${id}: KL ${m.reverseKl}`);
      // Each sample's drawn mode is its nearest one when it is high quality.
      for (let i = 0; i < 200; i++) {
        const n = nearestMode(dataset, points[2 * i], points[2 * i + 1]);
        if (n.distance <= 3 * dataset.sigma) assert.equal(n.mode, modes[i]);
      }
    }
  });

  it('spiral samples lie within 3σ of their curve about as often as a 1-d normal within 3 sd', () => {
    const spiral = modeDataset('spiral');
    const m = modeMetrics(spiral, sampleModeDataset(spiral, new Rng(8), 6_000).points);
    // The normal component of the noise decides: P(|N(0,1)| ≤ 3) = 99.73 % (curvature aside).
    close(m.highQuality, 99.73, 0.5, 'spiral');
    assert.equal(m.modes, 3);
  });

  it('an unknown data set lists the valid ones', () => {
    assert.throws(
      () => modeDataset('grid25'),
      (e: Error) => e instanceof UserError && /grid, ring, spiral/.test(e.message),
    );
  });
});
