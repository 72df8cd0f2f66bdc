/** Range checks for task options: each failure is a `UserError` naming the task and the field. */
import { type Options, UserError } from '../types.ts';

/** `options[key]` as an integer ≥ `min`. */
export function integerOption(options: Options, key: string, min: number, context: string): number {
  const value = options[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UserError(
      `${context}: option '${key}' must be an integer ≥ ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** `options[key]` as a finite number > 0. */
export function positiveOption(options: Options, key: string, context: string): number {
  const value = options[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
    throw new UserError(
      `${context}: option '${key}' must be a finite number > 0, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
