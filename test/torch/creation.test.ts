import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';

test('typed arrays go in and come out unchanged for every supported type', () => {
  const cases: [ArrayBufferView & { length: number }, torch.DType][] = [
    [new Float32Array([1.5, -2, 3.25, 0]), 'float32'],
    [new Float64Array([1e-300, -2, 3.125, Math.PI]), 'float64'],
    [new BigInt64Array([1n, -2n, 9007199254740993n, 0n]), 'int64'],
    [new Int32Array([1, -2, 2147483647, 0]), 'int32'],
    [new Uint8Array([0, 1, 255, 7]), 'uint8'],
  ];
  for (const [array, dtype] of cases) {
    const t = torch.fromTypedArray(array, [2, 2]);
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.shape, [2, 2]);
    assert.deepEqual(t.toArray(), array);
    t.dispose();
  }
});

test('tensor() infers shape and dtype from nested arrays', () => {
  const t = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual([...t.toArray()], [1, 2, 3, 4, 5, 6]);
  assert.equal(torch.tensor([true, false]).dtype, 'bool');
  assert.deepEqual([...torch.tensor([true, false]).toArray()], [1, 0]);
  assert.deepEqual(torch.tensor([1, -1], { dtype: 'int64' }).toArray(), new BigInt64Array([1n, -1n]));
  assert.throws(() => torch.tensor([[1, 2], [3]]), /rectangular nested array/);
});

test('constant factories, ranges and eye', () => {
  assert.deepEqual([...torch.zeros([2, 2]).toArray()], [0, 0, 0, 0]);
  assert.deepEqual([...torch.ones([3], { dtype: 'float64' }).toArray()], [1, 1, 1]);
  assert.deepEqual([...torch.full([2], 2.5).toArray()], [2.5, 2.5]);
  assert.equal(torch.full([2], 3).dtype, 'float32');
  assert.deepEqual([...torch.arange(5).toArray()], [0, 1, 2, 3, 4]);
  assert.deepEqual([...torch.arange(1, 2, 0.25).toArray()], [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(torch.arange(3, undefined, 1, { dtype: 'int64' }).toArray(), new BigInt64Array([0n, 1n, 2n]));
  assert.deepEqual([...torch.linspace(0, 1, 5).toArray()], [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual([...torch.eye(2).toArray()], [1, 0, 0, 1]);
  assert.deepEqual(torch.empty([4, 5]).shape, [4, 5]);
  assert.deepEqual([...torch.zerosLike(torch.ones([2])).toArray()], [0, 0]);
  assert.deepEqual([...torch.fullLike(torch.ones([2]), 7).toArray()], [7, 7]);
});

test('random draws: seeded, with the right moments, generators independent of the global seed', () => {
  torch.manualSeed(7);
  const a = torch.randn([10000]).toFloat32Array();
  torch.manualSeed(7);
  const b = torch.randn([10000]).toFloat32Array();
  assert.deepEqual(a, b);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.05, `mean ${mean} var ${variance}`);
  const u = torch.rand([10000]).toFloat32Array();
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const g1 = torch.randn([5], { generator: new torch.Generator(3) }).toArray();
  torch.manualSeed(99);
  const g2 = torch.randn([5], { generator: new torch.Generator(3) }).toArray();
  assert.deepEqual(g1, g2);
  const ints = torch.randint(2, 5, [1000], { generator: new torch.Generator(1) }).toArray() as BigInt64Array;
  assert.ok(ints.every((v) => v >= 2n && v < 5n));
  assert.equal(new Set(ints).size, 3);
  const filled = torch.empty([2000]).normal_(3, 0.5);
  const m = filled.mean().item();
  assert.ok(Math.abs(m - 3) < 0.05, `normal_ mean ${m}`);
  const uniform = torch.empty([2000]).uniform_(-2, -1).toFloat32Array();
  assert.ok(uniform.every((v) => v >= -2 && v < -1));
});

test('dtype and device casts', () => {
  const t = torch.tensor([1.7, -2.7]);
  assert.deepEqual(t.long().toArray(), new BigInt64Array([1n, -2n]));
  assert.deepEqual([...t.double().toArray()], [Math.fround(1.7), Math.fround(-2.7)]);
  assert.deepEqual([...t.int().toArray()], [1, -2]);
  assert.deepEqual([...t.bool().toArray()], [1, 1]);
  assert.equal(t.to('float16').dtype, 'float16');
  assert.equal(t.to('bfloat16').to('float32').dtype, 'float32');
  assert.equal(t.cpu().device, 'cpu');
  assert.deepEqual(torch.availableDevices()[0], 'cpu');
  if (!torch.availableDevices().some((d) => d.startsWith('cuda'))) {
    assert.throws(() => t.to('cuda'), /no CUDA device/);
  }
  assert.throws(() => t.to('tpu' as torch.Device), /Expected a dtype/);
});
