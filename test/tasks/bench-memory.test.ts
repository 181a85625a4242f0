// The memory benchmark's loop and its table; the allocator comparison itself is `medslip bench memory` (minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { formatMemoryBench, runMemoryBench, soak } from '../../src/tasks/bench-memory.ts';
import type { MemoryBenchSize } from '../../src/tasks/tables.ts';
import { repoRoot } from '../helpers.ts';

test('releaseFreeMemory hands free pages back without touching live tensors', () => {
  const kept = torch.arange(0, 1000).keep();
  // many small allocations, then freed: what fragments the heap in a training step
  torch.scope(() => { for (let i = 0; i < 2000; i++) torch.zeros([256 + (i % 7) * 64]); });
  const released = torch.releaseFreeMemory();
  assert.equal(typeof released, 'boolean');
  assert.equal(kept.sum().item(), 499500);
  kept.dispose();
});

test('soak: steps after warm-up timed, RSS sampled, no tensors left alive by the loop', async () => {
  const before = torch.counters().tensors;
  const samples: string[] = [];
  const result = await soak({ steps: 16, release: true, onSample: (line) => samples.push(line) });
  assert.equal(result.warmup, 4);
  assert.ok(result.msPerStep > 0 && Number.isFinite(result.msPerStep));
  assert.ok(result.rssStart > 0 && result.rssEnd > 0);
  assert.equal(result.growth, (result.rssEnd - result.rssStart) / result.rssStart);
  assert.equal(result.tensorsEnd, result.tensorsStart);
  assert.deepEqual(samples.map((line) => line.split(':')[0]), ['step 16']);
  // the model, its books and the optimizer's moments are released
  assert.equal(torch.counters().tensors, before);
  await assert.rejects(soak({ steps: 2, release: false }), { name: 'RangeError', message: 'Expected integer in [8, ∞) for steps but received 2 (number)' });
  await assert.rejects(soak({ steps: 16, size: 'large' as MemoryBenchSize, release: false }), { name: 'RangeError', message: 'Expected one of soak, demo for size but received large (string)' });
});

test('runMemoryBench checks --size before it starts a child', async () => {
  await assert.rejects(runMemoryBench({ size: 'large' as MemoryBenchSize }), { name: 'RangeError', message: 'Expected one of soak, demo for size but received large (string)' });
});

test('bench memory --size: soak by default, demo offered, anything else refused by the command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'medslip.js'), 'bench', 'memory', ...args], { cwd: repoRoot, encoding: 'utf8' });
  const help = run('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout.replace(/\s+/g, ' '), /--size <size> the loop's shapes: .* \(one of soak, demo\) \(default: "soak"\)/);
  assert.match(help.stdout.replace(/\s+/g, ' '), /ratio to glibc defaults/);
  const bad = run('--size', 'large');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /option '--size <size>' argument 'large' is invalid\. expected one of soak, demo/);
});

test('the table gives each setting against glibc defaults, in aligned columns', () => {
  const text = formatMemoryBench([
    { setting: 'glibc defaults', msPerStep: 2200, ratio: 1, growth: 0.0528, worstGrowth: 0.06, rounds: 2 },
    { setting: 'glibc tuned', msPerStep: 1430, ratio: 0.65, growth: 0.01, worstGrowth: 0.012, rounds: 2 },
    { setting: 'glibc tuned + release', msPerStep: 1452.25, ratio: 0.66, growth: 0.0075, worstGrowth: 0.008, rounds: 2 },
    { setting: 'jemalloc', msPerStep: 120, ratio: 1.5, growth: 0.0275, worstGrowth: 0.03, rounds: 2 },
  ]);
  const lines = text.split('\n');
  assert.match(lines[0], /^allocator +ms\/step +× glibc defaults +RSS growth after warm-up \(median, worst\)$/);
  assert.match(lines[1], /^glibc defaults +2200\.0 +1\.000 +5\.28 %, 6\.00 %$/);
  assert.match(lines[2], /^glibc tuned +1430\.0 +0\.650 +1\.00 %, 1\.20 %$/);
  assert.match(lines[3], /^glibc tuned \+ release +1452\.3 +0\.660 +0\.75 %, 0\.80 %$/);
  assert.match(lines[4], /^jemalloc +120\.0 +1\.500 +2\.75 %, 3\.00 %$/);
  // the columns line up under their headers: numbers end where the header's word ends, growth starts with it
  const end = (line: string, word: string) => line.indexOf(word) + word.length;
  for (const line of lines.slice(1)) {
    assert.equal(end(line, line.match(/\d+\.\d /)![0].trim()), end(lines[0], 'ms/step'));
    assert.equal(line.search(/\d+\.\d+ %/), lines[0].indexOf('RSS'));
  }
});
