/**
 * The validation model: z ~ N(0, I_dz), x | z ~ N(W z + b, σ² I_dx), whose MI is known in
 * closed form. x is Gaussian with covariance C = W Wᵀ + σ² I, so
 *   I(X; Z) = h(X) − h(X | Z) = ½ log det(W Wᵀ + σ² I) − ½ log det(σ² I)
 *           = ½ log det(I_dx + W Wᵀ / σ²) = ½ log det(I_dz + Wᵀ W / σ²)
 * (Sylvester's determinant identity; the dz × dz form is the one computed). log p(x) is known
 * too (`logMarginal`), which lets the tests check every bound per point, not only in mean.
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../random.ts';
import { UserError } from '../types.ts';
import { type JointSample, type LatentModel, LOG_2PI } from './model.ts';

export interface LinearGaussianArgs {
  latentDim: number;
  dataDim: number;
  /** Observation noise standard deviation σ > 0. */
  sigma: number;
  /** Seed of W and b: W_jk ~ N(0, 1), b_j ~ N(0, 1) (unless `weights` are given). */
  seed: number;
  /** Explicit W (dx rows of dz) and b (dx), instead of seeded draws (tests, references). */
  weights?: { w: number[][]; b: number[] };
}

export interface LinearGaussianModel extends LatentModel {
  readonly trueMI: number;
  /** W as [dx, dz] rows, b [dx], σ (float64 copies). */
  readonly weights: { w: Float64Array; b: Float64Array; sigma: number };
  /** Exact log p(x) per row: x [n, dx] → Float64Array [n] (Cholesky of W Wᵀ + σ² I, in JS). */
  logMarginal(x: tf.Tensor2D): Float64Array;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix a [d·d] (row-major). */
export function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * d + k] as number) * (l[j * d + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new Error('cholesky: matrix is not positive definite');
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / (l[j * d + j] as number);
      }
    }
  }
  return l;
}

function check(value: number, field: string, ok: boolean, want: string): void {
  if (!ok) throw new UserError(`linear-gaussian: '${field}' must be ${want}, got ${value}`);
}

/** The linear-Gaussian model; its W and b are tensors the model owns (`dispose`). */
export function linearGaussian(args: LinearGaussianArgs): LinearGaussianModel {
  const { latentDim: dz, dataDim: dx, sigma } = args;
  check(dz, 'latentDim', Number.isInteger(dz) && dz >= 1, 'an integer ≥ 1');
  check(dx, 'dataDim', Number.isInteger(dx) && dx >= 1, 'an integer ≥ 1');
  check(sigma, 'sigma', sigma > 0 && Number.isFinite(sigma), 'a finite number > 0');
  const rng = new Rng(deriveSeed(args.seed, 'weights'));
  let w = Float64Array.from(rng.normalArray(dx * dz)); // [dx, dz] row-major
  let b = Float64Array.from(rng.normalArray(dx)); // [dx]
  if (args.weights) {
    const given = args.weights;
    if (
      given.w.length !== dx ||
      given.w.some((row) => row.length !== dz) ||
      given.b.length !== dx
    ) {
      throw new UserError(`linear-gaussian: 'weights' must be W [${dx}][${dz}] and b [${dx}]`);
    }
    w = Float64Array.from(given.w.flat());
    b = Float64Array.from(given.b);
  }
  // I(X; Z) = ½ log det(I + Wᵀ W / σ²) = Σ log diag(chol(·)).
  const m = new Float64Array(dz * dz);
  for (let i = 0; i < dz; i++) {
    for (let j = 0; j < dz; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < dx; k++)
        s += ((w[k * dz + i] as number) * (w[k * dz + j] as number)) / sigma ** 2;
      m[i * dz + j] = s;
    }
  }
  const lm = cholesky(m, dz);
  let trueMI = 0;
  for (let i = 0; i < dz; i++) trueMI += Math.log(lm[i * dz + i] as number);

  const wT = tf.tidy(() => tf.transpose(tf.tensor2d(Float32Array.from(w), [dx, dz]))); // [dz, dx]
  const bias = tf.tensor1d(Float32Array.from(b)); // [dx]
  const logNorm = -0.5 * dx * (LOG_2PI + 2 * Math.log(sigma));

  const logPrior = (z: tf.Tensor2D): tf.Tensor1D =>
    tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * dz * LOG_2PI)); // [n]

  return {
    kind: 'linear-gaussian',
    latentDim: dz,
    dataDim: dx,
    trueMI,
    weights: { w, b, sigma },
    logPrior,
    logLikelihood(x, z) {
      return tf.tidy(() => {
        const mean = tf.add(tf.matMul(z, wT), bias); // [n, dx]
        const sq = tf.sum(tf.square(tf.sub(x, mean)), 1); // [n]
        return tf.add(tf.mul(-0.5 / sigma ** 2, sq), logNorm) as tf.Tensor1D;
      });
    },
    sample(n, seed): JointSample {
      const zs = new Rng(deriveSeed(seed, 'latent')).normalArray(n * dz);
      const noise = new Rng(deriveSeed(seed, 'noise')).normalArray(n * dx);
      const xs = new Float32Array(n * dx);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < dx; j++) {
          let s = b[j] as number;
          for (let k = 0; k < dz; k++) s += (w[j * dz + k] as number) * (zs[i * dz + k] as number);
          xs[i * dx + j] = s + sigma * (noise[i * dx + j] as number);
        }
      }
      return { x: tf.tensor2d(xs, [n, dx]), z: tf.tensor2d(zs, [n, dz]) };
    },
    logMarginal(x) {
      // x − b ~ N(0, C), C = W Wᵀ + σ² I [dx, dx]: log p = −½ (dx log 2π + log det C + rᵀC⁻¹r).
      const c = new Float64Array(dx * dx);
      for (let i = 0; i < dx; i++) {
        for (let j = 0; j < dx; j++) {
          let s = i === j ? sigma ** 2 : 0;
          for (let k = 0; k < dz; k++) s += (w[i * dz + k] as number) * (w[j * dz + k] as number);
          c[i * dx + j] = s;
        }
      }
      const l = cholesky(c, dx);
      let logDet = 0;
      for (let i = 0; i < dx; i++) logDet += 2 * Math.log(l[i * dx + i] as number);
      const values = x.dataSync();
      const n = x.shape[0];
      const out = new Float64Array(n);
      const y = new Float64Array(dx);
      for (let r = 0; r < n; r++) {
        // Solve L y = x_r − b; then rᵀ C⁻¹ r = ‖y‖².
        let quad = 0;
        for (let i = 0; i < dx; i++) {
          let s = (values[r * dx + i] as number) - (b[i] as number);
          for (let k = 0; k < i; k++) s -= (l[i * dx + k] as number) * (y[k] as number);
          y[i] = s / (l[i * dx + i] as number);
          quad += (y[i] as number) ** 2;
        }
        out[r] = -0.5 * (dx * LOG_2PI + logDet + quad);
      }
      return out;
    },
    dispose() {
      wT.dispose();
      bias.dispose();
    },
  };
}
