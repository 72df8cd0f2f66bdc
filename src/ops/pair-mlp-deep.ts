/**
 * The all-pairs part of a concat critic with any number of hidden layers (paper Sec. 4's
 * `noniid` critic: MLP 2 → 10 (x5, relu) → 1 on all B² pairs), given the first layer split by
 * rows (see critics/concat.ts):
 *     h_0[i, j] = relu(rows[i] + cols[j])        rows = x W_x + b: [B1, h0], cols = y W_y: [B2, h0]
 *     h_l = relu(h_{l-1} W_l + b_l)  for the hidden layers after the first
 *     scores[i][j] = h_{n-1} W_n + b_n           (W_n: [h_{n-1}, 1], the linear output)
 *
 * Why a kernel of its own (issue 16 §3): composed of TF.js ops, the `noniid` training step runs
 * ~370 small kernels on [16384, 10] tensors (a matmul, bias, relu and their gradients per layer,
 * plus reshapes, sums and XNNPACK packing the right operand of every product afresh): 14 ms per
 * step on an idle core at 9 % of matmul peak, spent in per-op overhead, not arithmetic (0.04
 * GFLOP). Here the whole stack runs in `f32-kernels.wat` (WebAssembly SIMD) in one call forward
 * and one backward; only [B, h0] tensors, the weights and the [B1, B2] scores or their gradient
 * cross between TF.js and the kernel. Measured: the whole `noniid` step 2.57x and 2.72x faster
 * than before, old and new interleaved (README, "Per-op overhead (issue 16 §3)").
 *
 * Layout: widths are small and rarely a multiple of 4, so the kernel vectorizes over PAIRS, not
 * units: a block of 16 pairs (i, j..j+15) holds its activations as [unit][16 pairs] (four f32x4
 * per unit), every weight is splatted and multiplies four vectors. cols are staged transposed,
 * [h0, B2p] with B2 padded to B2p (a multiple of 16) by zero columns whose scores are dropped
 * and whose cotangents are zero (such blocks are skipped in the backward pass).
 * Recomputation: the backward pass recomputes each block's activations (a few KB, in L1)
 * instead of storing B1·B2·Σh floats between the passes (3.3 MB at B = 128 for `noniid`), so no
 * state is kept in the kernel memory between calls; then it runs back through the layers in
 * registers, accumulating dW and db as four lane sums per weight (summed here).
 *
 * Fast path on wasm only (`useFastPath`), for widths up to `PAIR_MLP_MAX_WIDTH`; elsewhere the
 * same function composed of TF.js ops (the concat critic's former code), whose gradients are
 * TF.js's own. The tests check both against an independent per-row reference. The concat
 * critic with ONE hidden layer keeps `pairReluScores` (pair-mlp.ts, vectorized over units):
 * at critic-impact's 200 units this kernel was no faster (fwd + bwd at B = 128, this/pairRelu
 * 1.00-1.13 over three runs of bench/pair-mlp-widths.ts; at 8 and 16 units both take under a
 * millisecond and the ratio is noise).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense, denseRelu } from './dense.ts';
import { memoryFor } from './pair-mlp.ts';
import { useFastPath } from './path.ts';

/** One dense layer after the split first layer: kernel [in, out], bias [out]. */
export interface PairLayer {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/**
 * The widest layer (h0 included) the kernel takes; wider stacks use the composed ops. The kernel
 * reloads an activation vector per multiply-add where XNNPACK's matmuls block in registers, but
 * the composed backward pays for [B², h] broadcasts, transposes and reductions, so the kernel
 * still won at every width measured (`node --import tsx bench/pair-mlp-widths.ts`, fwd + bwd,
 * B = 128, interleaved; composed/kernel in two runs at load 4.6 and 2.9): [10]x5 3.9x, 4.9x;
 * [16, 8] 8.8x, 4.1x; [32, 32] 4.4x, 3.8x; [100, 100] 2.1x, 2.5x; [256, 256] 1.5x, 1.6x.
 * 256 is the widest measured (staircase's concat critic), not a known limit.
 */
export const PAIR_MLP_MAX_WIDTH = 256; // staircase: concat [256, 256], the widest measured

/** Pairs per block in the kernel (four f32x4 vectors per unit). */
const BLOCK = 16;
/** Regions start on 64-byte boundaries (16 floats): whole cache lines for the vector loads. */
const ALIGN = 16;
/** Int32 fields per layer descriptor (see f32-kernels.wat). */
const DESCRIPTOR = 8;

const up = (n: number, m: number) => Math.ceil(n / m) * m;

/** Float offsets in the kernel memory (see f32-kernels.wat for what each region holds). */
function plan(b1: number, b2: number, widths: number[]) {
  const layers = widths.length - 1; // widths = [h0, h1, ..., 1]
  const b2p = up(b2, BLOCK);
  let at = 0;
  const take = (floats: number) => {
    const start = at;
    at = up(at + floats, ALIGN);
    return start;
  };
  const net = take(layers * DESCRIPTOR);
  const w: number[] = [];
  const b: number[] = [];
  for (let l = 0; l < layers; l++) {
    w.push(take(widths[l] * widths[l + 1]));
    b.push(take(widths[l + 1]));
  }
  const h0 = widths[0];
  const rows = take(b1 * h0);
  const colsT = take(h0 * b2p);
  const g = take(b1 * b2p); // scores (forward) or their gradient (backward): [B1, B2p]
  const acts = widths.map((h) => take(h * BLOCK)); // a block's activations, layer by layer
  const maxH = Math.max(...widths);
  const dzA = take(maxH * BLOCK);
  const dzB = take(maxH * BLOCK);
  // The accumulators, contiguous to the end (zeroed in one fill before the backward pass).
  const zeroFrom = at;
  const drows = take(b1 * h0 * 4); // [B1][h0][4] lane sums
  const dcolsT = take(h0 * b2p); // [h0, B2p]
  const dw: number[] = [];
  const db: number[] = [];
  for (let l = 0; l < layers; l++) {
    dw.push(take(widths[l] * widths[l + 1] * 4)); // [in][out][4] lane sums
    db.push(take(widths[l + 1] * 4)); // [out][4] lane sums
  }
  return {
    layers,
    b2p,
    net,
    w,
    b,
    rows,
    colsT,
    g,
    acts,
    dzA,
    dzB,
    zeroFrom,
    drows,
    dcolsT,
    dw,
    db,
    end: at,
  };
}

/** Writes the descriptors, weights, rows and transposed cols; returns the kernels and memory. */
function stage(rows: tf.Tensor2D, cols: tf.Tensor2D, params: tf.Tensor[], widths: number[]) {
  const [b1, h0] = rows.shape;
  const b2 = cols.shape[0];
  const at = plan(b1, b2, widths);
  const { k, heap } = memoryFor(at.end);
  const ints = new Int32Array(heap.buffer);
  for (let l = 0; l < at.layers; l++) {
    const d = at.net + l * DESCRIPTOR;
    ints.set(
      [
        widths[l],
        widths[l + 1],
        at.w[l],
        at.b[l],
        at.acts[l],
        at.acts[l + 1],
        at.dw[l],
        at.db[l],
      ].map(
        (x, f) => (f < 2 ? x : x * 4), // widths, then byte offsets
      ),
      d,
    );
    heap.set(params[2 * l].dataSync() as Float32Array, at.w[l]);
    heap.set(params[2 * l + 1].dataSync() as Float32Array, at.b[l]);
  }
  heap.set(rows.dataSync() as Float32Array, at.rows);
  const c = cols.dataSync() as Float32Array; // [B2, h0]
  for (let u = 0; u < h0; u++) {
    const row = at.colsT + u * at.b2p;
    for (let j = 0; j < b2; j++) heap[row + j] = c[j * h0 + u];
    heap.fill(0, row + b2, row + at.b2p);
  }
  return { k, heap, at, b1, b2, h0 };
}

/** Σ of the 4 lane sums of each of `n` values at `offset`, as a new array. */
function laneSums(heap: Float32Array, offset: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    const p = offset + 4 * t;
    out[t] = heap[p] + heap[p + 1] + (heap[p + 2] + heap[p + 3]);
  }
  return out;
}

