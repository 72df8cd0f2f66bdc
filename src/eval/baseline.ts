/**
 * The Colab's baseline: the linear probe on raw top-half pixels (no encoder), with the noise of
 * the non-invertible experiment (x1 + σ·N(0, 1), σ = 0.05, fresh noise on train and test) and
 * without noise. The Colab reports about 0.835 for the noisy pixels (sklearn saga, C = 10,
 * tol 0.1); our probe (converged L-BFGS on the same objective) gives 0.838-0.839, and
 * `probe: { solver: 'saga' }` runs the Colab's own fit (`src/eval/saga.ts`).
 *
 * Needs an initialized TF.js backend (`initBackend`); loads the data set itself.
 */
import { loadDataset } from '../data/datasets.ts';
import { halves, withNoise } from '../data/halves.ts';
import { deriveSeed, Rng } from '../random.ts';
import { linearProbe, type ProbeOptions, type ProbeResult } from './probe.ts';

/**
 * The Colab's reported noisy-pixel accuracy, per data set it was reported for: only MNIST
 * (Colab output of the baseline cell, ~0.835). Other data sets have no reference.
 */
export const COLAB_PIXEL_BASELINE: Readonly<Record<string, number>> = { mnist: 0.835 };

export interface BaselineOptions {
  /** Data set name (`mnist`, `fashion-mnist`). Default `mnist` (paper). */
  dataset?: string;
  /** A directory of the four IDX files instead of a named data set. Default: none. */
  dataDir?: string;
  /** σ of the Gaussian pixel noise of the noisy variant. Default 0.05 (Colab, Sec. 3.1). */
  noiseSigma?: number;
  /** Seed of the noise draw, used as `deriveSeed(seed, 'probe-noise')`. Default 0. */
  seed?: number;
  /** Probe options (see `ProbeOptions`). Default: the probe's defaults (C = 10). */
  probe?: ProbeOptions;
  /** Keep only the first N training images (smoke tests). Default: all (60,000). */
  trainLimit?: number;
  /** Keep only the first N test images. Default: all (10,000). */
  testLimit?: number;
}

export interface BaselineEntry {
  /** Test accuracy. */
  accuracy: number;
  trainAccuracy: number;
  /** Wall-clock seconds of the probe (encoding + fit + prediction; data loading excluded). */
  seconds: number;
  /** L-BFGS iterations, or SAGA epochs with `probe.solver = 'saga'`. */
  iterations: number;
}

export interface BaselineResult {
  /** Probe on x1 + σ·N(0, 1). */
  noisy: BaselineEntry;
  /** Probe on x1. */
  clean: BaselineEntry;
  dataset: string;
  /** The Colab's accuracy for the noisy pixels of this data set, or null where none exists. */
  colabReference: number | null;
  noiseSigma: number;
  seed: number;
  trainSize: number;
  testSize: number;
}

function entry(result: ProbeResult): BaselineEntry {
  return {
    accuracy: result.accuracy,
    trainAccuracy: result.trainAccuracy,
    seconds: result.seconds,
    iterations: result.iterations,
  };
}

/** Runs the pixel baseline, noisy and clean. */
export function runBaseline(options: BaselineOptions = {}): BaselineResult {
  const noiseSigma = options.noiseSigma ?? 0.05; // Colab: noise_std = 0.05
  const seed = options.seed ?? 0;
  const data = loadDataset({
    name: options.dataset,
    dir: options.dataDir,
    trainLimit: options.trainLimit,
    testLimit: options.testLimit,
  });
  const train = halves(data.train);
  const test = halves(data.test);
  const rng = new Rng(deriveSeed(seed, 'probe-noise'));
  const noisyTrain = withNoise(train.x1, noiseSigma, rng);
  const noisyTest = withNoise(test.x1, noiseSigma, rng);
  const noisy = linearProbe(
    null,
    { x: noisyTrain, labels: train.labels },
    { x: noisyTest, labels: test.labels },
    options.probe,
  );
  const clean = linearProbe(
    null,
    { x: train.x1, labels: train.labels },
    { x: test.x1, labels: test.labels },
    options.probe,
  );
  return {
    noisy: entry(noisy),
    clean: entry(clean),
    dataset: data.name,
    colabReference: COLAB_PIXEL_BASELINE[data.name] ?? null,
    noiseSigma,
    seed,
    trainSize: train.n,
    testSize: test.n,
  };
}
