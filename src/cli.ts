/**
 * Command-line interface: argument parsing and dispatch only; the work lives in modules.
 * A `UserError` (bad name, bad option, missing file) prints one line and exits 2, never a
 * stack trace; anything else is a bug and prints its stack.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { EXPERIMENTS } from '../experiments/index.ts';
import { DATASETS, resolveDatasetDir } from './data/datasets.ts';
import type { EstimateFlags } from './estimate/command.ts';
import type { KeepCheckpoints } from './results/checkpoints.ts';
import { LOOP_AXES, PRESETS } from './run/experiment.ts';
import { type Options, UserError } from './types.ts';
import { MIMAX_VERSION, versions } from './version.ts';

function integer(name: string, min = 1) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new UserError(`${name} must be an integer ≥ ${min}, got '${value}'`);
    return n;
  };
}

// TF.js is imported lazily (by the commands that train): `plot` and `report` never load it.
async function initBackend(name?: string) {
  return (await import('./backend.ts')).initBackend(name);
}

/** The package's own directory (precomputed results live there). */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function info(options: { backend?: string }): Promise<void> {
  const backend = await initBackend(options.backend);
  const lines: [string, string][] = [
    ['mimax', MIMAX_VERSION],
    ['backend', backend.summary],
    ...Object.entries(backend.details).map(([k, v]) => [`  ${k}`, String(v)] as [string, string]),
    ['cores', String(availableParallelism())],
    ...Object.entries(versions())
      .filter(([k]) => k !== 'mimax')
      .map(([k, v]) => [k, v] as [string, string]),
  ];
  for (const source of Object.values(DATASETS)) {
    const dir = source.locate();
    lines.push([
      `data: ${source.name}`,
      dir ? `found at ${dir}` : `not found (${source.howToGet})`,
    ]);
  }
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
}

async function list(): Promise<void> {
  const [
    { encoderRegistry },
    { criticRegistry },
    { boundRegistry },
    { estimatorRegistry },
    { taskRegistry, bmiTaskTable },
    { boundMethodRegistry },
    { aisModelRegistry },
  ] = await Promise.all([
    import('./encoders/index.ts'),
    import('./critics/index.ts'),
    import('./bounds/index.ts'),
    import('./estimators/index.ts'),
    import('./tasks/index.ts'),
    import('./ais/index.ts'),
    import('./generative/models.ts'),
  ]);
  console.log('experiments (mimax run ID --preset paper|fast|smoke):');
  for (const e of Object.values(EXPERIMENTS)) {
    console.log(`  ${e.id.padEnd(16)} ${e.paper.padEnd(22)} ${e.title}`);
  }
  console.log(`  presets: ${PRESETS.join(', ')}`);
  for (const [title, registry] of [
    ['encoders', encoderRegistry],
    ['critics', criticRegistry],
    ['bounds', boundRegistry],
    ['estimators (how a critic is trained, what it reports)', estimatorRegistry],
    ['tasks (known MI)', taskRegistry],
    ['ais-mi bound methods (known likelihood; src/ais)', boundMethodRegistry],
    ['ais-mi models (src/generative)', aisModelRegistry],
  ] as const) {
    console.log(`${title}:`);
    const width = Math.max(16, ...registry.names().map((name) => name.length));
    for (const [name, entry] of registry.list())
      console.log(`  ${name.padEnd(width)} ${entry.description}`);
  }
  console.log("bmi benchmark tasks (Czyż et al. 2023; bmi's ids; bmiTasks() in an experiment):");
  const rows = bmiTaskTable();
  const idWidth = Math.max(...rows.map((r) => r.id.length));
  console.log(`  ${'id'.padEnd(idWidth)}  ${'dims'.padEnd(7)}  true MI (nats)`);
  for (const r of rows) {
    const dims = `${r.dimX} × ${r.dimY}`;
    console.log(`  ${r.id.padEnd(idWidth)}  ${dims.padEnd(7)}  ${r.mutualInformation.toFixed(4)}`);
  }
  const { BASELINES, BASELINE_DESCRIPTIONS } = await import('./estimate/baselines.ts');
  console.log('non-neural estimators (mimax estimate --estimator NAME):');
  for (const name of BASELINES) console.log(`  ${name.padEnd(16)} ${BASELINE_DESCRIPTIONS[name]}`);
  const { DIFFUSION_ESTIMATORS, DIFFUSION_DESCRIPTIONS } = await import('./estimate/diffusion.ts');
  console.log(
    'diffusion estimators (mimax estimate --estimator NAME; options: --set NAME.steps=…):',
  );
  for (const name of DIFFUSION_ESTIMATORS) {
    console.log(`  ${name.padEnd(16)} ${DIFFUSION_DESCRIPTIONS[name]}`);
  }
}

