/**
 * im2col / col2im for NHWC convolutions with 'same' padding, built only from ops that are
 * fast on wasm: pad, reshape, rank ≤ 4 slices (wasm slices rank 5+ with a generic JS loop,
 * ~100x slower) and concat. `tf.stridedSlice` is avoided too (24 ms per 5x5 window on the
 * second ConvNet layer, 0.6 s for all 25). Note that wasm's Slice first copies its whole input
 * out of the heap, so slices are cheap only from small tensors: windows are cut from the
 * phase grids, never from a big [N, kh·kw·C] matrix.
 *
 * The trick for strides: pad the input to [B, s·Hs, s·Ws, C] and split it into s² phase
 * grids phase[p][q] = xp[:, p::s, q::s, :] of shape [B, Hs, Ws, C]. Kernel tap (i, j) with
 * i = s·a + p, j = s·b + q then reads the contiguous window phase[p][q][:, a:a+Ho, b:b+Wo, :].
 * col2im is the exact adjoint: each window's gradient is padded back into its phase grid,
 * the grids are summed and interleaved, and the padding is cropped.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Sizes of one convolution (NHWC input, [kh, kw, C, Cout] filter, 'same' padding). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  stride: number;
  /** Output size: ceil(in / stride), as TF's 'same'. */
  outHeight: number;
  outWidth: number;
  /** Zero rows/columns before the input: floor(total 'same' padding / 2), as TF. */
  padTop: number;
  padLeft: number;
  /** Phase grid size: the padded input is [B, stride·gridHeight, stride·gridWidth, C]. */
  gridHeight: number;
  gridWidth: number;
}

/** The geometry of conv2d(x: xShape, filter: filterShape, stride, 'same'). */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  stride: number,
): ConvGeometry {
  const [batch, inHeight, inWidth, inChannels] = xShape;
  const [filterHeight, filterWidth, filterChannels, outChannels] = filterShape;
  if (filterChannels !== inChannels) {
    throw new Error(`conv2d: input has ${inChannels} channels, filter expects ${filterChannels}`);
  }
  const side = (size: number, k: number) => {
    const out = Math.ceil(size / stride);
    const padBefore = Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2);
    // The grid must hold every window (tap offset up to floor((k-1)/s), then `out` rows) and
    // every real input row after the leading padding.
    const grid = Math.max(
      Math.floor((k - 1) / stride) + out,
      Math.ceil((padBefore + size) / stride),
    );
    return { out, padBefore, grid };
  };
  const h = side(inHeight, filterHeight);
  const w = side(inWidth, filterWidth);
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outChannels,
    filterHeight,
    filterWidth,
    stride,
    outHeight: h.out,
    outWidth: w.out,
    padTop: h.padBefore,
    padLeft: w.padBefore,
    gridHeight: h.grid,
    gridWidth: w.grid,
  };
}

/** Tap (i, j) of the kernel → its phase (p, q) and its window offset (a, b) in that grid. */
function tapPlace(g: ConvGeometry, i: number, j: number) {
  const s = g.stride;
  return { p: i % s, q: j % s, a: Math.floor(i / s), b: Math.floor(j / s) };
}

