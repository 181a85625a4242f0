// bfloat16 autocast: the torch facade's mode switch, layer norm under it, and MeDSLIP's precision setting (trunk
// and decoders in bfloat16, heads and losses in float32, gradients on the float32 parameters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { randomPretrainBatch } from '../../src/tasks/bench-model.ts';

test('autocast: matrix products compute in bfloat16 inside, float32 after; the mode ends on return and on throw', () => {
  torch.manualSeed(0);
  const a = torch.randn([8, 16]), b = torch.randn([16, 4]);
  const inside = torch.autocast('cpu', 'bfloat16', () => a.matmul(b));
  assert.equal(inside.dtype, 'bfloat16');
  const exact = a.matmul(b);
  assert.equal(exact.dtype, 'float32');
  // bfloat16 keeps 8 bits of mantissa: each product's relative error ≤ 2⁻⁸ per operand
  const error = torch.scope(() => inside.to('float32').sub(exact).abs().max().item());
  assert.ok(error > 0 && error < 0.2, `bfloat16 error ${error}`);
  assert.throws(() => torch.autocast('cpu', 'bfloat16', () => { throw new Error('inside'); }), /inside/);
  assert.equal(a.matmul(b).dtype, 'float32', 'the mode ended with the throw');
  assert.throws(() => torch.autocast('cpu', 'bfloat16', () => Promise.resolve(1)), /synchronous function/);
  assert.equal(a.matmul(b).dtype, 'float32');
});

test('layerNorm takes a bfloat16 input with float32 parameters and returns float32', () => {
  torch.manualSeed(0);
  const x = torch.randn([3, 8]);
  const weight = torch.randn([8]), bias = torch.randn([8]);
  const fromHalf = torch.nnf.layerNorm(x.to('bfloat16'), [8], weight, bias);
  assert.equal(fromHalf.dtype, 'float32');
  const exact = torch.nnf.layerNorm(x.to('bfloat16').to('float32'), [8], weight, bias);
  assert.deepEqual([...fromHalf.toArray()], [...exact.toArray()]);
});

test('resolvePrecision: explicit choices stand; auto is bfloat16 only on a CPU with native bfloat16', () => {
  assert.equal(torch.resolvePrecision('float32', 'cpu'), 'float32');
  assert.equal(torch.resolvePrecision('bfloat16', 'cpu'), 'bfloat16');
  assert.equal(torch.resolvePrecision('auto', 'cpu'), torch.cpuHasNativeBfloat16() ? 'bfloat16' : 'float32');
  assert.equal(torch.resolvePrecision('auto', 'cuda'), 'float32');
});

test('MeDSLIP in bfloat16: float32 outputs and losses close to float32, gradients on every float32 parameter', () => {
  torch.manualSeed(0);
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: 64, heads: 4, layers: 2, textDim: 32, dropout: 0, init: 'orthogonal' });
  const generator = new torch.Generator(1);
  const batch = randomPretrainBatch(2, 64, generator);
  const books = { pathology: torch.randn([75, 32], { generator }), anatomy: torch.randn([51, 32], { generator }) };
  const exact = torch.noGrad(() => model.forward(batch.images, books));
  model.precision = 'bfloat16';
  const half = torch.noGrad(() => model.forward(batch.images, books));
  for (const key of ['logitsPathology', 'attnPathology', 'attnAnatomy'] as const) {
    assert.equal(half[key].dtype, 'float32', key);
    assert.deepEqual(half[key].shape, exact[key].shape, key);
  }
  const gap = (a: torch.Tensor, b: torch.Tensor): number => torch.scope(() => a.sub(b).abs().max().item());
  assert.ok(gap(half.attnPathology, exact.attnPathology) < 0.01, 'attention within bfloat16 rounding');
  const presence = (logits: torch.Tensor): torch.Tensor => MeDSLIP.presence(logits);
  assert.ok(gap(presence(half.logitsPathology), presence(exact.logitsPathology)) < 0.05, 'presence within bfloat16 rounding');

  const losses = model.losses(batch, books);
  assert.equal(losses.loss.dtype, 'float32');
  model.precision = 'float32';
  const reference = torch.noGrad(() => model.losses(batch, books).loss.item());
  assert.ok(Math.abs(losses.loss.item() - reference) < 0.02 * Math.abs(reference), `${losses.loss.item()} vs ${reference}`);
  losses.loss.backward();
  for (const [name, p] of model.namedParameters()) {
    assert.equal(p.dtype, 'float32', name);
    assert.ok(p.grad, `${name} has a gradient`);
    assert.equal(p.grad.dtype, 'float32', name);
  }
  model.dispose();
});
