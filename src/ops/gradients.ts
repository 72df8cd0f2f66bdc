/**
 * Registers TF.js's stock gradients, which `@tensorflow/tfjs-core` alone does not do in Node.
 *
 * Why this file exists: the package's CommonJS entry (`dist/tf-core.node.js`, what
 * `import '@tensorflow/tfjs-core'` loads) contains no gradient definitions; they live only in
 * the ESM files `dist/gradients/*_grad.js`, normally pulled in by the `@tensorflow/tfjs` union
 * package. `dist/register_all_gradients.js` cannot be imported here: it reaches
 * `Prod_grad.js`, which imports `../base`, which imports `./gradients`, a name that is both a
 * file and a directory (ERR_UNSUPPORTED_DIR_IMPORT). So each gradient file is imported on its
 * own (all but Prod's). They are a second copy of the tfjs-core modules, which is safe: the
 * engine, the registries and the Tensor class are process-wide globals in TF.js 4.
 * Without this, `tf.grads` of any stock op fails with "gradient function not found for ...".
 * Costs ~1 s at first import. Requires the tsx loader (extensionless imports inside the ESM
 * files), which is how everything here runs.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Kernels whose stock gradient is registered (register_all_gradients.js's list minus Prod). */
export const STOCK_GRADIENTS = [
  'Abs',
  'Acos',
  'Acosh',
  'Add',
  'AddN',
  'ArgMax',
  'ArgMin',
  'Asin',
  'Asinh',
  'Atan2',
  'Atan',
  'Atanh',
  'AvgPool3D',
  'AvgPool',
  'BatchMatMul',
  'BatchToSpaceND',
  'BroadcastTo',
  'Cast',
  'Ceil',
  'ClipByValue',
  'ComplexAbs',
  'Concat',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv3D',
  'Cos',
  'Cosh',
  'Cumsum',
  'DepthwiseConv2dNative',
  'Dilation2D',
  'Elu',
  'Erf',
  'Exp',
  'ExpandDims',
  'Expm1',
  'Floor',
  'FloorDiv',
  'FusedBatchNorm',
  'GatherV2',
  'GreaterEqual',
  'Identity',
  'IsFinite',
  'IsInf',
  'IsNan',
  'LeakyRelu',
  'Log1p',
  'Log',
  'LogSoftmax',
  'LRN',
  'Max',
  'Maximum',
  'MaxPool3D',
  'MaxPool',
  'Mean',
  'Min',
  'Minimum',
  'MirrorPad',
  'Mod',
  'Multiply',
  'Neg',
  'OneHot',
  'OnesLike',
  'Pack',
  'PadV2',
  'Pow',
  'Prelu',
  'RealDiv',
  'Reciprocal',
  'Relu6',
  'Relu',
  'Reshape',
  'ResizeBilinear',
  'ResizeNearestNeighbor',
  'Reverse',
  'Round',
  'Rsqrt',
  'Select',
  'Selu',
  'Sigmoid',
  'Sign',
  'Sin',
  'Sinh',
  'Slice',
  'Softmax',
  'Softplus',
  'SpaceToBatchND',
  'SplitV',
  'Sqrt',
  'Square',
  'SquaredDifference',
  'Step',
  'Sub',
  'Sum',
  'Tan',
  'Tanh',
  'Tile',
  'Transpose',
  'Unpack',
  'UnsortedSegmentSum',
  'ZerosLike',
] as const;

let registered: Promise<void> | null = null;

/** Registers the stock gradients once per process (idempotent). */
export function registerStockGradients(): Promise<void> {
  registered ??= (async () => {
    const modules = await Promise.all(
      STOCK_GRADIENTS.map((name) => import(`@tensorflow/tfjs-core/dist/gradients/${name}_grad.js`)),
    );
    for (const module of modules) {
      for (const value of Object.values(module)) {
        const config = value as tf.GradConfig;
        // Do not replace a gradient someone registered before us.
        if (config?.kernelName && !tf.getGradient(config.kernelName)) tf.registerGradient(config);
      }
    }
  })();
  return registered;
}
