/**
 * ψ(x) lives in `src/special.ts` (with ln Γ and the normal CDF), below every layer, so that the
 * tasks (Student-t's closed-form MI) use it without importing from the estimators.
 */
export { digamma } from '../special.ts';
