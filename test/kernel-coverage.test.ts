/**
 * Every TF.js kernel that mimax dispatches off wasm is registered for the other backends.
 *
 * Records the kernel names of a smoke run (a few training steps, the evaluations: probe,
 * held-out bound, Jacobian) of every cell of every experiment, paper and estimator loops
 * alike, on the cpu backend with the ops' fast path off, i.e. the stock kernels and
 * gradients that `webgpu` and `tensorflow` run (the fast path of `src/ops` is taken on wasm
 * only). Then checks each name with `tf.getKernel(name, backend)` for `webgpu` (the optional
 * `@tensorflow/tfjs-backend-webgpu`; registering its kernels needs no GPU) and `tensorflow`
 * (`@tensorflow/tfjs-node`, where installed). A missing kernel fails here, on a CPU machine,
 * before anyone rents a GPU to find out.
 *
 * Slow: the cpu backend runs every smoke cell in plain JavaScript (more than 10 minutes on 2
 * loaded cores, issue 16), so it runs only with MIMAX_KERNEL_COVERAGE=1 and is skipped,
 * saying so, otherwise.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EXPERIMENTS } from '../experiments/index.ts';
import { initBackend } from '../src/backend.ts';
import { setFastPath } from '../src/ops/index.ts';
import { executeRun } from '../src/run/execute.ts';
import { expandRuns, resolveConfig } from '../src/run/grid.ts';
import { tempDir } from './helpers.ts';

/** Kernel name → the experiments that dispatched it. */
const dispatched = new Map<string, Set<string>>();
const resultsDir = tempDir('mimax-kernels-');

async function optional(pkg: string): Promise<string | null> {
  try {
    await import(pkg);
    return null;
  } catch (error) {
    return `${pkg} is not installed (${(error as Error).message.split('\n')[0]})`;
  }
}

const enabled = process.env.MIMAX_KERNEL_COVERAGE === '1';

describe('kernel coverage of the non-wasm backends', {
  skip: enabled ? false : 'slow: set MIMAX_KERNEL_COVERAGE=1',
}, () => {
  before(async () => {
    await initBackend('cpu');
    const previous = setFastPath('never');
    try {
      for (const definition of Object.values(EXPERIMENTS)) {
        const config = resolveConfig(definition, 'smoke');
        for (const spec of expandRuns(definition, config, 'smoke').filter((s) => s.seed === 0)) {
          const profile = await tf.profile(async () => {
            const record = await executeRun(spec, {
              resultsDir,
              backend: 'cpu',
              versions: {},
            });
            assert.equal(record.status, 'ok', `${spec.id}: ${record.error?.message}`);
          });
          for (const kernel of profile.kernels) {
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

  after(() => rmSync(resultsDir, { recursive: true, force: true }));

  it('records the kernels of every experiment', () => {
    const experiments = new Set([...dispatched.values()].flatMap((s) => [...s]));
    assert.deepEqual([...experiments].sort(), Object.keys(EXPERIMENTS).sort());
    for (const name of ['BatchMatMul', 'Exp', 'Relu']) assert.ok(dispatched.has(name), name);
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
      const missing = [...dispatched.keys()]
        .filter((name) => tf.getKernel(name, backend) === undefined)
        .map((name) => `${name} (${[...(dispatched.get(name) ?? [])].join(', ')})`);
      assert.deepEqual(missing, [], `kernels missing on ${backend}: ${missing.join('; ')}`);
    });
  }
});
