/**
 * The checkpoint contract of every loop kind (issue 19; DESIGN §6): for each kind of
 * `LOOP_AXES` (the `LoopKind` union), a smoke-sized run of an experiment of that kind, in
 * process, must write a checkpoint at each of its evaluations, and a resume from one must end
 * with the record (evaluations, traces, kept points, constants) and the final variables (the
 * last checkpoint's safetensors, byte for byte) of the uninterrupted run. How it is resumed
 * follows what the kind's executor declares (`EXECUTORS[kind].checkpointing`):
 * - `every-evaluation`: stopped (`shouldStop`) right after its first checkpoint past step 0,
 *   then run again, which must resume from that checkpoint;
 * - `final-evaluation`: run to the end, its record set back to `running` (a kill between the
 *   checkpoint and the record's final write), then run again, which must resume and end with
 *   the saved outcome.
 * Every kind is also killed after its last checkpoint and before its final record, and must
 * resume from that checkpoint with the same record.
 * A new loop kind fails here until it has an experiment and checkpoints as it declares.
 * Wall-clock fields (`seconds`, `fitSeconds`, `msPerTransition`, ...) are left out of the
 * comparison; everything else must be identical.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EXPERIMENTS } from '../../experiments/index.ts';
import { checkpointSteps, MODEL_FILE, stepCheckpointDir } from '../../src/results/checkpoints.ts';
import type { RunRecord } from '../../src/results/schema.ts';
import { recordPath } from '../../src/results/store.ts';
import { EXECUTORS, executeRun } from '../../src/run/execute.ts';
import { LOOP_AXES, type LoopKind } from '../../src/run/experiment.ts';
import { expandRuns, type RunSpec, resolveConfig } from '../../src/run/grid.ts';
import { tempDir, testBackend } from '../helpers.ts';

/**
 * The cells each kind runs, where the first of its smoke grid is not the telling one: the
 * benchmark's first estimators are KSG and the Gaussian baseline (nothing trained), and its
 * neural and diffusion estimators train in different loops; ais-mi's GIWAE trains both a
 * proposal and a critic.
 */
const CELLS: Partial<Record<LoopKind, Record<string, (spec: RunSpec) => boolean>>> = {
  benchmark: {
    neural: (s) => s.cell.bound === 'infonce',
    diffusion: (s) => s.cell.bound === 'minde-j',
  },
  ais: { giwae: (s) => s.cell.bound === 'giwae' && s.cell.task === 'linear-gaussian' },
};

/** The experiment of a kind, where its first is slow (RealNVP encoders): the MLP sweep. */
const EXPERIMENT: Partial<Record<LoopKind, string>> = { sweep: 'critic-impact' };

/** The smoke run of `kind` the contract is checked on (`pick`: the first of its grid). */
function smokeRun(kind: LoopKind, pick: (spec: RunSpec) => boolean = () => true): RunSpec {
  const definition =
    EXPERIMENTS[EXPERIMENT[kind] ?? ''] ?? Object.values(EXPERIMENTS).find((d) => d.loop === kind);
  assert.ok(definition, `loop kind '${kind}' has no experiment to check its checkpoints on`);
  assert.equal(
    definition.loop,
    kind,
    `experiment '${definition.id}' is not of loop kind '${kind}'`,
  );
  const config = resolveConfig(definition, 'smoke');
  const specs = expandRuns(definition, config, 'smoke').filter((s) => s.seed === 0);
  const spec = specs.find(pick);
  assert.ok(spec, `no smoke run of '${definition.id}' to check`);
  return spec;
}

const WALL_CLOCK = /seconds|msPer/i;
const withoutWallClock = <T>(map: Record<string, T> | undefined) =>
  Object.fromEntries(Object.entries(map ?? {}).filter(([key]) => !WALL_CLOCK.test(key)));

/** The record's deterministic content. */
function content(record: RunRecord) {
  return {
    status: record.status,
    error: record.error,
    evaluations: record.evaluations.map(({ seconds: _, ...rest }) => rest),
    traces: withoutWallClock(record.traces),
    constants: withoutWallClock(record.constants),
    points: record.points,
  };
}

const readRecord = (dir: string, id: string) =>
  JSON.parse(readFileSync(recordPath(dir, id), 'utf8')) as RunRecord;
