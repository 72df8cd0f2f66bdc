/**
 * Display labels for ids. The only place where human-readable names live: data carries ids
 * (`infonce`, `concat`), figures show labels (I_NCE, "MLP critic").
 */

/** Id → label. Ids not listed here are shown as themselves. */
export const LABELS: Readonly<Record<string, string>> = {
  // bounds
  infonce: 'I_NCE',
  nwj: 'I_NWJ',
  tuba: 'I_TUBA',
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
  // frame columns shown as axis or panel titles
  accuracy: 'Test accuracy',
  testBound: 'Bound (nats)',
  trainBound: 'Training bound (nats)',
  logCondition: 'log(σ_max / σ_min)',
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