interface RunFlags {
  preset: string;
  seeds?: number;
  steps?: number;
  evalEvery?: number;
  jobs: number;
  out: string;
  backend?: string;
  data?: string;
  shard?: string;
  force?: boolean;
  retryFailed?: boolean;
  keepCheckpoints: string;
  set: string[];
  plots: boolean;
}

async function run(experiment: string, flags: RunFlags): Promise<number> {
  const { loadExperiment } = await import('./run/load.ts');
  const { parsePreset, parseSet, resolveConfig, expandRuns, parseShard, shardRuns, cellKey } =
    await import('./run/grid.ts');
  const { validateGrid } = await import('./run/validate.ts');
  const preset = parsePreset(flags.preset);
  const { KEEP_CHECKPOINTS } = await import('./results/checkpoints.ts');
  const keepCheckpoints = flags.keepCheckpoints as KeepCheckpoints;
  if (!KEEP_CHECKPOINTS.includes(keepCheckpoints)) {
    throw new UserError(
      `--keep-checkpoints must be one of ${KEEP_CHECKPOINTS.join(', ')}, got '${flags.keepCheckpoints}'`,
    );
  }
  const { definition, modules } = await loadExperiment(experiment, EXPERIMENTS);
  const overrides: Options[] = [];
  const fromFlags: Options = {};
  if (flags.seeds !== undefined) fromFlags.seeds = flags.seeds;
  if (flags.steps !== undefined) fromFlags.steps = flags.steps;
  if (flags.evalEvery !== undefined) fromFlags.evalEvery = flags.evalEvery;
  if (flags.data !== undefined) {
    if (flags.data in DATASETS) fromFlags.dataset = flags.data;
    else fromFlags.dataDir = resolve(flags.data);
  }
  overrides.push(fromFlags, ...flags.set.map(parseSet));
  const config = resolveConfig(definition, preset, overrides);
  validateGrid(definition, config);
  if (LOOP_AXES[definition.loop].mnist) {
    resolveDatasetDir({ name: config.dataset, dir: config.dataDir ?? undefined });
  }
  const backend = await initBackend(flags.backend);
  let runs = expandRuns(definition, config, preset, modules);
  const requested = new Map<string, number>();
  for (const r of runs)
    requested.set(
      cellKey(r.cell) || 'default',
      (requested.get(cellKey(r.cell) || 'default') ?? 0) + 1,
    );
  if (flags.shard) runs = shardRuns(runs, parseShard(flags.shard));
  const out = resolve(flags.out);
  console.error(
    `mimax run ${definition.id} (${definition.paper}) preset ${preset}: ${runs.length} runs` +
      `${flags.shard ? ` (shard ${flags.shard})` : ''}, ${Math.min(flags.jobs, runs.length)} job(s), backend ${backend.summary}`,
  );
  console.error(`results: ${out}`);
  const { killWorkers, runPool } = await import('./run/runner.ts');
  const controller = new AbortController();
  // Ctrl-C, or SIGTERM (e.g. a Slurm time limit): stop cleanly, keeping finished evaluations.
  // A second one kills the workers (SIGKILL: one in a long synchronous step handles nothing)
  // and exits; each unfinished run resumes from its last checkpoint next time.
  let signals = 0;
  const onSigint = () => {
    signals += 1;
    if (signals === 1) controller.abort();
    else {
      killWorkers();
      console.error(
        'killed: unfinished runs resume from their last checkpoint on the next mimax run',
      );
      process.exit(130); // 128 + SIGINT, the shell's convention
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let summary: Awaited<ReturnType<typeof runPool>>;
  try {
    summary = await runPool({
      runs,
      resultsDir: out,
      jobs: flags.jobs,
      backend: backend.name,
      force: flags.force,
      retryFailed: flags.retryFailed,
      keepCheckpoints,
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  for (const c of summary.corrupt) console.error(`corrupt record (rerun): ${c.path}: ${c.error}`);
  const { readRecords } = await import('./results/store.ts');
  const { summaryTable } = await import('./run/summary.ts');
  const ids = new Set(runs.map((r) => r.id));
  const records = readRecords(out).records.filter(
    (r) => r.experiment === definition.id && ids.has(r.id),
  );
  console.log(summaryTable(records, requested));
  console.log(
    `${summary.ok} ok, ${summary.failed} failed, ${summary.skipped} skipped (already done), ` +
      `${summary.stopped} stopped, in ${summary.seconds.toFixed(1)} s`,
  );
  console.log(`records: ${resolve(out, 'records', definition.id)}`);
  if (flags.plots && summary.stopped === 0) {
    const { renderResults } = await import('./run/figures.ts');
    for (const line of await renderResults(out, definition)) console.log(line);
  }
  if (summary.stopped > 0) return 130;
  return summary.failed > 0 ? 1 : 0;
}

export function buildProgram(): Command {
  const program = new Command('mimax')
    .description(
      'Mutual-information maximization for representation learning (Tschannen et al., ICLR 2020)',
    )
    .version(MIMAX_VERSION)
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const backendOption = () =>
    new Option(
      '--backend <name>',
      'TF.js backend: tensorflow | wasm | cpu (default: best available; env MIMAX_BACKEND)',
    );
  program
    .command('info')
    .description('print the TF.js backend, versions, cores and data sets found')
    .addOption(backendOption())
    .action(info);
  program
    .command('list')
    .description('list experiments, encoders, critics, bounds, estimators and tasks')
    .action(list);
  let exitCode = 0;
  program
    .command('run')
    .description('run an experiment (a built-in id or your own .ts file); resumes where it stopped')
    .argument(
      '<experiment>',
      `one of ${Object.keys(EXPERIMENTS).join(', ')}, or a path to an experiment file`,
    )
    .option('--preset <name>', `${PRESETS.join(' | ')}`, 'fast')
    .option('--seeds <n>', 'runs per cell', integer('--seeds'))
    .option('--steps <n>', 'training steps (adversarial: game iterations)', integer('--steps'))
    .option('--eval-every <n>', 'evaluate every n steps (and at step 0)', integer('--eval-every'))
    .option('--jobs <n>', 'worker processes', integer('--jobs'), availableParallelism())
    .option('--out <dir>', 'results directory', 'results')
    .addOption(backendOption())
    .option(
      '--data <name|dir>',
      `data set (${Object.keys(DATASETS).join(', ')}) or a directory of IDX files`,
    )
    .option('--shard <i/n>', 'run only the i-th of n disjoint slices of the runs (job arrays)')
    .option('--force', 'rerun finished runs and overwrite records of another config')
    .option('--retry-failed', 'rerun runs recorded as failed')
    .option(
      '--keep-checkpoints <which>',
      'checkpoints kept per run (results/checkpoints/): last | all | none; an interrupted run resumes from its last one',
      'last',
    )
    .option(
      '--set <key=value>',
      'override any config field, e.g. --set encoders.mlp.layers=[64,10] (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--no-plots', 'do not render figures at the end')
    .action(async (experiment: string, flags: RunFlags) => {
      exitCode = await run(experiment, flags);
    });
  program
    .command('estimate')
    .description(
      'estimate I(X; Y) of your own data (CSV or .npy): neural estimators, KSG and a Gaussian baseline, held-out, over seeds',
    )
    .argument(
      '[data]',
      'a CSV file with a header row (or one 2-d .npy file); or use --x-file/--y-file',
    )
    .option('--x <cols>', 'columns of x: names, 0-based indices or ranges (a,b or 0:5 or 0:3,7)')
    .option('--y <cols>', 'columns of y (same syntax)')
    .option('--x-file <path>', 'x as a .npy array [n] or [n, d] (with --y-file, instead of DATA)')
    .option('--y-file <path>', 'y as a .npy array [n] or [n, d]')
    .option(
      '--estimator <names>',
      'comma-separated: any registered estimator (mimax list), ksg, gaussian (default smile,infonce,ksg,gaussian)',
    )
    .option('--critic <name>', 'critic of the neural estimators (default separable)')
    .option('--seeds <n>', 'seeds: splits × initializations (default 3)', integer('--seeds'))
    .option('--steps <n>', 'training steps of each neural fit (default 1000)', integer('--steps'))
    .option('--epochs <n>', 'epochs over the train split instead of --steps', integer('--epochs'))
    .option('--batch-size <n>', 'batch size K (default 128)', integer('--batch-size', 2))
    .option('--learning-rate <lr>', 'Adam learning rate (default 5e-4)')
    .option('--test-fraction <f>', 'fraction of rows held out, in (0, 1) (default 0.2)')
    .option('--drop-missing', 'drop rows with missing or non-numeric values instead of failing')
    .option(
      '--set <key=value>',
      'estimator or critic option, e.g. --set smile.tau=2, --set ksg.k=5, --set critic.hidden=[64] (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--out <dir>', 'write estimate.json and the figure (estimate.{vl.json,svg,png}) here')
    .option('--format <format>', 'what to print: table | json', 'table')
    .addOption(backendOption())
    .action(async (data: string | undefined, flags: EstimateFlags) => {
      const { runEstimateCommand } = await import('./estimate/command.ts');
      exitCode = await runEstimateCommand(data, flags);
    });
  program
    .command('merge')
    .description('merge result directories (e.g. of a job array) into the first, or into --out')
    .argument('<dirs...>', 'results directories')
    .option('--out <dir>', 'merge into this directory (default: the first)')
    .option('--json', 'print the merge report as JSON instead of a summary')
    .action(async (dirs: string[], flags: { out?: string; json?: boolean }) => {
      const { assertResultsDir, describeMerge, mergeResultDirs } = await import(
        './results/store.ts'
      );
      // Every named directory must hold records (a typo is an error, not an empty merge);
      // only a new --out may not exist yet.
      for (const dir of dirs) assertResultsDir(resolve(dir), 'merge source');
      const into = resolve(flags.out ?? dirs[0]);
      const froms = dirs.map((d) => resolve(d)).filter((d) => d !== into);
      const report = mergeResultDirs(into, froms);
      if (flags.json) console.log(JSON.stringify(report, null, 2));
      else for (const line of describeMerge(report, into, froms.length)) console.log(line);
    });
  program
    .command('baseline')
    .description("the Colab's sanity check: linear-probe accuracy on the (noisy) top-half pixels")
    .addOption(backendOption())
    .option(
      '--data <name|dir>',
      `data set (${Object.keys(DATASETS).join(', ')}) or a directory of IDX files`,
      'mnist',
    )
    .option('--noise <sigma>', 'σ of the pixel noise of the noisy variant', '0.05')
    .option(
      '--solver <name>',
      "probe solver: lbfgs (converged) or saga (the Colab's own fit, tol 0.1)",
      'lbfgs',
    )
    .action(async (flags: { backend?: string; data: string; noise: string; solver: string }) => {
      const sigma = Number(flags.noise);
      if (!(sigma >= 0)) throw new UserError(`--noise must be a number ≥ 0, got '${flags.noise}'`);
      const { resolveProbeOptions } = await import('./eval/probe.ts');
      const probe = { solver: flags.solver } as { solver: 'lbfgs' | 'saga' };
      resolveProbeOptions(probe); // an unknown solver is a UserError listing the valid ones
      const backend = await initBackend(flags.backend);
      const { runBaseline } = await import('./eval/baseline.ts');
      const named = flags.data in DATASETS;
      const result = runBaseline({
        ...(named ? { dataset: flags.data } : { dataDir: resolve(flags.data) }),
        noiseSigma: sigma,
        probe,
      });
      console.log(
        `backend ${backend.name}; ${result.dataset}: ${probe.solver} probe on top-half pixels (${result.trainSize} train / ${result.testSize} test)`,
      );
      console.log(
        `  noisy (σ = ${sigma}): test accuracy ${result.noisy.accuracy.toFixed(4)} in ${result.noisy.seconds.toFixed(1)} s${result.colabReference === null ? '' : ` (Colab: ~${result.colabReference})`}`,
      );
      console.log(
        `  clean:            test accuracy ${result.clean.accuracy.toFixed(4)} in ${result.clean.seconds.toFixed(1)} s`,
      );
    });
  program
    .command('probe')
    .description(
      "rerun the linear probe on a run's saved encoder (a checkpoint) and print its accuracy",
    )
    .argument('<results-dir>', 'the results directory of mimax run (--out)')
    .requiredOption('--run <id>', 'run id, e.g. critic-impact/mlp.bilinear.infonce/seed-0')
    .option('--step <n>', 'checkpoint step (default: the newest)', integer('--step', 0))
    .option(
      '--set <probe.key=value>',
      "probe option over the run's, e.g. --set probe.C=1 (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .addOption(backendOption())
    .action(
      async (
        dir: string,
        flags: { run: string; step?: number; set: string[]; backend?: string },
      ) => {
        const backend = await initBackend(flags.backend);
        const { probeCommand } = await import('./run/probe-command.ts');
        const result = probeCommand({
          resultsDir: resolve(dir),
          runId: flags.run,
          step: flags.step,
          set: flags.set,
          backend: backend.name,
          versions: versions(),
        });
        console.log(
          `${result.runId} step ${result.step}: probe accuracy ${result.accuracy.toFixed(4)}` +
            (result.recordedAccuracy === null
              ? ''
              : ` (the run's evaluation: ${result.recordedAccuracy.toFixed(4)})`),
        );
        console.log(`written: ${result.path}`);
      },
    );
  program
    .command('plot')
    .description(
      "render an experiment's figures from precomputed results or a results directory (no training, no TF.js)",
    )
    .argument('<experiment>', `one of ${Object.keys(EXPERIMENTS).join(', ')}`)
    .option(
      '--from <dir>',
      'frames or records directory (default: the precomputed results shipped with mimax)',
    )
    .option('--out <dir>', 'where figures go', 'plots')
    .option('--format <list>', 'comma-separated: svg, png, json', 'svg,png,json')
    .action(async (experiment: string, flags: { from?: string; out: string; format: string }) => {
      const formats = flags.format.split(',').map((f) => f.trim());
      const bad = formats.filter((f) => !['svg', 'png', 'json'].includes(f));
      if (bad.length)
        throw new UserError(`--format: unknown format '${bad[0]}'; valid formats: svg, png, json`);
      if (!(experiment in EXPERIMENTS)) {
        throw new UserError(
          `unknown experiment '${experiment}'; valid experiments: ${Object.keys(EXPERIMENTS).join(', ')}`,
        );
      }
      const { plotExperiment } = await import('./plots/index.ts');
      const written = await plotExperiment({
        experiment,
        from: resolve(flags.from ?? join(PACKAGE_ROOT, 'precomputed')),
        out: resolve(flags.out),
        formats: formats as ('svg' | 'png' | 'json')[],
      });
      for (const file of written) console.log(file);
    });
  program
    .command('report')
    .description(
      'write one HTML page with every figure (interactive, offline), final values and provenance',
    )
    .option(
      '--from <dir>',
      'frames or records directory (default: the precomputed results shipped with mimax)',
    )
    .option('--out <dir>', 'where the report goes', 'report')
    .action(async (flags: { from?: string; out: string }) => {
      const { writeReport } = await import('./plots/index.ts');
      const path = writeReport({
        from: resolve(flags.from ?? join(PACKAGE_ROOT, 'precomputed')),
        out: resolve(flags.out),
      });
      console.log(`report: ${path}`);
    });
  program.hook('postAction', () => {
    process.exitCode = exitCode;
  });
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = buildProgram();
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UserError) {
      console.error(`mimax: error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
