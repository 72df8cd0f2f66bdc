/**
 * Renders an experiment's figures to files from precomputed frames or a results dir of
 * records (what `mimax plot` calls). Never imports TF.js.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultSet } from '../results/io.ts';
import { loadResultSet } from '../results/source.ts';
import { figureIds, getFigure } from './figures.ts';
import { renderSvg, svgToPng } from './render.ts';
import type { VlSpec } from './vega-lite.ts';

/** Output formats: `json` = the Vega-Lite spec with inline data (`.vl.json`). */
export type PlotFormat = 'svg' | 'png' | 'json';

/** Options of {@link plotExperiment}. */
export interface PlotOptions {
  /** Experiment id, e.g. `critic-impact`. */
  experiment: string;
  /**
   * Where the results are: a frames dir holding `<experiment>/` (e.g. `precomputed/`) or a
   * results dir holding `records/<experiment>/`.
   */
  from: string;
  /** Output dir; files are `<out>/<experiment>-<figure>.{vl.json,svg,png}`. */
  out: string;
  /** Formats to write. Default `['json', 'svg', 'png']`. */
  formats?: readonly PlotFormat[];
  /** Only these figure ids. Default: every figure of the experiment. */
  figures?: readonly string[];
}

/** Every figure spec of one experiment, by figure id, from a loaded result set. */
export function buildFigures(
  experiment: string,
  set: ResultSet,
  ids: readonly string[] = figureIds(experiment),
): Map<string, VlSpec> {
  return new Map(ids.map((id) => [id, getFigure(experiment, id).build(set.frames, set.manifest)]));
}

/**
 * A spec as indented JSON with every array of numbers on one line (a scatter's coordinates
 * would otherwise take one line per number).
 */
export function specJson(spec: VlSpec): string {
  return JSON.stringify(spec, null, 1).replace(
    /\[\n\s*(-?[\d.eE+-]+(?:,\n\s*-?[\d.eE+-]+)*)\n\s*\]/g,
    (_, inner: string) => `[${inner.replace(/\n\s*/g, '')}]`,
  );
}

/** Renders the figures of `experiment` and returns the written file paths. */
export async function plotExperiment(options: PlotOptions): Promise<string[]> {
  const formats = options.formats ?? ['json', 'svg', 'png'];
  const ids = options.figures ?? figureIds(options.experiment);
  for (const id of ids) getFigure(options.experiment, id); // unknown ids fail before loading
  const set = loadResultSet(options.from, options.experiment);
  const specs = buildFigures(options.experiment, set, ids);
  mkdirSync(options.out, { recursive: true });
  const written: string[] = [];
  for (const [id, spec] of specs) {
    const base = join(options.out, `${options.experiment}-${id}`);
    const svgFile = getFigure(options.experiment, id).svgFile !== false;
    if (formats.includes('json')) {
      writeFileSync(`${base}.vl.json`, `${specJson(spec)}\n`);
      written.push(`${base}.vl.json`);
    }
    if (formats.includes('svg') || formats.includes('png')) {
      const svg = await renderSvg(spec);
      if (formats.includes('svg') && svgFile) {
        writeFileSync(`${base}.svg`, svg);
        written.push(`${base}.svg`);
      }
      if (formats.includes('png')) {
        writeFileSync(`${base}.png`, svgToPng(svg));
        written.push(`${base}.png`);
      }
    }
  }
  return written;
}
