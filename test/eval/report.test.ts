/** The multi-class summary: per-class metrics equal the single-class functions, and degenerate classes are flagged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../helpers.ts';
import { classificationReport, rocAuc, maxF1 } from '../../src/eval/index.ts';

const cases = (JSON.parse(readFileSync(join(fixturesDir, 'metrics', 'classification.json'), 'utf8')) as { cases: { y: number[]; score: number[]; auc: number; max_f1: number; threshold: number; acc_at_threshold: number }[] }).cases;

test('per-class values are the fixture values, means are over evaluated classes, single-label classes are skipped', () => {
  // Three classes over the 50 samples of case 0: the fixture case, its scores negated, and an all-negative class.
  const c = cases[0];
  const names = ['pneumonia', 'effusion', 'hernia'];
  const labels = c.y.map((y, i) => [y, 1 - y, 0 * i]);
  const scores = c.score.map((s) => [s, -s, s]);
  const report = classificationReport(names, labels, scores);
  assert.deepEqual(report.classes.map((m) => m.name), ['pneumonia', 'effusion']);
  assert.deepEqual(report.skipped, [{ name: 'hernia', reason: 'only negative labels (AUROC undefined)', positives: 0, negatives: 50 }]);
  const [pneumonia, effusion] = report.classes;
  assert.ok(Math.abs(pneumonia.auc - c.auc) <= 1e-12);
  assert.ok(Math.abs(pneumonia.f1 - c.max_f1) <= 1e-12);
  assert.equal(pneumonia.threshold, c.threshold);
  assert.equal(pneumonia.accuracy, c.acc_at_threshold);
  // Swapping the classes and negating the scores leaves the AUROC unchanged.
  assert.ok(Math.abs(effusion.auc - c.auc) <= 1e-12);
  const f1 = maxF1(c.y.map((y) => 1 - y), c.score.map((s) => -s));
  assert.equal(effusion.f1, f1.f1);
  assert.equal(report.meanAuc, (pneumonia.auc + effusion.auc) / 2);
  assert.equal(report.meanF1, (pneumonia.f1 + effusion.f1) / 2);
  assert.equal(report.meanAccuracy, (pneumonia.accuracy + effusion.accuracy) / 2);
  assert.equal(pneumonia.positives + pneumonia.negatives, 50);
});

test('unknown labels (−1, NaN) are left out of that class only', () => {
  const c = cases[2];
  const labels = c.y.map((y, i) => [i < 40 ? -1 : y, i === 7 ? Number.NaN : y]);
  const scores = c.score.map((s) => [s, s]);
  const report = classificationReport(['a', 'b'], labels, scores);
  assert.equal(report.classes[0].unknown, 40);
  assert.equal(report.classes[1].unknown, 1);
  assert.equal(report.classes[0].auc, rocAuc(c.y.slice(40), c.score.slice(40)));
  assert.equal(report.classes[1].auc, rocAuc(c.y.filter((_, i) => i !== 7), c.score.filter((_, i) => i !== 7)));
});

test('a report with no evaluable class has undefined means, not NaN', () => {
  const report = classificationReport(['a'], [[1], [1]], [[0.2], [0.3]]);
  assert.equal(report.classes.length, 0);
  assert.equal(report.skipped[0].reason, 'only positive labels (AUROC undefined)');
  assert.equal(report.meanAuc, undefined);
  assert.equal(classificationReport(['a'], [[-1]], [[0.2]]).skipped[0].reason, 'no known labels');
});

test('shape and value errors name the row and class', () => {
  assert.throws(() => classificationReport(['a', 'b'], [[1, 0]], [[0.1]]), { name: 'RangeError', message: /2 values .* labels\[0\] and scores\[0\]/ });
  assert.throws(() => classificationReport(['a'], [[1], [0]], [[0.1]]), { name: 'RangeError', message: /as many label rows/ });
  assert.throws(() => classificationReport(['a'], [[2], [0]], [[0.1], [0.2]]), { name: 'RangeError', message: /labels\[0\]\[0\] \(a\)/ });
  assert.throws(() => classificationReport(['a'], [[1], [0]], [[0.1], [Number.NaN]]), { name: 'RangeError', message: /scores\[1\]\[0\] \(a\)/ });
  assert.throws(() => classificationReport('a' as unknown as string[], [], []), { name: 'TypeError' });
});
