// The learning-parity report: largest relative differences per term and the side-by-side table. (The runs
// themselves need python3-torch and minutes: `medslip bench learning-parity`.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLearningParity, largestDifferences, PARITY_TERMS, windowMeans, type LearningParityResult } from '../../src/tasks/bench-learning-parity.ts';

// [ce_p, cl_p, ce_a, cl_a, ap, total] per step
const pytorch = [[0.7, 6, 0.7, 6, 6, 19.4], [0.6, 4, 0.6, 3, 2, 10.2], [0.5, 2, 0.5, 1, 1, 5]];
const medslip = [[0.7, 6, 0.7, 6, 6, 19.4], [0.6, 4.004, 0.6, 3, 2, 10.204], [0.5, 2, 0.5, 1.002, 1, 5.002]];
const perturbed = [[0.7, 6, 0.7, 6, 6, 19.4], [0.6, 4.002, 0.6, 3, 2, 10.202], [0.5, 2, 0.5, 1.001, 1, 5.001]];

test('largestDifferences: per term, the largest |a − b| / |b| (and its 1-based step) and the largest |a − b| over the mean |b|', () => {
  const largest = largestDifferences(medslip, pytorch);
  assert.deepEqual(Object.keys(largest), [...PARITY_TERMS]);
  assert.deepEqual(largest.lossCePathology, { relative: 0, step: 1, scaled: 0 });
  const near = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} vs ${expected}`);
  near(largest.lossClPathology.relative, 1e-3);
  assert.equal(largest.lossClPathology.step, 2);
  near(largest.lossClPathology.scaled, 0.004 / 4);
  near(largest.lossClAnatomy.relative, 2e-3);
  assert.equal(largest.lossClAnatomy.step, 3);
  near(largest.lossClAnatomy.scaled, 0.002 / (10 / 3));
  near(largest.loss.relative, 0.002 / 5);
  assert.equal(largest.loss.step, 3);
  near(largest.loss.scaled, 0.004 / (34.6 / 3));
});

test('windowMeans: the mean of every term per window of steps, the last window shorter', () => {
  const means = windowMeans(pytorch, 2);
  assert.equal(means.length, 2);
  assert.deepEqual(means[1], pytorch[2]);
  assert.ok(Math.abs(means[0][5] - (19.4 + 10.2) / 2) < 1e-12);
});

test('formatLearningParity: both curves side by side, then each term against the noise growth', () => {
  const result: LearningParityResult = {
    steps: 3, model: { backbone: 'resnet18', dModel: 128, heads: 4, layers: 2, feedForward: 1024, textDim: 768 }, batchSize: 8, imageSize: 64,
    threads: 1, lrs: [1e-5, 2e-4, 4e-4], medslip, pytorch, pytorchPerturbed: perturbed,
    largest: largestDifferences(medslip, pytorch), noise: largestDifferences(perturbed, pytorch),
    secondsPerStep: { medslip: 1.5, pytorch: 1 }, files: [],
  };
  const text = formatLearningParity(result);
  assert.match(text, /^MeDSLIP resnet18, d 128, 4 heads, 2\+2 layers, dropout 0; batch 8 at 64 px, no augmentation; 3 steps; 1 thread\(s\)$/m);
  assert.match(text, /^2 +2\.00e-4 +10\.204000 +10\.200000 +3\.92e-4 +1\.00e-3 +1\.96e-4$/m);
  assert.match(text, /^1–3 +11\.5353 +11\.5333 +11\.5343$/m);
  assert.match(text, /^lossClAnatomy +6\.00e-4 +3\.00e-4 +2\.00 +2\.00e-3 \(step 3\) +1\.00e-3 \(step 3\)$/m);
  assert.match(text, /^lossCePathology +0\.00e\+0 +0\.00e\+0 +n\/a +0\.00e\+0 \(step 1\) +0\.00e\+0 \(step 1\)$/m);
  assert.doesNotMatch(text, /seconds/, 'sequential runs are no speed comparison');
});
