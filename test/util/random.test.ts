import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/util/random.ts';

test('the same seed gives the same stream, another seed another stream', () => {
  const a = new Random(42), b = new Random(42), c = new Random(43);
  const sa = Array.from({ length: 8 }, () => a.nextUint32());
  const sb = Array.from({ length: 8 }, () => b.nextUint32());
  const sc = Array.from({ length: 8 }, () => c.nextUint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('uniform and normal draws have the right moments', () => {
  const rng = new Random(7);
  const n = 100_000;
  let sum = 0, sumSq = 0, nSum = 0, nSumSq = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    sum += u; sumSq += u * u;
    const z = rng.normal();
    nSum += z; nSumSq += z * z;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.005);
  assert.ok(Math.abs(sumSq / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(nSum / n) < 0.01);
  assert.ok(Math.abs(nSumSq / n - 1) < 0.02);
});

test('sample draws distinct items and refuses too many', () => {
  const rng = new Random(1);
  const picked = rng.sample([...Array(51).keys()], 7);
  assert.equal(new Set(picked).size, 7);
  assert.throws(() => rng.sample([1, 2], 3), /Cannot sample 3 distinct items from 2/);
});

test('int covers both ends', () => {
  const rng = new Random(3);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(rng.int(0, 3));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
});

test('hashSeed: a pure function of its values, sensitive to each and to the salt; checks its inputs', async () => {
  const { hashSeed } = await import('../../src/util/random.ts');
  assert.equal(hashSeed([1, 2, 3]), hashSeed([1, 2, 3]));
  assert.notEqual(hashSeed([1, 2, 3]), hashSeed([1, 2, 4]));
  assert.notEqual(hashSeed([1, 2, 3]), hashSeed([1, 2, 3], 7));
  assert.notEqual(hashSeed([2 ** 40]), hashSeed([0]), 'the high 32 bits count');
  assert.throws(() => hashSeed([1.5]), /safe integer for seed component 0/);
  assert.throws(() => hashSeed([0, -1]), /non-negative integer for seed component 1/);
});
