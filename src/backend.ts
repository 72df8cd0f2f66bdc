/**
 * Chooses the TF.js backend once per process and says which one and why.
 *
 * Order of preference when none is requested: `tensorflow` (native libtensorflow through
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`; optional, loaded only if
 * installed), `webgpu` (optional, only when a GPU adapter is found: see backend-webgpu.ts), `wasm`
 * (`@tensorflow/tfjs-backend-wasm`, the embedded default: XNNPACK with SIMD,
 * its .wasm binary is read from node_modules, no network), `cpu` (plain JS, always there).
 * A request comes from `--backend` or the `MIMAX_BACKEND` environment variable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tryWebGpu } from './backend-webgpu.ts';
import { UserError } from './types.ts';

export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendAttempt {
  name: BackendName;
  /** The package that provides it. */
  source: string;
  ok: boolean;
  /** Why it was not used (not installed, failed to load: message), or `chosen`. */
  why: string;
}

export interface BackendReport {
  name: BackendName;
  source: string;
  /** One line: which backend and why the better ones were not used. */
  summary: string;
  attempts: BackendAttempt[];
  /** wasm: SIMD support, thread count; webgpu: the adapter. */
  details: Record<string, string | number | boolean>;
}

let chosen: BackendReport | null = null;

function isMissingModule(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string };
  return (
    (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
    String(e.message).includes(name)
  );
}

async function tryTensorflow(): Promise<{ ok: boolean; source: string; why: string }> {
  const notes: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      await tf.setBackend('tensorflow');
      await tf.ready();
      return { ok: true, source: pkg, why: 'chosen' };
    } catch (error) {
      notes.push(
        isMissingModule(error, pkg)
          ? `${pkg}: not installed`
          : `${pkg}: failed to load: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  }
  return { ok: false, source: '@tensorflow/tfjs-node(-gpu)', why: notes.join('; ') };
}

/**
 * Runs `init` and then removes the `uncaughtException`/`unhandledRejection` handlers it added.
 * The wasm backend's Emscripten glue installs handlers that rethrow, so any later uncaught error
 * of the user's script printed the whole minified glue (tens of kB) before its message and
 * exited 7; the process's handlers are left as they were (issue 17).
 */
async function keepProcessHandlers<T>(init: () => Promise<T>): Promise<T> {
  const exceptions = process.listeners('uncaughtException');
  const rejections = process.listeners('unhandledRejection');
  try {
    return await init();
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptions.includes(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejections.includes(listener)) process.removeListener('unhandledRejection', listener);
    }
  }
}

async function tryBuiltin(
  name: 'wasm' | 'cpu',
  pkg: string,
): Promise<{ ok: boolean; source: string; why: string }> {
  return keepProcessHandlers(() => loadBuiltin(name, pkg));
}

async function loadBuiltin(
  name: 'wasm' | 'cpu',
  pkg: string,
): Promise<{ ok: boolean; source: string; why: string }> {
  try {
    await import(pkg);
    const ok = await tf.setBackend(name);
    if (!ok) return { ok: false, source: pkg, why: `failed to initialize` };
    await tf.ready();
    return { ok: true, source: pkg, why: 'chosen' };
  } catch (error) {
    return {
      ok: false,
      source: pkg,
      why: isMissingModule(error, pkg)
        ? 'not installed'
        : `failed to load: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}

let webgpuAdapter: string | undefined;

async function attempt(name: BackendName) {
  if (name === 'tensorflow') return tryTensorflow();
  if (name === 'webgpu') {
    const probe = await tryWebGpu();
    webgpuAdapter = probe.adapter;
    return probe;
  }
  if (name === 'wasm') return tryBuiltin('wasm', '@tensorflow/tfjs-backend-wasm');
  return tryBuiltin('cpu', '@tensorflow/tfjs-backend-cpu');
}

/** Parses a backend name from the user, naming the valid ones when it is wrong. */
export function parseBackendName(value: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new UserError(`unknown backend '${value}'; valid backends: ${BACKEND_NAMES.join(', ')}`);
}

/**
 * Initializes the backend: the requested one (argument, else `MIMAX_BACKEND`) or the best
 * available. Idempotent within a process: a second call returns the first report (and fails
 * if it asks for a different backend).
 */
export async function initBackend(requested?: string): Promise<BackendReport> {
  const want = requested ?? process.env.MIMAX_BACKEND ?? undefined;
  const wanted = want ? parseBackendName(want) : undefined;
  if (chosen) {
    if (wanted && wanted !== chosen.name) {
      throw new UserError(`backend already set to ${chosen.name}; cannot switch to ${wanted}`);
    }
    return chosen;
  }
  const order: BackendName[] = wanted ? [wanted] : [...BACKEND_NAMES];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const result = await attempt(name);
    attempts.push({ name, ...result });
    if (result.ok) {
      const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.why}`);
      const reason = wanted
        ? 'requested'
        : skipped.length
          ? `best available (${skipped.join('; ')})`
          : 'best available';
      // tfjs-core's Node entry registers no gradients: do it once here, so a user who calls a
      // bound or an op outside the models can differentiate too (see ops/gradients.ts).
      await (await import('./ops/gradients.ts')).registerStockGradients();
      chosen = {
        name,
        source: result.source,
        summary: `${name} (${reason})`,
        attempts,
        details: backendDetails(name),
      };
      return chosen;
    }
  }
  if (wanted) {
    const available: string[] = [];
    for (const name of BACKEND_NAMES) {
      if (name === wanted || name === 'webgpu') continue; // webgpu: only where an adapter is found
      const pkg =
        name === 'tensorflow' ? '@tensorflow/tfjs-node' : `@tensorflow/tfjs-backend-${name}`;
      if (name !== 'tensorflow' || (await canResolve(pkg))) available.push(name);
    }
    throw new UserError(
      `backend '${wanted}' is not available (${attempts[0].why}); available: ${available.join(', ')}`,
    );
  }
  throw new UserError(
    `no TF.js backend could be loaded: ${attempts.map((a) => `${a.name}: ${a.why}`).join('; ')}`,
  );
}

async function canResolve(pkg: string): Promise<boolean> {
  try {
    import.meta.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

function backendDetails(name: BackendName): Record<string, string | number | boolean> {
  if (name === 'webgpu') return { adapter: webgpuAdapter ?? 'unknown' };
  if (name !== 'wasm') return {};
  return {
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multi' : 1,
  };
}

/** The report of the backend chosen in this process, or null before `initBackend`. */
export function currentBackend(): BackendReport | null {
  return chosen;
}
