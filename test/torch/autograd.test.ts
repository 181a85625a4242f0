import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';

test('backward fills .grad of leaves; gradients accumulate until reset', () => {
  const w = torch.tensor([1, 2, 3], { requiresGrad: true });
  assert.equal(w.isLeaf, true);
  const y = w.mul(w).sum();
  assert.equal(y.requiresGrad, true);
  assert.equal(y.isLeaf, false);
  assert.equal(y.gradFn, 'SumBackward0');
  y.backward();
  assert.deepEqual([...w.grad!.toArray()], [2, 4, 6]);
  w.mul(3).sum().backward();
  assert.deepEqual([...w.grad!.toArray()], [5, 7, 9], 'accumulates');
  w.grad!.zero_();
  assert.deepEqual([...w.grad!.toArray()], [0, 0, 0]);
  w.grad = null;
  assert.equal(w.grad, null);
});

test('backward with an explicit gradient, retainGraph, and retainGrad on intermediates', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2).retainGrad();
  const z = y.pow(2);
  z.backward(torch.tensor([1, 0.5]), { retainGraph: true });
  assert.deepEqual([...x.grad!.toArray()], [8, 8]);
  assert.deepEqual([...y.grad!.toArray()], [4, 4]);
  z.backward(torch.tensor([1, 1]));
  assert.deepEqual([...x.grad!.toArray()], [16, 24]);
  assert.throws(() => z.backward(torch.tensor([1, 1])), /backward through the graph a second time/);
  const a = torch.tensor([1], { requiresGrad: true });
  torch.backward([a.mul(2), a.mul(3)]);
  assert.deepEqual([...a.grad!.toArray()], [5]);
});

test('noGrad, enableGrad and inferenceMode switch recording and restore it, even on throw', () => {
  const w = torch.tensor([1], { requiresGrad: true });
  assert.equal(torch.isGradEnabled(), true);
  const y = torch.noGrad(() => {
    assert.equal(torch.isGradEnabled(), false);
    assert.equal(torch.enableGrad(() => w.mul(2)).requiresGrad, true);
    return w.mul(2);
  });
  assert.equal(y.requiresGrad, false);
  assert.equal(torch.isGradEnabled(), true);
  assert.throws(() => torch.noGrad(() => { throw new Error('boom'); }), /boom/);
  assert.equal(torch.isGradEnabled(), true, 'restored after a throw');
  const z = torch.inferenceMode(() => {
    assert.equal(torch.isInferenceMode(), true);
    return w.mul(2);
  });
  assert.equal(torch.isInferenceMode(), false);
  assert.equal(z.requiresGrad, false);
  assert.deepEqual([...z.toArray()], [2]);
});

test('detach cuts the graph; requiresGrad_ only on leaves', () => {
  const w = torch.tensor([2], { requiresGrad: true });
  const d = w.mul(3).detach();
  assert.equal(d.requiresGrad, false);
  const y = w.mul(d).sum();
  y.backward();
  assert.deepEqual([...w.grad!.toArray()], [6]);
  assert.throws(() => w.mul(2).requiresGrad_(false), /only leaf tensors can change requiresGrad/);
  const leaf = torch.zeros([2]).requiresGrad_();
  assert.equal(leaf.requiresGrad, true);
});

test('an in-place update under noGrad keeps a parameter a leaf (the optimiser pattern)', () => {
  const p = torch.tensor([1, 1], { requiresGrad: true });
  p.mul(torch.tensor([2, 3])).sum().backward();
  torch.noGrad(() => p.add_(p.grad!, -0.5));
  assert.deepEqual([...p.toArray()], [0, -0.5]);
  assert.equal(p.isLeaf, true);
  assert.equal(p.requiresGrad, true);
});
