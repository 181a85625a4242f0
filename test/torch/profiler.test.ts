// The operator profile: nesting turned into self time, and libtorch's profiler recording real calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';

test('summarizeTrace: a nested call is taken out of its parent\'s self time, per thread', () => {
  const operators = torch.summarizeTrace([
    { name: 'aten::linear', ts: 0, dur: 100, tid: 1 },
    { name: 'aten::t', ts: 5, dur: 10, tid: 1 },
    { name: 'aten::addmm', ts: 20, dur: 70, tid: 1 },
    { name: 'aten::copy_', ts: 30, dur: 20, tid: 1 }, // inside addmm
    { name: 'aten::addmm', ts: 200, dur: 50, tid: 1 },
    { name: 'aten::addmm', ts: 50, dur: 40, tid: 2 }, // another thread: not nested in thread 1's calls
  ]);
  const byName = Object.fromEntries(operators.map((o) => [o.name, o]));
  assert.equal(byName['aten::linear'].calls, 1);
  assert.ok(Math.abs(byName['aten::linear'].selfMs - 0.02) < 1e-12, 'linear minus t and addmm');
  assert.equal(byName['aten::linear'].totalMs, 0.1);
  assert.equal(byName['aten::addmm'].calls, 3);
  assert.ok(Math.abs(byName['aten::addmm'].selfMs - (0.05 + 0.05 + 0.04)) < 1e-12);
  assert.ok(Math.abs(byName['aten::addmm'].totalMs - 0.16) < 1e-12);
  assert.ok(Math.abs(byName['aten::copy_'].selfMs - 0.02) < 1e-12);
  assert.equal(operators[0].name, 'aten::addmm', 'sorted by self time');
});

test('profile records the operators a function calls, and stops even when it throws', () => {
  const a = torch.randn([64, 64]).keep(), b = torch.randn([64, 64]).keep();
  const summary = torch.profile(() => torch.scope(() => { for (let i = 0; i < 3; i++) a.matmul(b).relu(); }));
  const mm = summary.operators.find((o) => o.name === 'aten::mm');
  assert.ok(mm !== undefined, summary.operators.map((o) => o.name).join(', '));
  assert.equal(mm.calls, 3);
  assert.equal(summary.operators.find((o) => o.name === 'aten::relu')?.calls, 3);
  assert.ok(summary.wallMs > 0 && summary.operatorMs > 0 && summary.operatorMs <= summary.wallMs * 1.5);
  assert.throws(() => torch.profile(() => { throw new Error('inside'); }), /inside/);
  assert.equal(torch.profile(() => {}).operators.length, 0); // the profiler was stopped: a new one starts
  a.dispose();
  b.dispose();
});
