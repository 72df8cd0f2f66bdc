/**
 * From a definition to runs: resolve the config (base ← preset ← command-line overrides, each
 * field checked), expand the grid into cells, and give every run a stable id
 * `<experiment>/<cell key>/seed-<seed>`.
 */
import { createHash } from 'node:crypto';
import { resolveOptions } from '../options.ts';
import type { Cell } from '../results/schema.ts';
import { type Json, type Options, UserError } from '../types.ts';
import {
  type ExperimentConfig,
  type ExperimentDefinition,
  LOOP_AXES,
  type LoopKind,
  PRESETS,
  type PresetName,
} from './experiment.ts';

/** Experiment-config fields every run keeps as they are. */
type SharedField =
  | 'dataset'
  | 'dataDir'
  | 'trainLimit'
  | 'testLimit'
  | 'steps'
  | 'evalEvery'
  | 'batchSize'
  | 'learningRate'
  | 'noiseSigma'
  | 'probe'
  | 'jacobianSamples';

/** The config of one run: the experiment config with the grid collapsed to its cell. */
export interface RunConfig extends Pick<ExperimentConfig, SharedField> {
  [key: string]: Json | undefined;
  loop: LoopKind;
  encoder: { name: string; options: Options } | null;
  critic: { name: string; options: Options } | null;
  bound: string | null;
  target: number | null;
  sampling: string | null;
  loopOptions: Options;
  /** Estimator experiments only (absent elsewhere, so the paper's config hashes are unchanged). */
  estimator?: { name: string; options: Options };
  task?: { name: string; options: Options };
}

export interface RunSpec {
  id: string;
  experiment: string;
  preset: string;
  cell: Cell;
  seed: number;
  config: RunConfig;
  /** Hash of `config` (refuses mixing results of different configs in one directory). */
  configHash: string;
  /** User modules to import before the run (they may register encoders, critics, bounds). */
  modules: string[];
}

/** Parses a preset name, listing the valid ones. */
export function parsePreset(name: string): PresetName {
  if ((PRESETS as readonly string[]).includes(name)) return name as PresetName;
  throw new UserError(`unknown preset '${name}'; valid presets: ${PRESETS.join(', ')}`);
}

/** Parses `key.path=value` (value as JSON when it parses, else a string) into a nested object. */
export function parseSet(assignment: string): Options {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UserError(`--set expects key=value, got '${assignment}'`);
  const path = assignment.slice(0, eq).split('.');
  const text = assignment.slice(eq + 1);
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    value = text;
  }
  const root: Options = {};
  let node = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else {
      const child: Options = {};
      node[key] = child;
      node = child;
    }
  });
  return root;
}

/** Deep merge of plain objects (b wins); arrays and scalars are replaced. */
export function deepMerge(a: Options, b: Options): Options {
  const out: Options = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    const bothObjects =
      prev !== null &&
      typeof prev === 'object' &&
      !Array.isArray(prev) &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value);
    out[key] = bothObjects ? deepMerge(prev as Options, value as Options) : value;
  }
  return out;
}

