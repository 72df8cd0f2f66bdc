/**
 * Typed name → entry registries (encoders, critics, bounds). An unknown name is a `UserError`
 * listing the valid ones; registering a name twice is an error too (no silent shadowing).
 */
import { UserError } from './types.ts';

export interface RegistryEntry {
  /** One line for `mimax list`. */
  description: string;
}

export class Registry<E extends RegistryEntry> {
  private readonly entries = new Map<string, E>();

  /** `kind` names the registry in errors, e.g. `encoder`. */
  constructor(readonly kind: string) {}

  register(name: string, entry: E): void {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new UserError(`${this.kind} name '${name}' must be lowercase kebab-case`);
    }
    if (this.entries.has(name)) throw new UserError(`${this.kind} '${name}' is already registered`);
    this.entries.set(name, entry);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): E {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new UserError(
        `unknown ${this.kind} '${name}'; valid ${this.kind}s: ${this.names().join(', ')}`,
      );
    }
    return entry;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  list(): [string, E][] {
    return [...this.entries.entries()];
  }
}
