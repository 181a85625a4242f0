/**
 * The pre-training run folder and what each way of starting may do with it:
 * - a new run takes a folder that does not exist or is empty, never one that holds anything;
 * - `overwrite` replaces an earlier run (its files only: anything else in the folder is refused, not deleted);
 * - `resume` continues a run in its own folder, after removing what an interrupted save left behind.
 * The log of a resumed run drops the lines of the steps that the kill lost (they are trained again), so
 * log.jsonl always tells the history of the weights in `last`.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, mkdirSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { removeCheckpointLeftovers } from '../io/checkpoint-set.ts';
import { resolveCheckpoint } from '../io/resolve-checkpoint.ts';

export interface RunFolderOptions {
  /** The run folder (required for a new run; when resuming, the resumed run's folder or left out). */
  out?: string;
  /** A run folder (its `last`) or a checkpoint of one, to continue. */
  resume?: string;
  /** Replace an earlier run in `out`. */
  overwrite?: boolean;
}

export interface RunFolder {
  dir: string;
  /** The checkpoint to continue from (its prefix), when resuming. */
  resumeFrom?: string;
  /** Files removed: leftovers of interrupted saves, or the replaced run's files. */
  removed: string[];
}

/** What a run writes: the files a new run with `overwrite` replaces. */
const RUN_FILE = /^(config\.json|log\.jsonl|history\.json|loss\.png|books\.safetensors|(last|best)(\.json|\.safetensors|\.optimizer\.safetensors|\.set-[0-9a-f]{8}\..+))$/;
const isRunFolder = (dir: string): boolean => ['config.json', 'last.json', 'log.jsonl'].some((name) => existsSync(join(dir, name)));

/**
 * Checks and prepares the run folder before any work.
 * @throws Error naming the folder when it cannot be used this way, and what to do instead
 */
export function openRunFolder(options: RunFolderOptions): RunFolder {
  if (options.resume !== undefined) {
    if (options.overwrite) throw new Error(`--resume and --overwrite exclude each other: --resume continues the run in ${options.resume}, --overwrite starts one again`);
    return openForResume(options.resume, options.out);
  }
  const dir = options.out;
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`Expected a run folder for out but received ${JSON.stringify(dir)}`);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    return { dir, removed: [] };
  }
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: exists and is not a folder; choose another --out`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return { dir, removed: [] };
  if (!isRunFolder(dir)) {
    throw new Error(`${dir}: exists and holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose another --out (--overwrite only replaces an earlier run)`);
  }
  if (!options.overwrite) throw new Error(`${dir}: already holds a pre-training run; continue it with --resume ${dir}, or replace it with --overwrite`);
  const removed = entries.filter((name) => RUN_FILE.test(name));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return { dir, removed: [...removed, ...removeCheckpointLeftovers(dir)] };
}

/**
 * The folder (and checkpoint) that openRunFolder chose, found without touching anything: for the ranks of a
 * data-parallel job other than 0, after rank 0 has opened it.
 */
export function locateRunFolder(options: RunFolderOptions): RunFolder {
  if (options.resume === undefined) return { dir: options.out as string, removed: [] };
  const prefix = resumableCheckpoint(options.resume);
  return { dir: dirname(prefix), resumeFrom: prefix, removed: [] };
}

/**
 * The prefix of the medslip checkpoint that `resume` names (a run folder's `last`, `run/best`, a file).
 * @throws Error naming the file when it is a PyTorch or bare safetensors file, which hold no training state
 */
function resumableCheckpoint(resume: string): string {
  const checkpoint = resolveCheckpoint(resume, { runCheckpoint: 'last' });
  if (checkpoint.kind !== 'medslip') {
    throw new Error(`${checkpoint.path}: a ${checkpoint.kind === 'pytorch' ? 'PyTorch' : 'bare safetensors'} file holds no training state to resume; use it with finetune --init, predict or zeroshot --checkpoint`);
  }
  return checkpoint.prefix;
}

function openForResume(resume: string, out: string | undefined): RunFolder {
  const hasCheckpoint = ['last.json', 'best.json'].some((name) => existsSync(join(resume, name)));
  if (existsSync(resume) && statSync(resume).isDirectory() && !hasCheckpoint && isRunFolder(resume)) {
    throw new Error(`${resume}: the run has no checkpoint to resume: it was stopped before its first one (saved at the end of each epoch, and on Ctrl-C or SIGTERM); start it again with --overwrite`);
  }
  const prefix = resumableCheckpoint(resume);
  const dir = dirname(prefix);
  if (out !== undefined && resolve(out) !== resolve(dir)) {
    throw new Error(`--out ${out} is not the folder of the resumed run (${dir}): a resumed run continues in its own folder; leave --out out`);
  }
  return { dir, resumeFrom: prefix, removed: removeCheckpointLeftovers(dir) };
}

/** log.jsonl of a run: one JSON object per line, each with the optimizer `step` it was written at. */
export class RunLog {
  constructor(readonly file: string) {}

  /** Appends one entry. @throws Error naming the file when it cannot be written (e.g. ENOSPC). */
  append(entry: object): void {
    try {
      appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
    } catch (error) {
      throw new Error(`${this.file}: cannot write the file (${(error as Error).message})`, { cause: error });
    }
  }

  /** Drops the entries written after `step` (by a run killed after its last checkpoint). Returns how many. */
  keepUpTo(step: number): number {
    if (!existsSync(this.file)) return 0;
    const lines = readFileSync(this.file, 'utf8').split('\n').filter((line) => line.trim() !== '');
    const kept = lines.filter((line) => {
      try {
        const entry = JSON.parse(line) as { step?: unknown };
        return typeof entry.step !== 'number' || entry.step <= step;
      } catch {
        return false; // a line cut by the kill
      }
    });
    if (kept.length !== lines.length) writeFileAtomic(this.file, kept.map((line) => `${line}\n`).join(''));
    return lines.length - kept.length;
  }
}
