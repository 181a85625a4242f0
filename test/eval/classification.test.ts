/** AUROC, max-F1/threshold/ACC against the reference's scikit-learn numbers, and the curves they come from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, compare } from '../helpers.ts';
import { rocAuc, rocCurve, precisionRecallCurve, maxF1, accuracyAbove } from '../../src/eval/index.ts';
import { trapezoid } from '../../src/eval/auc.ts';

interface ClassificationCase {
  y: number[];
  score: number[];
  auc: number;
  max_f1: number;
  threshold: number;
  acc_at_threshold: number;
}
const cases = (JSON.parse(readFileSync(join(fixturesDir, 'metrics', 'classification.json'), 'utf8')) as { cases: ClassificationCase[] }).cases;

/** Mann–Whitney form of the AUROC (P(score+ > score−) + ½P(tie)), an independent check of the curve's area. */
function rankAuc(labels: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i] > scores[j]) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

test('the fixture includes a case with tied scores', () => {
  const tied = cases.filter((c) => new Set(c.score).size < c.score.length);
  assert.ok(tied.length >= 1, 'expected at least one case with ties');
});

test('rocAuc equals sklearn roc_auc_score on every fixture case (ties included) to 1e-12', () => {
  for (const [k, c] of cases.entries()) {
    const auc = rocAuc(c.y, c.score);
    const error = Math.abs(auc - c.auc);
    assert.ok(error <= 1e-12, `case ${k}: auc ${auc} vs ${c.auc} (|Δ| ${error})`);
    assert.ok(Math.abs(auc - rankAuc(c.y, c.score)) <= 1e-12, `case ${k}: trapezoid and rank AUROC differ`);
  }
});

test('maxF1 gives the reference max-F1, threshold and ACC (score > threshold) on every fixture case', () => {
  for (const [k, c] of cases.entries()) {
    const result = maxF1(c.y, c.score);
    compare([result.f1, result.threshold, result.accuracy], [c.max_f1, c.threshold, c.acc_at_threshold], 1e-12, 0, `case ${k}`);
    // The reported F1 is consistent with the reported precision and recall.
    assert.ok(Math.abs(result.f1 - (2 * result.precision * result.recall) / (result.precision + result.recall)) < 1e-15);
  }
});

test('on the tied case ACC uses the strict >: tied scores at the threshold count as negative', () => {
  const c = cases.find((entry) => new Set(entry.score).size < entry.score.length)!;
  const { threshold, accuracy } = maxF1(c.y, c.score);
  const atThreshold = c.score.filter((s) => s === threshold).length;
  assert.ok(atThreshold > 1, 'the max-F1 threshold of the tied case is itself a tied score');
  const nonStrict = c.y.filter((label, i) => (c.score[i] >= threshold ? 1 : 0) === label).length / c.y.length;
  assert.notEqual(nonStrict, accuracy);
  assert.equal(accuracy, c.acc_at_threshold);
});

test('rocCurve and precisionRecallCurve reproduce the scikit-learn documentation examples', () => {
  const labels = [0, 0, 1, 1];
  const scores = [0.1, 0.4, 0.35, 0.8];
  const roc = rocCurve(labels, scores);
  assert.deepEqual(Array.from(roc.fpr), [0, 0, 0.5, 0.5, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 0.5, 0.5, 1, 1]);
  assert.deepEqual(Array.from(roc.thresholds), [Infinity, 0.8, 0.4, 0.35, 0.1]);
  assert.equal(rocAuc(labels, scores), 0.75);

  const pr = precisionRecallCurve(labels, scores);
  compare(pr.precision, [2 / 3, 0.5, 1, 1], 1e-15, 0, 'precision');
  assert.deepEqual(Array.from(pr.recall), [1, 0.5, 0.5, 0]);
  assert.deepEqual(Array.from(pr.thresholds), [0.35, 0.4, 0.8]);

  const full = precisionRecallCurve(labels, scores, { full: true });
  compare(full.precision, [0.5, 2 / 3, 0.5, 1, 1], 1e-15, 0, 'full precision');
  assert.deepEqual(Array.from(full.recall), [1, 1, 0.5, 0.5, 0]);
  assert.deepEqual(Array.from(full.thresholds), [0.1, 0.35, 0.4, 0.8]);

  const best = maxF1(labels, scores);
  assert.equal(best.threshold, 0.35);
  assert.ok(Math.abs(best.f1 - 0.8) < 1e-15);
  assert.equal(best.accuracy, 0.5);
});

