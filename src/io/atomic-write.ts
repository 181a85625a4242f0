/**
 * All-or-nothing file writes: a reader (or a crash) never sees a half-written checkpoint. The data goes to a temp
 * file in the same folder (rename is only atomic within one file system), is flushed to disk, then renamed over
 * the target; on any failure the temp file is removed and the target is left as it was. A process killed
 * mid-write cannot remove its temp file: `removeStaleTempFiles` does, on the next start.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { isArray } from '../util/check.ts';

/** What was written: the file's size and the SHA-256 of its bytes (hex), computed while writing. */
export interface WrittenFile {
  bytes: number;
  sha256: string;
}

// `.NAME.PID.HEX.tmp`: hidden, and carrying the writer's process id so that cleaning never touches a live write.
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Writes `chunks` (one buffer or several, written in order) to `path` atomically.
 * @example writeFileAtomic('weights.safetensors', [header, data])
 * @throws TypeError when path is not a non-empty string; Error naming `path` with the file system's reason
 *   (e.g. "ENOSPC: no space left on device"; its `code` is kept), the temp file removed
 */
export function writeFileAtomic(path: string, chunks: Uint8Array | string | readonly (Uint8Array | string)[]): WrittenFile {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`Expected a non-empty string for path but received ${JSON.stringify(path)}`);
  }
  const parts = isArray(chunks) ? chunks : [chunks];
  parts.forEach((part: unknown, i: number) => {
    if (typeof part !== 'string' && !(part instanceof Uint8Array)) {
      throw new TypeError(`Expected a Uint8Array or a string for chunk ${i} but received ${part === null ? 'null' : typeof part}`);
    }
  });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let total = 0;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    for (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      let written = 0;
      while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
      hash.update(bytes);
      total += bytes.byteLength;
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) {
      try { closeSync(fd); } catch { /* the write error is the one worth reporting */ }
    }
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw Object.assign(new Error(`${path}: cannot write the file (${(error as Error).message})`, { cause: error }), code ? { code } : {});
  }
  return { bytes: total, sha256: hash.digest('hex') };
}

/** Flushes a folder's entries (renames, new files) to disk, so that they survive a power loss. */
export function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes the temp files that writes killed mid-way left in `dir` (those whose writer process is gone).
 * Returns the names removed.
 */
export function removeStaleTempFiles(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const match = TEMP_NAME.exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
