/**
 * Runs several `mimax` command lines in one process (the CLI's `main()`, as `bin/mimax.js`
 * calls it) and prints, as JSON, each one's exit code and output: the bad-input tests of
 * `cli.test.ts` pay for one process start instead of one per case.
 *
 *   node --import tsx test/estimate/run-cli-cases.ts '[["estimate", "nope.csv"], ...]'
 */
import { main } from '../../src/cli.ts';

const cases = JSON.parse(process.argv[2]) as string[][];
const results: { code: number; stdout: string; stderr: string }[] = [];
const out = process.stdout.write.bind(process.stdout);
const err = process.stderr.write.bind(process.stderr);
for (const args of cases) {
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(['node', 'mimax', ...args]);
  } catch (error) {
    // Not a UserError: what an uncaught error would print (a stack trace).
    code = 1;
    stderr += (error as Error).stack ?? String(error);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
  results.push({ code, stdout, stderr });
}
out(`${JSON.stringify(results)}\n`);
