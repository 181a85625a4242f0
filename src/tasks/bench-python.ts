/** Where the benchmarks' PyTorch baselines run: the first python3 that imports torch. */
import { spawnSync } from 'node:child_process';

/** Tried in order: a pyenv shim named python3 may hide Debian's /usr/bin/python3, where python3-torch installs. */
const CANDIDATES = ['python3', '/usr/bin/python3'];

let found: string | null | undefined;

/** The first python3 that imports torch (looked up once per process), or undefined. */
export function pythonWithTorch(): string | undefined {
  found ??= CANDIDATES.find((python) => spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) ?? null;
  return found ?? undefined;
}
