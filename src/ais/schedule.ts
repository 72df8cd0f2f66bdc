/**
 * Annealing schedules β_0 = 0 < β_1 < … < β_T = 1 (T + 1 points, T steps).
 *
 * `sigmoid` is the schedule of Grosse, Ghahramani & Adams (2015, "Sandwiching the marginal
 * likelihood using bidirectional Monte Carlo") as their BDMC code and the AIS code of Wu et al.
 * (2017) and Huang et al. write it: t_j = −δ + 2δ·j/T (j = 0..T, evenly spaced in [−δ, δ]),
 * s_j = σ(t_j), β_j = (s_j − s_0) / (s_T − s_0), with δ = 4 (their `rad=4`). It spends more
 * steps near β = 0 and β = 1, where the intermediate distributions change fastest. With T = 1
 * it is [0, 1] (AIS without transitions = importance sampling).
 */

/** The T + 1 inverse temperatures of `kind` (`sigmoid` with radius δ, or `linear`). */
export function annealingSchedule(steps: number, kind: string, radius = 4): Float64Array {
  const betas = new Float64Array(steps + 1);
  if (kind === 'linear') {
    for (let j = 0; j <= steps; j++) betas[j] = j / steps;
  } else if (kind === 'sigmoid') {
    const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
    const s0 = sigmoid(-radius);
    const sT = sigmoid(radius);
    for (let j = 0; j <= steps; j++) {
      betas[j] = (sigmoid(-radius + (2 * radius * j) / steps) - s0) / (sT - s0);
    }
  } else {
    throw new Error(`annealingSchedule: unknown kind '${kind}'`);
  }
  betas[0] = 0; // exact ends, whatever the rounding
  betas[steps] = 1;
  return betas;
}
