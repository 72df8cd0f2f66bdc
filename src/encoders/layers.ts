/**
 * Building blocks shared by the encoders and the critics: Keras-compatible initializers,
 * uniquely named `tf.variable`s, and dense layers / stacks that go through `ops.dense`.
 * Randomness comes from an explicit `Rng` (see `src/random.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense, denseRelu, matMul } from '../ops/index.ts';
import type { Rng } from '../random.ts';
import { UserError } from '../types.ts';

/** How a kernel is initialized. */
export type KernelInit =
  /** Keras' default `glorot_uniform`: U(±√(6 / (fanIn + fanOut))). */
  | { kind: 'glorot-uniform' }
  /** N(0, std²) truncated at ±2 std, as TF's `truncated_normal` initializer. */
  | { kind: 'truncated-normal'; std: number };

/** The valid `init` option values of models that expose one. */
export const KERNEL_INITS = ['glorot-uniform', 'truncated-normal'] as const;

/** Parses an `init` option; `context` names the owner, e.g. `encoder 'mlp'`. */
export function kernelInit(init: string, std: number, context: string): KernelInit {
  if (init === 'glorot-uniform') return { kind: 'glorot-uniform' };
  if (init === 'truncated-normal') {
    if (!(std > 0)) throw new UserError(`${context}: option 'initStd' must be > 0, got ${std}`);
    return { kind: 'truncated-normal', std };
  }
  throw new UserError(
    `${context}: option 'init' must be one of ${KERNEL_INITS.join(', ')}, got '${init}'`,
  );
}

/**
 * `size` kernel values. `fanIn`/`fanOut` as Keras computes them (dense: in, out; conv:
 * kh·kw·cin, kh·kw·cout).
 */
export function initValues(
  rng: Rng,
  init: KernelInit,
  size: number,
  fanIn: number,
  fanOut: number,
): Float32Array {
  if (init.kind === 'truncated-normal') return rng.truncatedNormalArray(size, init.std);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniformArray(size, -limit, limit);
}

let variableCounter = 0;

/**
 * A trainable variable named `${name}_${n}` (n unique per process: TF.js rejects duplicate
 * names, and tests build many models with the same structure). The owner disposes it.
 */
export function namedVariable(name: string, values: tf.Tensor): tf.Variable {
  const v = tf.variable(values, true, `${name}_${variableCounter++}`);
  values.dispose();
  return v;
}

/** A dense layer y = x·kernel + bias (kernel [in, out], bias [out]). */
export interface DenseLayer {
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
}

/** A dense layer with `init` kernel and zero bias (Keras defaults when init is glorot). */
export function createDense(
  rng: Rng,
  name: string,
  inDim: number,
  outDim: number,
  init: KernelInit,
): DenseLayer {
  const values = initValues(rng, init, inDim * outDim, inDim, outDim);
  return {
    kernel: namedVariable(
      `${name}/kernel`,
      tf.tensor2d(values, [inDim, outDim]),
    ) as tf.Variable<tf.Rank.R2>,
    bias: namedVariable(`${name}/bias`, tf.zeros([outDim])) as tf.Variable<tf.Rank.R1>,
  };
}

/** x: [B, in] → [B, out]. The caller owns the result. */
export function applyDense(layer: DenseLayer, x: tf.Tensor2D): tf.Tensor2D {
  return dense(x, layer.kernel, layer.bias);
}

/** Dense layers of widths `[inDim, ...widths]`, named `${name}/dense${k}`. */
export function createDenseStack(
  rng: Rng,
  name: string,
  inDim: number,
  widths: number[],
  init: KernelInit,
): DenseLayer[] {
  const layers: DenseLayer[] = [];
  let fanIn = inDim;
  for (const [k, width] of widths.entries()) {
    layers.push(createDense(rng, `${name}/dense${k}`, fanIn, width, init));
    fanIn = width;
  }
  return layers;
}

