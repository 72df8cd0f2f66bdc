/**
 * Every TF.js kernel that mimax dispatches off wasm is registered for the other backends.
 *
 * Records the kernel names of one tiny run of every cell of every experiment (paper and
 * estimator loops alike: two training steps and the evaluations at both, i.e. the probe, the
 * held-out bound and, for `non-invertible`, the Jacobian) with the ops' fast path off: the
 * stock kernels and gradients that `webgpu` and `tensorflow` run (the fast path of `src/ops`
 * is taken on wasm only). The sizes are cut to the bone (batch 16, 2 steps, a 5-iteration
 * probe): kernel *names* do not depend on sizes.
 *
 * Recorded on the wasm backend, because the cpu backend is too slow for this even at these
 * sizes (68 s for one `invertible` cell, 35 s of it in cpu's UnsortedSegmentSum, the gradient
 * of the coupling permutations' gather; issue 16 asked for this test to run in `npm test`).
 * Two stock kernels are missing on wasm, which is why `src/ops` has a fast path at all:
 * `UnsortedSegmentSum` (gather's gradient) and `Conv2DBackpropFilter` (conv's filter
 * gradient). For the recording only, they are registered for wasm as stubs that return zeros
 * of the right shape, so the stock path runs to the end and their names are recorded; the
 * values of such a run are not checked (the ops' own tests check the real gradients).
 *
 * Then checks each name with `tf.getKernel(name, backend)` for `webgpu` (the
 * optional `@tensorflow/tfjs-backend-webgpu`: importing it registers its kernels without
 * asking for an adapter, so no GPU is needed) and `tensorflow` (`@tensorflow/tfjs-node`, where
 * installed; skipped, saying why, where not). A missing kernel fails here, on a CPU machine,
 * before anyone rents a GPU to find out.
 *
 * Measured on webgpu (tfjs-backend-webgpu 4.22): every recorded kernel is registered, so no
 * workaround is needed today. The wasm-only kernels (`src/ops` fast path, the WebAssembly
 * kernels of `pair-mlp.ts`, `pair-mlp-deep.ts` and `lu-extremes.ts`) never run on webgpu:
 * `useFastPath()` is false there, and the Jacobian's singular values run in plain WebAssembly
 * on the host.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EXPERIMENTS } from '../experiments/index.ts';
import { initBackend } from '../src/backend.ts';
import { setFastPath } from '../src/ops/index.ts';
import { executeRun } from '../src/run/execute.ts';
import type { ExperimentConfig } from '../src/run/experiment.ts';
import { expandRuns, resolveConfig } from '../src/run/grid.ts';
import { tempDir } from './helpers.ts';

/** Kernel name → the experiments that dispatched it. */
const dispatched = new Map<string, Set<string>>();
const resultsDir = tempDir('mimax-kernels-');

/** Null when `pkg` loads (registering its kernels), else why not. */
async function optional(pkg: string): Promise<string | null> {
  try {
    await import(pkg);
    return null;
  } catch (error) {
    return `${pkg} is not installed (${(error as Error).message.split('\n')[0]})`;
  }
}

/** Stand-ins for the stock kernels wasm lacks: zeros of the output's shape (see the header). */
const WASM_STUBS: tf.KernelConfig[] = [
  {
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      return zeros(backend, shape, x.dtype);
    },
  },
  {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) =>
      zeros(
        backend,
        (attrs as { filterShape: number[] }).filterShape,
        (inputs.x as tf.TensorInfo).dtype,
      ),
  },
];

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function zeros(backend: unknown, shape: number[], dtype: tf.DataType): tf.TensorInfo {
  const wasm = backend as WasmBackendLike;
  const out = wasm.makeOutput(shape, dtype);
  wasm.typedArrayFromHeap(out).fill(0);
  return out;
}

