/**
 * RealNVP encoder (Dinh et al., 2017), as in the paper's Sec. 3.1 (Fig. 1): a bijection, so
 * I(x1; x2) is unchanged by it, yet training it to maximize a bound changes probe accuracy.
 *
 * Each of `couplings` layers keeps the first d1 = ⌊D/2⌋ coordinates x_a and transforms the other
 * d2 = ⌈D/2⌉ coordinates x_b with an MLP m of x_a (relu hidden layers, linear output):
 * - additive: y_b = x_b + m(x_a)                     (shift only; paper's `invertible`)
 * - affine:   [shift, raw] = m(x_a), scale = 1e-7 + softplus(raw),
 *             y_b = x_b · scale + shift              (paper's `adversarial`)
 * then a fixed random permutation of all D columns (one per coupling, drawn from
 * `deriveSeed(seed, 'permutation')`), applied with `ops.permuteColumns`.
 *
 * Kernels are truncated-normal(σ = initStd = 1e-4), biases zero, so m(x_a) ≈ 0 at init: the
 * additive flow starts ≈ a permutation. With affine coupling softplus(0) = ln 2, so the flow
 * starts ≈ a permutation scaled by ln 2 ≈ 0.693 on the transformed half of every coupling
 * (still well conditioned and exactly invertible).
 */
import * as tf from '@tensorflow/tfjs-core';
import { permuteColumns } from '../ops/index.ts';
import { resolveOptions } from '../options.ts';
import { deriveSeed, Rng } from '../random.ts';
import { type Encoder, UserError } from '../types.ts';
import type { EncoderArgs, EncoderEntry } from './entry.ts';
import {
  applyMlp,
  checkWidths,
  createDenseStack,
  type DenseLayer,
  denseVariables,
} from './layers.ts';

export type RealNvpOptions = {
  /** Coupling layers. Default 30 (paper, Sec. 3.1). */
  couplings: number;
  /** Hidden widths of each coupling's MLP (relu). Default [512, 512] (paper, Sec. 3.1). */
  hidden: number[];
  /**
   * 'additive' (shift only; `invertible` experiment) or 'affine' (shift and scale;
   * `adversarial` experiment). Default 'additive' (paper, Sec. 3.1).
   */
  coupling: string;
  /** σ of the truncated-normal kernel init. Default 1e-4 (Colab), so the flow starts ≈ a permutation. */
  initStd: number;
};

export const REALNVP_DEFAULTS: RealNvpOptions = {
  couplings: 30,
  hidden: [512, 512],
  coupling: 'additive',
  initStd: 1e-4,
};

/** Keeps the affine scale strictly positive (Colab: scale = 1e-7 + softplus(raw)). */
const MIN_SCALE = 1e-7;

interface Coupling {
  mlp: DenseLayer[];
  /** int32 [D]: out[:, k] = in[:, perm[k]]. */
  perm: tf.Tensor1D;
  /** int32 [D]: the inverse permutation. */
  inversePerm: tf.Tensor1D;
}

export class RealNvpEncoder implements Encoder {
  readonly kind = 'realnvp';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly affine: boolean;
  readonly couplings: Coupling[];
  readonly variables: tf.Variable[];
  readonly options: RealNvpOptions;
  /** Width of the kept half, ⌊D/2⌋. */
  private readonly keep: number;
  /** Width of the transformed half, ⌈D/2⌉. */
  private readonly change: number;

