/**
 * A checkpoint as one unit. Checkpoint PREFIX (e.g. runs/try/last) is:
 *   PREFIX.json                            the manifest, written last: format, state, and each data file's name,
 *                                          size and SHA-256
 *   PREFIX.set-<id>.safetensors            the data files (model weights, optimizer moments, …); <id> is new for
 *   PREFIX.set-<id>.optimizer.safetensors  every save, so a save never writes over a file of the previous one
 * A save writes the data files under their new names (each atomically), then replaces PREFIX.json by one rename:
 * that rename is the instant the new checkpoint replaces the old one. Until then PREFIX.json names the previous
 * set, whose files are untouched; after it, the previous set's files are deleted. A kill or a full disk at any
 * moment thus leaves the previous checkpoint or the new one, complete, never a mix; at worst some files that no
 * manifest names are left over, and `removeCheckpointLeftovers` deletes them on the next start.
 *
 * medslip-checkpoint-1 (before sets): PREFIX.json + PREFIX.safetensors + PREFIX.optimizer.safetensors, replaced one
 * by one and without sizes or hashes; still read, and replaced by a set on the next save.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { removeStaleTempFiles, syncFolder, writeFileAtomic, type WrittenFile } from './atomic-write.ts';

export const SET_FORMAT = 'medslip-checkpoint-2';
export const LEGACY_FORMAT = 'medslip-checkpoint-1';

/** One data file of a set: `role` names it in the manifest, `suffix` ends its file name. */
export interface SetPart {
  role: string;
  suffix: string;
  /** Writes the file at `path` atomically and returns its size and hash (writeFileAtomic / writeSafetensors). */
  write(path: string): WrittenFile;
}

export interface SetFileEntry extends WrittenFile {
  name: string;
}

// PREFIX.set-<8 hex>.<rest>: the data files of a set.
const SET_FILE = /^(.+)\.set-[0-9a-f]{8}\..+$/;

/**
 * Writes a checkpoint set: the parts, then the manifest `{ format, ...fields, files }`. `onStage` is called after
 * each part ('model', …), after the switch ('manifest') and after the previous set's removal ('previous removed').
 * @throws Error naming the file that could not be written; the new set's files are then removed and the
 *   previous checkpoint is left as it was
 */
export function writeCheckpointSet(prefix: string, parts: readonly SetPart[], fields: Record<string, unknown>,
  onStage?: (stage: string) => void): void {
  const dir = dirname(prefix), base = basename(prefix);
  const previous = setFileNames(prefix) ?? [];
  const id = randomBytes(4).toString('hex');
  const files: Record<string, SetFileEntry> = {};
  try {
    for (const part of parts) {
      const name = `${base}.set-${id}${part.suffix}`;
      files[part.role] = { name, ...part.write(join(dir, name)) };
      onStage?.(part.role);
    }
    writeFileAtomic(`${prefix}.json`, `${JSON.stringify({ format: SET_FORMAT, ...fields, files }, null, 1)}\n`);
  } catch (error) {
    for (const entry of Object.values(files)) rmSync(join(dir, entry.name), { force: true });
    throw error;
  }
  syncFolder(dir); // the switch reaches the disk before the previous set's files are deleted (power loss)
  onStage?.('manifest');
  for (const name of previous) rmSync(join(dir, name), { force: true });
  onStage?.('previous removed');
}

/** An opened checkpoint: its manifest and its data files, checked against the manifest. */
export interface OpenedSet {
  manifestPath: string;
  manifest: Record<string, unknown>;
  /** The bytes of the data file of `role`, verified against the manifest's SHA-256. */
  read(role: string): { bytes: Uint8Array; name: string };
}

/**
 * Opens the checkpoint PREFIX: reads its manifest and checks that every data file it names is there with the
 * recorded size (hashes are checked when a file is read).
 * @throws Error naming the manifest when it is missing, not JSON or of an unknown format; Error naming every
 *   data file that is missing or of the wrong size
 */
