/**
 * Frame files on disk: one folder per experiment with `evaluations.csv`, `conditions.csv`,
 * `traces.csv`, `runs.csv` and `manifest.json` (provenance). This is the format of
 * `precomputed/<experiment>/`. Never imports TF.js.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../types.ts';
import { csvToFrame, frameToCsv } from './csv.ts';
import {
  FRAME_COLUMNS,
  FRAME_NAMES,
  type FrameOptions,
  type Frames,
  OPTIONAL_FRAMES,
  recordsToFrames,
  tableFromRows,
} from './frames.ts';
import type { RunRecord } from './schema.ts';
import { readRecords } from './store.ts';

export const MANIFEST_SCHEMA_VERSION = 1;

/** Provenance of one experiment's result set (`manifest.json`). */
export interface Manifest {
  schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  experiment: string;
  /** Preset of the runs; several distinct presets are joined with `,` (a warning sign). */
  preset: string;
  /** Distinct seeds present, ascending. */
  seeds: number[];
  /** Backend(s) the runs used, joined with `,` when several. */
  backend: string;
  /** Versions (mimax, node, TF.js, ...) of the most recently updated record. */
  versions: Record<string, string>;
  /** Distinct sweep config hashes (more than one means mixed configs). */
  configHashes: string[];
  /** ISO date the frames were written. */
  date: string;
  /** The command that produced the result set, when known. */
  command: string | null;
  /** Run counts by status; `requested` is the number of records. */
  runs: { requested: number; ok: number; failed: number; running: number };
  /**
   * Constants of the experiment worth plotting (e.g. `trueMI`, `logK`): those on which every
   * record that has them agrees. A per-run value (an AIS run's acceptance) stays in its record
   * and the frames; it is not an experiment constant.
   */
  constants: Record<string, number>;
  /** Trace downsampling used (see {@link FrameOptions}). */
  traceEvery: number;
  traceReduce: 'mean' | 'sample';
}

/** Options of {@link writeFrames} and {@link framesFromRecords}. */
export interface WriteFramesOptions extends FrameOptions {
  /** Recorded in the manifest. Default null. */
  command?: string | null;
  /** Only these experiments. Default: every experiment with records. */
  experiments?: readonly string[];
  /** Manifest date. Default: now. */
  date?: string;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The constants every record that has them agrees on (exact equality). */
export function sharedConstants(records: readonly RunRecord[]): Record<string, number> {
  const values = new Map<string, Set<number>>();
  for (const r of records)
    for (const [k, v] of Object.entries(r.constants ?? {}))
      values.set(k, (values.get(k) ?? new Set<number>()).add(v));
  return Object.fromEntries(
    [...values].filter(([, vs]) => vs.size === 1).map(([k, vs]) => [k, [...vs][0] as number]),
  );
}

/** The manifest of one experiment's records. */
export function manifestOf(
  experiment: string,
  records: readonly RunRecord[],
  options: WriteFramesOptions = {},
): Manifest {
  const latest = [...records].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))[0];
  const constants = sharedConstants(records);
  const count = (s: string) => records.filter((r) => r.status === s).length;
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    experiment,
    preset: unique(records.map((r) => r.preset)).join(','),
    seeds: unique(records.map((r) => r.seed)).sort((a, b) => a - b),
    backend: unique(records.map((r) => r.backend)).join(','),
    versions: latest?.versions ?? {},
    configHashes: unique(records.map((r) => r.configHash)),
    date: options.date ?? new Date().toISOString(),
    command: options.command ?? null,
    runs: {
      requested: records.length,
      ok: count('ok'),
      failed: count('failed'),
      running: count('running'),
    },
    constants,
    traceEvery: options.traceEvery ?? 100,
    traceReduce: options.traceReduce ?? 'mean',
  };
}

/** An experiment's frames with their provenance. */
export interface ResultSet {
  frames: Frames;
  manifest: Manifest;
}

/**
 * Reads the records of `resultsDir` and builds one result set per experiment, in memory.
 * Corrupt records are a {@link UserError} listing them (never silently dropped).
 */
