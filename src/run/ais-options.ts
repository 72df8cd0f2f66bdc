/**
 * Options of the `ais` loop (experiment `ais-mi`): the loop's own (`config.loop`) and the
 * method size a frame plots (K of IWAE and GIWAE, T of AIS). Plain data and checks only; never
 * imports TF.js (experiment files and the frame maths import it).
 */
import { resolveOptions } from '../options.ts';
import { type Options, UserError } from '../types.ts';

/** Options of the `ais` loop (`config.loop`), each documented in `AIS_LOOP_DEFAULTS`. */
export interface AisLoopOptions {
  [key: string]: number;
  samples: number;
  collapseAcceptance: number;
}

export const AIS_LOOP_DEFAULTS: AisLoopOptions = {
  /**
   * Simulated pairs (x_i, z_i) ~ p(z) p(x | z) per run (issue 18: N = 128). Every method of a
   * model × seed sees the same pairs (seed `data`).
   */
  samples: 128,
  /**
   * A run whose mean HMC acceptance rate falls below this is flagged as collapsed (record
   * `constants.acceptanceCollapsed = 1`, named in the figure caption); its bounds are kept.
   * The step size adapts toward 0.65 (Brekelmans et al. 2022), so a mean under 0.1 means the
   * adaptation failed (e.g. the step size shrank to nothing on a sharp posterior).
   */
  collapseAcceptance: 0.1,
};

/** `config.loop` resolved and range-checked; `context` names the experiment in errors. */
export function aisLoopOptions(loop: Options, context: string): AisLoopOptions {
  const o = resolveOptions(
    AIS_LOOP_DEFAULTS as unknown as Options,
    loop,
    context,
  ) as AisLoopOptions;
  if (!Number.isInteger(o.samples) || o.samples < 2) {
    throw new UserError(
      `${context}: option 'samples' must be an integer ≥ 2 (N pairs; the CIs need two groups), got ${JSON.stringify(o.samples)}`,
    );
  }
  if (!(o.collapseAcceptance >= 0 && o.collapseAcceptance < 1)) {
    throw new UserError(
      `${context}: option 'collapseAcceptance' must be in [0, 1), got ${JSON.stringify(o.collapseAcceptance)}`,
    );
  }
  return o;
}

/** The option a method's size is: K (importance samples) or T (annealing steps). */
export function methodSizeField(method: string): 'K' | 'T' {
  return method.startsWith('ais') ? 'T' : 'K';
}
