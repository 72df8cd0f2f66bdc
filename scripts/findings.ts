/**
 * Prints the numbers behind the README's findings from precomputed/ (or --from DIR): per cell,
 * accuracy and bounds at the first and last evaluation (mean ± sd over ok seeds, n), Jacobian
 * log-condition percentiles at the last step, and the noniid estimates' final smoothed values.
 *
 * For the estimator benchmarks: the staircase's bias and sd per estimator × critic × task ×
 * level, the correlation benchmark's final held-out estimates against the truth, and the bmi
 * benchmark's table (final and best-over-training held-out estimates, within 10 %, seconds).
 * For gan-modes: modes / high quality / reverse KL at the last evaluation per data set and
 * method (mean ± standard error over ok seeds). For ais-mi: per model × method, the lower and
 * upper MI bounds (mean over ok seeds ± the 95 % CI half-width of that mean), their gap, the
 * truth where known, seconds per run and the HMC acceptance.
 *
 *   node --import tsx scripts/findings.ts [EXPERIMENT ...] [--from precomputed]
 */

import { aisCells, aisRuns } from '../src/results/ais.ts';
import { benchmarkCells, withinSummary } from '../src/results/benchmark.ts';
import { conditionPercentiles, levelStatistics, summarize } from '../src/results/frames.ts';
import { formatMeanSe, ganCells } from '../src/results/gan.ts';
import { listExperiments, loadResultSet } from '../src/results/source.ts';

const args = process.argv.slice(2);
const fromIndex = args.indexOf('--from');
const from = fromIndex >= 0 ? args[fromIndex + 1] : 'precomputed';
const named = args.filter(
  (a, i) => !a.startsWith('--') && !(fromIndex >= 0 && i === fromIndex + 1),
);
type Row = Record<string, string | number | null>;

const fmt = (mean: unknown, sd: unknown) =>
  typeof mean === 'number'
    ? `${mean.toFixed(3)}${typeof sd === 'number' ? ` ± ${sd.toFixed(3)}` : ''}`
    : '-';
const cellOf = (d: Row) =>
  ['encoder', 'critic', 'bound', 'target', 'sampling']
    .map((k) => d[k])
    .filter((v) => v !== null && v !== undefined && v !== '')
    .map((v, i) => (i === 3 && typeof v === 'number' ? `t${v}` : String(v)))
    .join('.');

/** Staircase: bias (sd) of each estimator at each level, and the failed runs. */
function staircaseFindings(frames: ReturnType<typeof loadResultSet>['frames']) {
  const stats = levelStatistics(frames.evaluations, frames.runs).objects() as Row[];
  const levels = [...new Set(stats.map((d) => d.trueMI as number))].sort((a, b) => a - b);
  const key = (d: Row) => `${d.task} · ${d.critic} · ${d.bound}`;
  console.log(
    `\nper level: bias (sd) of the window mean, pooled over seeds\n| task · critic · estimator | ${levels.join(' | ')} |\n|---|${levels.map(() => '---:').join('|')}|`,
  );
  for (const cell of [...new Set(stats.map(key))].sort()) {
    const cells = levels.map((mi) => {
      const rows = stats.filter((d) => key(d) === cell && d.trueMI === mi);
      if (rows.length === 0) return '—';
      const m = (c: string) => rows.reduce((a, d) => a + (d[c] as number), 0) / rows.length;
      return `${m('bias').toFixed(2)} (${m('sd').toFixed(2)})`;
    });
    console.log(`| ${cell} | ${cells.join(' | ')} |`);
  }
  for (const r of frames.runs.objects() as Row[]) {
    if (r.status !== 'ok') console.log(`- ${r.status}: ${r.id}: ${r.error ?? ''}`);
  }
}

/** Correlation: each run's final held-out estimate against the truth. */
function correlationFindings(frames: ReturnType<typeof loadResultSet>['frames']) {
  const last = new Map<string, Row>();
  for (const d of frames.evaluations.objects() as Row[]) {
    const k = `${d.task} · ${d.bound} · ${d.seed}`;
    if (!last.has(k) || (d.step as number) > (last.get(k)!.step as number)) last.set(k, d);
  }
  console.log(
    '\n| task | estimator | seed | true MI | held-out | train |\n|---|---|---:|---:|---:|---:|',
  );
  for (const [, d] of [...last].sort(([a], [b]) => a.localeCompare(b))) {
    const f = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : '—');
    console.log(
      `| ${d.task} | ${d.bound} | ${d.seed} | ${f(d.trueMI)} | ${f(d.testBound)} | ${f(d.trainBound)} |`,
    );
  }
}

