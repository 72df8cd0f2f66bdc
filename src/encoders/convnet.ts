/**
 * ConvNet encoder (paper Sec. 3.3, Fig. 4a/b; the Colab's architecture): the flat input is
 * reshaped to [B, h, w, 1]; conv 64 k5 s2 'same' relu; conv 128 k5 s2 'same' relu; LayerNorm
 * over (H, W, C) with a per-channel scale and bias, dividing by (std + 1e-6); global average
 * pool; dense → outputDim. Kernels glorot-uniform, zero biases (Keras defaults).
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from '../ops/index.ts';
import { resolveOptions } from '../options.ts';
import { deriveSeed, Rng } from '../random.ts';
import { type Encoder, UserError } from '../types.ts';
import type { EncoderArgs, EncoderEntry } from './entry.ts';
import {
  applyDense,
  checkWidths,
  createDense,
  type DenseLayer,
  initValues,
  namedVariable,
} from './layers.ts';

export type ConvNetOptions = {
  /** Output channels of each conv layer. Default [64, 128] (Colab). */
  filters: number[];
  /** Square kernel size. Default 5 (Colab). */
  kernelSize: number;
  /** Stride of every conv layer ('same' padding). Default 2 (Colab). */
  stride: number;
  /** Code size (final dense layer). Default 100 (paper Sec. 3.3). */
  outputDim: number;
};

export const CONVNET_DEFAULTS: ConvNetOptions = {
  filters: [64, 128],
  kernelSize: 5,
  stride: 2,
  outputDim: 100,
};

/** Added to the std, not the variance, as in the Colab's hand-written layer norm. */
const LAYER_NORM_EPSILON = 1e-6;

interface ConvLayer {
  filter: tf.Variable<tf.Rank.R4>;
  bias: tf.Variable<tf.Rank.R1>;
}

export class ConvNetEncoder implements Encoder {
  readonly kind = 'convnet';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputShape: [number, number];
  readonly convs: ConvLayer[];
  /** LayerNorm per-channel scale (init 1) and bias (init 0): [C]. */
  readonly normScale: tf.Variable<tf.Rank.R1>;
  readonly normBias: tf.Variable<tf.Rank.R1>;
  readonly head: DenseLayer;
  readonly variables: tf.Variable[];
  readonly options: ConvNetOptions;

  constructor(args: EncoderArgs) {
    const context = "encoder 'convnet'";
    const options = resolveOptions(CONVNET_DEFAULTS, args.options, context);
    checkWidths(options.filters, 'filters', context);
    for (const key of ['kernelSize', 'stride', 'outputDim'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) {
        throw new UserError(`${context}: option '${key}' must be a positive integer`);
      }
    }
    this.inputShape = imageShape(args, context);
    this.options = options;
    this.inputDim = args.inputDim;
    this.outputDim = options.outputDim;
    const rng = new Rng(deriveSeed(args.seed, 'init'));
    const k = options.kernelSize;
    let channels = 1;
    this.convs = options.filters.map((out, i) => {
      // Keras conv fans: receptive field × channels
      const values = initValues(
        rng,
        { kind: 'glorot-uniform' },
        k * k * channels * out,
        k * k * channels,
        k * k * out,
      );
      const layer = {
        filter: namedVariable(
          `convnet/conv${i}/kernel`,
          tf.tensor4d(values, [k, k, channels, out]),
        ) as tf.Variable<tf.Rank.R4>,
        bias: namedVariable(`convnet/conv${i}/bias`, tf.zeros([out])) as tf.Variable<tf.Rank.R1>,
      };
      channels = out;
      return layer;
    });
    this.normScale = namedVariable(
      'convnet/norm/scale',
      tf.ones([channels]),
    ) as tf.Variable<tf.Rank.R1>;
    this.normBias = namedVariable(
      'convnet/norm/bias',
      tf.zeros([channels]),
    ) as tf.Variable<tf.Rank.R1>;
    this.head = createDense(rng, 'convnet/dense', channels, options.outputDim, {
      kind: 'glorot-uniform',
    });
    this.variables = [
      ...this.convs.flatMap((c) => [c.filter, c.bias]),
      this.normScale,
      this.normBias,
      this.head.kernel,
      this.head.bias,
    ];
  }

  /** x: [B, h·w] → [B, outputDim]. The caller owns the result. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [h, w] = this.inputShape;
      let images = tf.reshape(x, [-1, h, w, 1]) as tf.Tensor4D; // [B, h, w, 1]
      for (const conv of this.convs) {
        // [B, ⌈h/s⌉, ⌈w/s⌉, Cout] after each layer
        images = tf.relu(
          tf.add(conv2d(images, conv.filter, this.options.stride), conv.bias),
        ) as tf.Tensor4D;
      }
      const { mean, variance } = tf.moments(images, [1, 2, 3], true); // [B, 1, 1, 1] each
      const normalized = tf.div(
        tf.sub(images, mean),
        tf.add(tf.sqrt(variance), LAYER_NORM_EPSILON),
      ); // [B, H', W', C]
      const scaled = tf.add(tf.mul(normalized, this.normScale), this.normBias); // [B, H', W', C]
      const pooled = tf.mean(scaled, [1, 2]) as tf.Tensor2D; // [B, C]: global average pool
      return applyDense(this.head, pooled); // [B, outputDim]
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** The [h, w] image shape: `inputShape` if given, else a square one if inputDim is a square. */
function imageShape(args: EncoderArgs, context: string): [number, number] {
  if (args.inputShape) {
    const [h, w] = args.inputShape;
    if (h * w !== args.inputDim) {
      throw new UserError(
        `${context}: inputShape [${h}, ${w}] does not match inputDim ${args.inputDim}`,
      );
    }
    return [h, w];
  }
  const side = Math.round(Math.sqrt(args.inputDim));
  if (side * side === args.inputDim) return [side, side];
  throw new UserError(`${context}: needs inputShape [h, w] for inputDim ${args.inputDim}`);
}

export const convnetEntry: EncoderEntry = {
  description:
    'ConvNet: 2 strided convs (64, 128; k5 s2) + LayerNorm + avg pool + dense (Sec. 3.3)',
  defaults: CONVNET_DEFAULTS,
  testOptions: { filters: [4, 8], outputDim: 6 },
  create: (args) => new ConvNetEncoder(args),
};