export function framesFromRecords(
  resultsDir: string,
  options: WriteFramesOptions = {},
): Map<string, ResultSet> {
  const { records, corrupt } = readRecords(resultsDir);
  if (corrupt.length) {
    throw new UserError(
      `corrupt run records in ${resultsDir} (fix or move them away):\n` +
        corrupt.map((c) => `  ${c.path}: ${c.error}`).join('\n'),
    );
  }
  const experiments = options.experiments ?? unique(records.map((r) => r.experiment)).sort();
  const out = new Map<string, ResultSet>();
  for (const experiment of experiments) {
    const mine = records.filter((r) => r.experiment === experiment);
    if (mine.length === 0) continue;
    out.set(experiment, {
      frames: recordsToFrames(mine, options),
      manifest: manifestOf(experiment, mine, options),
    });
  }
  return out;
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes one result set to `dir` (the four CSVs and `manifest.json`). Returns the paths. */
export function writeResultSet(dir: string, set: ResultSet): string[] {
  const written: string[] = [];
  for (const name of FRAME_NAMES) {
    const frame = set.frames[name];
    // An optional frame with no rows is not written (result sets stay as they were before it).
    if (OPTIONAL_FRAMES.includes(name) && frame.numRows() === 0) continue;
    const path = join(dir, `${name}.csv`);
    writeAtomic(path, frameToCsv(frame, FRAME_COLUMNS[name]));
    written.push(path);
  }
  const path = join(dir, 'manifest.json');
  writeAtomic(path, `${JSON.stringify(set.manifest, null, 2)}\n`);
  written.push(path);
  return written;
}

/**
 * Builds the frame files of every experiment in the results dir `resultsDir` (records under
 * `resultsDir/records/`) into `outDir/<experiment>/`. Returns the written paths.
 */
export function writeFrames(
  resultsDir: string,
  outDir: string,
  options: WriteFramesOptions = {},
): string[] {
  const sets = framesFromRecords(resultsDir, options);
  if (sets.size === 0) {
    throw new UserError(`no run records under ${join(resultsDir, 'records')}`);
  }
  return [...sets].flatMap(([experiment, set]) => writeResultSet(join(outDir, experiment), set));
}

function validateManifest(value: unknown, where: string): Manifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${where}: not a JSON object`);
  }
  const m = value as Record<string, unknown>;
  if (m['schemaVersion'] !== MANIFEST_SCHEMA_VERSION) {
    throw new UserError(
      `${where}: schemaVersion is ${JSON.stringify(m['schemaVersion'])}, expected ${MANIFEST_SCHEMA_VERSION}`,
    );
  }
  for (const key of ['experiment', 'preset', 'backend', 'date']) {
    if (typeof m[key] !== 'string')
      throw new UserError(`${where}: field '${key}' must be a string`);
  }
  if (!Array.isArray(m['seeds'])) throw new UserError(`${where}: field 'seeds' must be an array`);
  const runs = m['runs'] as Record<string, unknown> | undefined;
  if (typeof runs !== 'object' || runs === null || typeof runs['requested'] !== 'number') {
    throw new UserError(`${where}: field 'runs' must be {requested, ok, failed, running}`);
  }
  return {
    versions: {},
    configHashes: [],
    command: null,
    constants: {},
    traceEvery: 1,
    traceReduce: 'mean',
    ...(m as object),
  } as unknown as Manifest;
}

/**
 * Reads a result set written by {@link writeResultSet} from `dir`. A missing file, a missing
 * column, a malformed value or a bad manifest is a {@link UserError} naming the file.
 */
export function readResultSet(dir: string): ResultSet {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new UserError(`missing ${manifestPath} (frames are written by writeFrames / mimax run)`);
  }
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new UserError(`${manifestPath}: invalid JSON: ${(err as Error).message}`);
  }
  const manifest = validateManifest(manifestJson, manifestPath);
  const frames = {} as Frames;
  for (const name of FRAME_NAMES) {
    const path = join(dir, `${name}.csv`);
    if (!existsSync(path) && OPTIONAL_FRAMES.includes(name)) {
      frames[name] = tableFromRows(FRAME_COLUMNS[name], []);
      continue;
    }
    if (!existsSync(path)) {
      throw new UserError(`missing frame file ${path} (expected next to ${manifestPath})`);
    }
    frames[name] = csvToFrame(readFileSync(path, 'utf8'), FRAME_COLUMNS[name], path);
  }
  return { frames, manifest };
}