function positiveInteger(config: Options, key: string): void {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new UserError(`${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
}

/** Checks ranges that types alone do not catch. */
export function validateConfig(config: ExperimentConfig, id: string, loop: LoopKind): void {
  for (const key of ['seeds', 'steps', 'evalEvery', 'batchSize']) positiveInteger(config, key);
  if (config.evalEvery > config.steps) {
    throw new UserError(
      `evalEvery (${config.evalEvery}) exceeds steps (${config.steps}): only step 0 would be evaluated; ` +
        'choose evalEvery ≤ steps',
    );
  }
  if (config.batchSize < 2)
    throw new UserError('batchSize must be at least 2 (bounds need negative pairs)');
  if (!(config.learningRate > 0))
    throw new UserError(`learningRate must be > 0, got ${config.learningRate}`);
  if (config.noiseSigma < 0)
    throw new UserError(`noiseSigma must be ≥ 0, got ${config.noiseSigma}`);
  if (!Number.isInteger(config.firstSeed) || config.firstSeed < 0) {
    throw new UserError(`firstSeed must be a non-negative integer, got ${config.firstSeed}`);
  }
  for (const key of ['trainLimit', 'testLimit'] as const) {
    const v = config[key];
    if (v !== null && (!Number.isInteger(v) || v < config.batchSize)) {
      throw new UserError(
        `${key} must be null or an integer ≥ batchSize (${config.batchSize}), got ${v}`,
      );
    }
  }
  if (!Number.isInteger(config.jacobianSamples) || config.jacobianSamples < 0) {
    throw new UserError(
      `jacobianSamples must be a non-negative integer, got ${config.jacobianSamples}`,
    );
  }
  const axes = LOOP_AXES[loop];
  for (const key of (axes.bounds
    ? ['bounds', 'targets', 'samplings']
    : ['targets', 'samplings']) as ('bounds' | 'targets' | 'samplings')[]) {
    if (config[key].length === 0)
      throw new UserError(`${key} must list at least one entry (experiment ${id})`);
  }
  const cellFields = ['encoder', 'critic', 'bound', 'target', 'sampling', 'task'];
  for (const partial of config.exclude) {
    const unknown =
      typeof partial === 'object' && partial !== null && !Array.isArray(partial)
        ? Object.keys(partial).filter((k) => !cellFields.includes(k))
        : ['(not an object)'];
    if (unknown.length) {
      throw new UserError(
        `exclude: each entry must be a partial cell with fields among ${cellFields.join(', ')}; got ${JSON.stringify(partial)}`,
      );
    }
  }
  for (const key of ['encoders', 'critics', 'estimators', 'tasks'] as const) {
    const count = Object.keys(config[key]).length;
    if (axes[key] && count === 0) {
      throw new UserError(`experiment '${id}' needs at least one entry in ${key}`);
    }
    if (!axes[key] && count > 0) {
      throw new UserError(
        `experiment '${id}' (loop ${loop}) takes no ${key}; got ${Object.keys(config[key]).join(', ')}`,
      );
    }
  }
}

/** base ← preset ← overrides; unknown keys and wrong types name the field. */
export function resolveConfig(
  definition: ExperimentDefinition,
  preset: PresetName,
  overrides: Options[] = [],
): ExperimentConfig {
  const context = `experiment '${definition.id}'`;
  // Experiment files written before the estimator axes existed have no such fields.
  const base: ExperimentConfig = {
    ...definition.base,
    estimators: definition.base.estimators ?? {},
    tasks: definition.base.tasks ?? {},
    exclude: definition.base.exclude ?? [],
  };
  let config = applyOverride(base, definition.presets[preset], `${context} preset '${preset}'`);
  for (const override of overrides) config = applyOverride(config, override, context);
  validateConfig(config, definition.id, definition.loop);
  return config;
}

/** The grid maps: entries merge by name, new names add a cell axis value, null removes one. */
const GRID_MAPS = ['encoders', 'critics', 'estimators', 'tasks'] as const;
/**
 * Option maps whose defaults live with their owner (the probe's in `src/eval/probe.ts`, which
 * loads TF.js): merged field by field here, keys and values checked by `validateGrid`.
 */
const OWNED_OPTIONS = ['probe'] as const;

/** Removes `key` from `rest` and returns its value, which must be a plain object (`what`). */
function takeObject(
  rest: Options,
  key: string,
  what: string,
  context: string,
): Options | undefined {
  if (!(key in rest)) return undefined;
  const value = rest[key];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `${context}: option '${key}' must be ${what}, got ${JSON.stringify(value)}`,
    );
  }
  delete rest[key];
  return value as Options;
}

function applyOverride(
  config: ExperimentConfig,
  override: Options,
  context: string,
): ExperimentConfig {
  const rest: Options = { ...override };
  const grids: Partial<Record<(typeof GRID_MAPS)[number], Options>> = {};
  for (const key of GRID_MAPS) {
    const value = takeObject(rest, key, 'an object of name → options', context);
    if (value) grids[key] = value;
  }
  const owned: Partial<Record<(typeof OWNED_OPTIONS)[number], Options>> = {};
  for (const key of OWNED_OPTIONS) {
    const value = takeObject(rest, key, 'an object of options', context);
    if (value) owned[key] = value;
  }
  const out = resolveOptions(config, rest, context);
  for (const [key, options] of Object.entries(owned) as [
    (typeof OWNED_OPTIONS)[number],
    Options,
  ][]) {
    out[key] = { ...out[key], ...options };
  }
  for (const [key, entries] of Object.entries(grids) as [(typeof GRID_MAPS)[number], Options][]) {
    const merged: { [name: string]: Options } = { ...out[key] };
    for (const [name, options] of Object.entries(entries)) {
      if (options === null) delete merged[name];
      else if (typeof options !== 'object' || Array.isArray(options)) {
        throw new UserError(
          `${context}: ${key}.${name} must be an options object or null, got ${JSON.stringify(options)}`,
        );
      } else merged[name] = { ...(merged[name] ?? {}), ...(options as Options) };
    }
    out[key] = merged;
  }
  return out;
}

/** Key of a cell in ids and file names: its non-null parts joined by dots. */
export function cellKey(cell: Cell): string {
  return [
    cell.encoder,
    cell.critic,
    cell.bound,
    cell.target === null ? null : `t${cell.target}`,
    cell.sampling,
    cell.task ?? null,
  ]
    .filter((p) => p !== null)
    .join('.');
}

/** Stable run id. */
export function runId(experiment: string, cell: Cell, seed: number): string {
  return `${experiment}/${cellKey(cell) || 'default'}/seed-${seed}`;
}

function hashConfig(config: RunConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/** Every run of the grid, in a stable order: cells (grid order) × seeds. */
export function expandRuns(
  definition: ExperimentDefinition,
  config: ExperimentConfig,
  preset: string,
  modules: string[] = [],
): RunSpec[] {
  const encoders = Object.entries(config.encoders);
  const critics = Object.entries(config.critics);
  const encoderAxis = encoders.length ? encoders : [null];
  const criticAxis = critics.length ? critics : [null];
  const axes = LOOP_AXES[definition.loop];
  // The bound axis holds bound ids (paper loops) or estimator variants (estimator loops).
  const boundAxis: [string | null, RunConfig['estimator'] | undefined][] = axes.estimators
    ? Object.entries(config.estimators).map(([id, options]) => [
        id,
        variant(id, options, 'estimator'),
      ])
    : axes.bounds
      ? config.bounds.map((b) => [b, undefined])
      : [[null, undefined]];
  const taskAxis: [string | null, RunConfig['task'] | undefined][] = axes.tasks
    ? Object.entries(config.tasks).map(([id, options]) => [id, variant(id, options, 'task')])
    : [[null, undefined]];
  const runs: RunSpec[] = [];
  for (const encoder of encoderAxis) {
    for (const critic of criticAxis) {
      for (const [bound, estimator] of boundAxis) {
        for (const target of config.targets) {
          for (const sampling of config.samplings) {
            for (const [task, taskSpec] of taskAxis) {
              const cell: Cell = {
                encoder: encoder ? encoder[0] : null,
                critic: critic ? critic[0] : null,
                bound,
                target,
                sampling,
                ...(task === null ? {} : { task }),
              };
              if (config.exclude.some((partial) => matchesCell(partial, cell))) continue;
              const runConfig: RunConfig = {
                loop: definition.loop,
                dataset: config.dataset,
                dataDir: config.dataDir,
                trainLimit: config.trainLimit,
                testLimit: config.testLimit,
                steps: config.steps,
                evalEvery: config.evalEvery,
                batchSize: config.batchSize,
                learningRate: config.learningRate,
                noiseSigma: config.noiseSigma,
                probe: config.probe,
                jacobianSamples: config.jacobianSamples,
                encoder: encoder ? { name: encoder[0], options: encoder[1] } : null,
                critic: critic ? { name: critic[0], options: critic[1] } : null,
                bound,
                target,
                sampling,
                loopOptions: config.loop,
                ...(estimator ? { estimator } : {}),
                ...(taskSpec ? { task: taskSpec } : {}),
              };
              const configHash = hashConfig(runConfig);
              for (let s = 0; s < config.seeds; s++) {
                const seed = config.firstSeed + s;
                runs.push({
                  id: runId(definition.id, cell, seed),
                  experiment: definition.id,
                  preset,
                  cell,
                  seed,
                  config: runConfig,
                  configHash,
                  modules,
                });
              }
            }
          }
        }
      }
    }
  }
  return runs;
}

/** Whether every field of `partial` equals the cell's (an `exclude` entry). */
function matchesCell(partial: Options, cell: Cell): boolean {
  return Object.entries(partial).every(
    ([key, value]) => (cell[key as keyof Cell] ?? null) === value,
  );
}

/**
 * A grid-map variant `id → options` as the registry entry it names: the option `key`
 * (`estimator` / `task`) names the entry (default: the id itself); the rest are its options.
 */
export function variant(
  id: string,
  options: Options,
  key: 'estimator' | 'task',
): { name: string; options: Options } {
  const { [key]: name, ...rest } = options;
  if (name !== undefined && typeof name !== 'string') {
    throw new UserError(
      `${key}s.${id}: option '${key}' must name a registered ${key}, got ${JSON.stringify(name)}`,
    );
  }
  return { name: name ?? id, options: rest };
}

/** Parses `i/n` (0 ≤ i < n). */
export function parseShard(spec: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(spec);
  if (!match) throw new UserError(`--shard expects i/n (e.g. 0/4), got '${spec}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) {
    throw new UserError(`--shard ${spec} is out of range: need 0 ≤ i < n and n ≥ 1`);
  }
  return { index, count };
}

/** The i-th of n disjoint, covering slices (round-robin, so each shard gets every cell's mix). */
export function shardRuns<T>(runs: T[], shard: { index: number; count: number }): T[] {
  return runs.filter((_, k) => k % shard.count === shard.index);
}
