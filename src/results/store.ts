/**
 * The results store: one JSON file per run under `<dir>/records/`, written atomically
 * (temp file + rename) so a reader never sees half a record. Never imports TF.js.
 *
 * Layout: the record with id `critic-impact/mlp.bilinear.infonce/seed-0` lives at
 * `<dir>/records/critic-impact/mlp.bilinear.infonce/seed-0.json` (slashes become folders).
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { UserError } from '../types.ts';
import { RECORD_SCHEMA_VERSION, type RunRecord, type RunStatus } from './schema.ts';

/** A record file that could not be read: truncated JSON, wrong schema version, missing fields. */
export interface CorruptRecord {
  path: string;
  error: string;
}

/** Result of {@link readRecords}. */
export interface ReadRecordsResult {
  /** Valid records, sorted by id. */
  records: RunRecord[];
  /** Files that are not valid records (never silently ignored). */
  corrupt: CorruptRecord[];
}

/** The folder under a results dir that holds the records. */
export const RECORDS_DIR = 'records';

/**
 * Path of a record: `dir/records/<id>.json`. Ids use `/` as separator; `..`, empty segments
 * and absolute ids are refused so a record can never be written outside `dir/records`.
 */
export function recordPath(dir: string, id: string): string {
  const parts = id.split('/');
  if (id === '' || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
    throw new Error(`invalid record id '${id}': expected segments separated by '/'`);
  }
  return `${join(dir, RECORDS_DIR, ...parts)}.json`;
}

/**
 * Writes `record` to {@link recordPath} atomically: the JSON goes to `<path>.tmp-<pid>` first,
 * then is renamed over the final path (rename is atomic on POSIX filesystems). Parent folders
 * are created. Returns the final path.
 */
