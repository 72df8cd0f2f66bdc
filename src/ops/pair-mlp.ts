/**
 * The all-pairs part of a concat critic with one hidden layer (paper Sec. 3.2: MLP([x; y]),
 * 200 relu → 1, on all B² pairs), given the first layer split by rows (see critics/concat.ts):
 *     scores[i][j] = Σ_k v_k · relu(rows[i][k] + cols[j][k]) + bias
 * rows = x W_x + b: [B1, H], cols = y W_y: [B2, H], v: [H, 1] (the output kernel), bias: [1].
 *
 * Why a kernel of its own (issue 16 §3): composed of TF.js ops, this materializes [B1, B2, H]
 * tensors (3.3M floats at B = 128, H = 200) in the forward pass (sum, relu) and, worse, in the
 * backward pass, where the gradient of the broadcast sum reduces over the pair axes and the
 * wasm backend's Sum transposes first (13-40 ms per reduction here, under load), and the last
 * layer's dW = Hᵀ · dZ copies H once more. Measured with `tf.profile`, these made the concat
 * critic step of `critic-impact` ~2.5x slower than the bilinear one. The fast path computes
 * every pair in `f32-kernels.wat` (WebAssembly SIMD) without storing the activations: the
 * forward is one pass of add, max and multiply-add over B1·B2·H; the backward recomputes the
 * pre-activation and accumulates da, dc and dv in the same pass. Only [B, H] tensors cross
 * between TF.js and the kernel.
 *
 * Fast path on wasm only (`useFastPath`, as the other custom ops): elsewhere the same function
 * composed of stock TF.js ops, whose gradients are TF.js's own; the tests check that both give
 * the same scores and gradients (and equal the naive concatenated MLP).
 */
import * as tf from '@tensorflow/tfjs-core';
import { F32_KERNELS_BASE64 } from './f32-kernels.ts';
import { useFastPath } from './path.ts';

/** The exports of `f32-kernels.wat` (addresses are byte offsets into `memory`). */
export interface F32Kernels {
  memory: WebAssembly.Memory;
  pairForward(
    a: number,
    c: number,
    v: number,
    out: number,
    b1: number,
    b2: number,
    h: number,
  ): void;
  pairBackward(
    a: number,
    c: number,
    v: number,
    g: number,
    da: number,
    dc: number,
    dv: number,
    b1: number,
    b2: number,
    h: number,
  ): void;
  pairMlpForward(
    net: number,
    layers: number,
    rows: number,
    colsT: number,
    out: number,
    b1: number,
    b2p: number,
    h0: number,
  ): void;
  pairMlpBackward(
    net: number,
    layers: number,
    rows: number,
    colsT: number,
    g: number,
    drows: number,
    dcolsT: number,
    b1: number,
    b2p: number,
    h0: number,
    dzA: number,
    dzB: number,
  ): void;
}

let kernels: F32Kernels | null = null;

function loadKernels(): F32Kernels {
  if (kernels) return kernels;
  const bytes = Buffer.from(F32_KERNELS_BASE64, 'base64');
  kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), {})
    .exports as unknown as F32Kernels;
  return kernels;
}

/** Float offsets in the kernel memory for B1 x B2 pairs and H4 (H padded to 4k) units. */
function layout(b1: number, b2: number, h4: number) {
  const a = 0;
  const c = a + b1 * h4;
  const v = c + b2 * h4;
  const g = v + h4; // scores (forward) or their gradient (backward): [B1, B2]
  const da = g + b1 * b2;
  const dc = da + b1 * h4;
  const dv = dc + b2 * h4;
  return { a, c, v, g, da, dc, dv, end: dv + h4 };
}

/**
 * The kernels and a Float32Array view of their memory, grown to `floats`. One instance serves
 * every caller (here and pair-mlp-deep.ts): each call stages its inputs afresh, and nothing
 * stays in the memory between calls.
 */
export function memoryFor(floats: number): { k: F32Kernels; heap: Float32Array } {
  const k = loadKernels();
  const bytes = floats * 4;
  if (k.memory.buffer.byteLength < bytes) {
    k.memory.grow(Math.ceil((bytes - k.memory.buffer.byteLength) / 65536));
  }
  return { k, heap: new Float32Array(k.memory.buffer) };
}

/** Copies `rows` x `h` row-major values to `offset`, each row padded with zeros to `h4`. */
function writePadded(
  heap: Float32Array,
  offset: number,
  values: Float32Array,
  rows: number,
  h: number,
  h4: number,
): void {
  if (h === h4) {
    heap.set(values, offset);
    return;
  }
  for (let r = 0; r < rows; r++) {
    heap.set(values.subarray(r * h, (r + 1) * h), offset + r * h4);
    heap.fill(0, offset + r * h4 + h, offset + (r + 1) * h4);
  }
}

