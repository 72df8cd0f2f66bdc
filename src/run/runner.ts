/**
 * The run pool: executes a list of runs in worker processes (`jobs` at a time; the wasm
 * backend is single-threaded, so parallelism is across processes), skipping runs whose
 * record is already finished, and rerunning unfinished or corrupt ones. Every run writes its
 * own record (see `execute.ts`), so shards of a job array never collide.
 *
 * Resume rules: a record with status `ok` is skipped; `failed` is skipped unless
 * `retryFailed` (a NaN run would fail again); `running` (interrupted) runs continue from their
 * last checkpoint (`execute.ts`; from step 0 when there is none, saying why), corrupt records are
 * rerun from the start; `force` reruns everything from step 0. A record whose config hash differs from
 * the run's is a conflict: refused unless `force`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KeepCheckpoints } from '../results/checkpoints.ts';
import type { RunRecord } from '../results/schema.ts';
import {
  assertWritableResultsDir,
  readRecords,
  recordPath,
  writeRecord,
} from '../results/store.ts';
import { UserError } from '../types.ts';
import type { Progress } from './execute.ts';
import type { RunSpec } from './grid.ts';
import { createProgress, formatSeconds, type ProgressDisplay } from './progress.ts';

export interface PoolOptions {
  runs: RunSpec[];
  resultsDir: string;
  /** Worker processes. Default: cores. */
  jobs: number;
  /** Backend name for the workers (already validated by the caller). */
  backend: string;
  force?: boolean;
  retryFailed?: boolean;
  /** Checkpoints each run keeps (`--keep-checkpoints`). Default `last`. */
  keepCheckpoints?: KeepCheckpoints;
  /** Where progress goes. Default process.stderr. */
  progressStream?: NodeJS.WriteStream;
  /** Non-TTY progress interval. Default 30 s. */
  progressSeconds?: number;
  /** Aborts the pool (e.g. wired to SIGINT by the CLI). */
  signal?: AbortSignal;
}

/** Worker processes of every pool in this process that have not exited yet. */
const liveWorkers = new Set<ChildProcess>();

/**
 * SIGKILLs every live worker (a second Ctrl-C). A worker in a long synchronous step (an AIS
 * chain, a big IWAE) runs no event handler, so neither a 'stop' message nor its parent's exit
 * reaches it: only a signal that cannot be handled does. Its record stays `running` and the
 * run resumes from its last checkpoint next time.
 */
export function killWorkers(): void {
  for (const child of liveWorkers) child.kill('SIGKILL');
}

export interface RunOutcome {
  id: string;
  status: 'ok' | 'failed' | 'stopped' | 'skipped';
  error?: string;
  accuracy: number | null;
  bound: number | null;
  seconds: number;
}

export interface PoolSummary {
  outcomes: RunOutcome[];
  ok: number;
  failed: number;
  skipped: number;
  stopped: number;
  corrupt: { path: string; error: string }[];
  seconds: number;
}

