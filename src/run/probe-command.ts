/**
 * `mimax probe RESULTS_DIR --run ID [--step S] [--set probe.KEY=VALUE]`: reruns the linear
 * probe on an encoder saved in a run's checkpoint (sweep: g1; adversarial: its encoder), on the
 * run's own data and probe inputs (the same fresh noise of that step as the run's evaluation),
 * prints the accuracy and writes it to `<dir>/probes/<run id>/step-<S>.json`, beside the record
 * and never into it (the record's evaluation stays the original). A probe with `--set` options
 * writes its own file, named after them (`step-<S>.solver=saga.json`), so that probes of one
 * step with different options do not overwrite each other.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encoderFromCheckpoint } from '../encoders/load.ts';
import {
  type Checkpoint,
  checkpointSteps,
  readCheckpoint,
  runCheckpointDir,
  stepCheckpointDir,
} from '../results/checkpoints.ts';
import type { RunRecord } from '../results/schema.ts';
import { assertResultsDir, recordPath } from '../results/store.ts';
import { type Options, UserError } from '../types.ts';
import { probeSavedEncoder } from './execute.ts';
import { deepMerge, parseSet, type RunConfig } from './grid.ts';

export interface ProbeCommandOptions {
  resultsDir: string;
  runId: string;
  /** Checkpoint step; default the newest. */
  step?: number;
  /** `probe.KEY=VALUE` assignments over the run's probe options. */
  set: string[];
  backend: string;
  versions: Record<string, string>;
}

export interface ProbeCommandResult {
  runId: string;
  step: number;
  accuracy: number;
  /** The run's own accuracy at that step, if it evaluated there. */
  recordedAccuracy: number | null;
  probe: Options;
  path: string;
}

export function probeCommand(options: ProbeCommandOptions): ProbeCommandResult {
  const { resultsDir, runId } = options;
  assertResultsDir(resultsDir, 'results directory');
  let record: RunRecord;
  const path = recordPath(resultsDir, runId);
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch {
    throw new UserError(
      `no readable record of run '${runId}' (${path}); mimax probe needs a run id as in records/`,
    );
  }
  const config = record.config as unknown as RunConfig;
  if (!['sweep', 'adversarial'].includes(config.loop)) {
    throw new UserError(
      `run '${runId}' is a ${config.loop} run: only sweep and adversarial runs have an encoder to probe`,
    );
  }
  const steps = checkpointSteps(resultsDir, runId);
  if (steps.length === 0) {
    throw new UserError(
      `run '${runId}' has no checkpoint in ${runCheckpointDir(resultsDir, runId)} (written by mimax run unless --keep-checkpoints none)`,
    );
  }
  const step = options.step ?? steps.at(-1)!;
  if (!steps.includes(step)) {
    throw new UserError(
      `run '${runId}' has no checkpoint of step ${step} (${stepCheckpointDir(resultsDir, runId, step)}); ` +
        `its checkpoints: steps ${steps.join(', ')} (mimax run --keep-checkpoints all keeps every evaluation's)`,
    );
  }
  const checkpoint: Checkpoint = readCheckpoint(stepCheckpointDir(resultsDir, runId, step));
  if (checkpoint.info.configHash !== record.configHash || checkpoint.info.runId !== runId) {
    throw new UserError(
      `checkpoint ${checkpoint.dir} is of another config (hash ${checkpoint.info.configHash}, run ${checkpoint.info.runId}) ` +
        `than the record ${path} (hash ${record.configHash}); rerun the run (mimax run ... --force) to get matching ones`,
    );
  }
  let probe = (config.probe ?? {}) as Options;
  for (const assignment of options.set) {
    const parsed = parseSet(assignment);
    const keys = Object.keys(parsed);
    if (keys.length !== 1 || keys[0] !== 'probe' || typeof parsed['probe'] !== 'object') {
      throw new UserError(`--set of mimax probe takes probe.KEY=VALUE, got '${assignment}'`);
    }
    probe = deepMerge(probe, parsed['probe'] as Options);
  }
  const encoder = encoderFromCheckpoint(checkpoint);
  let accuracy: number;
  try {
    accuracy = probeSavedEncoder(encoder, config, record.seed, step, probe);
  } finally {
    encoder.dispose();
  }
  const recordedAccuracy = record.evaluations.find((e) => e.step === step)?.accuracy ?? null;
  const out = join(
    resultsDir,
    'probes',
    ...runId.split('/'),
    `step-${step}${probeFileSuffix(options.set)}.json`,
  );
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(
    tmp,
    `${JSON.stringify(
      {
        runId,
        step,
        accuracy,
        recordedAccuracy,
        probe,
        checkpoint: checkpoint.dir,
        backend: options.backend,
        versions: options.versions,
        createdAt: new Date().toISOString(),
      },
      null,
      1,
    )}\n`,
  );
  renameSync(tmp, out);
  return { runId, step, accuracy, recordedAccuracy, probe, path: out };
}

/**
 * The file-name part of `--set` assignments: '' for none, else `.KEY=VALUE,...` without the
 * `probe.` prefix, sorted (`.C=1,solver=saga`); characters unsafe in file names, or a suffix
 * over 80 characters, give a hash of the assignments instead (`.set-1a2b3c4d`).
 */
export function probeFileSuffix(set: readonly string[]): string {
  if (set.length === 0) return '';
  const parts = [...set].map((a) => a.trim().replace(/^probe\./, '')).sort();
  const readable = parts.join(',');
  if (/^[A-Za-z0-9_.,=+-]+$/.test(readable) && readable.length <= 80) return `.${readable}`;
  return `.set-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 8)}`;
}