/** The `rows` x `h` values at `offset` (rows padded to `h4`), as a new array. */
function readUnpadded(
  heap: Float32Array,
  offset: number,
  rows: number,
  h: number,
  h4: number,
): Float32Array {
  if (h === h4) return heap.slice(offset, offset + rows * h);
  const out = new Float32Array(rows * h);
  for (let r = 0; r < rows; r++)
    out.set(heap.subarray(offset + r * h4, offset + r * h4 + h), r * h);
  return out;
}

/** Writes rows, cols and v into the kernel memory; returns the layout. Not reentrant. */
function stage(rows: tf.Tensor2D, cols: tf.Tensor2D, v: tf.Tensor2D) {
  const [b1, h] = rows.shape;
  const b2 = cols.shape[0];
  const h4 = Math.ceil(h / 4) * 4;
  const at = layout(b1, b2, h4);
  const { k, heap } = memoryFor(at.end);
  writePadded(heap, at.a, rows.dataSync() as Float32Array, b1, h, h4);
  writePadded(heap, at.c, cols.dataSync() as Float32Array, b2, h, h4);
  writePadded(heap, at.v, v.dataSync() as Float32Array, 1, h, h4);
  return { k, heap, at, b1, b2, h, h4 };
}

const pairScoresFast = tf.customGrad((...args) => {
  const [rows, cols, v, bias, save] = args as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor1D,
    tf.GradSaveFunc,
  ];
  const { k, heap, at, b1, b2, h4 } = stage(rows, cols, v);
  k.pairForward(at.a * 4, at.c * 4, at.v * 4, at.g * 4, b1, b2, h4);
  const scores = heap.slice(at.g, at.g + b1 * b2); // [B1, B2], row-major
  const b = bias.dataSync()[0];
  for (let i = 0; i < scores.length; i++) scores[i] += b;
  save([rows, cols, v]);
  return {
    value: tf.tensor2d(scores, [b1, b2]), // scores: [B1, B2]
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [rows, cols, v] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const { k, heap, at, b1, b2, h, h4 } = stage(rows, cols, v);
      heap.set(dy.dataSync() as Float32Array, at.g);
      heap.fill(0, at.da, at.end);
      k.pairBackward(
        at.a * 4,
        at.c * 4,
        at.v * 4,
        at.g * 4,
        at.da * 4,
        at.dc * 4,
        at.dv * 4,
        b1,
        b2,
        h4,
      );
      return [
        tf.tensor2d(readUnpadded(heap, at.da, b1, h, h4), [b1, h]), // d rows: [B1, H]
        tf.tensor2d(readUnpadded(heap, at.dc, b2, h, h4), [b2, h]), // d cols: [B2, H]
        tf.tensor2d(readUnpadded(heap, at.dv, 1, h, h4), [h, 1]), // dv: [H, 1]
        tf.reshape(tf.sum(dy), [1]), // d bias: [1]
      ];
    },
  };
});

/**
 * scores[i][j] = Σ_k v_k · relu(rows[i][k] + cols[j][k]) + bias, for rows: [B1, H],
 * cols: [B2, H], v: [H, 1], bias: [1] → [B1, B2]. Differentiable w.r.t. all four. The caller
 * disposes the result.
 */
export function pairReluScores(
  rows: tf.Tensor2D,
  cols: tf.Tensor2D,
  v: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor2D {
  const [b1, h] = rows.shape;
  const b2 = cols.shape[0];
  if (cols.shape[1] !== h || v.shape[0] !== h || v.shape[1] !== 1 || bias.shape[0] !== 1) {
    throw new Error(
      `pairReluScores: shapes rows [${rows.shape}], cols [${cols.shape}], v [${v.shape}], bias [${bias.shape}] do not fit`,
    );
  }
  if (useFastPath()) return pairScoresFast(rows, cols, v, bias) as tf.Tensor2D;
  return tf.tidy(() => {
    const hidden = tf.relu(tf.add(tf.reshape(rows, [b1, 1, h]), tf.reshape(cols, [1, b2, h]))); // [B1, B2, H]
    const out = tf.add(tf.matMul(tf.reshape(hidden, [b1 * b2, h]), v), bias); // [B1·B2, 1]
    return tf.reshape(out, [b1, b2]) as tf.Tensor2D; // [B1, B2]
  });
}
