/**
 * Exponential moving average of a model's weights, used for MINDE's estimates (reference:
 * github.com/MustaphaBounoua/minde `src/libs/util.py` `EMA`, decay 0.999 in `minde.py`, updated
 * after every training step):
 *
 *   θ̄ ← δ θ̄ + (1 − δ) θ,   δ = min(decay, (1 + n)/(10 + n)) after n previous updates.
 *
 * The warm-up term (1 + n)/(10 + n) is TensorFlow's `ExponentialMovingAverage(num_updates=…)`
 * rule; the reference uses a constant decay over ~10⁵ steps, but at a CPU budget of a few
 * thousand steps a constant 0.999 would still carry e^{−3} ≈ 5 % of the random initial weights
 * after 3,000 steps. With the warm-up the average forgets the initialization in ~10 steps and
 * reaches the full decay after ~9,000.
 *
 * Kept in JS arrays beside the parameters (`parameters.ts`), so an update costs no TF.js ops.
 */

/** The decay applied at update number `n` (0-based). */
export function emaDecay(decay: number, n: number): number {
  return Math.min(decay, (1 + n) / (10 + n));
}

/** Moving averages of some parameter arrays (copies of their initial values). */
export class WeightAverage {
  readonly averages: Float32Array[];
  private updates = 0;

  constructor(
    initial: readonly Float32Array[],
    readonly decay: number,
  ) {
    this.averages = initial.map((v) => Float32Array.from(v));
  }

  /** Updates so far (the warm-up's n), for a checkpoint. */
  get updateCount(): number {
    return this.updates;
  }

  /** Continues from a checkpoint: `updates` so far (the averages are restored in place). */
  setUpdateCount(updates: number): void {
    this.updates = updates;
  }

  /** θ̄ ← δ θ̄ + (1 − δ) θ for every array (δ as {@link emaDecay}); `current` as in the constructor. */
  update(current: readonly Float32Array[]): void {
    const d = emaDecay(this.decay, this.updates++);
    for (const [i, avg] of this.averages.entries()) {
      const v = current[i];
      for (let j = 0; j < avg.length; j++) avg[j] = d * avg[j] + (1 - d) * v[j];
    }
  }
}
