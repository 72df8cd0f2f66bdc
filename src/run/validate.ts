/**
 * Checks an experiment's grid against the registries before any run starts: unknown encoder,
 * critic or bound names list the valid ones; unknown or mistyped options name the field.
 */
import { boundRegistry } from '../bounds/index.ts';
import { criticRegistry } from '../critics/index.ts';
import { encoderRegistry } from '../encoders/index.ts';
import { type ProbeOptions, resolveProbeOptions } from '../eval/probe.ts';
import { resolveOptions } from '../options.ts';
import { UserError } from '../types.ts';
import type { ExperimentConfig, ExperimentDefinition } from './experiment.ts';

export function validateGrid(definition: ExperimentDefinition, config: ExperimentConfig): void {
  for (const [name, options] of Object.entries(config.encoders)) {
    resolveOptions(encoderRegistry.get(name).defaults, options, `encoder '${name}'`);
  }
  for (const [name, options] of Object.entries(config.critics)) {
    resolveOptions(criticRegistry.get(name).defaults, options, `critic '${name}'`);
  }
  try {
    resolveProbeOptions(config.probe as ProbeOptions);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(`experiment '${definition.id}' ${error.message}`);
  }
  if (definition.loop !== 'adversarial') for (const name of config.bounds) boundRegistry.get(name);
  const needs = {
    sweep: { encoders: true, critics: true },
    adversarial: { encoders: true, critics: false },
    'bound-only': { encoders: false, critics: true },
  }[definition.loop];
  if (needs.encoders && Object.keys(config.encoders).length === 0) {
    throw new UserError(`experiment '${definition.id}' needs at least one encoder in its grid`);
  }
  if (needs.critics && Object.keys(config.critics).length === 0) {
    throw new UserError(`experiment '${definition.id}' needs at least one critic in its grid`);
  }
  for (const sampling of config.samplings) {
    if (
      definition.loop === 'bound-only'
        ? sampling !== 'iid' && sampling !== 'noniid'
        : sampling !== null
    ) {
      throw new UserError(
        `samplings: '${sampling}' is not valid for experiment '${definition.id}' (bound-only: iid, noniid; else null)`,
      );
    }
  }
}