/** bmi-benchmark: every (task, estimator) cell, within-10 % counts, mean fit seconds. */
function benchmarkFindings(frames: ReturnType<typeof loadResultSet>['frames']) {
  const cells = benchmarkCells(frames);
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  console.log(
    '\nfinal = held-out estimate at the end of training (mimax reports it); best = the maximum held-out value over training (bmi reports it)\n' +
      '| task | true MI | estimator | final mean ± sd | best mean | ok | failed | seconds |\n|---|---:|---|---:|---:|---:|---:|---:|',
  );
  for (const c of cells) {
    console.log(
      `| ${c.task} | ${f(c.truth)} | ${c.estimator} | ${fmt(c.mean, c.sd)} | ${f(mean(c.best))} | ${c.ok} | ${c.failed}${c.errors.length ? ` (${c.errors[0].slice(0, 60)})` : ''} | ${c.seconds === null ? '—' : c.seconds.toFixed(1)} |`,
    );
  }
  console.log(
    '\n| estimator | tasks within 10 % | tasks | every run failed | mean seconds per fit |\n|---|---:|---:|---:|---:|',
  );
  for (const s of withinSummary(cells)) {
    const secs = cells
      .filter((c) => c.estimator === s.estimator && c.seconds !== null)
      .map((c) => c.seconds!);
    console.log(
      `| ${s.estimator} | ${s.within} | ${s.tasks} | ${s.failedTasks} | ${f(mean(secs))} |`,
    );
  }
}

/** gan-modes: the README's table (last evaluation, mean ± standard error over ok seeds). */
function ganFindings(frames: ReturnType<typeof loadResultSet>['frames']) {
  console.log(
    '\n| data set | method | iteration | modes | high quality (%) | reverse KL | ok | failed | no high-quality sample |\n|---|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const c of ganCells(frames)) {
    console.log(
      `| ${c.dataset} | ${c.method} | ${c.step ?? '—'} | ${formatMeanSe(c.metrics.modes, 1)} | ${formatMeanSe(c.metrics.highQuality, 1)} | ${formatMeanSe(c.metrics.reverseKl, 2)} | ${c.ok} | ${c.failed} | ${c.noHighQuality} |`,
    );
  }
}

/** ais-mi: the README's table (mean over ok seeds ± 95 % CI half-width of the mean). */
function aisFindings(frames: ReturnType<typeof loadResultSet>['frames']) {
  const f = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));
  const pm = (v: number | null, h: number | null) =>
    v === null ? '—' : `${v.toFixed(2)}${h === null ? '' : ` ± ${h.toFixed(2)}`}`;
  console.log(
    '\n| model | method | K or T | lower | upper | gap | truth | sample MI | seconds | acceptance | ok | failed | flagged |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const cells = aisCells(aisRuns(frames));
  for (const c of cells) {
    console.log(
      `| ${c.model} | ${c.method} | ${c.size ?? '—'} | ${pm(c.lower, c.ciLower)} | ${pm(c.upper, c.ciUpper)} | ${f(c.gap)} | ${f(c.trueMI)} | ${f(c.sampleMI)} | ${f(c.seconds, 1)} | ${f(c.acceptance)} | ${c.ok} | ${c.failed} | ${c.flagged} |`,
    );
  }
  // The README's summary: per model, each method at its largest K or T as [lower, upper] (gap).
  const methods = [...new Set(cells.map((c) => c.method))];
  const largest = methods.filter((m) => {
    const family = cells.find((c) => c.method === m)!.family;
    const size = cells.find((c) => c.method === m)!.size ?? 0;
    return !cells.some((c) => c.family === family && (c.size ?? 0) > size);
  });
  console.log(
    `\n| model | truth (sample MI) | ${largest.join(' | ')} |\n|---|---:|${largest.map(() => '---:').join('|')}|`,
  );
  for (const model of [...new Set(cells.map((c) => c.model))]) {
    const row = cells.filter((c) => c.model === model);
    const truth = row.find((c) => c.trueMI !== null);
    const entries = largest.map((m) => {
      const c = row.find((x) => x.method === m);
      if (!c || c.lower === null) return '—';
      return c.upper === null
        ? `≥ ${c.lower.toFixed(2)}`
        : `${c.lower.toFixed(2)} – ${c.upper.toFixed(2)} (${c.gap!.toFixed(2)})`;
    });
    console.log(
      `| ${model} | ${truth ? `${f(truth.trueMI)} (${f(truth.sampleMI)})` : '—'} | ${entries.join(' | ')} |`,
    );
  }
  // Seconds per run of each method, mean over the trained models (vae, gan) and over all.
  console.log(
    '\n| method | seconds per run, trained models | seconds per run, linear-Gaussian |\n|---|---:|---:|',
  );
  for (const m of methods) {
    const mean = (kinds: string[]) => {
      const s = cells
        .filter((c) => c.method === m && kinds.includes(c.modelKind) && c.seconds !== null)
        .map((c) => c.seconds!);
      return s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
    };
    console.log(`| ${m} | ${f(mean(['vae', 'gan']), 1)} | ${f(mean(['linear-gaussian']), 1)} |`);
  }
}