/** The [B1, B2] block of a [B1, B2p] matrix at `offset`, as a new array. */
function unpadColumns(heap: Float32Array, offset: number, b1: number, b2: number, b2p: number) {
  const out = new Float32Array(b1 * b2);
  for (let i = 0; i < b1; i++)
    out.set(heap.subarray(offset + i * b2p, offset + i * b2p + b2), i * b2);
  return out;
}

function backward(dy: tf.Tensor2D, saved: tf.Tensor[], widths: number[]): tf.Tensor[] {
  const [rows, cols, ...params] = saved as [tf.Tensor2D, tf.Tensor2D, ...tf.Tensor[]];
  const { k, heap, at, b1, b2, h0 } = stage(rows, cols, params, widths);
  const g = dy.dataSync() as Float32Array; // [B1, B2]
  for (let i = 0; i < b1; i++) {
    heap.set(g.subarray(i * b2, (i + 1) * b2), at.g + i * at.b2p);
    heap.fill(0, at.g + i * at.b2p + b2, at.g + (i + 1) * at.b2p);
  }
  heap.fill(0, at.zeroFrom, at.end);
  k.pairMlpBackward(
    at.net * 4,
    at.layers,
    at.rows * 4,
    at.colsT * 4,
    at.g * 4,
    at.drows * 4,
    at.dcolsT * 4,
    b1,
    at.b2p,
    h0,
    at.dzA * 4,
    at.dzB * 4,
  );
  const dcols = new Float32Array(b2 * h0);
  for (let u = 0; u < h0; u++) {
    const row = at.dcolsT + u * at.b2p;
    for (let j = 0; j < b2; j++) dcols[j * h0 + u] = heap[row + j];
  }
  const grads: tf.Tensor[] = [
    tf.tensor2d(laneSums(heap, at.drows, b1 * h0), [b1, h0]), // d rows: [B1, h0]
    tf.tensor2d(dcols, [b2, h0]), // d cols: [B2, h0]
  ];
  for (let l = 0; l < at.layers; l++) {
    const [hin, hout] = [widths[l], widths[l + 1]];
    grads.push(tf.tensor2d(laneSums(heap, at.dw[l], hin * hout), [hin, hout])); // dW_l: [in, out]
    grads.push(tf.tensor1d(laneSums(heap, at.db[l], hout))); // db_l: [out]
  }
  return grads;
}

