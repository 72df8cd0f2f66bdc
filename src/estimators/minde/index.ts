/** MINDE, the diffusion-based MI estimator (Franzese, Bounoua & Michiardi, ICLR 2024). */
export { emaDecay, WeightAverage } from './ema.ts';
export * from './masks.ts';
export {
  type DrawSummary,
  ESTIMATE_MASKS,
  mindeDraw,
  mindeEstimate,
} from './mutual-information.ts';
export * from './network.ts';
export { MINDE_DEFAULTS, type MindeOptions, resolveMindeOptions, widthFor } from './options.ts';
export type { Pairs } from './pairs.ts';
export { ArrayAdam } from './parameters.ts';
export * from './sde.ts';
export { type DsmBatch, dsmBatch, dsmLoss, dsmStep } from './train.ts';
