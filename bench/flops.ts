/**
 * Analytic FLOPs of one training step (forward + backward) for the registered model kinds.
 * Counts multiply-adds of matmuls and convolutions as 2 FLOPs; a backward pass costs about
 * twice its forward (one matmul for the input gradient, one for the weight gradient), so a
 * step is ≈ 3 × forward. Elementwise ops are ignored (a few % at these sizes).
 */
import type { Options } from '../src/types.ts';

const dense = (batch: number, inDim: number, outDim: number) => 2 * batch * inDim * outDim;

function mlpForward(batch: number, inDim: number, widths: number[]): number {
  let flops = 0;
  let fan = inDim;
  for (const w of widths) {
    flops += dense(batch, fan, w);
    fan = w;
  }
  return flops;
}

/** Forward FLOPs of an encoder on a batch. */
export function encoderForward(
  kind: string,
  options: Options,
  batch: number,
  inputDim: number,
  inputShape: [number, number],
): number {
  if (kind === 'mlp') return mlpForward(batch, inputDim, options.layers as number[]);
  if (kind === 'realnvp') {
    const keep = Math.floor(inputDim / 2);
    const change = inputDim - keep;
    const out = options.coupling === 'affine' ? 2 * change : change;
    return (
      (options.couplings as number) *
      mlpForward(batch, keep, [...(options.hidden as number[]), out])
    );
  }
  if (kind === 'convnet') {
    const filters = (options.filters as number[]) ?? [64, 128];
    const k = (options.kernelSize as number) ?? 5;
    const stride = (options.stride as number) ?? 2;
    let [h, w] = inputShape;
    let channels = 1;
    let flops = 0;
    for (const f of filters) {
      h = Math.ceil(h / stride);
      w = Math.ceil(w / stride);
      flops += 2 * batch * h * w * f * k * k * channels;
      channels = f;
    }
    return flops + dense(batch, channels, (options.outputDim as number) ?? 100);
  }
  throw new Error(`no FLOP model for encoder '${kind}'`);
}

/** Forward FLOPs of a critic on codes [batch, d1], [batch, d2] → scores [batch, batch]. */
export function criticForward(
  kind: string,
  options: Options,
  batch: number,
  d1: number,
  d2: number,
): number {
  if (kind === 'inner-product') return 2 * batch * batch * d1;
  if (kind === 'bilinear') return dense(batch, d1, d2) + 2 * batch * batch * d2;
  if (kind === 'separable') {
    const widths = [...(options.hidden as number[]), options.outputDim as number];
    return (
      mlpForward(batch, d1, widths) +
      mlpForward(batch, d2, widths) +
      2 * batch * batch * widths.at(-1)!
    );
  }
  if (kind === 'concat') {
    const hidden = options.hidden as number[];
    // First layer once per row (W_x x_i, W_y y_j), then the rest on all batch² pairs.
    return (
      dense(batch, d1, hidden[0]) +
      dense(batch, d2, hidden[0]) +
      mlpForward(batch * batch, hidden[0], [...hidden.slice(1), 1])
    );
  }
  throw new Error(`no FLOP model for critic '${kind}'`);
}
