// Deterministic release of native memory: scopes, counters, and a long training loop holding RSS flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';

test('scope() disposes what it created except what it returns and what is kept', () => {
  const start = torch.counters();
  let inner: torch.Tensor | undefined;
  let kept: torch.Tensor | undefined;
  const result = torch.scope(() => {
    inner = torch.ones([1000]);
    kept = torch.zeros([10]).keep();
    const a = inner.add(1);
    return { value: a.mul(2), list: [a.sum()] };
  });
  assert.equal(inner!.isDisposed, true);
  assert.equal(kept!.isDisposed, false);
  assert.equal(result.value.isDisposed, false);
  assert.equal(result.list[0].item(), 2000);
  assert.equal(torch.counters().tensors, start.tensors + 3);
  result.value.dispose();
  result.list[0].dispose();
  kept!.dispose();
  assert.deepEqual(torch.counters(), start);
});

test('nested scopes hand returned tensors to the parent; a throw still releases', () => {
  const start = torch.counters();
  torch.scope(() => {
    const fromChild = torch.scope(() => torch.ones([5]).mul(3));
    assert.equal(torch.scopeDepth(), 1);
    assert.equal(fromChild.isDisposed, false);
  });
  assert.deepEqual(torch.counters(), start);
  assert.throws(() => torch.scope(() => {
    torch.ones([100]);
    throw new Error('inside');
  }), /inside/);
  assert.deepEqual(torch.counters(), start);
  assert.throws(() => torch.scope(() => Promise.resolve(1) as unknown as number), /synchronous function/);
  assert.equal(torch.scopeDepth(), 0);
});

test('counters report bytes and return to their start after dispose', () => {
  const start = torch.counters();
  const t = torch.zeros([256, 256]);
  assert.equal(torch.counters().bytes - start.bytes, 256 * 256 * 4);
  t.dispose();
  assert.deepEqual(torch.counters(), start);
});

test('20,000 steps of forward/backward/update hold RSS flat (< 5 % growth after warm-up)', () => {
  torch.manualSeed(0);
  const w1 = torch.randn([32, 16]).mul(0.1).requiresGrad_().keep();
  const w2 = torch.randn([1, 32]).mul(0.1).requiresGrad_().keep();
  const x = torch.randn([8, 16]).keep(), y = torch.randn([8, 1]).keep();
  const step = (): void => torch.scope(() => {
    const loss = torch.nnf.mseLoss(torch.nnf.linear(torch.nnf.linear(x, w1).relu(), w2), y);
    loss.backward();
    torch.noGrad(() => {
      for (const p of [w1, w2]) {
        const grad = p.grad!;
        p.add_(grad, -0.01);
        grad.zero_();
      }
    });
  });
  const tensorsBefore = torch.counters().tensors;
  // RSS is sampled after a full GC every 2,000 steps. The warm-up is the first 4,000 steps: besides libtorch's
  // and the allocator's first allocations, V8 grows its young generation under this allocation rate (≈10 MiB,
  // which a sample taken before it would count as growth).
  const samples: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 2000; i++) step();
    global.gc?.();
    samples.push(process.memoryUsage().rss);
  }
  const rssAfterWarmup = samples[1], rssAtEnd = samples[samples.length - 1];
  const growth = (rssAtEnd - rssAfterWarmup) / rssAfterWarmup;
  console.log(`RSS every 2,000 steps (MiB): ${samples.map((r) => (r / 2 ** 20).toFixed(1)).join(' ')}; after warm-up ${(rssAfterWarmup / 2 ** 20).toFixed(1)} → after 20,000 steps ${(rssAtEnd / 2 ** 20).toFixed(1)} (${(growth * 100).toFixed(2)} %)`);
  assert.ok(growth < 0.05, `RSS grew ${(growth * 100).toFixed(2)} %`);
  // gradients stay attached to the parameters (2), everything else was released
  assert.equal(torch.counters().tensors, tensorsBefore);
});
