/**
 * Display labels for ids. The only place where human-readable names live: data carries ids
 * (`infonce`, `concat`), figures show labels (I_NCE, "MLP critic").
 */

/** Id → label. Ids not listed here are shown as themselves. */
export const LABELS: Readonly<Record<string, string>> = {
  // bounds; in the estimator experiments (staircase, correlation) the estimator variant ids
  infonce: 'I_NCE',
  nwj: 'I_NWJ',
  tuba: 'I_TUBA',
  js: 'I_JS',
  dv: 'I_DV',
  mine: 'MINE',
  'smile-1': 'SMILE (τ=1)',
  'smile-5': 'SMILE (τ=5)',
  'smile-inf': 'SMILE (τ=∞)',
  'alpha-0.01': 'I_α (α=0.01)',
  'alpha-0.5': 'I_α (α=0.5)',
  'alpha-0.99': 'I_α (α=0.99)',
  // the classical and diffusion estimators (bmi-benchmark, mimax estimate)
  'ksg-10': 'KSG (k=10)',
  'ksg-5': 'KSG (k=5)',
  ksg: 'KSG',
  'minde-c': 'MINDE-C',
  'minde-j': 'MINDE-J',
  // critics
  bilinear: 'Bilinear critic',
  separable: 'Separable critic',
  concat: 'MLP critic',
  'inner-product': 'Inner product',
  // encoders
  mlp: 'MLP',
  convnet: 'ConvNet',
  realnvp: 'RealNVP',
  // sampling (noniid experiment)
  iid: 'iid',
  noniid: 'non-iid',
  // ground-truth tasks (estimator experiments)
  gaussian: 'Gaussian',
  cubic: 'Cubic',
  // frame columns shown as axis or panel titles
  accuracy: 'Test accuracy',
  testBound: 'Bound (nats)',
  trainBound: 'Training bound (nats)',
  logCondition: 'log(σ_max / σ_min)',
  // per-level metrics of the staircase (bias-variance figure)
  bias: 'bias (nats)',
  sd: 'sd (nats)',
  mse: 'MSE (nats²)',
};

/** The label of `id`; unknown ids fall back to the id, null to `'none'`. */
export function label(id: string | number | null | undefined): string {
  if (id === null || id === undefined) return 'none';
  const key = String(id);
  return LABELS[key] ?? key;
}

/** Label of an `|I − t|` target value: `t = 2`, or `max` when the bound is maximized. */
export function targetLabel(target: number | null | undefined): string {
  return target === null || target === undefined ? 'max' : `t = ${target}`;
}
