// The memory benchmark's loop and its table; the allocator comparison itself is `medslip bench memory` (minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { formatMemoryBench, soak } from '../../src/tasks/bench-memory.ts';

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
});

test('the table gives each setting against glibc', () => {
  const text = formatMemoryBench([
    { setting: 'glibc', msPerStep: 80, ratio: 1, growth: 0.0528, worstGrowth: 0.06, rounds: 2 },
    { setting: 'jemalloc', msPerStep: 120, ratio: 1.5, growth: 0.0275, worstGrowth: 0.03, rounds: 2 },
  ]);
  assert.match(text, /glibc +80\.0 +1\.000 +5\.28 %, 6\.00 %/);
  assert.match(text, /jemalloc +120\.0 +1\.500 +2\.75 %, 3\.00 %/);
});
