/**
 * `mimax estimate`: the command-line layer over {@link estimate} (read the data, show progress,
 * print the table or JSON, write the JSON result and the figure). Every check on the input
 * that needs no TF.js runs before TF.js loads, so bad input fails in about a second.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPairs } from '../data/tabular.ts';
import { parseSet } from '../run/grid.ts';
import { type Json, type Options, UserError } from '../types.ts';
import { MIMAX_VERSION } from '../version.ts';
import type { EstimateResult } from './result.ts';

/** The flags of `mimax estimate` as commander parses them. */
export interface EstimateFlags {
  x?: string;
  y?: string;
  xFile?: string;
  yFile?: string;
  estimator?: string;
  critic?: string;
  seeds?: number;
  steps?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: string;
  testFraction?: string;
  dropMissing?: boolean;
  out?: string;
  format: string;
  set: string[];
  backend?: string;
}

/** `s` as a number, or a `UserError` naming `flag`. */
function numberFlag(s: string, flag: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v))
    throw new UserError(`${flag} must be a number, got '${s}'`);
  return v;
}

/**
 * `--set NAME.KEY=VALUE` assignments (JSON values) → options per estimator id, and the critic's
 * (`critic.hidden=[64]`).
 */
function parseAssignments(
  assignments: string[],
  ids: string[],
): { perEstimator: Map<string, Options>; critic: Options } {
  const perEstimator = new Map<string, Options>();
  const critic: Options = {};
  for (const assignment of assignments) {
    const parsed = parseSet(assignment);
    const [[owner, value]] = Object.entries(parsed);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UserError(
        `--set ${assignment}: expected ESTIMATOR.OPTION=VALUE or critic.OPTION=VALUE (e.g. smile.tau=2, ksg.k=5, critic.hidden=[64])`,
      );
    }
    if (owner === 'critic') {
      Object.assign(critic, value);
    } else if (ids.includes(owner)) {
      perEstimator.set(owner, { ...(perEstimator.get(owner) ?? {}), ...(value as Options) });
    } else {
      throw new UserError(
        `--set ${assignment}: '${owner}' is not one of the estimators run (${ids.join(', ')}) nor 'critic'`,
      );
    }
  }
  return { perEstimator, critic };
}