/** The smoke preset cut further: kernel names do not depend on sizes or step counts. */
function tiny(config: ExperimentConfig): ExperimentConfig {
  const mnist = config.trainLimit !== null || config.dataset === 'mnist';
  return {
    ...config,
    steps: 2,
    evalEvery: 1, // evaluations at steps 0 and 1: probe, held-out bound, Jacobian
    ...(mnist
      ? {
          batchSize: Math.min(config.batchSize, 16),
          trainLimit: 64,
          testLimit: 32,
          probe: { ...config.probe, maxIterations: 5 },
          jacobianSamples: Math.min(config.jacobianSamples, 2),
        }
      : {}),
  };
}

/**
 * Whether a `tf.profile` entry is a kernel: the profiler also lists custom-gradient scopes
 * (`unnamed scope` for `tf.customGrad`, `<op>__op` for ops built on it such as logSoftmax),
 * whose kernels are listed on their own.
 */
function isKernelName(name: string): boolean {
  return name !== 'unnamed scope' && !name.endsWith('__op');
}

/** `name (experiments)` for every dispatched kernel that `backend` has not registered. */
export function missingKernels(names: Map<string, Set<string>>, backend: string): string[] {
  return [...names.keys()]
    .filter((name) => tf.getKernel(name, backend) === undefined)
    .map((name) => `${name} (${[...(names.get(name) ?? [])].join(', ')})`);
}

describe('kernel coverage of the non-wasm backends', () => {
  const stubbed: string[] = [];
  before(async () => {
    await initBackend('wasm');
    for (const stub of WASM_STUBS) {
      if (tf.getKernel(stub.kernelName, 'wasm') !== undefined) continue; // a later TF.js has it
      tf.registerKernel(stub);
      stubbed.push(stub.kernelName);
    }
    const previous = setFastPath('never');
    try {
      for (const definition of Object.values(EXPERIMENTS)) {
        const config = tiny(resolveConfig(definition, 'smoke'));
        for (const spec of expandRuns(definition, config, 'smoke').filter((s) => s.seed === 0)) {
          const profile = await tf.profile(async () => {
            const record = await executeRun(spec, { resultsDir, backend: 'wasm', versions: {} });
            assert.equal(record.status, 'ok', `${spec.id}: ${record.error?.message}`);
          });
          for (const kernel of profile.kernels) {
            if (!isKernelName(kernel.name)) continue;
            const set = dispatched.get(kernel.name) ?? new Set();
            set.add(definition.id);
            dispatched.set(kernel.name, set);
          }
        }
      }
    } finally {
      setFastPath(previous);
    }
  });

  after(() => {
    for (const name of stubbed) tf.unregisterKernel(name, 'wasm');
    rmSync(resultsDir, { recursive: true, force: true });
  });

  it('records the kernels of every experiment', () => {
    const experiments = new Set([...dispatched.values()].flatMap((s) => [...s]));
    assert.deepEqual([...experiments].sort(), Object.keys(EXPERIMENTS).sort());
    // A training step (products, gradients), the probe (softmax) and a conv net (encoder-impact)
    for (const name of ['BatchMatMul', 'Exp', 'Relu', 'Conv2D', 'Conv2DBackpropFilter']) {
      assert.ok(dispatched.has(name), name);
    }
  });

  it('the check fails on a kernel that no backend has', () => {
    const fake = new Map([
      ['NoSuchKernel', new Set(['made-up'])],
      ['Relu', new Set(['made-up'])],
    ]);
    assert.deepEqual(missingKernels(fake, 'wasm'), ['NoSuchKernel (made-up)']);
  });

  for (const [backend, pkg] of [
    ['webgpu', '@tensorflow/tfjs-backend-webgpu'],
    ['tensorflow', '@tensorflow/tfjs-node'],
  ] as const) {
    it(`every dispatched kernel is registered for ${backend}`, async (t) => {
      const why = await optional(pkg);
      if (why) {
        t.skip(why);
        return;
      }
      const missing = missingKernels(dispatched, backend);
      assert.deepEqual(missing, [], `kernels missing on ${backend}: ${missing.join('; ')}`);
    });
  }
});
