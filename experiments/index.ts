/** Every experiment (the paper's six, then the estimator benchmarks), by id. */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import { adversarial } from './adversarial.ts';
import { aisMi } from './ais-mi.ts';
import { bmiBenchmark } from './bmi-benchmark.ts';
import { correlation } from './correlation.ts';
import { criticImpact } from './critic-impact.ts';
import { encoderImpact } from './encoder-impact.ts';
import { ganModes } from './gan-modes.ts';
import { invertible } from './invertible.ts';
import { nonInvertible } from './non-invertible.ts';
import { noniid } from './noniid.ts';
import { staircase } from './staircase.ts';

export const EXPERIMENTS: Record<string, ExperimentDefinition> = Object.fromEntries(
  [
    invertible,
    adversarial,
    nonInvertible,
    criticImpact,
    encoderImpact,
    noniid,
    staircase,
    correlation,
    bmiBenchmark,
    ganModes,
    aisMi,
  ].map((e) => [e.id, e]),
);