/** Which runs need executing, given the records already in `resultsDir`. */
export function planRuns(
  runs: RunSpec[],
  existing: Map<string, RunRecord>,
  options: { force?: boolean; retryFailed?: boolean },
): { todo: RunSpec[]; skipped: RunSpec[] } {
  const conflicts: string[] = [];
  const todo: RunSpec[] = [];
  const skipped: RunSpec[] = [];
  for (const run of runs) {
    const record = existing.get(run.id);
    if (!record || options.force) {
      todo.push(run);
      continue;
    }
    if (record.configHash !== run.configHash) {
      conflicts.push(run.id);
      continue;
    }
    if (record.status === 'ok' || (record.status === 'failed' && !options.retryFailed))
      skipped.push(run);
    else todo.push(run);
  }
  if (conflicts.length) {
    throw new UserError(
      `the results directory holds records of a different config for ${conflicts.length} run(s) ` +
        `(e.g. ${conflicts[0]}); rerun them with --force, or choose another --out`,
    );
  }
  return { todo, skipped };
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

interface Worker {
  index: number;
  child: ChildProcess;
  current: RunSpec | null;
  ready: boolean;
}

/** Runs the pool to the end (or until aborted) and returns what happened to every run. */
export async function runPool(options: PoolOptions): Promise<PoolSummary> {
  const started = Date.now();
  // A read-only or full output directory is a clear error before any worker starts.
  assertWritableResultsDir(options.resultsDir);
  const { records, corrupt } = readRecords(options.resultsDir);
  const existing = new Map(records.map((r) => [r.id, r]));
  const { todo, skipped } = planRuns(options.runs, existing, options);
  const outcomes: RunOutcome[] = skipped.map((run) => {
    const record = existing.get(run.id)!;
    const last = record.evaluations.at(-1);
    return {
      id: run.id,
      status: 'skipped',
      accuracy: last?.accuracy ?? null,
      bound: last?.testBound ?? last?.trainBound ?? null,
      seconds: record.seconds,
      ...(record.status === 'failed'
        ? { error: `previously failed: ${record.error?.message}` }
        : {}),
    };
  });
  const display: ProgressDisplay = createProgress(
    options.progressStream ?? process.stderr,
    options.progressSeconds ?? 30,
  );
  const queue = [...todo];
  const total = options.runs.length;
  let finished = outcomes.length;
  display.setTotals(finished, total);
  let stopping = false;

  await new Promise<void>((resolve) => {
    const workers: Worker[] = [];
    const jobs = Math.max(1, Math.min(options.jobs, queue.length));
    const maybeDone = () => {
      if (workers.every((w) => w.current === null) && (queue.length === 0 || stopping)) {
        for (const w of workers) if (w.child.connected) w.child.disconnect();
        resolve();
      }
    };
    const record = (outcome: RunOutcome, worker: number) => {
      outcomes.push(outcome);
      finished++;
      display.setTotals(finished, total);
      const detail =
        outcome.status === 'failed'
          ? `failed: ${outcome.error}`
          : `${outcome.status}${outcome.accuracy === null ? '' : ` acc ${outcome.accuracy.toFixed(3)}`}${
              outcome.bound === null ? '' : ` I ${outcome.bound.toFixed(3)}`
            } (${formatSeconds(outcome.seconds)})`;
      display.finished(worker, `[${finished}/${total}] ${outcome.id}: ${detail}`);
    };
    const dispatch = (worker: Worker) => {
      const next = stopping ? undefined : queue.shift();
      if (!next) {
        worker.current = null;
        maybeDone();
        return;
      }
      worker.current = next;
      worker.child.send({
        type: 'run',
        spec: next,
        resultsDir: options.resultsDir,
        keepCheckpoints: options.keepCheckpoints ?? 'last',
        resume: !options.force,
      });
    };
    const spawn = (index: number): Worker => {
      const child = fork(WORKER, [], {
        execArgv: ['--import', TSX],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      liveWorkers.add(child);
      child.on('exit', () => liveWorkers.delete(child));
      const worker: Worker = { index, child, current: null, ready: false };
      child.on('message', (message: { type: string; [k: string]: unknown }) => {
        if (message.type === 'ready') {
          worker.ready = true;
          dispatch(worker);
        } else if (message.type === 'note') {
          display.finished(-1, String(message.line));
        } else if (message.type === 'progress') {
          display.update(index, message.progress as Progress);
        } else if (message.type === 'done') {
          const status = message.status as RunOutcome['status'];
          record(
            {
              id: message.id as string,
              status,
              accuracy: (message.accuracy as number | null) ?? null,
              bound: (message.bound as number | null) ?? null,
              seconds: (message.seconds as number) ?? 0,
              ...(message.error ? { error: (message.error as { message: string }).message } : {}),
            },
            index,
          );
          worker.current = null;
          dispatch(worker);
        } else if (message.type === 'fatal') {
          failCurrent(worker, String(message.message));
          child.kill();
        }
      });
      child.on('exit', (code, signal) => {
        if (worker.current)
          failCurrent(worker, `worker process exited (${signal ?? `code ${code}`})`);
        const position = workers.indexOf(worker);
        if (position >= 0) workers.splice(position, 1);
        if (!stopping && queue.length > 0 && workers.length < jobs) {
          const replacement = spawn(index);
          workers.push(replacement);
        }
        maybeDone();
      });
      child.send({
        type: 'init',
        backend: options.backend,
        modules: options.runs[0]?.modules ?? [],
      });
      return worker;
    };
    // A run whose worker died: its record (written after every evaluation) is marked failed.
    const failCurrent = (worker: Worker, message: string) => {
      const run = worker.current;
      if (!run) return;
      worker.current = null;
      if (stopping) {
        record(
          { id: run.id, status: 'stopped', accuracy: null, bound: null, seconds: 0 },
          worker.index,
        );
        return;
      }
      const previous = readOneRecord(options.resultsDir, run.id);
      if (previous) {
        previous.status = 'failed';
        previous.error = { message };
        previous.updatedAt = new Date().toISOString();
        writeRecord(options.resultsDir, previous);
      }
      record(
        { id: run.id, status: 'failed', error: message, accuracy: null, bound: null, seconds: 0 },
        worker.index,
      );
    };
    options.signal?.addEventListener('abort', () => {
      if (stopping) {
        for (const w of workers) w.child.kill('SIGKILL');
        return;
      }
      stopping = true;
      display.finished(
        -1,
        'stopping: finishing the current steps (Ctrl-C again to kill); finished evaluations are kept',
      );
      for (const w of workers) if (w.child.connected) w.child.send({ type: 'stop' });
      maybeDone();
    });
    if (queue.length === 0) {
      resolve();
      return;
    }
    for (let i = 0; i < jobs; i++) workers.push(spawn(i));
  });
  display.close();
  const count = (s: RunOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return {
    outcomes,
    ok: count('ok'),
    failed: count('failed'),
    skipped: count('skipped'),
    stopped: count('stopped'),
    corrupt,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The record of one run, or null if absent or unreadable. */
function readOneRecord(dir: string, id: string): RunRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(dir, id), 'utf8')) as RunRecord;
  } catch {
    return null;
  }
}
