/**
 * Finding an experiment: a built-in id, or a user file (`./my-experiment.ts`) whose default
 * export (or `experiment` export) is an `ExperimentDefinition`. Importing the file runs its
 * registrations (`registerEncoder(...)`), in the CLI and again in every worker.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../types.ts';
import type { ExperimentDefinition } from './experiment.ts';

export interface LoadedExperiment {
  definition: ExperimentDefinition;
  /** Absolute paths of user modules the workers must import too. */
  modules: string[];
}

/** True if the argument names a file rather than a built-in id. */
export function looksLikeFile(arg: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(arg) || arg.includes('/');
}

function checkDefinition(value: unknown, file: string): ExperimentDefinition {
  const d = value as Partial<ExperimentDefinition> | undefined;
  const missing = ['id', 'title', 'paper', 'loop', 'figures', 'base', 'presets'].filter(
    (k) => d === undefined || d === null || !(k in d),
  );
  if (missing.length) {
    throw new UserError(
      `${file}: the default export (or 'experiment' export) must be an ExperimentDefinition; missing: ${missing.join(', ')}`,
    );
  }
  return d as ExperimentDefinition;
}

/** Loads a built-in experiment or a user file. */
export async function loadExperiment(
  arg: string,
  builtin: Record<string, ExperimentDefinition>,
): Promise<LoadedExperiment> {
  if (!looksLikeFile(arg)) {
    const definition = builtin[arg];
    if (!definition) {
      throw new UserError(
        `unknown experiment '${arg}'; valid experiments: ${Object.keys(builtin).join(', ')} (or a path to your own .ts file)`,
      );
    }
    return { definition, modules: [] };
  }
  const path = resolve(arg);
  if (!existsSync(path)) throw new UserError(`experiment file ${arg} does not exist`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${arg}: failed to load: ${(error as Error).message}`);
  }
  const definition = checkDefinition(module.default ?? module.experiment, arg);
  return { definition, modules: [path] };
}
