import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRawTensor, float16BitsToNumber, toFloat32, type RawTensor } from '../../src/io/raw-tensor.ts';

test('float16 bits decode exactly, including subnormals, infinities and NaN', () => {
  const cases: [number, number][] = [
    [0x0000, 0], [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504], [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24], [0x7c00, Infinity], [0xfc00, -Infinity],
  ];
  for (const [bits, value] of cases) assert.equal(float16BitsToNumber(bits), value, `0x${bits.toString(16)}`);
  assert.ok(Number.isNaN(float16BitsToNumber(0x7e00)));
  assert.ok(Object.is(float16BitsToNumber(0x8000), -0));
});

test('toFloat32 widens bfloat16, float16 and integer tensors and keeps float32 as is', () => {
  const bf16: RawTensor = { dtype: 'bfloat16', shape: [4], data: Uint16Array.from([0x3f80, 0xc049, 0x7f80, 0x0000]) };
  assert.deepEqual([...toFloat32(bf16).data], [1, -3.140625, Infinity, 0]);
  const f16: RawTensor = { dtype: 'float16', shape: [2, 1], data: Uint16Array.from([0x3c00, 0xbc00]) };
  assert.deepEqual(toFloat32(f16), { dtype: 'float32', shape: [2, 1], data: Float32Array.from([1, -1]) });
  const i64: RawTensor = { dtype: 'int64', shape: [2], data: BigInt64Array.from([-3n, 2n ** 40n]) };
  assert.deepEqual([...toFloat32(i64).data], [-3, 2 ** 40]);
  const f32: RawTensor = { dtype: 'float32', shape: [1], data: Float32Array.from([5]) };
  assert.equal(toFloat32(f32), f32);
});

test('checkRawTensor names what is wrong', () => {
  assert.throws(() => checkRawTensor(null), new TypeError('Expected a RawTensor for tensor but received null'));
  assert.throws(() => checkRawTensor({ dtype: 'complex64', shape: [1], data: new Float32Array(1) }, 'x'),
    /Expected one of float32, float64, .* for x\.dtype but received complex64/);
  assert.throws(() => checkRawTensor({ dtype: 'float32', shape: [-1], data: new Float32Array(1) }),
    new TypeError('Expected an array of non-negative integers for tensor.shape but received [-1]'));
  assert.throws(() => checkRawTensor({ dtype: 'int64', shape: [1], data: new Float64Array(1) }),
    new TypeError('Expected a BigInt64Array for tensor.data (dtype int64) but received Float64Array'));
  assert.throws(() => checkRawTensor({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(3) }),
    new RangeError('Expected 4 elements for tensor of shape [2, 2] but received 3'));
});