test('rocCurve drops only collinear points: the area is unchanged and corners are kept', () => {
  for (const c of cases) {
    const dropped = rocCurve(c.y, c.score);
    const kept = rocCurve(c.y, c.score, { dropIntermediate: false });
    assert.ok(dropped.fpr.length <= kept.fpr.length);
    // Every kept point is a point of the full curve, at the same threshold.
    const fullIndex = new Map(Array.from(kept.thresholds, (t, k) => [t, k]));
    for (let k = 0; k < dropped.fpr.length; k++) {
      const j = fullIndex.get(dropped.thresholds[k]);
      assert.ok(j !== undefined && kept.fpr[j] === dropped.fpr[k] && kept.tpr[j] === dropped.tpr[k]);
    }
    assert.ok(Math.abs(trapezoid(dropped.fpr, dropped.tpr) - trapezoid(kept.fpr, kept.tpr)) < 1e-12);
    for (let k = 1; k < dropped.fpr.length; k++) assert.ok(dropped.fpr[k] >= dropped.fpr[k - 1] && dropped.tpr[k] >= dropped.tpr[k - 1]);
    assert.equal(dropped.fpr[dropped.fpr.length - 1], 1);
    assert.equal(dropped.tpr[dropped.tpr.length - 1], 1);
  }
});

test('without ties, most points of a 1000-sample ROC curve are collinear and dropped', () => {
  const c = cases[3];
  assert.equal(new Set(c.score).size, c.score.length);
  assert.equal(rocCurve(c.y, c.score, { dropIntermediate: false }).fpr.length, 1001);
  // 1000 distinct scores but far fewer corners: runs of same-class samples are straight segments.
  assert.ok(rocCurve(c.y, c.score).fpr.length < 100);
});

test('the full and truncated PR curves give the same max-F1 point', () => {
  for (const c of cases) {
    const f1Of = (curve: ReturnType<typeof precisionRecallCurve>): [number, number] => {
      let best = -1, threshold = Number.NaN;
      for (let k = 0; k < curve.thresholds.length; k++) {
        const sum = curve.precision[k] + curve.recall[k];
        const f1 = sum === 0 ? 0 : (2 * curve.precision[k] * curve.recall[k]) / sum;
        if (f1 > best) { best = f1; threshold = curve.thresholds[k]; }
      }
      return [best, threshold];
    };
    assert.deepEqual(f1Of(precisionRecallCurve(c.y, c.score, { full: true })), f1Of(precisionRecallCurve(c.y, c.score)));
  }
});

test('bad input is rejected with the argument named', () => {
  assert.throws(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]), { name: 'RangeError', message: /both classes.*only positives/ });
  assert.throws(() => rocAuc([0, 0], [0.1, 0.2]), { name: 'RangeError', message: /only negatives/ });
  assert.throws(() => rocAuc([0, 2], [0.1, 0.2]), { name: 'RangeError', message: 'Expected 0 or 1 for labels[1] but received 2' });
  assert.throws(() => rocAuc([0, 1], [0.1, Number.NaN]), { name: 'RangeError', message: 'Expected a finite number for scores[1] but received NaN' });
  assert.throws(() => rocAuc([0, 1], [0.1]), { name: 'RangeError', message: /same length.*2 and 1/ });
  assert.throws(() => rocAuc('01' as unknown as number[], [0.1, 0.2]), { name: 'TypeError', message: /array of numbers for labels/ });
  assert.throws(() => maxF1([0, 0], [0.1, 0.2]), { name: 'RangeError', message: /at least one positive/ });
  assert.throws(() => accuracyAbove([0, 1], [0.1, 0.2], Number.NaN), { name: 'RangeError', message: /threshold/ });
});

test('typed arrays work as inputs and give the same numbers', () => {
  const c = cases[1];
  assert.equal(rocAuc(Uint8Array.from(c.y), Float64Array.from(c.score)), rocAuc(c.y, c.score));
  assert.deepEqual(maxF1(Int32Array.from(c.y), Float64Array.from(c.score)), maxF1(c.y, c.score));
});
