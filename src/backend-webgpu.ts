/**
 * The optional WebGPU backend: `@tensorflow/tfjs-backend-webgpu` on the npm package `webgpu`
 * (Dawn's Node binding; its linux-x64 `dawn.node` ships inside the npm tarball, no download).
 * Both are optional dependencies: when either is missing, or Dawn finds no adapter, this says
 * why and mimax falls back to wasm. Installing by hand: `npm i webgpu @tensorflow/tfjs-backend-webgpu`.
 *
 * On Linux Dawn drives the GPU through Vulkan, so it needs the Vulkan loader (libvulkan.so.1)
 * and a Vulkan driver for a real GPU (NVIDIA's, or Mesa's for AMD/Intel). A CPU-only machine
 * has none that works: Mesa's software lavapipe 22.3 (Debian 12) lacks the
 * `shaderUniform*ArrayDynamicIndexing` features Dawn requires, so no adapter is found. We check
 * for the loader before loading Dawn, so that picking a backend on such a machine neither pays
 * for Dawn nor prints its native "Couldn't load Vulkan" warning.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';

export interface WebGpuProbe {
  ok: boolean;
  source: string;
  /** Why it was not used, or `chosen`. */
  why: string;
  /** The adapter's vendor / architecture / device / description, when one was found. */
  adapter?: string;
}

const HOW_TO_INSTALL = 'npm i webgpu @tensorflow/tfjs-backend-webgpu';

/** Directories where the dynamic loader finds libvulkan.so.1 on common Linux layouts. */
function vulkanLoaderFound(): boolean {
  if (process.platform !== 'linux') return true; // Dawn uses Metal / D3D12 there: let it try
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/lib/x86_64-linux-gnu',
    '/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/usr/local/nvidia/lib64',
  ];
  return dirs.some((dir) => existsSync(`${dir}/libvulkan.so.1`));
}

function missing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Finds a WebGPU adapter and, if there is one, makes `webgpu` the TF.js backend. Never throws:
 * every failure becomes `why`.
 */
export async function tryWebGpu(): Promise<WebGpuProbe> {
  const source = 'webgpu + @tensorflow/tfjs-backend-webgpu';
  let dawn: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (error) {
    return {
      ok: false,
      source,
      why: missing(error)
        ? `not installed (optional: ${HOW_TO_INSTALL})`
        : `webgpu (Dawn) failed to load: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  if (!vulkanLoaderFound()) {
    return {
      ok: false,
      source,
      why: 'no adapter: the Vulkan loader libvulkan.so.1 is not installed (Dawn needs it and a Vulkan GPU driver)',
    };
  }
  try {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      return {
        ok: false,
        source,
        why: "no adapter: Dawn found no usable Vulkan device (a CPU-only machine has none: Mesa's lavapipe lacks features Dawn requires)",
      };
    }
    const info = (adapter as unknown as { info?: Record<string, string> }).info ?? {};
    const description = ['vendor', 'architecture', 'device', 'description']
      .map((k) => info[k])
      .filter(Boolean)
      .join(' / ');
    // tfjs-backend-webgpu looks for navigator.gpu (Node 20 has no navigator).
    const nav = ((globalThis as { navigator?: object }).navigator ?? {}) as { gpu?: GPU };
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (error) {
      return {
        ok: false,
        source,
        why: missing(error)
          ? `adapter found (${description}) but @tensorflow/tfjs-backend-webgpu is not installed (${HOW_TO_INSTALL})`
          : `@tensorflow/tfjs-backend-webgpu failed to load: ${(error as Error).message.split('\n')[0]}`,
      };
    }
    if (!(await tf.setBackend('webgpu'))) {
      return { ok: false, source, why: `adapter found (${description}) but failed to initialize` };
    }
    await tf.ready();
    return { ok: true, source, why: 'chosen', adapter: description || 'unnamed adapter' };
  } catch (error) {
    return {
      ok: false,
      source,
      why: `failed: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}
