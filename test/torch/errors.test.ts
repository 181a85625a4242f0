// Bad shapes, dtypes and arguments give readable, catchable errors (never a crash of the process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import * as binding from '../../src/torch/binding.ts';

test('shape mismatches are NativeErrors naming the op and the operand shapes', () => {
  const a = torch.ones([2, 3]), b = torch.ones([4, 5]);
  assert.throws(() => a.matmul(b), (e: Error) => e instanceof torch.NativeError && e.name === 'NativeError'
    && /^aten::matmul: /.test(e.message) && e.message.includes('[2, 3] float32; [4, 5] float32'));
  assert.throws(() => a.add(torch.ones([4])), /aten::add.Tensor: The size of tensor a \(3\) must match the size of tensor b \(4\)/);
  assert.throws(() => a.view(5), /aten::view: shape '\[5\]' is invalid for input of size 6/);
  assert.throws(() => torch.cat([a, b], 0), /aten::cat: Sizes of tensors must match/);
  assert.throws(() => torch.nnf.conv2d(torch.ones([1, 3, 8, 8]), torch.ones([4, 2, 3, 3])), /aten::conv2d: .*expected input\[1, 3, 8, 8\] to have 2 channels/);
});

test('dtype errors are readable', () => {
  const floats = torch.ones([2, 3]);
  assert.throws(() => floats.indexSelect(0, torch.tensor([0.5])), /aten::index_select: .*Expected dtype int32 or int64 for index/);
  assert.throws(() => torch.nnf.crossEntropy(floats, torch.tensor([0, 1])), /aten::cross_entropy_loss: .*(Long|Float)/);
  assert.throws(() => floats.matmul(torch.ones([3, 2], { dtype: 'float64' })), /aten::matmul: .*(dtype|Double|same)/);
});

test('argument errors are TypeError/RangeError before reaching libtorch', () => {
  assert.throws(() => torch.zeros([2, -1]), { name: 'TypeError', message: 'Expected array of non-negative integers for shape but received [2, -1] (array)' });
  assert.throws(() => torch.fromTypedArray(new Float32Array(5), [2, 2]), { name: 'RangeError', message: /20 bytes do not fill shape of 16 bytes/ });
  assert.throws(() => torch.manualSeed(-1), { name: 'RangeError', message: 'Expected integer in [0, 9007199254740991] for seed but received -1 (number)' });
  assert.throws(() => torch.setNumThreads(0), RangeError);
  assert.throws(() => torch.nnf.interpolate(torch.ones([1, 1, 2, 2]), { size: [4, 4], mode: 'area' as 'nearest' }),
    { name: 'RangeError', message: 'Expected one of nearest, bilinear, bicubic for mode but received area (string)' });
  assert.throws(() => torch.nnf.crossEntropy(torch.ones([2, 2]), torch.tensor([0, 1], { dtype: 'int64' }), { reduction: 'avg' as 'mean' }), RangeError);
  assert.throws(() => torch.aten('aten::add.Tensor', 1, 2), { name: 'TypeError', message: 'Expected a tensor for aten::add.Tensor argument self but received number' });
  assert.throws(() => torch.aten('aten::not_an_op'), /No libtorch operator aten::not_an_op/);
  assert.throws(() => torch.ones([2]).size(3), { name: 'RangeError', message: 'Expected dim in [-1, 0] but received 3' });
});

test('a disposed tensor cannot be used', () => {
  const t = torch.ones([2]);
  t.dispose();
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => t.add(1), /Tensor used after dispose\(\)/);
  assert.throws(() => t.shape, /Tensor used after dispose\(\)/);
});

test('item() on a multi-element tensor is an error, not a crash', () => {
  assert.throws(() => torch.ones([3]).item(), /item: a Tensor with 3 elements cannot be converted to Scalar/);
});

test('the addon checks each argument it reads and names it, whatever a caller passes past the TypeScript layer', () => {
  const { native } = binding;
  const unchecked = native as unknown as Record<string, (...args: unknown[]) => unknown>;
  assert.throws(() => unchecked.manualSeed('seven'), { name: 'TypeError', message: 'Expected an integer for seed' });
  assert.throws(() => unchecked.setNumThreads(null), { name: 'TypeError', message: 'Expected an integer for threads' });
  assert.throws(() => unchecked.createFileStore(42, 1), { name: 'TypeError', message: /Expected a string for path/ });
});
