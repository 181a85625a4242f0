/**
 * All-or-nothing file writes: a reader (or a crash) never sees a half-written checkpoint. The data goes to a temp
 * file in the same folder (rename is only atomic within one file system), is flushed to disk, then renamed over
 * the target; on any failure the temp file is removed and the target is left as it was.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `chunks` (one buffer or several, written in order) to `path` atomically.
 * @example writeFileAtomic('weights.safetensors', [header, data])
 * @throws TypeError when path is not a non-empty string; the file system's error (with the temp file removed)
 */
export function writeFileAtomic(path: string, chunks: Uint8Array | string | readonly (Uint8Array | string)[]): void {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`Expected a non-empty string for path but received ${JSON.stringify(path)}`);
  }
  const parts = Array.isArray(chunks) ? chunks : [chunks as Uint8Array | string];
  parts.forEach((part: unknown, i: number) => {
    if (typeof part !== 'string' && !(part instanceof Uint8Array)) {
      throw new TypeError(`Expected a Uint8Array or a string for chunk ${i} but received ${part === null ? 'null' : typeof part}`);
    }
  });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    for (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      let written = 0;
      while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
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
    throw error;
  }
}