export function writeRecord(dir: string, record: RunRecord): string {
  const problem = validateRecord(record);
  if (problem) throw new Error(`refusing to write record '${record.id}': ${problem}`);
  const path = recordPath(dir, record.id);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(record, null, 1)}\n`);
    renameSync(tmp, path);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
  return path;
}

/**
 * Why `value` is not a schema-v1 run record, or null if it is. Checks the schema version and
 * the fields every consumer relies on (not the free-form `config`).
 */
export function validateRecord(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not a JSON object';
  }
  const r = value as Record<string, unknown>;
  if (r['schemaVersion'] !== RECORD_SCHEMA_VERSION) {
    return `schemaVersion is ${JSON.stringify(r['schemaVersion'])}, expected ${RECORD_SCHEMA_VERSION}`;
  }
  for (const key of ['id', 'experiment', 'preset', 'updatedAt', 'backend']) {
    if (typeof r[key] !== 'string') return `field '${key}' must be a string`;
  }
  if (!['running', 'ok', 'failed'].includes(r['status'] as string)) {
    return `field 'status' must be running, ok or failed (got ${JSON.stringify(r['status'])})`;
  }
  if (typeof r['seed'] !== 'number') return `field 'seed' must be a number`;
  const cell = r['cell'] as Record<string, unknown> | undefined;
  if (typeof cell !== 'object' || cell === null) return `field 'cell' must be an object`;
  for (const key of ['encoder', 'critic', 'bound', 'sampling']) {
    if (cell[key] !== null && typeof cell[key] !== 'string') {
      return `field 'cell.${key}' must be a string or null`;
    }
  }
  if (cell['target'] !== null && typeof cell['target'] !== 'number') {
    return `field 'cell.target' must be a number or null`;
  }
  if (!Array.isArray(r['evaluations'])) return `field 'evaluations' must be an array`;
  for (const [i, e] of (r['evaluations'] as unknown[]).entries()) {
    if (typeof e !== 'object' || e === null || typeof (e as { step?: unknown }).step !== 'number') {
      return `evaluations[${i}] must be an object with a numeric step`;
    }
  }
  return null;
}

/** All `*.json` files under `root`, recursively, sorted. Temp files are not listed. */
function jsonFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) out.push(path);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/**
 * Reads every record under `dir/records/`. A file that does not parse, has another schema
 * version, or whose id does not match its path is reported in `corrupt`, never dropped silently.
 * A missing `dir/records` gives empty lists.
 */
export function readRecords(dir: string): ReadRecordsResult {
  const root = join(dir, RECORDS_DIR);
  const records: RunRecord[] = [];
  const corrupt: CorruptRecord[] = [];
  for (const path of jsonFiles(root)) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      corrupt.push({ path, error: `invalid JSON: ${(err as Error).message}` });
      continue;
    }
    const problem = validateRecord(value);
    if (problem) {
      corrupt.push({ path, error: problem });
      continue;
    }
    const record = value as RunRecord;
    const expectedId = relative(root, path).slice(0, -'.json'.length).split(sep).join('/');
    if (record.id !== expectedId) {
      corrupt.push({ path, error: `id '${record.id}' does not match its path ('${expectedId}')` });
      continue;
    }
    records.push(record);
  }
  records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { records, corrupt };
}

/** Finished beats unfinished: ok > failed > running. */
const STATUS_RANK: Record<RunStatus, number> = { ok: 2, failed: 1, running: 0 };

/**
 * Which of two versions of the same run to keep: the better status (ok > failed > running),
 * then the newer `updatedAt`, then the one with more evaluations. Returns the winner.
 */
export function preferRecord(a: RunRecord, b: RunRecord): RunRecord {
  const rank = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (rank !== 0) return rank > 0 ? a : b;
  const time = Date.parse(a.updatedAt) - Date.parse(b.updatedAt);
  if (time !== 0 && !Number.isNaN(time)) return time > 0 ? a : b;
  return b.evaluations.length > a.evaluations.length ? b : a;
}

/** Two different versions of one run met during a merge. */
export interface MergeConflict {
  id: string;
  /** The file whose version was kept and the one that lost. */
  kept: string;
  dropped: string;
  /** Why the kept one won, and anything suspicious (e.g. different config hashes). */
  reason: string;
}

/** Result of {@link mergeResultDirs}. */
export interface MergeReport {
  /** Ids copied into `into` (new or replacing an older version). */
  copied: string[];
  /** Ids already present in `into` in an equal or better version. */
  unchanged: string[];
  conflicts: MergeConflict[];
  /** Unreadable records in any of the dirs (including `into`); they are not copied. */
  corrupt: CorruptRecord[];
}

/**
 * Merges the records of `froms` into `into` (e.g. the shards of a Slurm array). For an id
 * present more than once the version kept is chosen by {@link preferRecord}; every case where
 * two versions differ is reported as a conflict. Records are copied with {@link writeRecord}
 * (atomic), so `into` stays readable throughout.
 */
export function mergeResultDirs(into: string, froms: string[]): MergeReport {
  const report: MergeReport = { copied: [], unchanged: [], conflicts: [], corrupt: [] };
  const best = new Map<string, { record: RunRecord; source: string; text: string }>();
  const target = readRecords(into);
  report.corrupt.push(...target.corrupt);
  for (const record of target.records) {
    best.set(record.id, { record, source: into, text: JSON.stringify(record) });
  }
  const fromInto = new Set(best.keys());
  const changed = new Set<string>();
  for (const from of froms) {
    const { records, corrupt } = readRecords(from);
    report.corrupt.push(...corrupt);
    for (const record of records) {
      const text = JSON.stringify(record);
      const current = best.get(record.id);
      if (!current) {
        best.set(record.id, { record, source: from, text });
        changed.add(record.id);
        continue;
      }
      if (current.text === text) continue;
      const winner = preferRecord(current.record, record);
      const newWins = winner === record;
      const kept = newWins ? { record, source: from } : current;
      const lost = newWins
        ? { record: current.record, source: current.source }
        : { record, source: from };
      const notes = [
        kept.record.status !== lost.record.status
          ? `status ${kept.record.status} beats ${lost.record.status}`
          : kept.record.updatedAt !== lost.record.updatedAt
            ? `newer updatedAt (${kept.record.updatedAt} vs ${lost.record.updatedAt})`
            : 'more evaluations or first seen',
      ];
      if (kept.record.configHash !== lost.record.configHash) {
        notes.push(`config hashes differ (${kept.record.configHash} vs ${lost.record.configHash})`);
      }
      report.conflicts.push({
        id: record.id,
        kept: recordPath(kept.source, record.id),
        dropped: recordPath(lost.source, record.id),
        reason: notes.join('; '),
      });
      if (newWins) {
        best.set(record.id, { record, source: from, text });
        changed.add(record.id);
      }
    }
  }
  for (const [id, { record, source }] of [...best.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (changed.has(id) && source !== into) {
      writeRecord(into, record);
      report.copied.push(id);
    } else if (fromInto.has(id)) {
      report.unchanged.push(id);
    }
  }
  return report;
}

/**
 * Throws a `UserError` unless `dir` is a results directory: an existing directory with a
 * `records/` folder (what `mimax run --out DIR` writes). `role` names it in the message
 * (e.g. `merge source`), so a typo in a path is an error, not an empty merge.
 */
export function assertResultsDir(dir: string, role: string): void {
  if (!existsSync(dir)) throw new UserError(`${role} '${dir}' does not exist`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${role} '${dir}' is not a directory`);
  const records = join(dir, RECORDS_DIR);
  if (!existsSync(records) || !statSync(records).isDirectory()) {
    throw new UserError(
      `${role} '${dir}' is not a results directory (no ${RECORDS_DIR}/ folder; mimax run --out DIR writes one)`,
    );
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The human summary of a merge: one line of counts, then one line per conflict (the kept and
 * the dropped file, and why) and per corrupt record (its path and what is wrong).
 */
export function describeMerge(report: MergeReport, into: string, sources: number): string[] {
  const lines = [
    `merged ${sources} ${sources === 1 ? 'directory' : 'directories'} into ${into}: ` +
      `${report.copied.length} copied, ${report.unchanged.length} unchanged, ` +
      `${plural(report.conflicts.length, 'conflict')}, ${report.corrupt.length} corrupt`,
  ];
  for (const c of report.conflicts) {
    lines.push(`conflict ${c.id}: kept ${c.kept}, dropped ${c.dropped} (${c.reason})`);
  }
  for (const c of report.corrupt) lines.push(`corrupt (not copied) ${c.path}: ${c.error}`);
  return lines;
}

/** Error codes of a directory that cannot take a record (read-only, no permission, full). */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EEXIST']);

/**
 * Throws a `UserError` naming the directory and the system's error code (EACCES, EROFS,
 * ENOSPC, ...) unless a record can be written under `dir/records/`: creates the folder and
 * writes, then removes, a small probe file. Called before any run starts, so an unwritable
 * output directory fails at once and leaves no partial record (a full disk found later fails
 * the run, and {@link writeRecord} removes its temp file).
 */
export function assertWritableResultsDir(dir: string): void {
  const probe = join(dir, RECORDS_DIR, `.write-test-${process.pid}`);
  try {
    mkdirSync(join(dir, RECORDS_DIR), { recursive: true });
    writeFileSync(probe, 'mimax: can a record be written here?\n');
    unlinkSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!UNWRITABLE.has(code)) throw err;
    if (existsSync(probe)) unlinkSync(probe);
    throw new UserError(
      `cannot write records to the results directory '${dir}' (${code}): ${(err as Error).message}`,
    );
  }
}
