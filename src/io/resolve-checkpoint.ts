/**
 * The one reading of a checkpoint argument (`--checkpoint`, `--init`, `--resume`, `loadMedslip(path)`), so every
 * command accepts the same forms:
 *   runs/try                 a run folder: its `best` checkpoint, else its `last` (for resuming: `last`, else
 *                            `best`, which a crash between the two saves of an epoch may leave alone)
 *   runs/try/best            a medslip checkpoint by its prefix, or with .json / .safetensors added
 *   weights.safetensors      a bare state dict
 *   MeDSLIP_resnet50.pth     a PyTorch checkpoint (.pth, .pt, .bin, .ckpt), e.g. the reference's
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type ResolvedCheckpoint =
  | { kind: 'medslip'; prefix: string }
  | { kind: 'safetensors'; path: string }
  | { kind: 'pytorch'; path: string };

export interface ResolveOptions {
  /** Which checkpoint of a run folder comes first: 'best' (default) or 'last' (resuming); the other is the fallback. */
  runCheckpoint?: 'best' | 'last';
}

const PYTORCH_FILE = /\.(pth|pt|bin|ckpt)$/;

/**
 * Resolves a checkpoint argument (see the file header for the forms).
 * @example resolveCheckpoint('runs/try') // { kind: 'medslip', prefix: 'runs/try/best' }
 * @throws TypeError for a non-string; Error naming the path and what was looked for when nothing matches
 */
export function resolveCheckpoint(path: string, options: ResolveOptions = {}): ResolvedCheckpoint {
  if (typeof path !== 'string' || path === '') throw new TypeError(`Expected a checkpoint path but received ${JSON.stringify(path)}`);
  if (existsSync(path) && statSync(path).isDirectory()) {
    const names = options.runCheckpoint === 'last' ? ['last', 'best'] : ['best', 'last'];
    for (const name of names) if (existsSync(join(path, `${name}.json`))) return { kind: 'medslip', prefix: join(path, name) };
    throw new Error(`${path}: the folder holds no checkpoint (no ${names.map((n) => `${n}.json`).join(' or ')})`);
  }
  if (PYTORCH_FILE.test(path)) {
    if (!existsSync(path)) throw new Error(`${path}: no such file`);
    return { kind: 'pytorch', path };
  }
  const prefix = path.replace(/\.(json|safetensors)$/, '');
  if (existsSync(`${prefix}.json`)) return { kind: 'medslip', prefix };
  const bare = path.endsWith('.safetensors') ? path : `${prefix}.safetensors`;
  if (existsSync(bare)) return { kind: 'safetensors', path: bare };
  throw new Error(`${path}: no checkpoint there (looked for a run folder, ${prefix}.json and ${bare})`);
}