/** Runs `mimax estimate`; returns the exit code (0 ok, 1 a fit failed, 130 stopped). */
export async function runEstimateCommand(
  data: string | undefined,
  flags: EstimateFlags,
): Promise<number> {
  if (flags.format !== 'table' && flags.format !== 'json') {
    throw new UserError(`--format must be 'table' or 'json', got '${flags.format}'`);
  }
  if (flags.steps !== undefined && flags.epochs !== undefined) {
    throw new UserError('give the training length as --steps or as --epochs, not both');
  }
  const testFraction =
    flags.testFraction === undefined
      ? undefined
      : numberFlag(flags.testFraction, '--test-fraction');
  if (testFraction !== undefined && !(testFraction > 0 && testFraction < 1)) {
    throw new UserError(`--test-fraction must be in (0, 1), got ${flags.testFraction}`);
  }
  const learningRate =
    flags.learningRate === undefined
      ? undefined
      : numberFlag(flags.learningRate, '--learning-rate');
  const names = flags.estimator?.split(',').map((s) => s.trim()) ?? null;
  const loaded = loadPairs({
    data,
    x: flags.x,
    y: flags.y,
    xFile: flags.xFile,
    yFile: flags.yFile,
    dropMissing: flags.dropMissing,
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (loaded.dropped > 0) {
    log(
      `dropped ${loaded.dropped} of ${loaded.rowsRead} rows with missing or non-numeric values (--drop-missing)`,
    );
  }
  // TF.js and the registries load only now, after the data passed their checks.
  const { DEFAULT_ESTIMATORS, prepareEstimate, runEstimate } = await import('./estimate.ts');
  const ids = names ?? [...DEFAULT_ESTIMATORS];
  const { perEstimator, critic } = parseAssignments(flags.set, ids);
  const prepared = prepareEstimate(
    { data: loaded.x.values, shape: [loaded.x.n, loaded.x.d] },
    { data: loaded.y.values, shape: [loaded.y.n, loaded.y.d] },
    {
      estimators: ids.map((id) => ({ estimator: id, options: perEstimator.get(id) })),
      ...(flags.critic !== undefined ? { critic: flags.critic } : {}),
      ...(Object.keys(critic).length ? { criticOptions: critic } : {}),
      ...(flags.seeds !== undefined ? { seeds: flags.seeds } : {}),
      ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
      ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
      ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}),
      ...(learningRate !== undefined ? { learningRate } : {}),
      ...(testFraction !== undefined ? { testFraction } : {}),
      xNames: loaded.x.names,
      yNames: loaded.y.names,
    },
  );
  let backend: string | null = null;
  if (prepared.needsBackend) {
    const { initBackend } = await import('../backend.ts');
    backend = (await initBackend(flags.backend)).name;
  }
  const { createProgress } = await import('../run/progress.ts');
  const progress = createProgress(process.stderr);
  const controller = new AbortController();
  let interrupts = 0;
  // Ctrl-C or SIGTERM: stop after the current step and print what finished; a second one kills.
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    log('stopping after the current step (Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const p = prepared.protocol;
  log(
    `mimax estimate: ${loaded.description}, ${loaded.x.n} rows (${p.trainRows} train, ${p.testRows} held out), ` +
      `${p.seeds.length} seed${p.seeds.length === 1 ? '' : 's'}; backend ${backend ?? 'none needed'}`,
  );
  let result: EstimateResult;
  try {
    result = await runEstimate(prepared, {
      signal: controller.signal,
      onProgress: (e) => {
        progress.setTotals(e.done, e.total);
        if (e.finished) {
          const s = e.finished;
          const value =
            s.status === 'ok'
              ? `${s.estimate!.toFixed(3)} nats held-out (train ${s.trainEstimate!.toFixed(3)})`
              : `${s.status}: ${s.error ?? ''}`;
          progress.finished(0, `${e.id} seed ${e.seed}: ${value} in ${s.seconds.toFixed(1)} s`);
        } else {
          progress.update(0, {
            id: `${e.id} seed ${e.seed}`,
            step: e.step,
            steps: e.steps,
            accuracy: null,
            bound: e.estimate,
          });
        }
      },
    });
  } finally {
    progress.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const extra: { [key: string]: Json } = {
    mimax: MIMAX_VERSION,
    command: ['mimax', 'estimate', ...process.argv.slice(3)],
    data: {
      source: loaded.description,
      rowsRead: loaded.rowsRead,
      dropped: loaded.dropped,
    },
    backend,
  };
  const { formatTable, resultJson } = await import('./result.ts');
  const json = resultJson(result, extra);
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify(json, null, 1)}\n`);
  else process.stdout.write(`${formatTable(result)}\n`);
  if (flags.out !== undefined) {
    const out = flags.out;
    mkdirSync(out, { recursive: true });
    const written = [join(out, 'estimate.json')];
    writeFileSync(written[0], `${JSON.stringify(json, null, 1)}\n`);
    if (result.estimators.length > 0) {
      const { estimateFigureSpec } = await import('../plots/estimate-figure.ts');
      const { renderSvg, svgToPng } = await import('../plots/render.ts');
      const spec = estimateFigureSpec(result, [loaded.description]);
      const base = join(out, 'estimate');
      writeFileSync(`${base}.vl.json`, `${JSON.stringify(spec, null, 1)}\n`);
      const svg = await renderSvg(spec);
      writeFileSync(`${base}.svg`, svg);
      writeFileSync(`${base}.png`, svgToPng(svg));
      written.push(`${base}.vl.json`, `${base}.svg`, `${base}.png`);
    }
    (flags.format === 'json' ? log : (l: string) => process.stdout.write(`${l}\n`))(
      `wrote ${written.join(', ')}`,
    );
  }
  if (result.stopped) return 130;
  const failed = result.estimators.some((e) => e.perSeed.some((s) => s.status === 'failed'));
  return failed ? 1 : 0;
}
