/**
 * MLP encoder (paper Sec. 3.2-3.3: [300, 300, 100]; Sec. 3.1 non-invertible: [392]x5 with
 * residual shortcuts, truncated-normal σ=1e-4 init, so that it starts ≈ the identity).
 * relu after every layer but the last; zero bias.
 */
import type * as tf from '@tensorflow/tfjs-core';
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
  kernelInit,
  mlpTransposedJacobians,
} from './layers.ts';

export type MlpOptions = {
  /** Layer widths; the last is the code size. Default [300, 300, 100] (paper Sec. 3.2). */
  layers: number[];
  /**
   * Residual layers, x ← layer(x) + x; every width must equal the input width. Default false;
   * true in the non-invertible experiment (paper Sec. 3.1, Fig. 2).
   */
  shortcuts: boolean;
  /**
   * Kernel init: 'glorot-uniform' (Keras default) or 'truncated-normal' (σ = initStd; paper
   * Sec. 3.1 non-invertible). Default 'glorot-uniform'.
   */
  init: string;
  /** σ of the truncated-normal init (unused by glorot). Default 1e-4 (paper Sec. 3.1). */
  initStd: number;
};

export const MLP_DEFAULTS: MlpOptions = {
  layers: [300, 300, 100],
  shortcuts: false,
  init: 'glorot-uniform',
  initStd: 1e-4,
};

export class MlpEncoder implements Encoder {
  readonly kind = 'mlp';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly layers: DenseLayer[];
  readonly variables: tf.Variable[];
  readonly options: MlpOptions;

  constructor(args: EncoderArgs) {
    const context = "encoder 'mlp'";
    const options = resolveOptions(MLP_DEFAULTS, args.options, context);
    checkWidths(options.layers, 'layers', context);
    if (options.shortcuts && !options.layers.every((w) => w === args.inputDim)) {
      throw new UserError(
        `${context}: option 'shortcuts' needs every layer width equal to the input width ${args.inputDim}, got layers ${JSON.stringify(options.layers)}`,
      );
    }
    const init = kernelInit(options.init, options.initStd, context);
    this.options = options;
    this.inputDim = args.inputDim;
    this.outputDim = options.layers[options.layers.length - 1];
    const rng = new Rng(deriveSeed(args.seed, 'init'));
    this.layers = createDenseStack(rng, 'mlp', args.inputDim, options.layers, init);
    this.variables = denseVariables(this.layers);
  }

  /** x: [B, inputDim] → [B, outputDim]. The caller owns the result. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return applyMlp(this.layers, x, this.options.shortcuts);
  }

  /** x: [B, inputDim] → [B, inputDim, outputDim], ∂y_k/∂x_j (see `Encoder`). Caller owns it. */
  transposedJacobians(x: tf.Tensor2D): tf.Tensor3D {
    return mlpTransposedJacobians(this.layers, x, this.options.shortcuts);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export const mlpEntry: EncoderEntry = {
  description: 'MLP, relu hidden, linear out; optional residual shortcuts (paper Sec. 3.1-3.3)',
  defaults: MLP_DEFAULTS,
  testOptions: { layers: [16, 8] },
  create: (args) => new MlpEncoder(args),
};
