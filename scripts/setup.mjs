#!/usr/bin/env node
// One command from a fresh clone to a working medslip: npm dependencies, libtorch (+ OpenBLAS on Debian), Chromium
// for the browser test, the native addon. Each step is skipped when already done, so `npm test` and `npm run demo` can call it every time.
//   node scripts/setup.mjs [--quiet]
import { existsSync, statSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const say = (message) => { if (!quiet) console.log(`medslip setup: ${message}`); };

function run(command, args, options = {}) {
  console.log(`medslip setup: $ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`medslip setup: \`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const isRoot = process.getuid?.() === 0;

// 1. npm dependencies.
const installed = join(root, 'node_modules', '.package-lock.json');
if (mtime(installed) < mtime(join(root, 'package-lock.json'))) {
  // onnxruntime-node ships its CPU binaries in the package; its install script would only fetch CUDA extras from
  // a feed outside the npm registry (and fails offline), so it is told to skip them.
  run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
} else say('npm dependencies up to date');

// 2. libtorch.
const { locateLibtorch, blasLibrary } = await import(pathToFileURL(join(root, 'native', 'locate-libtorch.mjs')).href);
const aptPackages = ['libtorch-dev', 'libgloo-dev', 'libopenblas0-pthread'];
let libtorch = locateLibtorch();
if (!libtorch) {
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...aptPackages], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    libtorch = locateLibtorch();
  }
  if (!libtorch) {
    console.error([
      'medslip setup: libtorch was not found. Any one of these will do:',
      `  sudo apt-get install --no-install-recommends ${aptPackages.join(' ')}   (Debian/Ubuntu)`,
      '  export LIBTORCH=/path/to/libtorch                 (the official libtorch zip, CPU or CUDA)',
      '  pip install torch                                 (medslip then uses its include/ and lib/)',
    ].join('\n'));
    process.exit(1);
  }
}
say(`libtorch ${libtorch.version} from ${libtorch.source}`);

// c10d's Gloo process group (medslip's distributed training) is compiled against Gloo's headers, which Debian
// ships apart from libtorch-dev (official libtorch zips and Python torch carry them in include/).
const glooHeader = [...libtorch.includeDirs, '/usr/include'].some((dir) => existsSync(join(dir, 'gloo', 'config.h')));
if (!glooHeader) {
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'libgloo-dev'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.error('medslip setup: the Gloo headers (gloo/config.h) are missing: sudo apt-get install --no-install-recommends libgloo-dev');
    process.exit(1);
  }
} else say('Gloo headers found');

// Debian's libtorch calls the system BLAS; the reference BLAS is ~5x slower than OpenBLAS here.
if (libtorch.source.startsWith('Debian') || libtorch.source.includes('/usr/bin/python3')) {
  const blas = blasLibrary();
  if (!blas.includes('openblas')) {
    if (isRoot && existsSync('/usr/bin/apt-get')) {
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'libopenblas0-pthread'], {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } else {
      console.warn(`medslip setup: libtorch will use ${blas}; for ~5x faster matrix work: sudo apt-get install libopenblas0-pthread`);
    }
  }
}

// 3. Chromium, for the test of `medslip serve` in a real browser
// (driven by puppeteer-core); fonts so that its screenshots show text.
const browserPackages = ['chromium', 'fonts-dejavu-core'];
if (!existsSync('/usr/bin/chromium')) {
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...browserPackages], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.warn(`medslip setup: the browser test of medslip serve needs Chromium: sudo apt-get install --no-install-recommends ${browserPackages.join(' ')}`);
  }
} else say('chromium found');

// 4. The native addon, rebuilt when any native source is newer than it.
const addon = join(root, 'native', 'build', 'Release', 'medslip.node');
const nativeDir = join(root, 'native');
const newestSource = Math.max(
  ...readdirSync(nativeDir).filter((f) => /\.(cc|h|gyp|mjs)$/.test(f)).map((f) => mtime(join(nativeDir, f))),
);
if (mtime(addon) < newestSource) {
  run(process.execPath, [join(root, 'scripts', 'build-native.mjs')]);
} else say('native addon up to date');
say('ready');
