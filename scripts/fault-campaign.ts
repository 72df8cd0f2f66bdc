/**
 * Kill-mid-run campaign (issue 17, not part of `npm test`): runs a sweep whose runs last long
 * enough to be killed between evaluations, SIGKILLs the whole process group (parent and
 * workers) at random moments, resumes with the same command, and at the end checks that
 * nothing was lost or duplicated. Prints the figures as one line (quoted in the README's
 * "Nothing is lost" paragraph).
 *
 *   nice -n 10 node --import tsx scripts/fault-campaign.ts [--kills 10] [--seed 0] [--jobs 2]
 *     [--steps 300] [--eval-every 50] [--out DIR] [--experiment critic-impact]
 *
 * Each kill comes at a uniformly random delay (`--min-delay` 2 to `--max-delay` 40 s, drawn
 * from `--seed`) after the attempt has made progress (a record written in this attempt), so
 * kills land between and during evaluations rather than during process start-up.
 *
 * "Evaluations redone per kill": for every run interrupted by a kill, the evaluations its
 * record held at the kill that do not survive unchanged (same step, same `seconds` since the
 * run started) into the next version of that record; they had to be computed again. Work since
 * the last evaluation (< 1 interval) is always lost and not counted. With checkpoints (issue
 * 19) an interrupted run resumes from its last one, so this is 0, or 1 when the kill fell
 * between an evaluation's record and its checkpoint.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deriveSeed, Rng } from '../src/random.ts';
import type { RunRecord } from '../src/results/schema.ts';
import { readRecords } from '../src/results/store.ts';
import { tempDir } from '../test/helpers.ts';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const kills = Number(option('--kills', '10'));
const seed = Number(option('--seed', '0'));
const jobs = option('--jobs', '2');
const steps = Number(option('--steps', '300')); // issue 17: 300 steps, evaluation every 50
const evalEvery = Number(option('--eval-every', '50'));
const experiment = option('--experiment', 'critic-impact');
const minDelay = Number(option('--min-delay', '2'));
// Up to about one run's length on 2 busy cores (6 evaluations × ~6 s), so kills hit every phase.
const maxDelay = Number(option('--max-delay', '40'));
const out = option('--out', '') || tempDir('mimax-faults-');

const command = [
  'bin/mimax.js',
  'run',
  experiment,
  '--preset',
  'smoke',
  '--steps',
  String(steps),
  '--eval-every',
  String(evalEvery),
  '--jobs',
  jobs,
  '--out',
  out,
  '--no-plots',
];
const expectedSteps = Array.from({ length: Math.ceil(steps / evalEvery) }, (_, i) => i * evalEvery);
const rng = new Rng(deriveSeed(seed, 'fault-campaign:kill-delays'));

function start(): ChildProcess {
  // Its own process group: one signal reaches the parent and every worker.
  return spawn(process.execPath, command, { detached: true, stdio: 'ignore' });
}

function snapshot(): Map<string, RunRecord> {
  return new Map(readRecords(out).records.map((r) => [r.id, r]));
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

const started = Date.now();
/** At each kill: the records of the runs it interrupted. */
const interrupted: RunRecord[][] = [];
/** Every version of every record seen, in order, to find the version after a kill. */
const history = new Map<string, RunRecord[]>();
const remember = (records: Map<string, RunRecord>) => {
  for (const [id, r] of records) {
    const versions = history.get(id) ?? [];
    if (versions.at(-1)?.updatedAt !== r.updatedAt) versions.push(r);
    history.set(id, versions);
  }
};

