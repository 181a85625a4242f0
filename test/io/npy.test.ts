import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../src/io/npy.ts';
import type { RawTensor } from '../../src/io/raw-tensor.ts';
import { compare, repoRoot } from '../helpers.ts';

const fixtures = join(repoRoot, 'test', 'io', 'fixtures');
const expected = (JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { npy: Record<string, number[]> }).npy;

test('reads files written by numpy: format versions 1.0, 2.0 and 3.0 and several dtypes', () => {
  const f4 = readNpy(join(fixtures, 'f4-v1.npy'));
  assert.deepEqual([f4.dtype, f4.shape], ['float32', [2, 3]]);
  compare(f4.data, expected['f4-v1'], 0, 0, 'f4-v1');
  const i8 = readNpy(join(fixtures, 'i8-v2.npy'));
  assert.deepEqual([i8.dtype, i8.shape, [...i8.data]], ['int64', [2, 2], [-(2n ** 40n), 3n, 5n, 2n ** 62n]]);
  const f8 = readNpy(join(fixtures, 'f8-v3.npy'));
  assert.deepEqual([f8.dtype, f8.shape], ['float64', [5, 1, 1]]);
  compare(f8.data, expected['f8-v3'], 0, 0, 'f8-v3');
  const flags = readNpy(readFileSync(join(fixtures, 'bool.npy')));
  assert.deepEqual([flags.dtype, flags.shape, [...flags.data]], ['bool', [4], [1, 0, 0, 1]]);
  const scalar = readNpy(join(fixtures, 'u1-scalar.npy'));
  assert.deepEqual([scalar.dtype, scalar.shape, [...scalar.data]], ['uint8', [], [200]]);
});

test('write then read round-trips, with the header laid out as numpy lays it out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-npy-'));
  try {
    const cases: RawTensor[] = [
      { dtype: 'float64', shape: [2, 51, 75], data: Float64Array.from({ length: 2 * 51 * 75 }, (_, i) => (i % 3) - 1) },
      { dtype: 'float32', shape: [3], data: Float32Array.from([0.5, -1, 2]) },
      { dtype: 'float16', shape: [1], data: Uint16Array.from([0x3c00]) },
      { dtype: 'int64', shape: [1, 2], data: BigInt64Array.from([-1n, 2n ** 60n]) },
      { dtype: 'int32', shape: [], data: Int32Array.from([-5]) },
      { dtype: 'int16', shape: [2], data: Int16Array.from([1, -1]) },
      { dtype: 'int8', shape: [0], data: new Int8Array(0) },
      { dtype: 'uint8', shape: [2], data: Uint8Array.from([0, 255]) },
      { dtype: 'bool', shape: [2], data: Uint8Array.from([0, 1]) },
    ];
    for (const [i, tensor] of cases.entries()) {
      const path = join(dir, `${i}.npy`);
      writeNpy(path, tensor);
      const bytes = readFileSync(path);
      const headerLength = bytes.readUInt16LE(8);
      assert.equal((10 + headerLength) % 64, 0, 'data starts 64-byte aligned');
      assert.equal(bytes[10 + headerLength - 1], 0x0a, 'header ends with a newline');
      assert.deepEqual(readNpy(path), tensor, `${tensor.dtype} ${JSON.stringify(tensor.shape)}`);
    }
    const header = readFileSync(join(dir, '1.npy')).subarray(10).toString('latin1');
    assert.ok(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
    assert.equal(readdirSync(dir).length, cases.length, 'no temp files left');
    assert.throws(() => writeNpy(join(dir, 'x.npy'), { dtype: 'bfloat16', shape: [1], data: new Uint16Array(1) }),
      new RangeError('Expected a dtype NumPy can store but received bfloat16'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refuses Fortran order, foreign dtypes and damaged files, naming the file', () => {
  const fortran = join(fixtures, 'fortran.npy');
  assert.throws(() => readNpy(fortran), new Error(`${fortran} is not a readable .npy file: header field "fortran_order" is True; only C-order arrays are supported (save with np.ascontiguousarray)`));
  const dir = mkdtempSync(join(tmpdir(), 'medslip-npy-'));
  try {
    const good = readFileSync(join(fixtures, 'f4-v1.npy'));
    const cases: [string, Buffer, RegExp][] = [
      ['truncated', good.subarray(0, good.length - 4), /shape \(2, 3\) of <f4 needs 24 bytes of data but the file holds 20 \(truncated\?\)/],
      ['magic', Buffer.concat([Buffer.from('NUMPY!'), good.subarray(6)]), /the "\\x93NUMPY" magic is missing/],
      ['version', Buffer.concat([good.subarray(0, 6), Buffer.from([4, 0]), good.subarray(8)]), /format version 4\.0 is not 1\.0, 2\.0 or 3\.0/],
      ['big-endian', Buffer.from(good.toString('latin1').replace('<f4', '>f4'), 'latin1'), /header field "descr" is ">f4"; expected one of/],
      ['complex', Buffer.from(good.toString('latin1').replace('<f4', '<c8'), 'latin1'), /header field "descr" is "<c8"/],
    ];
    for (const [name, data, message] of cases) {
      const path = join(dir, `${name}.npy`);
      writeFileSync(path, data);
      assert.throws(() => readNpy(path), (error: Error) => error.message.startsWith(`${path} is not a readable .npy file: `) && message.test(error.message), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
