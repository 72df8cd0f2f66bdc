/**
 * Seeded randomness. Nothing in mimax calls `Math.random`: every random draw comes from an
 * `Rng` made from an explicit seed, and seeds are split by purpose (`deriveSeed(seed, 'init')`,
 * `'data'`, `'noise'`, `'probe'`, `'permutation'`) so that, e.g., changing the data order
 * leaves the initialization unchanged.
 */

/** 32-bit FNV-1a hash of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A new seed for one purpose, independent of the seeds of other purposes. */
export function deriveSeed(seed: number, purpose: string): number {
  return fnv1a(`${seed >>> 0}:${purpose}`);
}

/** The state of an {@link Rng}: its four sfc32 words and the spare Box-Muller draw. */
export interface RngState {
  words: [number, number, number, number];
  spareNormal: number | null;
}

/**
 * sfc32 generator (Chris Doty-Humphrey's small fast counter; passes PractRand to 2^40+),
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm-up: decorrelate from the seed
  }

  /** The generator's whole state (JSON-safe), to continue its stream exactly after a restart. */
  getState(): RngState {
    return { words: [this.a, this.b, this.c, this.d], spareNormal: this.spareNormal };
  }

  /** Continues the stream saved by {@link getState}. */
  setState(state: RngState): void {
    [this.a, this.b, this.c, this.d] = state.words;
    this.spareNormal = state.spareNormal;
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller, both outputs used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` draws of N(0, std²) as Float32. */
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }

  /**
   * `n` draws of a normal N(0, std²) truncated to ±2 std (resampled), as TF's and Keras'
   * `truncated_normal` initializers do.
   */
  truncatedNormalArray(n: number, std: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let z = this.normal();
      while (Math.abs(z) > 2) z = this.normal();
      out[i] = z * std;
    }
    return out;
  }

  /** `n` draws of U(low, high) as Float32. */
  uniformArray(n: number, low: number, high: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** Shuffles in place (Fisher-Yates). */
  shuffle(values: Int32Array | number[]): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }
}