/** The customGrad op for one list of widths (the layer count fixes the arity). */
const fastOps = new Map<string, (...xs: tf.Tensor[]) => tf.Tensor>();

function fastOp(widths: number[]): (...xs: tf.Tensor[]) => tf.Tensor {
  const key = widths.join(',');
  let op = fastOps.get(key);
  if (op) return op;
  op = tf.customGrad((...args) => {
    const save = args[args.length - 1] as unknown as tf.GradSaveFunc;
    const [rows, cols, ...params] = args.slice(0, -1) as [tf.Tensor2D, tf.Tensor2D, ...tf.Tensor[]];
    const { k, heap, at, b1, b2, h0 } = stage(rows, cols, params, widths);
    k.pairMlpForward(at.net * 4, at.layers, at.rows * 4, at.colsT * 4, at.g * 4, b1, at.b2p, h0);
    save([rows, cols, ...params]);
    return {
      value: tf.tensor2d(unpadColumns(heap, at.g, b1, b2, at.b2p), [b1, b2]), // scores: [B1, B2]
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => backward(dy, saved, widths),
    };
  }) as unknown as (...xs: tf.Tensor[]) => tf.Tensor;
  fastOps.set(key, op);
  return op;
}

/**
 * The same function from TF.js ops (the concat critic's former composed form; its dense layers
 * still take their own fast path on wasm). Exported for bench/pair-mlp-widths.ts. Caller
 * disposes.
 */
export function stockPairMlpScores(
  rows: tf.Tensor2D,
  cols: tf.Tensor2D,
  layers: PairLayer[],
): tf.Tensor2D {
  return tf.tidy(() => {
    const [b1, h0] = rows.shape;
    const b2 = cols.shape[0];
    const first = tf.relu(tf.add(tf.reshape(rows, [b1, 1, h0]), tf.reshape(cols, [1, b2, h0]))); // [B1, B2, h0]
    let h = tf.reshape(first, [b1 * b2, h0]) as tf.Tensor2D; // [B1·B2, h0], row i·B2 + j = (i, j)
    for (const [l, { kernel, bias }] of layers.entries()) {
      // [B1·B2, width_l]: relu on the hidden layers, linear output
      h = l < layers.length - 1 ? denseRelu(h, kernel, bias) : dense(h, kernel, bias);
    }
    return tf.reshape(h, [b1, b2]) as tf.Tensor2D; // [B1, B2]
  });
}

/**
 * scores[i][j] = MLP(relu(rows[i] + cols[j])) for rows: [B1, h0], cols: [B2, h0] and `layers`
 * (relu on all but the last, which has one output unit) → [B1, B2]. Differentiable w.r.t.
 * rows, cols and every layer's kernel and bias. The caller disposes the result.
 */
export function pairMlpScores(
  rows: tf.Tensor2D,
  cols: tf.Tensor2D,
  layers: PairLayer[],
): tf.Tensor2D {
  const h0 = rows.shape[1];
  const widths = [h0, ...layers.map((l) => l.kernel.shape[1])];
  const fits =
    layers.length > 0 &&
    cols.shape[1] === h0 &&
    widths.at(-1) === 1 &&
    layers.every(
      (l, i) =>
        l.kernel.shape[0] === widths[i] &&
        l.bias.shape.length === 1 &&
        l.bias.shape[0] === widths[i + 1],
    );
  if (!fits) {
    const shapes = layers.map((l) => `[${l.kernel.shape}] + [${l.bias.shape}]`).join(', ');
    throw new Error(
      `pairMlpScores: shapes rows [${rows.shape}], cols [${cols.shape}], layers ${shapes} do not fit`,
    );
  }
  if (useFastPath() && Math.max(...widths) <= PAIR_MLP_MAX_WIDTH) {
    const params = layers.flatMap((l) => [l.kernel, l.bias]);
    return fastOp(widths)(rows, cols, ...params) as tf.Tensor2D;
  }
  return stockPairMlpScores(rows, cols, layers);
}
