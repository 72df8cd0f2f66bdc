/** Versions of mimax and of the libraries it runs on (stored in every run record). */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string | null {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

export const MIMAX_VERSION: string = (require('../package.json') as { version: string }).version;

/** mimax, node, and the TF.js packages that are installed. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = { mimax: MIMAX_VERSION, node: process.versions.node };
  for (const pkg of [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
  ]) {
    const v = versionOf(pkg);
    if (v) out[pkg] = v;
  }
  return out;
}
