/**
 * The shipped `examples/slurm/mimax-array.sbatch`, unchanged, on a real single-node Slurm
 * started on localhost (DESIGN §5 "Distributed"; issue 17): a job array of 4 tasks over the
 * noniid smoke grid (4 runs) into one shared results directory. One task is cancelled with
 * `scancel` after its run's first evaluation; the array is resubmitted as a whole. Then every
 * run id has exactly one record, all `ok`, with complete evaluation steps and none twice; the
 * runs finished by the first array were skipped, not redone; `mimax plot` renders the directory.
 *
 * Skipped, saying why, only where Slurm cannot be installed (not root, no slurm-wlm/munge).
 * Today a cancelled run restarts from step 0 (checkpoints are another issue): its record is
 * rewritten from the start, so no evaluation appears twice.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXPERIMENTS } from '../../experiments/index.ts';
import type { RunRecord } from '../../src/results/schema.ts';
import { readRecords } from '../../src/results/store.ts';
import { expandRuns, resolveConfig, shardRuns } from '../../src/run/grid.ts';
import { mimax } from '../cli/helpers.ts';
import { tempDir } from '../helpers.ts';
import { type SlurmCluster, slurmUnavailable, startSlurm } from './slurm-cluster.ts';

const SCRIPT = 'examples/slurm/mimax-array.sbatch';
const TASKS = 4;
// noniid smoke is the cheapest grid with 4 runs (2 bounds × iid/non-iid, 1 seed) and needs no
// MNIST; 100 steps with an evaluation every 25 give a run a few seconds to be cancelled in.
const EXPERIMENT = 'noniid';
const EXTRA = ['--steps', '100', '--eval-every', '25'];
const STEPS = [0, 25, 50, 75];
const TERMINAL = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
]);

const skip = slurmUnavailable();

describe('Slurm job array (examples/slurm/mimax-array.sbatch)', { skip: skip ?? false }, () => {
  let cluster: SlurmCluster | undefined;
  after(async () => {
    await cluster?.stop();
    if (cluster) {
      // No daemon outlives the test.
      const left = spawnSync('pgrep', ['-a', '-f', cluster.dir], { encoding: 'utf8' }).stdout;
      assert.equal(left.trim(), '', `processes left behind:\n${left}`);
    }
  });

  /** Submits the example array; returns the job id. */
  function submit(out: string, logs: string): string {
    const stdout = cluster!.client('sbatch', [
      '--parsable',
      `--array=0-${TASKS - 1}`,
      `--output=${join(logs, '%A_%a.out')}`,
      // Memory is not enforced on this test node; the script's 4G suits a real cluster.
      '--mem=256M',
      SCRIPT,
      EXPERIMENT,
      'smoke',
      out,
      ...EXTRA,
    ]);
    return stdout.trim().split(';')[0];
  }

  /** State of each array task, e.g. {0: 'COMPLETED', 1: 'RUNNING'}. */
  function states(job: string): Map<number, string> {
    const lines = cluster!.client('squeue', ['-h', '-t', 'all', '-j', job, '-r', '-o', '%K %T']);
    const out = new Map<number, string>();
    for (const line of lines.trim().split('\n').filter(Boolean)) {
      const [task, state] = line.trim().split(/\s+/);
      out.set(Number(task), state);
    }
    return out;
  }

  async function waitForArray(job: string, limitMs = 300_000): Promise<Map<number, string>> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const s = states(job);
      if (s.size === TASKS && [...s.values()].every((v) => TERMINAL.has(v))) return s;
      assert.ok(
        Date.now() < deadline,
        `array ${job} did not finish: ${[...s]}\n${cluster!.logs()}`,
      );
      await sleep(250);
    }
  }

  function taskLog(logs: string, job: string, task: number): string {
    const path = join(logs, `${job}_${task}.out`);
    return existsSync(path) ? readFileSync(path, 'utf8') : '(no output)';
  }

  it('runs every run once, resumes a cancelled task on resubmission, and the results plot', async () => {
    const started = Date.now();
    cluster = await startSlurm(tempDir('mimax-slurm-'));
    const out = join(cluster.dir, 'results');
    const logs = join(cluster.dir, 'job-logs');
    mkdirSync(logs);
    const definition = EXPERIMENTS[EXPERIMENT];
    const runs = expandRuns(definition, resolveConfig(definition, 'smoke'), 'smoke');
    assert.equal(runs.length, TASKS, 'one run per task');
    // The run of task 0 (the script passes --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT).
    const [victim] = shardRuns(runs, { index: 0, count: TASKS }).map((r) => r.id);

    const first = submit(out, logs);
    // Cancel task 0 once its run has recorded its first evaluation.
    // Hang guards only (generous: 2 busy cores shared with other work), not timing assertions.
    const deadline = Date.now() + 240_000;
    let record: RunRecord | undefined;
    for (;;) {
      record = readRecords(out).records.find((r) => r.id === victim);
      if (record && record.evaluations.length >= 1) break;
      const early =
        Date.now() > deadline ||
        states(first).get(0) === undefined ||
        TERMINAL.has(states(first).get(0) ?? '');
      assert.ok(!early, `task 0 never evaluated: ${taskLog(logs, first, 0)}\n${cluster.logs()}`);
      await sleep(100);
    }
    assert.equal(record.status, 'running', 'task 0 was cancelled mid-run (make its run longer)');
    cluster.client('scancel', [`${first}_0`]);
    const firstStates = await waitForArray(first);
    assert.equal(firstStates.get(0), 'CANCELLED');
    for (let t = 1; t < TASKS; t++) {
      assert.equal(firstStates.get(t), 'COMPLETED', `task ${t}: ${taskLog(logs, first, t)}`);
    }
    const afterCancel = readRecords(out).records;
    const cancelled = afterCancel.find((r) => r.id === victim);
    assert.equal(cancelled?.status, 'running', 'the cancelled run kept its record');
    assert.ok((cancelled?.evaluations.length ?? 0) >= 1, 'with its finished evaluations');
    const finished = new Map(
      afterCancel.filter((r) => r.status === 'ok').map((r) => [r.id, r.updatedAt]),
    );
    assert.equal(finished.size, TASKS - 1);

    // The whole array again, as a user would after a time limit or a node failure.
    const second = submit(out, logs);
    const secondStates = await waitForArray(second);
    for (let t = 0; t < TASKS; t++) {
      assert.equal(secondStates.get(t), 'COMPLETED', `task ${t}: ${taskLog(logs, second, t)}`);
    }
    for (let t = 1; t < TASKS; t++) {
      assert.match(taskLog(logs, second, t), /0 ok, 0 failed, 1 skipped \(already done\)/);
    }

    const { records, corrupt } = readRecords(out);
    assert.deepEqual(corrupt, []);
    assert.deepEqual(
      records.map((r) => r.id),
      runs.map((r) => r.id).sort(),
      'every run id exactly once',
    );
    for (const r of records) {
      assert.equal(r.status, 'ok', `${r.id}: ${r.error ?? ''}`);
      assert.deepEqual(
        r.evaluations.map((e) => e.step),
        STEPS,
        `${r.id}: every evaluation once, in order`,
      );
      if (r.id !== victim) assert.equal(r.updatedAt, finished.get(r.id), `${r.id} was redone`);
    }
    // No stray files (temp records of killed writers) in the shared directory.
    const stray = readdirSync(join(out, 'records', EXPERIMENT), { recursive: true }).filter((f) =>
      String(f).includes('.tmp-'),
    );
    assert.deepEqual(stray, []);

    const plots = join(cluster.dir, 'figures');
    const plot = mimax(['plot', EXPERIMENT, '--from', out, '--out', plots, '--format', 'json']);
    assert.equal(plot.status, 0, plot.stderr);
    assert.ok(
      readdirSync(plots).some((f) => f.endsWith('.vl.json')),
      plot.stdout,
    );
    console.log(
      `# slurm test: ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(${cluster.cpus} CPUs, ${cluster.namespaced ? 'PID namespace' : 'process groups'})`,
    );
  });
});

if (skip) console.log(`# slurm test skipped: ${skip}`);