  constructor(args: EncoderArgs) {
    const context = "encoder 'realnvp'";
    const options = resolveOptions(REALNVP_DEFAULTS, args.options, context);
    if (!Number.isInteger(options.couplings) || options.couplings < 1) {
      throw new UserError(`${context}: option 'couplings' must be a positive integer`);
    }
    checkWidths(options.hidden, 'hidden', context, 0);
    if (options.coupling !== 'additive' && options.coupling !== 'affine') {
      throw new UserError(
        `${context}: option 'coupling' must be 'additive' or 'affine', got '${options.coupling}'`,
      );
    }
    if (!(options.initStd > 0)) {
      throw new UserError(`${context}: option 'initStd' must be > 0, got ${options.initStd}`);
    }
    if (args.inputDim < 2) throw new UserError(`${context}: needs inputDim ≥ 2`);
    this.options = options;
    this.affine = options.coupling === 'affine';
    this.inputDim = args.inputDim;
    this.outputDim = args.inputDim;
    this.keep = Math.floor(args.inputDim / 2);
    this.change = args.inputDim - this.keep;
    const initRng = new Rng(deriveSeed(args.seed, 'init'));
    const permRng = new Rng(deriveSeed(args.seed, 'permutation'));
    const init = { kind: 'truncated-normal' as const, std: options.initStd };
    const outWidth = this.affine ? 2 * this.change : this.change; // [shift] or [shift, raw scale]
    this.couplings = [];
    for (let k = 0; k < options.couplings; k++) {
      const perm = permRng.permutation(args.inputDim);
      const inverse = new Int32Array(args.inputDim);
      for (const [i, p] of perm.entries()) inverse[p] = i;
      this.couplings.push({
        mlp: createDenseStack(
          initRng,
          `realnvp/coupling${k}`,
          this.keep,
          [...options.hidden, outWidth],
          init,
        ),
        perm: tf.tensor1d(perm, 'int32'),
        inversePerm: tf.tensor1d(inverse, 'int32'),
      });
    }
    this.variables = this.couplings.flatMap((c) => denseVariables(c.mlp));
  }

  /** Shift and scale (null when additive) from the kept half xa: [B, d1] → [B, d2] each. */
  private shiftScale(coupling: Coupling, xa: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D | null] {
    const out = applyMlp(coupling.mlp, xa); // [B, d2] or [B, 2·d2]
    if (!this.affine) return [out, null];
    const [shift, raw] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D]; // [B, d2] each
    return [shift, tf.add(tf.softplus(raw), MIN_SCALE) as tf.Tensor2D];
  }

  /** x: [B, D] → y: [B, D]. The caller owns the result. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = x;
      for (const coupling of this.couplings) {
        const [xa, xb] = tf.split(h, [this.keep, this.change], 1) as [tf.Tensor2D, tf.Tensor2D];
        const [shift, scale] = this.shiftScale(coupling, xa);
        const yb = tf.add(scale ? tf.mul(xb, scale) : xb, shift) as tf.Tensor2D; // [B, d2]
        h = permuteColumns(tf.concat([xa, yb], 1), coupling.perm); // [B, D]
      }
      return h;
    });
  }

  /** The exact inverse: y: [B, D] → x: [B, D] with apply(x) = y. The caller owns the result. */
  inverse(y: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = y;
      for (let k = this.couplings.length - 1; k >= 0; k--) {
        const coupling = this.couplings[k];
        const unpermuted = permuteColumns(h, coupling.inversePerm); // [B, D]
        const [ya, yb] = tf.split(unpermuted, [this.keep, this.change], 1) as [
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        const [shift, scale] = this.shiftScale(coupling, ya);
        const diff = tf.sub(yb, shift) as tf.Tensor2D; // [B, d2]
        const xb = scale ? (tf.div(diff, scale) as tf.Tensor2D) : diff;
        h = tf.concat([ya, xb], 1); // [B, D]
      }
      return h;
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    for (const c of this.couplings) {
      c.perm.dispose();
      c.inversePerm.dispose();
    }
  }
}

export const realnvpEntry: EncoderEntry = {
  description: 'RealNVP flow: additive or affine couplings + fixed permutations (paper Sec. 3.1)',
  defaults: REALNVP_DEFAULTS,
  testOptions: { couplings: 3, hidden: [16] },
  create: (args) => new RealNvpEncoder(args),
};
