/**
 * The network's parameters as JS arrays, updated by Adam in plain loops.
 *
 * Why not `tf.train.adam`: the MINDE network is small (≈ 25,000 weights in 18–20 tensors at
 * width 64), so a step is dominated by per-op overhead, and TF.js's Adam spends ~12 ops per
 * variable (measured: 12 of 24 ms per step on wasm). Here each variable costs one gradient read
 * and one upload; the update itself is Kingma & Ba's Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8:
 * PyTorch's defaults, which the reference uses) with bias correction:
 *
 *   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
 *   θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
 */
import * as tf from '@tensorflow/tfjs-core';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** θ ← θ − stepSize · m / (√(v · invC2) + ε) after the moment updates (one variable). */
function adamUpdate(
  theta: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  stepSize: number,
  invC2: number,
): void {
  for (let j = 0; j < theta.length; j++) {
    const gj = g[j];
    const mj = BETA1 * m[j] + (1 - BETA1) * gj;
    const vj = BETA2 * v[j] + (1 - BETA2) * gj * gj;
    m[j] = mj;
    v[j] = vj;
    theta[j] -= (stepSize * mj) / (Math.sqrt(vj * invC2) + EPSILON);
  }
}

/** Adam on some `tf.Variable`s whose master values live in JS arrays. */
export class ArrayAdam {
  /** The current values, one array per variable (the variables hold the same values). */
  readonly values: Float32Array[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    private readonly variables: readonly tf.Variable[],
    readonly learningRate: number,
  ) {
    this.values = variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
    this.m = this.values.map((a) => new Float32Array(a.length));
    this.v = this.values.map((a) => new Float32Array(a.length));
  }

  /**
   * One minimization step of `loss` (a closure building a scalar from the variables); returns
   * the loss before the step. Leaves no tensors behind.
   */
  step(loss: () => tf.Scalar): number {
    this.t++;
    const c1 = 1 - BETA1 ** this.t;
    const c2 = 1 - BETA2 ** this.t;
    const stepSize = this.learningRate / c1;
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables as tf.Variable[]);
      for (const [i, variable] of this.variables.entries()) {
        adamUpdate(
          this.values[i],
          this.m[i],
          this.v[i],
          grads[variable.name].dataSync() as Float32Array,
          stepSize,
          1 / c2,
        );
      }
      return value.dataSync()[0];
    });
    this.upload(this.values);
    return value;
  }

  /** Its state for a checkpoint: the step count and its arrays (live: the caller copies them). */
  get state(): {
    t: number;
    values: readonly Float32Array[];
    m: readonly Float32Array[];
    v: readonly Float32Array[];
  } {
    return { t: this.t, values: this.values, m: this.m, v: this.v };
  }

  /**
   * Continues from a saved {@link state}: sets the step count, and `fill` writes the saved
   * arrays into the live ones it is given; then the variables get the restored values.
   */
  restore(t: number, fill: (arrays: ArrayAdam['state']) => void): void {
    this.t = t;
    fill(this.state);
    this.upload(this.values);
  }

  /** Sets the variables to `arrays` (same layout as `values`; copied). */
  upload(arrays: readonly Float32Array[]): void {
    for (const [i, variable] of this.variables.entries()) {
      tf.tidy(() => variable.assign(tf.tensor(arrays[i].slice(), variable.shape)));
    }
  }
}
