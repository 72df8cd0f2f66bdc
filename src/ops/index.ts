/**
 * The few hot ops every model uses. Models call these, never `tf.matMul`/`tf.conv2d`/`tf.gather`
 * directly, so that making them fast and complete on the wasm backend happens in one place.
 *
 * What TF.js 4.22's wasm backend (1 thread, SIMD) gets wrong, and the fix here:
 *  - no `Conv2DBackpropFilter` kernel (a conv net cannot train) and a slow loop for
 *    `Conv2DBackpropInput` → conv.ts: gradient by im2col + plain products;
 *  - no `UnsortedSegmentSum`, so `tf.gather` has no gradient → permute.ts: the gradient of a
 *    permutation is a gather with the inverse permutation;
 *  - `BatchMatMul` with transposeA/transposeB leaves XNNPACK (6-20x slower), and autograd of
 *    every product uses them → matmul.ts, dense.ts: explicit transposes + plain products;
 *  - the all-pairs concat critic materializes [B, B, H] tensors and reduces over pair axes
 *    (transposes) in its gradient → pair-mlp.ts: a WebAssembly SIMD kernel over the pairs;
 *  - with several narrow hidden layers (`noniid`'s [10]x5) it is hundreds of small kernels on
 *    [B², 10] tensors, per-op overhead rather than arithmetic → pair-mlp-deep.ts: the whole
 *    stack over the pairs in one WebAssembly SIMD call forward and one backward;
 *  - autograd of `tf.logSumExp` differentiates its max (a broadcast `Equal`, whose
 *    contribution cancels) → log-sum-exp.ts: the gradient written as softmax · dy.
 *
 * How: `tf.customGrad` ops, not kernels registered for wasm. Why: (1) a kernel registered for
 * 'wasm' replaces the stock one for every caller in the process, and it works at the level of
 * raw TensorInfos and backend data ids, where a bug corrupts memory rather than failing a
 * test; (2) kernel registration depends on import order (the wasm package registers its own
 * kernels when loaded, last one wins with a warning); (3) custom gradients are plain TF.js
 * ops, so the same code runs and is tested on cpu (`setFastPath('always')`). The cost is that
 * only calls through this module are fixed, which is the design: models use these ops only.
 *
 * The fast path is taken on wasm only (see path.ts); elsewhere these are the plain TF.js ops.
 */
import { registerStockGradients } from './gradients.ts';

// tfjs-core alone registers no gradients in Node (see gradients.ts); every model
// differentiates through these ops, so loading them here makes `tf.grads` work wherever the
// ops are used.
await registerStockGradients();

export { conv2d } from './conv.ts';
export { type DenseActivation, dense, denseRelu } from './dense.ts';
export { registerStockGradients, STOCK_GRADIENTS } from './gradients.ts';
export { logSumExp } from './log-sum-exp.ts';
export { matMul } from './matmul.ts';
export { pairReluScores } from './pair-mlp.ts';
export { PAIR_MLP_MAX_WIDTH, type PairLayer, pairMlpScores } from './pair-mlp-deep.ts';
export { type FastPathMode, setFastPath, useFastPath } from './path.ts';
export { inversePermutation, permuteColumns } from './permute.ts';
