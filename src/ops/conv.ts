/**
 * 2-D convolution, NHWC, 'same' padding (the ConvNet encoder's two layers).
 *
 * On wasm the stock gradient cannot run: there is no `Conv2DBackpropFilter` kernel, and the
 * `Conv2DBackpropInput` kernel that exists is a plain loop (366 ms for the second ConvNet
 * layer, vs 49 ms for its forward pass). Fast path: the forward pass stays `tf.conv2d`
 * (XNNPACK) except for shapes where wasm's Conv2D is wrong (see forwardByProduct); the backward
 * pass is im2col + plain products (see patches.ts, matmul.ts):
 *   dW = Pᵀ · dY            (as (dYᵀ · P)ᵀ, so the big P is never transposed),
 *   dX = col2im(dY · Wᵀ)    (one product per kernel tap, see inputGrad),
 * with P the window matrix of x and W the filter as [kh·kw·C, Cout].
 */
import * as tf from '@tensorflow/tfjs-core';
import { mm, mmTA } from './matmul.ts';
import { type ConvGeometry, col2im, convGeometry, im2col } from './patches.ts';
import { useFastPath } from './path.ts';

/** dW: [kh, kw, C, Cout] from x: [B, H, W, C] and dY: [B, Ho, Wo, Cout]. */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const dy2 = tf.reshape(dy, [-1, g.outChannels]) as tf.Tensor2D; // dY: [N, Cout]
    const { matrix, transposed } = im2col(x, g);
    const dw = transposed
      ? mm(matrix, dy2) // Pᵀ: [kh·kw, N] · dY → [kh·kw, Cout]
      : tf.transpose(mmTA(dy2, matrix)); // (dYᵀ · P)ᵀ: [kh·kw·C, Cout]
    return tf.reshape(dw, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  });
}

/**
 * dX: [B, H, W, C] from dY: [B, Ho, Wo, Cout] and the filter: col2im of the per-tap products
 * dP_t = dY · W_tᵀ ([N, C], W_t = filter[i, j]: [C, Cout]). One product per tap rather than
 * one big dP = dY · Wᵀ sliced into taps: wasm's Slice copies its whole input to JS first, so
 * 25 slices of the [N, kh·kw·C] matrix cost ~400 ms on the second ConvNet layer.
 */
function inputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const { batch: n, inChannels: c, outChannels: cout, outHeight: ho, outWidth: wo } = g;
    const taps = g.filterHeight * g.filterWidth;
    const dy2 = tf.reshape(dy, [-1, cout]) as tf.Tensor2D; // dY: [N, Cout]
    const wT = tf.transpose(tf.reshape(filter, [taps, c, cout]), [0, 2, 1]); // W_tᵀ: [taps, Cout, C]
    return col2im((t) => {
      const wt = tf.reshape(tf.slice(wT, [t, 0, 0], [1, cout, c]), [cout, c]) as tf.Tensor2D;
      return tf.reshape(mm(dy2, wt), [n, ho, wo, c]) as tf.Tensor4D; // dP_t: [B, Ho, Wo, C]
    }, g);
  });
}

/**
 * The forward pass as im2col + one product. Used where wasm's own Conv2D is wrong: when the
 * 'same' padding would be negative in a dimension (kernel shorter than the stride's reach,
 * (Ho-1)·s + k < H), TF.js 4.22's wasm Conv2D returns wrong values (202 of 1152 small shapes
 * tried, every one of them such a shape; e.g. [1,6,5,2] * [1,3,2,2], stride 2).
 */
function forwardByProduct(x: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const w2 = tf.reshape(filter, [-1, g.outChannels]) as tf.Tensor2D; // W: [kh·kw·C, Cout]
    const { matrix, transposed } = im2col(x, g);
    const y2 = transposed ? mmTA(matrix, w2) : mm(matrix, w2); // y: [N, Cout]
    return tf.reshape(y2, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  });
}

/** Whether TF's 'same' padding is clipped at 0 in some dimension (see forwardByProduct). */
function paddingClipped(g: ConvGeometry): boolean {
  const s = g.stride;
  return (
    (g.outHeight - 1) * s + g.filterHeight < g.inHeight ||
    (g.outWidth - 1) * s + g.filterWidth < g.inWidth
  );
}

/** conv2d with the custom gradient above; the geometry is fixed per call. */
function convFast(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  const g = convGeometry(x.shape, filter.shape, stride);
  const op = tf.customGrad((...args) => {
    const [x, filter, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, filter]);
    return {
      value: paddingClipped(g)
        ? forwardByProduct(x, filter, g)
        : tf.conv2d(x, filter, stride, 'same'), // y: [B, Ho, Wo, Cout]
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [inputGrad(dy, filter, g), filterGrad(x, dy, g)];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/**
 * x: [B, H, W, Cin], filter: [kh, kw, Cin, Cout] → [B, ceil(H/s), ceil(W/s), Cout]
 * (NHWC, 'same' padding, stride s in both directions, no dilation).
 * Differentiable w.r.t. x and filter on every backend. The caller disposes the result.
 */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (!useFastPath()) return tf.conv2d(x, filter, stride, 'same');
  return convFast(x, filter, stride);
}