export function openCheckpointSet(prefix: string): OpenedSet {
  const manifestPath = `${prefix}.json`;
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} does not exist: not a complete medslip checkpoint`);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${manifestPath} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest === null || typeof manifest !== 'object') throw new Error(`${manifestPath}: expected a JSON object`);
  const dir = dirname(prefix);
  if (manifest.format === LEGACY_FORMAT) return openLegacy(prefix, manifestPath, manifest);
  if (manifest.format !== SET_FORMAT) {
    throw new Error(`${manifestPath}: expected format "${SET_FORMAT}" (or "${LEGACY_FORMAT}") but found ${JSON.stringify(manifest.format)}`);
  }
  const files = manifest.files as Record<string, SetFileEntry> | undefined;
  if (files === null || typeof files !== 'object') throw new Error(`${manifestPath}: field "files" is missing`);
  const problems: string[] = [];
  for (const entry of Object.values(files)) {
    const path = join(dir, entry.name);
    if (!existsSync(path)) problems.push(`${path} is missing`);
    else if (statSync(path).size !== entry.bytes) problems.push(`${path} has ${statSync(path).size} bytes, the manifest says ${entry.bytes}`);
  }
  if (problems.length > 0) throw new Error(`${manifestPath}: the checkpoint's files do not match its manifest: ${problems.join('; ')}`);
  return {
    manifestPath,
    manifest,
    read(role) {
      const entry = files[role];
      if (!entry) throw new Error(`${manifestPath}: the checkpoint has no ${role} file`);
      const path = join(dir, entry.name);
      const bytes = readFileSync(path);
      if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
        throw new Error(`${path}: its SHA-256 differs from the one recorded in ${manifestPath}; the file is damaged`);
      }
      return { bytes, name: path };
    },
  };
}

/** The fixed file names of a medslip-checkpoint-1 (no sizes or hashes to check). */
function openLegacy(prefix: string, manifestPath: string, manifest: Record<string, unknown>): OpenedSet {
  const pathOf = (role: string): string => (role === 'model' ? `${prefix}.safetensors` : `${prefix}.${role}.safetensors`);
  const has = (role: string): boolean => role === 'model' || (role === 'optimizer' && manifest.optimizer != null);
  return {
    manifestPath,
    manifest,
    read(role) {
      const path = pathOf(role);
      if (!has(role) || !existsSync(path)) throw new Error(`${path} does not exist: the checkpoint ${manifestPath} is incomplete`);
      return { bytes: readFileSync(path), name: path };
    },
  };
}

/** The data files of the checkpoint PREFIX as its manifest names them; undefined when it has no readable manifest. */
function setFileNames(prefix: string): string[] | undefined {
  let manifest: { format?: unknown; files?: Record<string, SetFileEntry> } | null;
  try {
    manifest = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as typeof manifest;
  } catch {
    return undefined;
  }
  const base = basename(prefix);
  if (manifest?.format === LEGACY_FORMAT) return [`${base}.safetensors`, `${base}.optimizer.safetensors`];
  if (manifest?.format === SET_FORMAT && manifest.files) return Object.values(manifest.files).map((f) => f.name);
  return undefined;
}

/**
 * Deletes what interrupted saves left in `dir`: temp files of dead writers, and set files that no manifest names
 * (written by a save that was killed or failed before its switch). Returns the names removed.
 */
export function removeCheckpointLeftovers(dir: string): string[] {
  const removed = removeStaleTempFiles(dir);
  const referenced = new Map<string, Set<string> | undefined>();
  for (const name of readdirSync(dir)) {
    const base = SET_FILE.exec(name)?.[1];
    if (base === undefined) continue;
    if (!referenced.has(base)) {
      const prefix = join(dir, base);
      // no manifest at all: the set was never switched in; an unreadable one: keep everything (not ours to judge)
      const names = existsSync(`${prefix}.json`) ? setFileNames(prefix) : [];
      referenced.set(base, names && new Set(names));
    }
    const keep = referenced.get(base);
    if (keep === undefined || keep.has(name)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
