/**
 * Produces the committed results: runs experiments at a preset (resumable: rerun the same
 * command after an interruption, even in another session), writes their frames to
 * `precomputed/<experiment>/`, the provenance to `precomputed/manifest.json`, and the figures
 * to `plots/`.
 *
 *   node --import tsx scripts/precompute.ts [EXPERIMENT ...] [--preset fast] [--jobs 2] [--runs runs/fast]
 *   node --import tsx scripts/precompute.ts --frames-only   # re-derive frames/figures from runs/
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { EXPERIMENTS } from '../experiments/index.ts';
import { plotExperiment } from '../src/plots/index.ts';
import { writeFrames } from '../src/results/io.ts';
import { readRecords } from '../src/results/store.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const preset = option('--preset', 'fast');
const jobs = option('--jobs', '2');
const runsDir = option('--runs', join('runs', preset));
const framesOnly = args.includes('--frames-only');
const valued = new Set(['--preset', '--jobs', '--runs']);
const named = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
const experiments = named.length ? named : Object.keys(EXPERIMENTS);

const MANIFEST = join('precomputed', 'manifest.json');
interface Entry {
  experiment: string;
  paper: string;
  preset: string;
  /** Fields changed relative to the preset (none: the preset as defined in experiments/). */
  overrides: Record<string, unknown>;
  seeds: number[];
  runs: { requested: number; ok: number; failed: number; running: number };
  backend: string;
  versions: Record<string, string>;
  cores: number;
  /** Wall seconds of the sweep, summed over the invocations that did work. */
  wallSeconds: number;
  /** Sum of the runs' own seconds (compute time across workers). */
  runSeconds: number;
  date: string;
  command: string;
}
const manifest: { schemaVersion: 1; experiments: Record<string, Entry> } = existsSync(MANIFEST)
  ? JSON.parse(readFileSync(MANIFEST, 'utf8'))
  : { schemaVersion: 1, experiments: {} };

for (const id of experiments) {
  const definition = EXPERIMENTS[id];
  if (!definition) throw new Error(`unknown experiment ${id}`);
  const command = `npx mimax run ${id} --preset ${preset} --jobs ${jobs} --out ${runsDir}`;
  let wall = 0;
  if (!framesOnly) {
    console.error(`\n== ${command}`);
    const t0 = Date.now();
    const result = spawnSync(
      process.execPath,
      [
        'bin/mimax.js',
        'run',
        id,
        '--preset',
        preset,
        '--jobs',
        jobs,
        '--out',
        runsDir,
        '--no-plots',
      ],
      { stdio: 'inherit' },
    );
    wall = (Date.now() - t0) / 1000;
    if (result.status === 130 || result.signal) process.exit(130);
  }
  const records = readRecords(runsDir).records.filter(
    (r) => r.experiment === id && r.preset === preset,
  );
  if (records.length === 0) continue;
  writeFrames(runsDir, 'precomputed', { experiments: [id], command });
  const previous = manifest.experiments[id];
  const latest = records.reduce((a, b) => (a.updatedAt > b.updatedAt ? a : b));
  const count = (s: string) => records.filter((r) => r.status === s).length;
  manifest.experiments[id] = {
    experiment: id,
    paper: definition.paper,
    preset,
    overrides: {},
    seeds: [...new Set(records.map((r) => r.seed))].sort((a, b) => a - b),
    runs: {
      requested: records.length,
      ok: count('ok'),
      failed: count('failed'),
      running: count('running'),
    },
    backend: [...new Set(records.map((r) => r.backend))].join(','),
    versions: latest.versions,
    cores: availableParallelism(),
    // An invocation that only skipped finished runs adds ~nothing; resumed sweeps accumulate.
    wallSeconds: Math.round(
      (previous?.preset === preset ? previous.wallSeconds : 0) + (wall > 30 ? wall : 0),
    ),
    runSeconds: Math.round(records.reduce((a, r) => a + r.seconds, 0)),
    date: latest.updatedAt,
    command,
  };
  mkdirSync('precomputed', { recursive: true });
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  // A figure error must not lose the runs' frames and manifest (written above) or stop the
  // next experiment: report it; `--frames-only` re-renders once it is fixed.
  const written = await plotExperiment({
    experiment: id,
    from: 'precomputed',
    out: 'plots',
    formats: ['svg', 'png', 'json'],
  }).catch((error: Error) => {
    console.error(`${id}: figures failed: ${error.message}`);
    return [] as string[];
  });
  console.error(
    `${id}: ${records.length} records → precomputed/${id}/, ${written.length} figure files in plots/`,
  );
}
