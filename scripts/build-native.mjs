#!/usr/bin/env node
// Builds the libtorch addon (native/build/Release/medslip.node) with node-gyp.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const jobs = process.env.JOBS ?? 'max';
const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--directory', join(root, 'native'), `--jobs=${jobs}`], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
