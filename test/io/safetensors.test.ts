import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.ts';
import type { RawTensor } from '../../src/io/raw-tensor.ts';
import { compare, fixturesDir } from '../helpers.ts';

/** A safetensors header as JSON: the entries by name (and `__metadata__`, which is not an entry). */
type Header = Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;

function sum(tensor: RawTensor): number {
  let total = 0;
  for (const v of tensor.data) total += Number(v);
  return total;
}

test('reads every shared fixture file', () => {
  const counts: Record<string, number> = {
    'medslip-r18-train/weights.safetensors': 150, 'medslip-r18-train/inputs.safetensors': 8,
    'medslip-r18-train/expected.safetensors': 56, 'medslip-r18-train/grads.safetensors': 103,
    'medslip-r18-train/expected64.safetensors': 56, 'medslip-r18-train/grads64.safetensors': 103,
    'medslip-r50-checkpoint/expected.safetensors': 5, 'medslip-r50-checkpoint/expected64.safetensors': 5,
  };
  let files = 0;
  for (const dir of readdirSync(fixturesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    for (const file of readdirSync(join(fixturesDir, dir)).filter((f) => f.endsWith('.safetensors'))) {
      files++;
      const { tensors } = readSafetensors(join(fixturesDir, dir, file));
      assert.ok(tensors.size > 0, `${dir}/${file} has tensors`);
      const want = counts[`${dir}/${file}`];
      if (want !== undefined) assert.equal(tensors.size, want, `${dir}/${file} entry count`);
    }
  }
  assert.equal(files, 12, 'bert-tiny 2, medslip-r18-train 6, medslip-r50-checkpoint 3, optim 1');
});

test('r18 weights: shapes by name, and sums computed independently with numpy', () => {
  const { tensors } = readSafetensors(join(fixturesDir, 'medslip-r18-train', 'weights.safetensors'));
  const conv = tensors.get('res_features.6.1.conv2.weight')!;
  assert.deepEqual([conv.dtype, conv.shape], ['float32', [256, 256, 3, 3]]);
  compare([sum(conv)], [56.5006337277847], 1e-9, 1e-12, 'conv2 sum');
  compare(conv.data.subarray(0, 2), [-0.01945849508047104, -0.0020127634052187204], 0, 0, 'conv2 head');
  const inProj = tensors.get('decoder_pathology.layers.0.multihead_attn.in_proj_weight')!;
  assert.deepEqual(inProj.shape, [768, 256]);
  compare([sum(inProj)], [-0.767169972501998], 1e-9, 1e-12, 'in_proj sum');
  const tracked = tensors.get('res_features.1.num_batches_tracked')!;
  assert.deepEqual([tracked.dtype, tracked.shape, [...tracked.data]], ['int64', [1], [0n]]);

  const { tensors: inputs } = readSafetensors(join(fixturesDir, 'medslip-r18-train', 'inputs.safetensors'));
  const matrix = inputs.get('matrix')!;
  assert.deepEqual([matrix.dtype, matrix.shape], ['int64', [3, 51, 75]]);
  const counts = { present: 0, absent: 0, unmentioned: 0 };
  for (const v of matrix.data as BigInt64Array) {
    if (v === 1n) counts.present++; else if (v === 0n) counts.absent++; else if (v === -1n) counts.unmentioned++;
  }
  assert.deepEqual(counts, { present: 16, absent: 5, unmentioned: 11454 });
});

test('write then read round-trips every dtype, empty and scalar tensors, and metadata', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-st-'));
  try {
    const tensors: Record<string, RawTensor> = {
      f32: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-30, 7]) },
      f64: { dtype: 'float64', shape: [1], data: Float64Array.from([Math.PI]) },
      f16: { dtype: 'float16', shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) },
      bf16: { dtype: 'bfloat16', shape: [2], data: Uint16Array.from([0x3f80, 0x4049]) },
      i64: { dtype: 'int64', shape: [2], data: BigInt64Array.from([-(2n ** 62n), 5n]) },
      i32: { dtype: 'int32', shape: [1, 1], data: Int32Array.from([-7]) },
      i16: { dtype: 'int16', shape: [1], data: Int16Array.from([-300]) },
      i8: { dtype: 'int8', shape: [3], data: Int8Array.from([-1, 0, 1]) },
      u8: { dtype: 'uint8', shape: [1], data: Uint8Array.from([255]) },
      flag: { dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) },
      empty: { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
      scalar: { dtype: 'float32', shape: [], data: Float32Array.from([2.5]) },
    };
    const path = join(dir, 'all.safetensors');
    writeSafetensors(path, tensors, { format: 'pt', note: 'medslip' });
    const bytes = readFileSync(path);
    assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0, 'header padded to 8 bytes');
    const back = readSafetensors(path);
    assert.deepEqual(back.metadata, { format: 'pt', note: 'medslip' });
    assert.deepEqual(Object.fromEntries(back.tensors), tensors);
    assert.deepEqual([...back.tensors.keys()], Object.keys(tensors), 'header order kept');
    // Data laid out widest item first: every tensor starts at a multiple of its item size.
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as Header;
    const itemSize: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 };
    for (const [key, entry] of Object.entries(header)) {
      if (key !== '__metadata__') assert.equal(entry.data_offsets[0] % itemSize[entry.dtype], 0, `${key} aligned`);
    }
    assert.deepEqual(header.f64.data_offsets, [0, 8]);
    assert.deepEqual(readdirSync(dir), ['all.safetensors'], 'no temp file left');
    // A Map works too, and a rewrite replaces the file.
    writeSafetensors(path, new Map([['only', tensors.f32]]));
    assert.deepEqual([...readSafetensors(path).tensors.keys()], ['only']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt or truncated files fail with the file named and the problem stated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-st-'));
  try {
    const good = join(dir, 'good.safetensors');
    writeSafetensors(good, { a: { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) },
      b: { dtype: 'int64', shape: [1], data: BigInt64Array.from([3n]) } });
    const bytes = readFileSync(good);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Header;
    const withHeader = (h: unknown, data = bytes.subarray(8 + headerLength)): Buffer => {
      const json = Buffer.from(JSON.stringify(h));
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([length, json, data]);
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ['short', bytes.subarray(0, 5), /it has 5 bytes, fewer than the 8-byte header length/],
      ['truncated', bytes.subarray(0, bytes.length - 4), /the entries need 16 bytes of data but the file holds 12 \(truncated\?\)/],
      ['huge-header', Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), bytes.subarray(8)]), /header length 4294967295 exceeds/],
      ['past-end', Buffer.concat([Buffer.from([200, 0, 0, 0, 0, 0, 0, 0]), bytes.subarray(8, 40)]), /header length 200 runs past the end of the file/],
      ['not-json', withHeader('x').fill(0x7b, 8, 9), /the header is not JSON/],
      ['dtype', withHeader({ ...header, a: { ...header.a, dtype: 'C64' } }), /entry "a" has dtype "C64"; expected one of F64, F32/],
      ['span', withHeader({ ...header, a: { ...header.a, shape: [3] } }), /entry "a" spans 8 bytes but shape \[3\] of F32 needs 12/],
      ['gap', withHeader({ ...header, a: { ...header.a, data_offsets: [9, 17] } }, Buffer.concat([bytes.subarray(8 + headerLength), Buffer.alloc(1)])),
        /entry "a" starts at byte 9 of the data but the previous entry ends at 8 \(gap or overlap\)/],
      ['extra', withHeader(header, Buffer.concat([bytes.subarray(8 + headerLength), Buffer.alloc(8)])), /the file holds 24 bytes of data but the entries cover only 16/],
      ['metadata', withHeader({ ...header, __metadata__: { n: 1 } }), /"__metadata__" must map strings to strings/],
    ];
    for (const [name, data, message] of cases) {
      const path = join(dir, `${name}.safetensors`);
      writeFileSync(path, data);
      assert.throws(() => readSafetensors(path), (error: Error) => {
        assert.ok(error.message.startsWith(`${path} is not a valid safetensors file: `), error.message);
        assert.match(error.message, message);
        return true;
      }, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writing rejects malformed tensors before touching the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-st-'));
  try {
    const path = join(dir, 'bad.safetensors');
    assert.throws(() => writeSafetensors(path, { a: { dtype: 'float32', shape: [3], data: new Float32Array(2) } }),
      new RangeError('Expected 3 elements for tensors["a"] of shape [3] but received 2'));
    assert.throws(() => writeSafetensors(path, { a: { dtype: 'float32', shape: [2], data: new Float64Array(2) } }),
      new TypeError('Expected a Float32Array for tensors["a"].data (dtype float32) but received Float64Array'));
    assert.throws(() => writeSafetensors(path, { __metadata__: { dtype: 'uint8', shape: [0], data: new Uint8Array(0) } }), RangeError);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