let attempts = 0;
while (interrupted.length < kills) {
  attempts++;
  const before = snapshot();
  const child = start();
  // Wait for progress in this attempt (a record written), then a random delay.
  let progressed = false;
  while (!progressed && child.exitCode === null) {
    await sleep(100);
    const now = snapshot();
    remember(now);
    progressed = [...now].some(([id, r]) => before.get(id)?.updatedAt !== r.updatedAt);
  }
  const delayMs = (minDelay + (maxDelay - minDelay) * rng.uniform()) * 1000;
  const until = Date.now() + delayMs;
  while (Date.now() < until && child.exitCode === null) {
    await sleep(100);
    remember(snapshot());
  }
  if (child.exitCode !== null) {
    // The sweep finished before this kill: nothing left to interrupt.
    console.error(`attempt ${attempts}: the sweep finished before kill ${interrupted.length + 1}`);
    break;
  }
  process.kill(-child.pid!, 'SIGKILL');
  await exited(child);
  await sleep(200); // let the workers notice their parent is gone
  const atKill = snapshot();
  remember(atKill);
  const hit = [...atKill.values()].filter((r) => r.status === 'running');
  interrupted.push(hit);
  console.error(
    `kill ${interrupted.length} after ${(delayMs / 1000).toFixed(1)} s: ${hit.length} run(s) interrupted ` +
      `(${hit.map((r) => `${r.id.split('/').slice(1).join('/')} at ${r.evaluations.length} eval`).join(', ')})`,
  );
}
// Resume to the end.
attempts++;
const last = start();
const exitCode = await exited(last);
remember(snapshot());

// Checks.
const problems: string[] = [];
if (exitCode !== 0) problems.push(`the final attempt exited ${exitCode}`);
const { records, corrupt } = readRecords(out);
for (const c of corrupt) problems.push(`corrupt record ${c.path}: ${c.error}`);
const temps = readdirSync(join(out, 'records'), { recursive: true }).filter((f) =>
  String(f).includes('.tmp-'),
);
for (const t of temps) problems.push(`temp file left: ${t}`);
for (const r of records) {
  if (r.status !== 'ok') problems.push(`${r.id}: status ${r.status}`);
  const got = r.evaluations.map((e) => e.step);
  const increasing = got.every((s, i) => i === 0 || s > got[i - 1]);
  if (!increasing || new Set(got).size !== got.length) {
    problems.push(`${r.id}: steps not strictly increasing / duplicated: ${got}`);
  }
  if (JSON.stringify(got) !== JSON.stringify(expectedSteps)) {
    problems.push(`${r.id}: steps ${got} instead of ${expectedSteps}`);
  }
}

// Evaluations redone per kill: held at the kill, not kept unchanged by the next version.
const redone: number[] = interrupted.map((hit) => {
  let count = 0;
  for (const r of hit) {
    const versions = history.get(r.id) ?? [];
    const at = versions.findIndex((v) => v.updatedAt === r.updatedAt);
    const next = versions
      .slice(at + 1)
      .find((v) => v.startedAt !== r.startedAt || v.evaluations.length > 0);
    const kept = new Set((next?.evaluations ?? []).map((e) => `${e.step}:${e.seconds}`));
    count += r.evaluations.filter((e) => !kept.has(`${e.step}:${e.seconds}`)).length;
  }
  return count;
});
const intervalsPerRun = expectedSteps.length;
const mean = redone.reduce((a, b) => a + b, 0) / Math.max(1, redone.length);
const runsHit = interrupted.reduce((a, hit) => a + hit.length, 0);
const seconds = (Date.now() - started) / 1000;
const line =
  `fault campaign (${experiment} smoke, ${steps} steps, eval every ${evalEvery}, --jobs ${jobs}, seed ${seed}): ` +
  `${interrupted.length} SIGKILLs of the process group, ${attempts} attempts, ${seconds.toFixed(0)} s; ` +
  `${records.filter((r) => r.status === 'ok').length}/${records.length} runs ok, ` +
  `${problems.length === 0 ? 'every evaluation step present once and in order, no corrupt record, no temp file' : `${problems.length} problem(s)`}; ` +
  `evaluations redone per kill: mean ${mean.toFixed(1)}, max ${Math.max(0, ...redone)} ` +
  `(${runsHit} interrupted runs; ${intervalsPerRun} evaluations per run; runs resume from their last checkpoint)`;
for (const p of problems) console.error(`problem: ${p}`);
console.log(line);
console.error(`results: ${out}`);
process.exitCode = problems.length === 0 && interrupted.length >= kills ? 0 : 1;
