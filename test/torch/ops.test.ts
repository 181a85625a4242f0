import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';

const values = (t: torch.Tensor): number[] => Array.from(t.toArray() as ArrayLike<number | bigint>, Number);
const close = (actual: number[], expected: number[], tol = 1e-6): void => {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `element ${i}: ${a} vs ${expected[i]}`));
};

test('shape operations', () => {
  const x = torch.arange(24).reshape(2, 3, 4);
  assert.deepEqual(x.view(6, 4).shape, [6, 4]);
  assert.deepEqual(x.view(-1).shape, [24]);
  const p = x.permute(2, 0, 1);
  assert.deepEqual(p.shape, [4, 2, 3]);
  assert.equal(p.isContiguous(), false);
  assert.deepEqual(p.strides(), [1, 12, 4]);
  assert.deepEqual(values(p.contiguous()).slice(0, 6), [0, 4, 8, 12, 16, 20]);
  assert.deepEqual(values(x.transpose(0, 2).contiguous()).slice(0, 3), [0, 12, 4]);
  assert.deepEqual(x.flatten(1).shape, [2, 12]);
  assert.deepEqual(x.unsqueeze(1).shape, [2, 1, 3, 4]);
  assert.deepEqual(x.unsqueeze(1).squeeze(1).shape, [2, 3, 4]);
  assert.deepEqual(torch.ones([1, 3, 1]).squeeze().shape, [3]);
  assert.deepEqual(values(torch.tensor([1, 2]).unsqueeze(1).expand(2, 3)), [1, 1, 1, 2, 2, 2]);
  assert.deepEqual(values(torch.tensor([1, 2]).repeat(2, 2)), [1, 2, 1, 2, 1, 2, 1, 2]);
  assert.deepEqual(values(torch.arange(10).narrow(0, 3, 4)), [3, 4, 5, 6]);
  assert.deepEqual(values(torch.arange(10).slice(0, 1, 8, 3)), [1, 4, 7]);
  assert.deepEqual(values(x.select(1, 2).select(0, 1)), [20, 21, 22, 23]);
  assert.deepEqual(values(torch.tensor([[1, 2], [3, 4]]).t()), [1, 3, 2, 4]);
  assert.equal(x.size(-1), 4);
  assert.equal(x.numel, 24);
  assert.equal(x.ndim, 3);
});

