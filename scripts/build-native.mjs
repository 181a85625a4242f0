#!/usr/bin/env node
// Builds the libtorch addon (native/build/Release/medslip.node) with node-gyp.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const jobs = process.env.JOBS ?? 'max';
// Build against the headers of the running Node when they are installed beside it (no download needed).
const nodeDir = join(dirname(process.execPath), '..');
const localHeaders = existsSync(join(nodeDir, 'include', 'node', 'node_api.h')) ? [`--nodedir=${nodeDir}`] : [];
const args = [nodeGyp, 'rebuild', '--directory', join(root, 'native'), `--jobs=${jobs}`, ...localHeaders];
const result = spawnSync(process.execPath, args, {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
