/** Every experiment of the paper, by id. */
import type { ExperimentDefinition } from '../src/run/experiment.ts';
import { adversarial } from './adversarial.ts';
import { criticImpact } from './critic-impact.ts';
import { encoderImpact } from './encoder-impact.ts';
import { invertible } from './invertible.ts';
import { nonInvertible } from './non-invertible.ts';
import { noniid } from './noniid.ts';

export const EXPERIMENTS: Record<string, ExperimentDefinition> = Object.fromEntries(
  [invertible, adversarial, nonInvertible, criticImpact, encoderImpact, noniid].map((e) => [
    e.id,
    e,
  ]),
);