/** x: [B, H, W, C] → phase grids [p][q], each [B, Hs, Ws, C]. Caller disposes. */
function phaseGrids(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D[][] {
  const { batch: n, inHeight: h, inWidth: w, inChannels: c, stride: s } = g;
  const [hs, ws] = [g.gridHeight, g.gridWidth];
  const xp = tf.pad(x, [
    [0, 0],
    [g.padTop, s * hs - g.padTop - h],
    [g.padLeft, s * ws - g.padLeft - w],
    [0, 0],
  ]); // xp: [B, s·Hs, s·Ws, C]
  if (s === 1) return [[xp]];
  // Row s·r + p, column s·u + q, channel k of xp sits at [B·Hs index r, p, u, q·C + k].
  const view = tf.reshape(xp, [n * hs, s, ws, s * c]);
  return Array.from({ length: s }, (_, p) =>
    Array.from(
      { length: s },
      (_, q) =>
        tf.reshape(tf.slice(view, [0, p, 0, q * c], [n * hs, 1, ws, c]), [
          n,
          hs,
          ws,
          c,
        ]) as tf.Tensor4D,
    ),
  );
}

/**
 * The window grid[:, a:a+Ho, b:b+Wo, :] as [B·Ho·Wo, C]. Sliced as rank 3 ([B, Hs, Ws·C]) so
 * that each copied run is Wo·C floats long, not C (C is 1 on the first layer).
 */
function window(grid: tf.Tensor4D, g: ConvGeometry, a: number, b: number): tf.Tensor2D {
  const { batch: n, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const rows = tf.reshape(grid, [n, g.gridHeight, g.gridWidth * c]);
  const win = tf.slice(rows, [0, a, b * c], [n, ho, wo * c]); // [B, Ho, Wo·C]
  return tf.reshape(win, [n * ho * wo, c]);
}

/**
 * im2col: x: [B, H, W, C] → the window matrix. Layout depends on C (both feed plain
 * products):
 *  - C > 1: P: [B·Ho·Wo, kh·kw·C], column (i·kw + j)·C + k, matching filter.reshape([-1, Cout]);
 *  - C = 1: Pᵀ: [kh·kw, B·Ho·Wo] directly (stacking rows), which avoids a concat that would
 *    copy one float at a time.
 * Returns `{ matrix, transposed }`. Caller disposes.
 */
export function im2col(x: tf.Tensor4D, g: ConvGeometry) {
  return tf.tidy(() => {
    const grids = phaseGrids(x, g);
    const windows: tf.Tensor2D[] = [];
    for (let i = 0; i < g.filterHeight; i++) {
      for (let j = 0; j < g.filterWidth; j++) {
        const { p, q, a, b } = tapPlace(g, i, j);
        windows.push(window(grids[p][q], g, a, b)); // [N, C]
      }
    }
    if (g.inChannels === 1) {
      const n = g.batch * g.outHeight * g.outWidth;
      const rows = windows.map((w) => tf.reshape(w, [1, n]));
      return { matrix: tf.concat(rows, 0) as tf.Tensor2D, transposed: true }; // Pᵀ: [kh·kw, N]
    }
    return { matrix: tf.concat(windows, 1) as tf.Tensor2D, transposed: false }; // P: [N, kh·kw·C]
  });
}

/**
 * col2im, the adjoint of im2col: window gradients → dx: [B, H, W, C]. `windowGrad(t)` returns
 * the gradient of tap t = i·kw + j as [B, Ho, Wo, C]. Caller disposes.
 */
export function col2im(windowGrad: (tap: number) => tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const { batch: n, inChannels: c, stride: s } = g;
    const [hs, ws, ho, wo] = [g.gridHeight, g.gridWidth, g.outHeight, g.outWidth];
    const parts: tf.Tensor4D[][][] = Array.from({ length: s }, () =>
      Array.from({ length: s }, () => []),
    );
    for (let i = 0; i < g.filterHeight; i++) {
      for (let j = 0; j < g.filterWidth; j++) {
        const { p, q, a, b } = tapPlace(g, i, j);
        const dWin = windowGrad(i * g.filterWidth + j); // [B, Ho, Wo, C]
        parts[p][q].push(
          tf.pad(dWin, [
            [0, 0],
            [a, hs - a - ho],
            [b, ws - b - wo],
            [0, 0],
          ]),
        ); // [B, Hs, Ws, C]
      }
    }
    const grids = parts.map((row) =>
      row.map((list) => (list.length ? tf.addN(list) : tf.zeros([n, hs, ws, c]))),
    ); // [p][q]: [B, Hs, Ws, C]
    // Interleave: concat over q along channels gives [B, Hs, Ws, s·C] ≅ [B, Hs, s·Ws, C]
    // (column s·u + q); concat over p on a new row axis gives [B·Hs, s, s·Ws·C] ≅ xp.
    const rows = grids.map((row) =>
      tf.reshape(s === 1 ? row[0] : tf.concat(row, 3), [n * hs, 1, s * ws * c]),
    );
    const xp = s === 1 ? rows[0] : tf.concat(rows, 1); // [B·Hs, s, s·Ws·C]
    const cropped = tf.slice(
      tf.reshape(xp, [n, s * hs, s * ws * c]),
      [0, g.padTop, g.padLeft * c],
      [n, g.inHeight, g.inWidth * c],
    ); // [B, H, W·C]
    return tf.reshape(cropped, [n, g.inHeight, g.inWidth, c]) as tf.Tensor4D;
  });
}
