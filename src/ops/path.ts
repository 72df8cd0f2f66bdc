/**
 * When the ops take their fast path (custom gradients built from XNNPACK-friendly pieces)
 * instead of plain TF.js.
 *
 * `auto` (the default) takes it on the wasm backend only: that is where TF.js 4.22 is missing
 * kernels (`Conv2DBackpropFilter`, `UnsortedSegmentSum`) or is slow (transposed matmuls,
 * `Conv2DBackpropInput`). On `cpu` and `tensorflow` the stock kernels and gradients are
 * complete, and on `tensorflow` they are native and faster than anything composed here.
 * `always` and `never` exist for tests (the fast path checked on cpu too) and benchmarks
 * (before/after on the same backend).
 */
import * as tf from '@tensorflow/tfjs-core';

export type FastPathMode = 'auto' | 'always' | 'never';

let mode: FastPathMode = 'auto';

/** Sets the fast-path mode for the whole process; returns the previous mode (to restore it). */
export function setFastPath(next: FastPathMode): FastPathMode {
  const previous = mode;
  mode = next;
  return previous;
}

/** Whether the ops take their fast path now (depends on the mode and the active backend). */
export function useFastPath(): boolean {
  return mode === 'always' || (mode === 'auto' && tf.getBackend() === 'wasm');
}