const lastModel = (dir: string, id: string) => {
  const step = checkpointSteps(dir, id).at(-1);
  assert.ok(step !== undefined, `${id}: no checkpoint in ${dir}`);
  return { step, bytes: readFileSync(join(stepCheckpointDir(dir, id, step), MODEL_FILE)) };
};

describe('every loop kind checkpoints and resumes as it declares', () => {
  let backend = '';
  before(async () => {
    backend = await testBackend();
  });
  const context = (resultsDir: string, notes: string[] = [], shouldStop?: () => boolean) => ({
    resultsDir,
    backend,
    versions: {},
    keepCheckpoints: 'all' as const,
    onNote: (line: string) => notes.push(line),
    shouldStop,
  });

  const cases = (Object.keys(LOOP_AXES) as LoopKind[]).flatMap((kind) =>
    Object.entries(CELLS[kind] ?? { first: () => true }).map(([name, pick]) => ({
      kind,
      name,
      pick,
    })),
  );
  for (const { kind, name, pick } of cases) {
    it(`${kind}, ${name} cell (${EXECUTORS[kind].checkpointing})`, async () => {
      const spec = smokeRun(kind, pick);
      const id = spec.id;
      const whole = tempDir(`mimax-contract-${kind}-`);
      const uninterrupted = await executeRun(spec, context(whole));
      assert.equal(uninterrupted.status, 'ok', `${id}: ${uninterrupted.error?.message}`);
      const saved = checkpointSteps(whole, id);
      for (const e of uninterrupted.evaluations) {
        assert.ok(saved.includes(e.step), `${id}: no checkpoint at evaluation ${e.step}`);
      }

      const cut = tempDir(`mimax-contract-${kind}-cut-`);
      if (EXECUTORS[kind].checkpointing === 'every-evaluation') {
        assert.ok(uninterrupted.evaluations.length >= 2, `${id}: too few evaluations to cut`);
        const stopped = await executeRun(
          spec,
          context(cut, [], () => checkpointSteps(cut, id).some((step) => step > 0)),
        );
        assert.equal(stopped.status, 'running', `${id} ran to its end: nothing to resume`);
      } else {
        assert.equal((await executeRun(spec, context(cut))).status, 'ok');
        const record = readRecord(cut, id);
        writeFileSync(recordPath(cut, id), JSON.stringify({ ...record, status: 'running' }));
      }
      const notes: string[] = [];
      const resumed = await executeRun(spec, context(cut, notes));
      assert.ok(
        notes.some((line) => /resuming from the checkpoint of step [1-9]/.test(line)),
        `${id} did not resume: ${notes.join('; ')}`,
      );
      assert.deepEqual(content(resumed), content(uninterrupted));
      assert.deepEqual(content(readRecord(cut, id)), content(readRecord(whole, id)));
      const [a, b] = [lastModel(whole, id), lastModel(cut, id)];
      assert.equal(b.step, a.step);
      assert.ok(b.bytes.equals(a.bytes), `${id}: the final variables differ`);

      // Killed after its last checkpoint, before the final record: resumes from that
      // checkpoint (for every-evaluation loops, the end-of-training one, which has no
      // evaluation of its own) and ends with the same record, instead of restarting at 0.
      writeFileSync(
        recordPath(whole, id),
        JSON.stringify({ ...readRecord(whole, id), status: 'running' }),
      );
      const lateNotes: string[] = [];
      const late = await executeRun(spec, context(whole, lateNotes));
      assert.ok(
        lateNotes.some((line) => line.includes(`resuming from the checkpoint of step ${a.step}`)),
        `${id} after its last checkpoint (step ${a.step}): ${lateNotes.join('; ')}`,
      );
      assert.deepEqual(content(late), content(uninterrupted));
    });
  }

  it('a resumed gan run leaves no tensor behind', async () => {
    const spec = smokeRun('gan');
    const dir = tempDir('mimax-contract-gan-leak-');
    const before = tf.memory().numTensors;
    const stop = () => checkpointSteps(dir, spec.id).some((step) => step > 0);
    assert.equal((await executeRun(spec, context(dir, [], stop))).status, 'running');
    assert.equal((await executeRun(spec, context(dir))).status, 'ok');
    assert.equal(tf.memory().numTensors, before);
  });
});
