/**
 * Options as plain data: start from defaults, override a few fields; an unknown key or a value
 * of the wrong type is a `UserError` that names the field and what was expected.
 */
import { type Json, type Options, UserError } from './types.ts';

function typeName(value: Json | undefined): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function sameShape(expected: Json, value: Json): boolean {
  if (expected === null) return true; // null default: any value (e.g. an optional target)
  if (Array.isArray(expected)) {
    if (!Array.isArray(value)) return false;
    // An empty or null-holding default array accepts any elements (e.g. targets: [null] → [2, 4]).
    const proto = expected.find((v) => v !== null);
    return proto === undefined || value.every((v) => v === null || typeName(v) === typeName(proto));
  }
  return typeName(expected) === typeName(value);
}

/**
 * `defaults` overridden by `given`. `context` names the owner in errors, e.g. `encoder 'mlp'`.
 * Nested objects are merged field by field.
 */
export function resolveOptions<T extends Options>(
  defaults: T,
  given: Options | undefined,
  context: string,
): T {
  const out: Options = { ...defaults };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!(key in defaults)) {
      const valid = Object.keys(defaults);
      throw new UserError(
        `${context}: unknown option '${key}'; valid options: ${valid.length ? valid.join(', ') : '(none)'}`,
      );
    }
    const expected = defaults[key];
    if (value !== null && !sameShape(expected, value)) {
      const want = Array.isArray(expected)
        ? `array of ${expected.length ? typeName(expected[0]) : 'values'}`
        : typeName(expected);
      throw new UserError(
        `${context}: option '${key}' must be ${want}, got ${typeName(value)} (${JSON.stringify(value)})`,
      );
    }
    if (
      expected !== null &&
      typeof expected === 'object' &&
      !Array.isArray(expected) &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      out[key] = resolveOptions(expected as Options, value as Options, `${context}.${key}`);
    } else {
      out[key] = value;
    }
  }
  return out as T;
}
