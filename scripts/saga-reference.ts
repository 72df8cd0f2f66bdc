/**
 * Writes the features of the SAGA probe test (`test/eval/saga.test.ts`) for scikit-learn, and
 * runs mimax's saga probe on them for comparison (minutes; not a unit test):
 *  - `pixels`: noisy MNIST top halves, x1 + 0.05·N(0, 1) with the noise of `runBaseline`
 *    (`deriveSeed(0, 'probe-noise')`), the Colab's baseline features;
 *  - `codes`: 100-d codes of the same noisy pixels through the `mlp` encoder [300, 300, 100] at
 *    its seeded initialization (seed 1): a deterministic encoder.
 * It prints the converged (lbfgs) probe and the saga probe (seeds 0..S−1) on each.
 * Each as raw little-endian float32 `<name>-{train,test}.f32` ([n, D] row-major) and uint8
 * labels `{train,test}-labels.u8` in OUT_DIR; the scikit-learn snippet is in the test file.
 *
 * Usage: node --import tsx scripts/saga-reference.ts OUT_DIR [--train N] [--test M]
 *        [--seeds S] [--backend NAME]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../src/backend.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { halves, withNoise } from '../src/data/halves.ts';
import { createEncoder } from '../src/encoders/index.ts';
import { encodeAll, linearProbe } from '../src/eval/probe.ts';
import { deriveSeed, Rng } from '../src/random.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outDir = args[0];
if (!outDir || outDir.startsWith('--')) throw new Error('usage: saga-reference.ts OUT_DIR [...]');
const report = await initBackend(flag('--backend'));
console.log(`backend: ${report.summary}`);
const trainLimit = flag('--train') ? Number(flag('--train')) : undefined;
const testLimit = flag('--test') ? Number(flag('--test')) : undefined;
const seeds = Number(flag('--seeds') ?? 3);

/** The test's features (`test/eval/saga.test.ts` builds the same). */
function sagaTestFeatures(trainLimit?: number, testLimit?: number) {
  const data = loadDataset({ name: 'mnist', trainLimit, testLimit });
  const train = halves(data.train);
  const test = halves(data.test);
  const rng = new Rng(deriveSeed(0, 'probe-noise')); // runBaseline's noise draw
  const pixelsTrain = withNoise(train.x1, 0.05, rng); // Colab: noise_std = 0.05
  const pixelsTest = withNoise(test.x1, 0.05, rng);
  return { train, test, pixelsTrain, pixelsTest };
}

const { train, test, pixelsTrain, pixelsTest } = sagaTestFeatures(trainLimit, testLimit);
mkdirSync(outDir, { recursive: true });
const write = (name: string, values: Float32Array | Uint8Array) =>
  writeFileSync(
    join(outDir, name),
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  );
write('train-labels.u8', Uint8Array.from(train.labels));
write('test-labels.u8', Uint8Array.from(test.labels));
write('pixels-train.f32', pixelsTrain);
write('pixels-test.f32', pixelsTest);
const encoder = createEncoder('mlp', {
  inputDim: 392,
  seed: 1,
  options: { layers: [300, 300, 100] },
});
for (const [name, x, n] of [
  ['codes-train.f32', pixelsTrain, train.n],
  ['codes-test.f32', pixelsTest, test.n],
] as const) {
  const codes = encodeAll(encoder, { x, labels: new Uint8Array(n) }); // [n, 100]
  write(name, codes.dataSync() as Float32Array);
  codes.dispose();
}
console.log(`wrote ${train.n}/${test.n} rows to ${outDir}`);

for (const [name, enc] of [
  ['pixels', null],
  ['codes', encoder],
] as const) {
  const converged = linearProbe(
    enc,
    { x: pixelsTrain, labels: train.labels },
    { x: pixelsTest, labels: test.labels },
  );
  console.log(
    `${name} lbfgs: accuracy ${converged.accuracy.toFixed(4)} (train ` +
      `${converged.trainAccuracy.toFixed(4)}), ${converged.iterations} iterations, J ` +
      `${converged.loss.toFixed(5)}, fit ${converged.fitSeconds.toFixed(2)} s`,
  );
  for (let seed = 0; seed < seeds; seed++) {
    const r = linearProbe(
      enc,
      { x: pixelsTrain, labels: train.labels },
      { x: pixelsTest, labels: test.labels },
      { solver: 'saga', seed },
    );
    console.log(
      `${name} saga seed ${seed}: accuracy ${r.accuracy.toFixed(4)} (train ${r.trainAccuracy.toFixed(4)}), ` +
        `${r.iterations} epochs (${r.stop}), J ${r.loss.toFixed(5)}, fit ${r.fitSeconds.toFixed(2)} s`,
    );
  }
}
encoder.dispose();
