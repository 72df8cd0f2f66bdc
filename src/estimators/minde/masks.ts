/**
 * What the one amortised MINDE network is told about each of the two variables (x, y): it is
 * `diffused` (its input is x_t and its time code is t), a clean `condition` (input x_0, time
 * code 0) or `marginal` (input replaced by zeros, time code 1). Reference code
 * (github.com/MustaphaBounoua/minde): masks 1 / 0 / −1 in `SDE.py`, zeros for a marginalised
 * variable in `train_step` and `marginalize_data(fill_zeros=True)`, time codes t / 0 / 1 in
 * `MINDE.score_forward`. A marginal variable's time code 1 matches what it would be at the end of
 * the diffusion (pure noise, no information), and a condition's 0 says "clean".
 *
 * Pure array code (no TF.js): the training batch and every estimate are assembled here.
 */

/** The role of one variable in one score function. */
export type Role = 'diffused' | 'condition' | 'marginal';

/** Roles of (x, y): a mask picks one score function of the amortised network. */
export type Mask = readonly [Role, Role];

/** s(x_t): x diffused, y marginalised. */
export const MARGINAL_X: Mask = ['diffused', 'marginal'];
/** s(x_t | y): x diffused, y a clean condition. */
export const CONDITIONAL_X: Mask = ['diffused', 'condition'];
/** s(y_t | x). */
export const CONDITIONAL_Y: Mask = ['condition', 'diffused'];
/** s(x_t, y_t): both diffused at the same t. */
export const JOINT: Mask = ['diffused', 'diffused'];

/** MINDE-C or MINDE-J (paper §3: conditional and joint variants). */
export type MindeVariant = 'c' | 'j';

/**
 * The masks trained for each variant, each with its sampling weight. The reference
 * (`SDE.get_masks_training` with `weight_s_functions=True`) repeats each mask once per diffused
 * variable, so the joint score (two diffused) is drawn twice as often as each conditional:
 * C: s(x_t), s(x_t | y) at 1 : 1; J: s(x_t, y_t), s(x_t | y), s(y_t | x) at 2 : 1 : 1.
 */
export const TRAINING_MASKS: Record<MindeVariant, readonly Mask[]> = {
  c: [MARGINAL_X, CONDITIONAL_X],
  j: [JOINT, JOINT, CONDITIONAL_X, CONDITIONAL_Y],
};

/** The time code of a variable with `role` at diffusion time t. */
export function timeCode(role: Role, t: number): number {
  return role === 'diffused' ? t : role === 'condition' ? 0 : 1;
}

/**
 * Writes one row of network input: for each variable, x_t (diffused), x_0 (condition) or
 * zeros (marginal), into `input` [d] at `offset`; and its two time codes into `times` at
 * `timeOffset`. `clean` and `noisy` hold (x, y) concatenated, [d] each, d = dx + dy.
 */
export function writeRow(
  mask: Mask,
  t: number,
  clean: ArrayLike<number>,
  noisy: ArrayLike<number>,
  dx: number,
  dy: number,
  input: Float32Array,
  offset: number,
  times: Float32Array,
  timeOffset: number,
): void {
  for (let v = 0; v < 2; v++) {
    const role = mask[v];
    const from = v === 0 ? 0 : dx;
    const size = v === 0 ? dx : dy;
    for (let j = from; j < from + size; j++) {
      input[offset + j] = role === 'diffused' ? noisy[j] : role === 'condition' ? clean[j] : 0;
    }
    times[timeOffset + v] = timeCode(role, t);
  }
}
