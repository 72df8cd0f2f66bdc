/**
 * The amortised noise-prediction network of MINDE: one MLP over the concatenated [x, y]
 * (d = dx + dy inputs, d outputs) that is told, per variable, its time code (t when diffused,
 * 0 for a clean condition, 1 when marginalised; see `masks.ts`) and predicts the noise ε of the
 * diffused coordinates, ε̂ = −σ_t s (the score s = −ε̂/σ_t).
 *
 * Architecture (after the reference's `UnetMLP_simple` with `dim_mults=[]`,
 * github.com/MustaphaBounoua/minde `src/models/mlp.py`: a linear input layer, a time MLP
 * Linear(2 → w), nonlinearity, Linear(w → w), residual blocks that add a projection of the time
 * embedding, and a zero-initialized output projection):
 *
 *   h   = W_in z + b                                        [B, w]
 *   e   = W_t2 relu(W_t1 τ + b) + b                         [B, w]   τ: the two time codes
 *   per block k:  h ← h + W_k,out relu(W_k,h h + W_k,t relu(e) + b)   (skip connection)
 *   ε̂  = W_out relu(h) + b,  W_out = 0, b = 0 at init       [B, d]
 *
 * Deviations from the reference, for speed on a CPU (wasm): relu (the fused dense + relu kernel
 * of `ops/dense.ts`) instead of SiLU/GELU, and no GroupNorm. Width by total dimension d as the
 * reference's `calculate_hidden_dim`: 64 for d ≤ 10, 128 for d ≤ 50, 256 above.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DenseLayer } from '../../encoders/layers.ts';
import { createDense, denseVariables, namedVariable } from '../../encoders/layers.ts';
import { dense, denseRelu } from '../../ops/index.ts';
import { Rng } from '../../random.ts';

/** Something that predicts the noise of the diffused coordinates (a network, or exact scores). */
export interface NoisePredictor {
  /**
   * input: [B, d] (x_t / x_0 / zeros per variable), times: [B, 2] (time codes of x and y)
   * → ε̂: [B, d] (only the diffused variables' columns are meaningful). The caller disposes it.
   */
  predict(input: tf.Tensor2D, times: tf.Tensor2D): tf.Tensor2D;
}

/** Hidden width for d = dx + dy inputs (reference `MINDE.calculate_hidden_dim`). */
export function defaultWidth(d: number): number {
  return d <= 10 ? 64 : d <= 50 ? 128 : 256;
}

/** The weights of one dense layer: kernel [in, out], bias [out] (variables or plain tensors). */
export interface DenseWeights {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

const applyDense = (layer: DenseWeights, x: tf.Tensor2D) => dense(x, layer.kernel, layer.bias);

/** The layers of the network, in a fixed order (the averaged weights take the same shape). */
export interface NetworkLayers<L extends DenseWeights = DenseWeights> {
  input: L;
  time1: L;
  time2: L;
  blocks: { hidden: L; time: L; out: L }[];
  output: L;
}

/** Every layer of `layers` in their fixed order. */
export function layerList<L extends DenseWeights>(layers: NetworkLayers<L>): L[] {
  return [
    layers.input,
    layers.time1,
    layers.time2,
    ...layers.blocks.flatMap((b) => [b.hidden, b.time, b.out]),
    layers.output,
  ];
}

/**
 * Plain tensors holding `arrays` (kernel, bias per layer in {@link layerList}'s order, as
 * {@link MindeNetwork.variables}) in the structure of `like`. The caller disposes them
 * ({@link disposeLayers}).
 */
export function layersFromArrays(
  like: NetworkLayers,
  arrays: readonly Float32Array[],
): NetworkLayers {
  const shapes = layerList(like).flatMap((l) => [l.kernel.shape, l.bias.shape]);
  let i = 0;
  const next = (): DenseWeights => {
    const kernel = tf.tensor2d(arrays[i], shapes[i] as [number, number]);
    const bias = tf.tensor1d(arrays[i + 1]);
    i += 2;
    return { kernel, bias };
  };
  return {
    input: next(),
    time1: next(),
    time2: next(),
    blocks: like.blocks.map(() => ({ hidden: next(), time: next(), out: next() })),
    output: next(),
  };
}

/** Disposes every tensor of `layers`. */
export function disposeLayers(layers: NetworkLayers): void {
  tf.dispose(layerList(layers).flatMap((l) => [l.kernel, l.bias]));
}

/** ε̂ of `layers` (see the module comment). input: [B, d], times: [B, 2] → [B, d]. */
export function applyNetwork(
  layers: NetworkLayers,
  input: tf.Tensor2D,
  times: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(() => {
    let h = applyDense(layers.input, input); // [B, w]
    const e = applyDense(layers.time2, denseRelu(times, layers.time1.kernel, layers.time1.bias)); // [B, w]
    const re = tf.relu(e) as tf.Tensor2D; // [B, w]
    for (const block of layers.blocks) {
      const pre = tf.add(applyDense(block.hidden, h), applyDense(block.time, re)); // [B, w]
      const u = applyDense(block.out, tf.relu(pre) as tf.Tensor2D); // [B, w]
      h = tf.add(h, u) as tf.Tensor2D; // skip connection
    }
    return applyDense(layers.output, tf.relu(h) as tf.Tensor2D); // [B, d]
  });
}

/** The network's construction arguments. */
export interface NetworkArgs {
  /** Total input dimension d = dx + dy. */
  dim: number;
  width: number;
  blocks: number;
  seed: number;
}

/** A MINDE network; the owner calls `dispose()`. */
export class MindeNetwork implements NoisePredictor {
  readonly layers: NetworkLayers<DenseLayer>;

  constructor(args: NetworkArgs) {
    const rng = new Rng(args.seed);
    const glorot = { kind: 'glorot-uniform' } as const;
    const w = args.width;
    this.layers = {
      input: createDense(rng, 'minde/input', args.dim, w, glorot),
      time1: createDense(rng, 'minde/time1', 2, w, glorot),
      time2: createDense(rng, 'minde/time2', w, w, glorot),
      blocks: Array.from({ length: args.blocks }, (_, k) => ({
        hidden: createDense(rng, `minde/block${k}/hidden`, w, w, glorot),
        time: createDense(rng, `minde/block${k}/time`, w, w, glorot),
        out: createDense(rng, `minde/block${k}/out`, w, w, glorot),
      })),
      // zero output projection, as the reference (`self.proj.weight.data.fill_(0.0)`): ε̂ = 0 at init
      output: {
        kernel: namedVariable(
          'minde/output/kernel',
          tf.zeros([w, args.dim]),
        ) as tf.Variable<tf.Rank.R2>,
        bias: namedVariable('minde/output/bias', tf.zeros([args.dim])) as tf.Variable<tf.Rank.R1>,
      },
    };
  }

  /** Trainable variables, in {@link layerList}'s order (kernel, then bias). */
  get variables(): tf.Variable[] {
    return denseVariables(layerList(this.layers));
  }

  predict(input: tf.Tensor2D, times: tf.Tensor2D): tf.Tensor2D {
    return applyNetwork(this.layers, input, times);
  }

  dispose(): void {
    tf.dispose(denseVariables(layerList(this.layers)));
  }
}
