import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Cxr14Dataset } from '../../../src/data/datasets/cxr14.ts';
import { allocate, strataFromLabels, subsetFraction } from '../../../src/data/datasets/split.ts';
import { dataDir } from '../../helpers.ts';
import { recordingLoader } from './loaders.ts';

test('subsetFraction: int(p·N) sorted distinct indices, at least one, seeded', () => {
  for (const [n, fraction, count] of [[12047, 0.01, 120], [12047, 0.1, 1204], [12047, 1, 12047], [50, 0.01, 1], [30, 0.1, 3], [7, 0.5, 3]] as const) {
    const subset = subsetFraction(n, fraction, 1);
    assert.equal(subset.length, count, `${fraction} of ${n}`);
    assert.ok(subset.every((v, i) => Number.isInteger(v) && v >= 0 && v < n && (i === 0 || v > subset[i - 1])));
  }
  assert.deepEqual(subsetFraction(1000, 0.1, 42), subsetFraction(1000, 0.1, 42));
  assert.notDeepEqual(subsetFraction(1000, 0.1, 42), subsetFraction(1000, 0.1, 43));
  assert.deepEqual(subsetFraction(5, 1, 0), [0, 1, 2, 3, 4]);
  assert.throws(() => subsetFraction(10, 0, 1), { name: 'RangeError', message: "Expected fraction in (0, 1] (0.01, 0.1 or 1 for the paper's settings) but received 0" });
  assert.throws(() => subsetFraction(10, 1.5, 1), { name: 'RangeError' });
  assert.throws(() => subsetFraction(0, 0.1, 1), { name: 'RangeError' });
  assert.throws(() => subsetFraction(10, 0.1, 0.5), { name: 'TypeError' });
  assert.throws(() => subsetFraction(10, 0.1, 1, { strata: [0, 1] }), { name: 'RangeError', message: 'Expected 10 strata keys (one per sample) but received 2' });
});

test('stratified subsets keep each stratum\'s share and at least one of each', async () => {
  // The real CXR14 sample, stratified on hernia (20 of 621 positive): a 1 % subset (6 images) still has a positive.
  const dataset = await Cxr14Dataset.open(join(dataDir, 'nih-cxr14-sample/labels.csv'), { loadImage: recordingLoader().loader, checkFiles: false });
  const labels = await Promise.all(Array.from({ length: dataset.length }, (_, i) => dataset.labelsOf(i)));
  const strata = strataFromLabels(labels, 13);
  assert.equal(strata.filter((s) => s === '1').length, 20);
  for (const seed of [1, 2, 3, 4, 5]) {
    const onePercent = subsetFraction(dataset.length, 0.01, seed, { strata });
    assert.equal(onePercent.length, 6);
    assert.equal(onePercent.filter((i) => strata[i] === '1').length, 1, `seed ${seed}`);
  }
  const tenPercent = subsetFraction(dataset.length, 0.1, 1, { strata });
  assert.equal(tenPercent.length, 62);
  assert.equal(tenPercent.filter((i) => strata[i] === '1').length, 2); // 62 · 20/621 = 2.0
  assert.equal(new Set(tenPercent).size, 62);
  // Largest remainder: quotas 2.5, 1.5, 6 → 3, 1, 6 (ties go to the earlier group); minimum one each.
  assert.deepEqual(allocate([5, 3, 12], 10), [3, 1, 6]);
  assert.deepEqual(allocate([98, 1, 1], 3), [1, 1, 1]);
  assert.deepEqual(allocate([98, 1, 1], 2), [2, 0, 0]);
  assert.deepEqual(strataFromLabels([Float64Array.of(1, Number.NaN)]), ['1,NaN']);
});
