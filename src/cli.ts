/**
 * Command-line interface: argument parsing and dispatch only; the work lives in modules.
 * A `UserError` (bad name, bad option, missing file) prints one line and exits 2, never a
 * stack trace; anything else is a bug and prints its stack.
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError } from 'commander';
import { initBackend } from './backend.ts';
import { DATASETS } from './data/datasets.ts';
import { UserError } from './types.ts';
import { MIMAX_VERSION, versions } from './version.ts';

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

export function buildProgram(): Command {
  const program = new Command('mimax')
    .description(
      'Mutual-information maximization for representation learning (Tschannen et al., ICLR 2020)',
    )
    .version(MIMAX_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('info')
    .description('print the TF.js backend, versions, cores and data sets found')
    .option(
      '--backend <name>',
      'tensorflow | wasm | cpu (default: best available; env MIMAX_BACKEND)',
    )
    .action(info);
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UserError) {
      console.error(`mimax: error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
