import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { AdamW, clipGradNorm, referenceParamGroups } from '../../src/optim/adamw.ts';
import { errorOf, get, loadFixture } from '../parity/fixtures.ts';

test('five AdamW steps equal torch.optim.AdamW (decay group wd 0.02, no-decay group for bias and 1-D)', () => {
  const fixture = loadFixture('optim', 'adamw.safetensors');
  const params = new Map(['w', 'bias', 'ln'].map((n) => [n, get(fixture, `init.${n}`).clone().requiresGrad_().keep()]));
  const groups = referenceParamGroups([...params].map(([n, p]) => [n === 'w' ? 'w.weight' : n === 'bias' ? 'x.bias' : 'ln.weight', p]), 0.02);
  assert.deepEqual(groups.map((g) => g.names), [['w.weight'], ['x.bias', 'ln.weight']]);
  const optimizer = new AdamW(groups, { lr: 1, betas: [0.9, 0.999], eps: 1e-8 });
  const lrs = get(fixture, 'lrs').toFloat64Array();
  let worst = 0;
  for (let step = 0; step < 5; step++) {
    optimizer.setLr(lrs[step]);
    for (const [name, p] of params) p.grad = get(fixture, `step${step}.grad.${name}`).clone();
    optimizer.step();
    for (const [name, p] of params) {
      const { maxAbs } = errorOf(p, get(fixture, `step${step}.${name}`));
      assert.ok(maxAbs <= 1e-6, `step ${step} ${name}: max |Δ| ${maxAbs}`);
      worst = Math.max(worst, maxAbs);
    }
  }
  console.log(`AdamW, 5 steps × 3 parameters: max |Δ| ${worst.toExponential(2)} (limit 1e-6)`);
  assert.equal(optimizer.stateByName().get('w.weight')!.step, 5);
  optimizer.dispose();
});

test('state saved by name restores into a fresh optimizer and continues identically', () => {
  const make = (): torch.Tensor => torch.tensor([[1, 2], [3, 4]]).requiresGrad_().keep();
  const a = make(), b = make();
  const optA = new AdamW([{ params: [a], names: ['p'] }], { lr: 0.1, weightDecay: 0.02 });
  const optB = new AdamW([{ params: [b], names: ['p'] }], { lr: 0.1, weightDecay: 0.02 });
  for (let i = 0; i < 3; i++) {
    a.grad = torch.tensor([[0.5, -1], [2, 0.1]]).mul(i + 1);
    optA.step();
  }
  torch.noGrad(() => b.copy_(a));
  optB.loadStateByName(optA.stateByName());
  a.grad = torch.tensor([[1, 1], [1, 1]]);
  b.grad = torch.tensor([[1, 1], [1, 1]]);
  optA.step();
  optB.step();
  assert.deepEqual([...b.toArray()], [...a.toArray()]);
  assert.throws(() => optB.loadStateByName(new Map([['q', optA.stateByName().get('p')!]])), /names parameter "q"/);
});

test('restored moments follow the parameter\'s dtype and device (a float64 run resumed in float32)', () => {
  const wide = torch.tensor([[1, 2], [3, 4]], { dtype: 'float64' }).requiresGrad_().keep();
  const narrow = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' }).requiresGrad_().keep();
  const optWide = new AdamW([{ params: [wide], names: ['p'] }], { lr: 0.1, weightDecay: 0.02 });
  const optNarrow = new AdamW([{ params: [narrow], names: ['p'] }], { lr: 0.1, weightDecay: 0.02 });
  for (let i = 0; i < 3; i++) {
    wide.grad = torch.tensor([[0.5, -1], [2, 0.1]], { dtype: 'float64' }).mul(i + 1);
    optWide.step();
  }
  torch.noGrad(() => narrow.copy_(wide));
  optNarrow.loadStateByName(optWide.stateByName());
  const restored = optNarrow.stateByName().get('p')!;
  assert.equal(restored.expAvg.dtype, 'float32');
  assert.equal(restored.expAvgSq.dtype, 'float32');
  assert.equal(restored.expAvg.device, narrow.device);
  // the first moment after grads g, 2g, 3g with β1 = 0.9: (1−β1)·(0.81·g + 0.9·2g + 3g) = 0.561·g
  assert.ok(Math.abs(restored.expAvg.toFloat64Array()[1] - 0.561 * -1) < 1e-6);
  wide.grad = torch.tensor([[1, 1], [1, 1]], { dtype: 'float64' });
  narrow.grad = torch.tensor([[1, 1], [1, 1]], { dtype: 'float32' });
  optWide.step();
  optNarrow.step();
  const { maxAbs } = errorOf(narrow, wide);
  assert.ok(maxAbs < 1e-6, `float32 continuation differs from float64 by ${maxAbs}`);
  optWide.dispose();
  optNarrow.dispose();
});

test('clipGradNorm scales gradients to the maximum norm and returns the norm before clipping', () => {
  const p = torch.zeros([2]).requiresGrad_().keep(), q = torch.zeros([1]).requiresGrad_().keep();
  p.grad = torch.tensor([3, 0]);
  q.grad = torch.tensor([4]);
  assert.ok(Math.abs(clipGradNorm([p, q], 1) - 5) < 1e-6);
  const clipped = [...p.grad.toArray(), ...q.grad.toArray()];
  assert.ok(Math.abs(Number(clipped[0]) - 0.6) < 1e-6 && Math.abs(Number(clipped[2]) - 0.8) < 1e-6);
  assert.ok(Math.abs(clipGradNorm([p, q], 10) - 1) < 1e-5, 'no change below the limit');
});
