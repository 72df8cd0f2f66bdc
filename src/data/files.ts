/** Reading input files with errors a user can act on. Never imports TF.js. */
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../types.ts';

/** A file's bytes; a missing, unreadable or directory path is a `UserError` naming it. */
export function readInput(path: string): Uint8Array {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UserError(`file not found: ${path}`);
  }
  if (!isFile) throw new UserError(`not a file: ${path}`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`);
  }
}
