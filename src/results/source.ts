/**
 * Where plots get their data: a directory holding either frame files
 * (`<dir>/<experiment>/manifest.json` + CSVs, e.g. `precomputed/`) or run records
 * (`<dir>/records/<experiment>/...`, a results dir of `mimax run`). Never imports TF.js.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../types.ts';
import { framesFromRecords, type ResultSet, readResultSet } from './io.ts';
import { RECORDS_DIR } from './store.ts';

/** Experiments available in `dir`: frame folders first, then experiments with records. */
export function listExperiments(dir: string): string[] {
  if (!existsSync(dir)) throw new UserError(`results directory ${dir} does not exist`);
  const found = new Set<string>();
  for (const name of readdirSync(dir).sort()) {
    if (name === RECORDS_DIR) continue;
    const sub = join(dir, name);
    if (statSync(sub).isDirectory() && existsSync(join(sub, 'manifest.json'))) found.add(name);
  }
  const records = join(dir, RECORDS_DIR);
  if (existsSync(records)) {
    for (const name of readdirSync(records).sort()) {
      if (statSync(join(records, name)).isDirectory()) found.add(name);
    }
  }
  return [...found];
}

/**
 * Loads one experiment's result set from `dir`: its frame folder `dir/<experiment>/` when it
 * exists, else its records under `dir/records/<experiment>/`. Anything else is a
 * {@link UserError} saying what was looked for.
 */
export function loadResultSet(dir: string, experiment: string): ResultSet {
  const framesDir = join(dir, experiment);
  if (
    existsSync(join(framesDir, 'manifest.json')) ||
    existsSync(join(framesDir, 'evaluations.csv'))
  ) {
    return readResultSet(framesDir);
  }
  if (existsSync(join(dir, RECORDS_DIR, experiment))) {
    const set = framesFromRecords(dir, { experiments: [experiment] }).get(experiment);
    if (set) return set;
  }
  throw new UserError(
    `no results for '${experiment}' in ${dir}: expected frames in ${framesDir}/ ` +
      `(manifest.json, evaluations.csv, ...) or run records in ${join(dir, RECORDS_DIR, experiment)}/`,
  );
}
