/** Segmentation Dice / mIoU with the reference's per-image conventions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentationDice, segmentationIou, segmentationScores } from '../../src/eval/index.ts';

const empty = [0, 0, 0, 0, 0, 0];
const target = [1, 1, 1, 0, 0, 0];
const partial = [0.9, 0.7, 0.2, 0.6, 0.1, 0.0]; // p = {0, 1, 3}: |p∧t| = 2, |p| = 3, |t| = 3, |p∨t| = 4

test('per-image Dice follows the reference: empty target → 1 if nothing predicted, else 0', () => {
  assert.equal(segmentationDice(empty, empty), 1);
  assert.equal(segmentationDice(partial, empty), 0);
  assert.equal(segmentationDice(partial, target), (2 * 2) / (3 + 3));
  assert.equal(segmentationDice(empty, target), 0);
  assert.equal(segmentationDice(target, target), 1);
  // p = prediction > threshold is strict; targets are binarised at 0.5.
  assert.equal(segmentationDice([0.5, 0.5], [1, 0]), 0);
  assert.equal(segmentationDice([0.6, 0.1], [0.51, 0.49]), 1);
  assert.equal(segmentationDice(partial, target, 0.8), (2 * 1) / (1 + 3));
});

test('per-image IoU is smoothed by 1, so empty/empty = 1', () => {
  assert.equal(segmentationIou(empty, empty), 1);
  assert.equal(segmentationIou(partial, empty), 1 / 4);
  assert.equal(segmentationIou(partial, target), 3 / 5);
  assert.equal(segmentationIou(target, target), 4 / 4);
});

test('segmentationScores averages over all images and splits Dice by positive / negative images', () => {
  const summary = segmentationScores([partial, empty, partial, target], [target, empty, empty, target]);
  assert.equal(summary.images, 4);
  assert.equal(summary.positives, 2);
  assert.equal(summary.negatives, 2);
  assert.equal(summary.dice, (2 / 3 + 1 + 0 + 1) / 4);
  assert.equal(summary.dicePositive, (2 / 3 + 1) / 2);
  assert.equal(summary.diceNegative, (1 + 0) / 2);
  assert.equal(summary.miou, (3 / 5 + 1 + 1 / 4 + 1) / 4);
  const onlyPositive = segmentationScores([partial], [target]);
  assert.equal(onlyPositive.diceNegative, undefined);
});

test('bad input is rejected', () => {
  assert.throws(() => segmentationDice([0.1], [1, 0]), { name: 'RangeError', message: /prediction and target/ });
  assert.throws(() => segmentationScores([partial], []), { name: 'RangeError', message: /as many targets/ });
  assert.throws(() => segmentationScores([], []), { name: 'RangeError' });
  assert.throws(() => segmentationIou([Number.NaN], [1]), { name: 'RangeError', message: /prediction\[0\]/ });
});
