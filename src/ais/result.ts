/**
 * The result of one bound method on N simulated pairs, and how per-point values become MI
 * bounds with confidence intervals.
 */

/** Bounds on I(X; Z) from per-point bounds on log p(x_i). */
export interface MiBounds {
  /** Per data point: a stochastic lower bound on log p(x_i) (gives the MI UPPER bound). [N] */
  logpxLower: Float64Array;
  /** Per data point: a stochastic upper bound on log p(x_i) (gives the MI LOWER bound). [N] */
  logpxUpper: Float64Array;
  /** log p(x_i | z_i) at the simulated (true) z_i, per point. [N] */
  logLik: Float64Array;
  /** mean_i (logLik_i − logpxUpper_i): a lower bound on I(X; Z) in expectation (nats). */
  miLower: number;
  /** mean_i (logLik_i − logpxLower_i): an upper bound on I(X; Z) in expectation (nats). */
  miUpper: number;
  /** 95 % CI half-width of `miLower` over `groups` groups of data points (t quantile). */
  ciLower: number;
  /** 95 % CI half-width of `miUpper`, as `ciLower`. */
  ciUpper: number;
  /** How many contiguous groups of data points the CIs are computed over. */
  groups: number;
  /**
   * Wall-clock seconds of the method, its own training included (GIWAE's critic); the learned
   * proposal q is excluded (trained once per model × seed and shared by the q-methods:
   * `diagnostics.proposalSeconds`).
   */
  seconds: number;
  /**
   * Method-specific numbers: AIS `acceptance` (mean HMC acceptance rate), `stepSize` (final,
   * mean over points), `msPerTransition`; `proposalSeconds`; GIWAE `criticSeconds`.
   */
  diagnostics: { [key: string]: number };
}
