/**
 * After a sweep: records → frames (CSV) → the experiment's figures, next to the records.
 * Only `results/` and `plots/` code runs here (no TF.js).
 */
import { join } from 'node:path';
import { plotExperiment, writeFrames } from '../plots/index.ts';
import type { ExperimentDefinition } from './experiment.ts';

/** Writes frames to `<out>/frames/<experiment>/` and figures to `<out>/figures/`; returns summary lines. */
export async function renderResults(
  out: string,
  definition: ExperimentDefinition,
): Promise<string[]> {
  const framesDir = join(out, 'frames');
  writeFrames(out, framesDir);
  const written = await plotExperiment({
    experiment: definition.id,
    from: framesDir,
    out: join(out, 'figures'),
    formats: ['svg', 'png', 'json'],
  });
  return [
    `frames: ${join(framesDir, definition.id)}`,
    `figures: ${written.length} files in ${join(out, 'figures')}`,
  ];
}