for (const experiment of named.length ? named : listExperiments(from)) {
  const { frames, manifest } = loadResultSet(from, experiment);
  if (experiment === 'ais-mi') {
    console.log(
      `\n## ${experiment} (preset ${manifest.preset}, seeds ${manifest.seeds.join(',')}, runs ok ${manifest.runs.ok}/${manifest.runs.requested}, failed ${manifest.runs.failed})`,
    );
    aisFindings(frames);
    continue;
  }
  if (experiment === 'gan-modes') {
    console.log(
      `\n## ${experiment} (preset ${manifest.preset}, seeds ${manifest.seeds.join(',')}, runs ok ${manifest.runs.ok}/${manifest.runs.requested}, failed ${manifest.runs.failed})`,
    );
    ganFindings(frames);
    continue;
  }
  if (
    experiment === 'staircase' ||
    experiment === 'correlation' ||
    experiment === 'bmi-benchmark'
  ) {
    console.log(
      `\n## ${experiment} (preset ${manifest.preset}, seeds ${manifest.seeds.join(',')}, runs ok ${manifest.runs.ok}/${manifest.runs.requested}, failed ${manifest.runs.failed})`,
    );
    if (experiment === 'staircase') staircaseFindings(frames);
    else if (experiment === 'correlation') correlationFindings(frames);
    else benchmarkFindings(frames);
    continue;
  }
  console.log(
    `\n## ${experiment} (preset ${manifest.preset}, seeds ${manifest.seeds.join(',')}, runs ok ${manifest.runs.ok}/${manifest.runs.requested})`,
  );
  const by = ['encoder', 'critic', 'bound', 'target', 'sampling'];
  const columns = ['accuracy', 'testBound', 'trainBound'] as const;
  const summaries = Object.fromEntries(
    columns.map((c) => [
      c,
      summarize(frames.evaluations, frames.runs, c, { by }).objects() as Row[],
    ]),
  );
  const cells = [...new Set(summaries.trainBound.map(cellOf))];
  console.log(
    '| cell | step | accuracy | test bound | train bound | n |\n|---|---:|---:|---:|---:|---:|',
  );
  for (const cell of cells) {
    const rows = summaries.trainBound.filter((d) => cellOf(d) === cell);
    const steps = [
      ...new Set(
        [...summaries.accuracy, ...summaries.testBound, ...rows]
          .filter((d) => cellOf(d) === cell)
          .map((d) => d.step as number),
      ),
    ].sort((a, b) => a - b);
    for (const step of [steps[0], steps.at(-1)]) {
      const at = (c: (typeof columns)[number]) =>
        summaries[c].find((d) => cellOf(d) === cell && d.step === step);
      const a = at('accuracy');
      const t = at('testBound');
      const tr = at('trainBound');
      console.log(
        `| ${cell} | ${step} | ${fmt(a?.mean, a?.sd)} | ${fmt(t?.mean, t?.sd)} | ${fmt(tr?.mean, tr?.sd)} | ${a?.n ?? tr?.n ?? '-'} |`,
      );
    }
  }
  if (frames.conditions.numRows() > 0) {
    const p = conditionPercentiles(frames.conditions, frames.runs).objects() as Row[];
    console.log(
      '\nlog(σ_max/σ_min) percentiles (pooled over seeds × samples):\n| bound | step | min | p20 | p40 | p60 | p80 | max |\n|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const bound of [...new Set(p.map((d) => d.bound))]) {
      const rows = p.filter((d) => d.bound === bound);
      for (const d of [rows[0], rows.at(-1)!]) {
        console.log(
          `| ${bound} | ${d.step} | ${['min', 'p20', 'p40', 'p60', 'p80', 'max'].map((k) => (d[k] as number).toFixed(2)).join(' | ')} |`,
        );
      }
    }
  }
  if (frames.traces.numRows() > 0 && experiment === 'noniid') {
    const traces = frames.traces.objects() as Row[];
    const steps = [...new Set(traces.map((d) => d.step as number))].sort((a, b) => a - b);
    const tail = new Set(steps.slice(-Math.max(1, Math.floor(steps.length / 5)))); // last 20% of training
    console.log(
      `\nnoniid: mean estimate over the last 20% of steps (true MI ${manifest.constants.trueMI?.toFixed(4)} nats):`,
    );
    for (const cell of [...new Set(traces.map(cellOf))]) {
      const values = traces
        .filter((d) => cellOf(d) === cell && tail.has(d.step as number))
        .map((d) => d.value as number);
      const mean = values.reduce((x, y) => x + y, 0) / values.length;
      console.log(`- ${cell}: ${mean.toFixed(4)} (${values.length} values)`);
    }
  }
}
