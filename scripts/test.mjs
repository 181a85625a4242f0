#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (through tsx).
//   node scripts/test.mjs [filter...]   — filters keep the files whose path contains any of them
// Tests run with one libtorch thread: OpenMP threads that spin while another test process holds the other
// core slow everything down badly on small machines.
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}
const files = find(join(root, 'test')).map((f) => relative(root, f)).filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter))).sort();
if (files.length === 0) {
  console.error(`no test files${filters.length > 0 ? ` matching ${filters.map((f) => `"${f}"`).join(' or ')}` : ''}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { OMP_NUM_THREADS: '1', MEDSLIP_THREADS: '1', ...process.env },
});
process.exit(result.status ?? 1);
