/** Bootstrap intervals: reproducible from the seed, and as wide as the textbook standard errors predict. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../helpers.ts';
import { bootstrapCi, rocAuc } from '../../src/eval/index.ts';
import { quantileSorted } from '../../src/eval/bootstrap.ts';
import { Random } from '../../src/util/random.ts';

const cases = (JSON.parse(readFileSync(join(fixturesDir, 'metrics', 'classification.json'), 'utf8')) as { cases: { y: number[]; score: number[]; auc: number }[] }).cases;

test('quantileSorted interpolates linearly like numpy.percentile', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
  assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
  assert.equal(quantileSorted([7], 0.975), 7);
});

test('the same seed gives the same interval; another seed a different one', () => {
  const { y, score } = cases[0];
  const a = bootstrapCi(y, score, rocAuc, { samples: 200, seed: 3 });
  const b = bootstrapCi(y, score, rocAuc, { samples: 200, seed: 3 });
  const c = bootstrapCi(y, score, rocAuc, { samples: 200, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual([a.low, a.high], [c.low, c.high]);
  assert.equal(a.estimate, cases[0].auc);
  assert.ok(a.low < a.estimate && a.estimate <= a.high);
  assert.equal(a.used, 200);
  assert.equal(a.level, 0.95);
});

test('the interval of a mean matches mean ± 1.96·sd/√n', () => {
  const random = new Random(11);
  const n = 400;
  const values = Array.from({ length: n }, () => random.normal(2, 3));
  const labels = values.map((_, i) => i % 2);
  const mean = (_: Float64Array, scores: Float64Array): number => scores.reduce((s, v) => s + v, 0) / scores.length;
  const ci = bootstrapCi(labels, values, mean, { samples: 2000, seed: 1 });
  const m = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / n);
  const halfWidth = (1.96 * sd) / Math.sqrt(n);
  assert.ok(Math.abs(ci.estimate - m) < 1e-12);
  assert.ok(Math.abs((ci.high - ci.low) / 2 / halfWidth - 1) < 0.1, `half-width ${(ci.high - ci.low) / 2} vs ${halfWidth}`);
  assert.ok(Math.abs((ci.high + ci.low) / 2 - m) < 0.1 * halfWidth);
});

/** DeLong's nonparametric variance of the AUROC (structural components), an independent estimate of its spread. */
function delongStandardError(labels: number[], scores: number[]): number {
  const pos = scores.filter((_, i) => labels[i] === 1);
  const neg = scores.filter((_, i) => labels[i] === 0);
  const psi = (x: number, y: number): number => (x > y ? 1 : x === y ? 0.5 : 0);
  const v10 = pos.map((x) => neg.reduce((s, y) => s + psi(x, y), 0) / neg.length);
  const v01 = neg.map((y) => pos.reduce((s, x) => s + psi(x, y), 0) / pos.length);
  const variance = (v: number[]): number => {
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
  };
  return Math.sqrt(variance(v10) / pos.length + variance(v01) / neg.length);
}

test('the AUROC interval width agrees with DeLong\'s standard error', () => {
  const { y, score } = cases[1];
  const se = delongStandardError(y, score);
  const ci = bootstrapCi(y, score, rocAuc, { samples: 400, seed: 5 });
  const ratio = (ci.high - ci.low) / (2 * 1.96 * se);
  assert.ok(ratio > 0.8 && ratio < 1.2, `bootstrap width / DeLong width = ${ratio}`);
});

test('resamples with a single class are redrawn and counted, not averaged in as NaN', () => {
  // One positive in 20: about 36% of resamples miss it and have no AUROC.
  const labels = Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0));
  const scores = labels.map((_, i) => i / 20);
  const ci = bootstrapCi(labels, scores, rocAuc, { samples: 300, seed: 2 });
  assert.equal(ci.used, 300);
  assert.ok(ci.skipped > 100 && ci.skipped < 250, `skipped ${ci.skipped}`);
  assert.ok(Number.isFinite(ci.low) && Number.isFinite(ci.high));
});

test('options are validated', () => {
  const { y, score } = cases[0];
  assert.throws(() => bootstrapCi(y, score, rocAuc, { samples: 0 }), { name: 'RangeError', message: /samples/ });
  assert.throws(() => bootstrapCi(y, score, rocAuc, { level: 1 }), { name: 'RangeError', message: /level/ });
  assert.throws(() => bootstrapCi(y, score, 'auc' as unknown as typeof rocAuc), { name: 'TypeError', message: /metric/ });
});