/**
 * An MLP: relu after every layer but the last (linear output). With `shortcuts`, each layer is
 * residual: x ← layer(x) + x (widths must equal the input width). x: [B, in] → [B, out].
 * The caller owns the result; intermediates are freed.
 */
export function applyMlp(layers: DenseLayer[], x: tf.Tensor2D, shortcuts = false): tf.Tensor2D {
  return tf.tidy(() => {
    let h = x;
    for (const [k, layer] of layers.entries()) {
      const hidden = k < layers.length - 1;
      // [B, width_k]; hidden layers use the fused dense + relu op
      const out = hidden ? denseRelu(h, layer.kernel, layer.bias) : applyDense(layer, h);
      h = shortcuts ? tf.add(out, h) : out;
    }
    return h;
  });
}

/**
 * The MLP's per-sample Jacobians, transposed, by forward-mode products layer by layer (no
 * autograd): with G = ∂h/∂x as [in, width] per sample (G₀ = I), a layer h' = act(h·W + b)
 * gives G' = (G·W) ⊙ act'(z) (column k scaled by 1[z_k > 0] for relu), plus G with shortcuts.
 * One [B·in, width] x [width, width'] product per layer after the first (whose G·W is W):
 * for the [392]x5 residual MLP at 128 samples, 4 products of 15 GFLOP, about a third of the
 * generic reverse pass (a forward and a backward pass over 392 replicated rows per sample).
 * x: [B, in] → [B, in, out]; element (i, j, k) = ∂y_k/∂x_j at x_i. The caller owns the result.
 */
export function mlpTransposedJacobians(
  layers: DenseLayer[],
  x: tf.Tensor2D,
  shortcuts = false,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, inDim] = x.shape;
    let h = x; // [B, width_k]
    let g: tf.Tensor3D | null = null; // [B, in, width_k]; null = the identity (before layer 0)
    for (const [k, layer] of layers.entries()) {
      const hidden = k < layers.length - 1;
      const out = hidden ? denseRelu(h, layer.kernel, layer.bias) : applyDense(layer, h); // [B, width]
      const width = out.shape[1];
      // I·W is W itself, [in, width]: left unbroadcast, the relu mask's multiply broadcasts it
      // ([in, width] ⊙ [B, 1, width]) in the same pass (tf.broadcastTo's Tile cost as much).
      const product: tf.Tensor =
        g === null
          ? layer.kernel
          : (tf.reshape(
              matMul(tf.reshape(g, [b * inDim, g.shape[2]]) as tf.Tensor2D, layer.kernel),
              [b, inDim, width],
            ) as tf.Tensor3D); // G·W: [B, in, width]
      // relu'(z) = 1[z > 0] = 1[out > 0], per sample and output column: [B, 1, width]
      const local = (
        hidden
          ? tf.mul(product, tf.expandDims(tf.step(out), 1))
          : g === null
            ? tf.broadcastTo(product, [b, inDim, width])
            : product
      ) as tf.Tensor3D;
      g = shortcuts ? (tf.add(local, g ?? tf.eye(inDim)) as tf.Tensor3D) : local;
      h = shortcuts ? tf.add(out, h) : out;
    }
    return g as tf.Tensor3D;
  });
}

/** Every variable of some dense layers, kernel then bias, in layer order. */
export function denseVariables(layers: DenseLayer[]): tf.Variable[] {
  return layers.flatMap((l) => [l.kernel, l.bias]);
}

/** Throws a `UserError` unless `widths` is a non-empty list of positive integers. */
export function checkWidths(widths: number[], option: string, context: string, minLength = 1) {
  if (widths.length < minLength || !widths.every((w) => Number.isInteger(w) && w > 0)) {
    throw new UserError(
      `${context}: option '${option}' must be ${minLength > 0 ? 'a non-empty' : 'an'} array of positive integers, got ${JSON.stringify(widths)}`,
    );
  }
}
