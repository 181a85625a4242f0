#!/usr/bin/env node
// Decides where libtorch comes from, in this order:
//   1. LIBTORCH — a folder with include/ and lib/ (the official libtorch zip, CPU or CUDA build);
//   2. a Python `torch` installation (its include/ and lib/ folders);
//   3. Debian's libtorch-dev (headers in /usr/include, libraries in the multiarch lib dir).
// binding.gyp calls this script (`node locate-libtorch.mjs include|libdir|libs`), so the compile and
// `medslip info` always agree on the same libtorch.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageJson = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
export const minimumVersion = packageJson.config.libtorch;

function versionFrom(includeDir) {
  const header = join(includeDir, 'torch', 'csrc', 'api', 'include', 'torch', 'version.h');
  if (!existsSync(header)) return undefined;
  const text = readFileSync(header, 'utf8');
  const part = (name) => text.match(new RegExp(`#define TORCH_VERSION_${name} (\\d+)`))?.[1];
  return [part('MAJOR'), part('MINOR'), part('PATCH')].join('.');
}

function candidate(source, root, includeDir, libDir) {
  if (!existsSync(join(libDir, 'libtorch.so')) && !existsSync(join(libDir, 'libtorch_cpu.so'))) return undefined;
  const version = versionFrom(includeDir);
  if (!version) return undefined;
  const cuda = existsSync(join(libDir, 'libtorch_cuda.so')) || existsSync(join(libDir, 'libc10_cuda.so'));
  return { source, root, includeDirs: [includeDir, join(includeDir, 'torch', 'csrc', 'api', 'include')], libDir, version, cuda };
}

function fromEnv() {
  const root = process.env.LIBTORCH;
  if (!root) return undefined;
  const found = candidate(`LIBTORCH=${root}`, root, join(root, 'include'), join(root, 'lib'));
  if (!found) throw new Error(`LIBTORCH=${root} does not hold a libtorch (expected include/torch/csrc/api/include/torch/version.h and lib/libtorch.so)`);
  return found;
}

function fromPython() {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const root = execFileSync(python, ['-c', 'import torch, os; print(os.path.dirname(torch.__file__))'], {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000,
      }).trim();
      const found = candidate(`Python torch (${python})`, root, join(root, 'include'), join(root, 'lib'));
      if (found) return found;
    } catch { /* no torch for this interpreter */ }
  }
  return undefined;
}

function fromDebian() {
  const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];
  for (const libDir of libDirs) {
    const found = candidate('Debian libtorch-dev', '/usr', '/usr/include', libDir);
    if (found) return found;
  }
  return undefined;
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Returns the libtorch to build against, or undefined when none is installed. */
export function locateLibtorch() {
  const found = fromEnv() ?? fromPython() ?? fromDebian();
  if (found && compareVersions(found.version, minimumVersion) < 0) {
    throw new Error(`libtorch ${found.version} from ${found.source} is older than the ${minimumVersion} medslip needs`);
  }
  return found;
}

/** The BLAS library libtorch will call (Debian's libtorch follows the system's alternatives). */
export function blasLibrary() {
  try {
    const out = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => /libblas\.so\.3 /.test(l));
    const path = line?.split('=>')[1]?.trim();
    if (!path) return 'unknown';
    return execFileSync('readlink', ['-f', path], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const what = process.argv[2] ?? 'json';
  const found = locateLibtorch();
  if (!found) {
    console.error('libtorch not found: set LIBTORCH, install Python torch, or run `apt-get install --no-install-recommends libtorch-dev`');
    process.exit(1);
  }
  if (what === 'include') console.log(found.includeDirs.join(' '));
  else if (what === 'libdir') console.log(found.libDir);
  // --no-as-needed: the addon calls nothing in libtorch_cuda directly, and a linker that drops unused libraries
  // (Ubuntu's default) would leave it out, and with it the CUDA backend (torch::cuda::is_available() false).
  else if (what === 'libs') console.log(['-Wl,--no-as-needed', '-ltorch', '-ltorch_cpu', '-lc10', ...(found.cuda ? ['-ltorch_cuda', '-lc10_cuda'] : []), '-Wl,--as-needed'].join(' '));
  else console.log(JSON.stringify({ ...found, blas: blasLibrary() }, null, 2));
}
