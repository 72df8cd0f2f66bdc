/** Data: IDX files, MNIST-style data sets, halves, batch streams, Gaussian samplers. */
export { type Batch, BatchStream } from './batches.ts';
export { DATASETS, type Dataset, loadDataset, type Split } from './datasets.ts';
export * from './gaussian.ts';
export { type Halves, halves, withNoise } from './halves.ts';
export { type IdxArray, IdxError, parseIdx, readIdx } from './idx.ts';
