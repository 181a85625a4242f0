/** The input every reader accepts: a file path, or the file's bytes already in memory (named "<buffer>"). */
import { readFileSync } from 'node:fs';

export type FileInput = string | Uint8Array;

export interface LoadedFile {
  bytes: Uint8Array;
  /** What error messages call the input: the path, or "<buffer>". */
  name: string;
}

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
  throw new TypeError(`Expected a string or a Uint8Array for ${what} but received ${input === null ? 'null' : typeof input}`);
}
