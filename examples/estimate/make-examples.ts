/**
 * Writes the example data of `mimax estimate` (README, "Estimate the MI of your own data"):
 *
 * - `gaussian.csv`: 5,000 pairs of a correlated Gaussian, x = (x1, x2), y = (y1, y2) with
 *   y_k = ρ x_k + √(1 − ρ²) ε_k, ρ chosen so that I(X; Y) = 1 nat exactly
 *   (−(d/2) ln(1 − ρ²) with d = 2, the `gaussian` task of `src/tasks/gaussian.ts`);
 * - `nonlinear.csv`: 5,000 rows of x ~ N(0, 1), y = x² + σε with σ = 0.1, and z ~ N(0, 1)
 *   independent of both; I(x; y) has no closed form and is computed by numerical integration
 *   below, I(x; z) = 0. Correlation(x, y) = 0, so the Gaussian baseline sees nothing.
 *
 * The true MI of each file is in its leading `#` comment lines (the CSV reader skips them).
 * Values are written with 5 decimals (the rounding changes the MI by far less than 0.001 nats).
 *
 *   node --import tsx examples/estimate/make-examples.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/random.ts';
import { createTask } from '../../src/tasks/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = 5_000; // enough for KSG and the neural estimators at batch 128 (4,000 train rows)
const DECIMALS = 5;
const f = (v: number) => v.toFixed(DECIMALS);

/** Noise sd of the nonlinear example: small, so I(x; y) is large (≈ 1.6 nats). */
const SIGMA = 0.1;

/**
 * I(x; y) for x ~ N(0, 1), y = x² + σε: h(y) − h(σε) with h(σε) = ½ ln(2πeσ²) and the density
 * p(y) = ∫ φ(x) φ_σ(y − x²) dx, both integrals by the trapezoid rule on fine grids (the
 * integrand in x peaks at ±√y with width σ / (2√y), which the 0.0005 step resolves for y up
 * to 64, far past the data); scipy.integrate.quad over the same two integrals gives 1.99401
 * nats, this 1.9940.
 */
function nonlinearMI(sigma: number): number {
  const phi = (t: number, s: number) =>
    Math.exp((-0.5 * t * t) / (s * s)) / (s * Math.sqrt(2 * Math.PI));
  const dx = 0.0005;
  const xs: number[] = [];
  for (let x = -8; x <= 8; x += dx) xs.push(x);
  const px = xs.map((x) => phi(x, 1));
  const dy = 0.001;
  let h = 0;
  for (let y = -10 * sigma; y <= 64 + 10 * sigma; y += dy) {
    let p = 0;
    for (let i = 0; i < xs.length; i++) {
      const t = y - xs[i] * xs[i];
      if (Math.abs(t) < 10 * sigma) p += px[i] * phi(t, sigma);
    }
    p *= dx;
    if (p > 0) h -= p * Math.log(p) * dy;
  }
  return h - 0.5 * Math.log(2 * Math.PI * Math.E * sigma * sigma);
}

function gaussianCsv(): string {
  const task = createTask('gaussian', { dim: 2, mi: 1 });
  const rho = (task as unknown as { rho: number }).rho;
  const p = task.sample(new Rng(1), ROWS);
  const lines = [
    '# Correlated Gaussian (mimax examples/estimate/make-examples.ts, seed 1, 5,000 rows):',
    `# y_k = rho x_k + sqrt(1 - rho^2) e_k for k = 1, 2, rho = ${rho.toFixed(6)}`,
    '# true I(X; Y) = -(2/2) ln(1 - rho^2) = 1.0000 nats, X = (x1, x2), Y = (y1, y2)',
    'x1,x2,y1,y2',
  ];
  for (let i = 0; i < ROWS; i++) {
    lines.push([p.x[2 * i], p.x[2 * i + 1], p.y[2 * i], p.y[2 * i + 1]].map(f).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function nonlinearCsv(): string {
  const rng = new Rng(2);
  const mi = nonlinearMI(SIGMA);
  const lines = [
    '# Nonlinear dependence (mimax examples/estimate/make-examples.ts, seed 2, 5,000 rows):',
    `# x ~ N(0, 1), y = x^2 + ${SIGMA} e, z ~ N(0, 1) independent; corr(x, y) = 0`,
    `# true I(x; y) = ${mi.toFixed(4)} nats (numerical integration), I(x; z) = 0`,
    'x,y,z',
  ];
  for (let i = 0; i < ROWS; i++) {
    const x = rng.normal();
    const y = x * x + SIGMA * rng.normal();
    const z = rng.normal();
    lines.push([x, y, z].map(f).join(','));
  }
  return `${lines.join('\n')}\n`;
}

writeFileSync(join(here, 'gaussian.csv'), gaussianCsv());
writeFileSync(join(here, 'nonlinear.csv'), nonlinearCsv());
console.log(`wrote ${join(here, 'gaussian.csv')} and ${join(here, 'nonlinear.csv')}`);