test('cat, stack, split, chunk, unbind', () => {
  const a = torch.tensor([[1, 2]]), b = torch.tensor([[3, 4]]);
  assert.deepEqual(values(torch.cat([a, b], 0)), [1, 2, 3, 4]);
  assert.deepEqual(torch.cat([a, b], 1).shape, [1, 4]);
  assert.deepEqual(torch.stack([a, b], 0).shape, [2, 1, 2]);
  const parts = torch.arange(7).split(3);
  assert.deepEqual(parts.map(values), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(torch.arange(6).split([1, 5]).map((t) => t.shape[0]), [1, 5]);
  assert.deepEqual(torch.arange(6).chunk(3).map(values), [[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual(torch.tensor([[1, 2], [3, 4]]).unbind(1).map(values), [[1, 3], [2, 4]]);
});

test('indexing: index_select, gather, masked_select, boolean-mask and tensor indexing, where, index_put_', () => {
  const x = torch.tensor([[10, 11, 12], [20, 21, 22]]);
  assert.deepEqual(values(x.indexSelect(1, torch.tensor([2, 0], { dtype: 'int64' }))), [12, 10, 22, 20]);
  assert.deepEqual(values(x.gather(1, torch.tensor([[1], [2]], { dtype: 'int64' }))), [11, 22]);
  const mask = x.gt(15);
  assert.deepEqual(values(x.maskedSelect(mask)), [20, 21, 22]);
  assert.deepEqual(values(x.index([torch.tensor([false, true])])), [20, 21, 22]);
  assert.deepEqual(values(x.index([null, torch.tensor([0, 2], { dtype: 'int64' })])), [10, 12, 20, 22]);
  assert.deepEqual(values(x.index([mask])), [20, 21, 22]);
  assert.deepEqual(values(x.maskedFill(mask, -1)), [10, 11, 12, -1, -1, -1]);
  assert.deepEqual(values(x.where(mask, torch.zerosLike(x))), [0, 0, 0, 20, 21, 22]);
  assert.deepEqual(values(torch.where(mask, x, torch.onesLike(x))), [1, 1, 1, 20, 21, 22]);
  assert.deepEqual(values(x.where(mask, 5)), [5, 5, 5, 20, 21, 22]);
  const y = torch.zeros([4]);
  y.indexPut_([torch.tensor([1, 3], { dtype: 'int64' })], torch.tensor([7, 9]));
  assert.deepEqual(values(y), [0, 7, 0, 9]);
  y.indexPut_([torch.tensor([1, 1], { dtype: 'int64' })], torch.tensor([1, 1]), true);
  assert.deepEqual(values(y), [0, 9, 0, 9]);
  assert.deepEqual(values(torch.zeros([3]).scatter(0, torch.tensor([2], { dtype: 'int64' }), 4)), [0, 0, 4]);
});

test('elementwise arithmetic broadcasts and follows PyTorch semantics', () => {
  const a = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  const row = torch.tensor([10, 20, 30]);
  assert.deepEqual(values(a.add(row)), [11, 22, 33, 14, 25, 36]);
  assert.deepEqual(values(a.add(row, 2)), [21, 42, 63, 24, 45, 66]);
  assert.deepEqual(values(a.sub(1)), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(values(a.rsub(1)), [0, -1, -2, -3, -4, -5]);
  assert.deepEqual(values(a.mul(row.unsqueeze(0))), [10, 40, 90, 40, 100, 180]);
  close(values(a.div(2)), [0.5, 1, 1.5, 2, 2.5, 3]);
  assert.deepEqual(values(a.neg()), [-1, -2, -3, -4, -5, -6]);
  assert.deepEqual(values(a.pow(2)), [1, 4, 9, 16, 25, 36]);
  close(values(torch.tensor([2, 3]).pow(torch.tensor([3, 2]))), [8, 9]);
  close(values(torch.tensor([0, 1]).exp()), [1, Math.E], 1e-6);
  close(values(torch.tensor([1, Math.E]).log()), [0, 1], 1e-6);
  close(values(torch.tensor([4, 9]).sqrt()), [2, 3]);
  close(values(torch.tensor([4]).rsqrt()), [0.5]);
  assert.deepEqual(values(torch.tensor([-1.5, 2]).abs()), [1.5, 2]);
  assert.deepEqual(values(torch.tensor([-3, 0.5, 3]).clamp(-1, 1)), [-1, 0.5, 1]);
  assert.deepEqual(values(torch.tensor([-3, 0.5, 3]).clamp(0)), [0, 0.5, 3]);
  close(values(torch.tensor([0]).sigmoid()), [0.5]);
  close(values(torch.tensor([0.5]).tanh()), [Math.tanh(0.5)]);
  assert.deepEqual(values(torch.tensor([-1, 2]).relu()), [0, 2]);
  // exact GELU: x·Φ(x); Φ(1) = 0.8413447460685429
  close(values(torch.tensor([1, -1], { dtype: 'float64' }).gelu()), [0.8413447460685429, -0.15865525393145707], 1e-12);
  close(values(torch.tensor([1, 2]).maximum(torch.tensor([2, 1]))), [2, 2]);
  close(values(torch.tensor([1, 2]).minimum(torch.tensor([2, 1]))), [1, 1]);
  close(values(torch.tensor([1.5, -1.5]).floor()), [1, -2]);
  close(values(torch.tensor([1.5, -1.5]).ceil()), [2, -1]);
});

test('comparisons and logic give bool tensors', () => {
  const a = torch.tensor([1, 2, 3]), b = torch.tensor([3, 2, 1]);
  assert.equal(a.eq(b).dtype, 'bool');
  assert.deepEqual(values(a.eq(b)), [0, 1, 0]);
  assert.deepEqual(values(a.ne(2)), [1, 0, 1]);
  assert.deepEqual(values(a.lt(b)), [1, 0, 0]);
  assert.deepEqual(values(a.le(b)), [1, 1, 0]);
  assert.deepEqual(values(a.gt(2)), [0, 0, 1]);
  assert.deepEqual(values(a.ge(2)), [0, 1, 1]);
  assert.deepEqual(values(a.gt(1).logicalAnd(a.lt(3))), [0, 1, 0]);
  assert.deepEqual(values(a.gt(2).logicalOr(a.lt(2))), [1, 0, 1]);
  assert.deepEqual(values(a.gt(2).logicalNot()), [1, 1, 0]);
  assert.deepEqual(values(torch.tensor([NaN, 1, Infinity]).isnan()), [1, 0, 0]);
  assert.deepEqual(values(torch.tensor([NaN, 1, Infinity]).isfinite()), [0, 1, 0]);
  assert.equal(a.gt(0).all().item(), 1);
  assert.equal(a.gt(2).any().item(), 1);
});

test('reductions with dims and keepdim', () => {
  const x = torch.tensor([[1, 5, 3], [4, 2, 6]]);
  assert.equal(x.sum().item(), 21);
  assert.deepEqual(values(x.sum(0)), [5, 7, 9]);
  assert.deepEqual(x.sum(1, true).shape, [2, 1]);
  assert.deepEqual(values(x.sum([0, 1])), [21]);
  assert.equal(x.mean().item(), 3.5);
  assert.deepEqual(values(x.mean(1)), [3, 4]);
  assert.equal(x.max().item(), 6);
  assert.equal(x.min().item(), 1);
  const { values: maxValues, indices } = x.max(1);
  assert.deepEqual(values(maxValues), [5, 6]);
  assert.deepEqual(values(indices), [1, 2]);
  assert.deepEqual(values(x.min(0).indices), [0, 1, 0]);
  assert.equal(x.argmax().item(), 5);
  assert.deepEqual(values(x.argmax(0)), [1, 0, 1]);
  assert.deepEqual(values(x.argmin(1)), [0, 1]);
  // var of [1,5,3] unbiased = 4; biased = 8/3
  close(values(x.var(1)), [4, 4]);
  close(values(x.var(1, { unbiased: false })), [8 / 3, 8 / 3], 1e-6);
  close(values(x.std(1)), [2, 2]);
  assert.deepEqual(x.var(1, { keepdim: true }).shape, [2, 1]);
  close([torch.tensor([3, 4]).norm().item()], [5]);
  close([torch.tensor([3, -4]).norm(1).item()], [7]);
  close(values(x.norm(2, 1)), [Math.sqrt(35), Math.sqrt(56)], 1e-5);
  assert.equal(torch.tensor([2, 3, 4]).prod().item(), 24);
  assert.deepEqual(values(torch.tensor([1, 2, 3]).cumsum(0)), [1, 3, 6]);
});

test('matmul, mm, bmm, linear, addmm', () => {
  const a = torch.tensor([[1, 2], [3, 4]]), b = torch.tensor([[5, 6], [7, 8]]);
  assert.deepEqual(values(a.matmul(b)), [19, 22, 43, 50]);
  assert.deepEqual(values(a.mm(b)), [19, 22, 43, 50]);
  assert.deepEqual(torch.ones([3, 2, 4]).bmm(torch.ones([3, 4, 5])).shape, [3, 2, 5]);
  assert.deepEqual(values(torch.ones([3, 2, 4]).bmm(torch.ones([3, 4, 5])).select(0, 0)).slice(0, 2), [4, 4]);
  // linear: x Wᵀ + b
  assert.deepEqual(values(torch.nnf.linear(a, b, torch.tensor([1, -1]))), [18, 22, 40, 52]);
  assert.deepEqual(values(torch.nnf.addmm(torch.tensor([1, 1]), a, b, 2, 1)), [21, 24, 45, 52]);
});

test('softmax, log_softmax, topk, sort, one_hot', () => {
  const x = torch.tensor([[1, 2, 3]], { dtype: 'float64' });
  const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
  close(values(x.softmax(1)), [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z], 1e-12);
  close(values(x.logSoftmax(-1)), [1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z)], 1e-12);
  const { values: top, indices } = torch.tensor([3, 1, 4, 1, 5]).topk(2);
  assert.deepEqual(values(top), [5, 4]);
  assert.deepEqual(values(indices), [4, 2]);
  const sorted = torch.tensor([3, 1, 2]).sort(0, true);
  assert.deepEqual(values(sorted.values), [3, 2, 1]);
  assert.deepEqual(values(sorted.indices), [0, 2, 1]);
  assert.deepEqual(values(torch.nnf.oneHot(torch.tensor([0, 2], { dtype: 'int64' }), 3)), [1, 0, 0, 0, 0, 1]);
});

test('in-place ops used by optimisers modify the tensor and return it', () => {
  const p = torch.tensor([1, 2]);
  assert.equal(p.add_(torch.tensor([1, 1]), 2), p);
  assert.deepEqual(values(p), [3, 4]);
  p.sub_(1).mul_(2).div_(4);
  assert.deepEqual(values(p), [1, 1.5]);
  p.addcmul_(torch.tensor([2, 2]), torch.tensor([3, 4]), 0.5);
  assert.deepEqual(values(p), [4, 5.5]);
  p.addcdiv_(torch.tensor([2, 2]), torch.tensor([4, 8]), 2);
  assert.deepEqual(values(p), [5, 6]);
  p.lerp_(torch.tensor([7, 6]), 0.5);
  assert.deepEqual(values(p), [6, 6]);
  p.copy_(torch.tensor([9, 8]));
  assert.deepEqual(values(p), [9, 8]);
  p.clamp_(null, 8.5).sqrt_();
  close(values(p), [Math.sqrt(8.5), Math.sqrt(8)], 1e-6);
  p.fill_(2);
  assert.deepEqual(values(p), [2, 2]);
  p.zero_();
  assert.deepEqual(values(p), [0, 0]);
  p.maskedFill_(torch.tensor([true, false]), 3);
  assert.deepEqual(values(p), [3, 0]);
});
