/**
 * The input every reader accepts: a file path, the file's bytes already in memory (named "<buffer>"), or bytes
 * with the name of the file they came from (read and checked elsewhere, e.g. a checkpoint's verified file).
 */
import { readFileSync } from 'node:fs';

export interface LoadedFile {
  bytes: Uint8Array;
  /** What error messages call the input: the path, or "<buffer>". */
  name: string;
}

export type FileInput = string | Uint8Array | LoadedFile;

/**
 * Reads a path (or takes the bytes) of a file input.
 * @throws TypeError when the input is neither a string nor a Uint8Array; the file system's error for a bad path
 */
export function loadFile(input: FileInput, what = 'path'): LoadedFile {
  if (typeof input === 'string') {
    if (input.length === 0) throw new TypeError(`Expected a non-empty string or a Uint8Array for ${what} but received ""`);
    return { bytes: readFileSync(input), name: input };
  }
  if (input instanceof Uint8Array) return { bytes: input, name: '<buffer>' };
  if (typeof input === 'object' && input !== null && input.bytes instanceof Uint8Array && typeof input.name === 'string') return input;
  throw new TypeError(`Expected a string or a Uint8Array for ${what} but received ${input === null ? 'null' : typeof input}`);
}
