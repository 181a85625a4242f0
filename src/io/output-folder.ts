/**
 * Output folders are checked before the work that fills them: an evaluation that runs for an hour and then finds
 * that `--out` is a file, or that its disk is read-only, has wasted the hour.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Creates `dir` (and its parents) when missing and checks that a file can be created in it.
 * @example prepareOutputFolder('eval/cxr14') // before evaluating
 * @throws Error naming the folder: it is a file, or cannot be created or written (with the system's reason)
 */
export function prepareOutputFolder(dir: string): string {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`Expected an output folder but received ${JSON.stringify(dir)}`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${dir}: is a file, not a folder; choose another output folder`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new Error(`${dir}: cannot create the output folder (${(error as Error).message})`, { cause: error });
  }
  const probe = join(dir, `.medslip-write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
  } catch (error) {
    throw new Error(`${dir}: cannot write in the output folder (${(error as Error).message})`, { cause: error });
  } finally {
    rmSync(probe, { force: true });
  }
  return dir;
}
