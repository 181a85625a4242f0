import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NUM_LANDMARKS, NUM_OBSERVATIONS, OBSERVATIONS } from '../../src/vocabulary.ts';
import { extractReport } from '../../src/data/labels/extract.ts';
import { generateSample } from '../../src/synth/dataset.ts';

// The report → label extractor never sees the generator's statements; reading 300 synthetic reports it should
// recover the generator's truth matrices. Scored per observation over (report, landmark) cells: a positive is a
// cell at 1, a negation a cell at 0.
test('the report label extractor recovers the truth of 300 synthetic reports', () => {
  const positive = OBSERVATIONS.map(() => ({ tp: 0, fp: 0, fn: 0 }));
  const negated = { tp: 0, fp: 0, fn: 0 };
  const started = performance.now();
  for (let seed = 0; seed < 300; seed++) {
    const sample = generateSample(90_000 + seed, { size: 48 });
    const read = extractReport(sample.report).matrix;
    for (let k = 0; k < NUM_LANDMARKS * NUM_OBSERVATIONS; k++) {
      const truth = sample.matrix[k], got = read[k];
      const counts = positive[k % NUM_OBSERVATIONS];
      if (truth === 1 && got === 1) counts.tp++;
      else if (got === 1) counts.fp++;
      else if (truth === 1) counts.fn++;
      if (truth === 0 && got === 0) negated.tp++;
      else if (got === 0) negated.fp++;
      else if (truth === 0) negated.fn++;
    }
  }
  const f1 = ({ tp, fp, fn }: { tp: number; fp: number; fn: number }) => (2 * tp) / Math.max(1, 2 * tp + fp + fn);
  const rows = OBSERVATIONS.map((name, j) => ({ name, ...positive[j] })).filter((r) => r.tp + r.fp + r.fn > 0);
  const lines = rows.map((r) => `  ${r.name.padEnd(14)} precision ${(r.tp / Math.max(1, r.tp + r.fp)).toFixed(3)} recall ${(r.tp / Math.max(1, r.tp + r.fn)).toFixed(3)} (support ${r.tp + r.fn})`);
  const micro = rows.reduce((a, r) => ({ tp: a.tp + r.tp, fp: a.fp + r.fp, fn: a.fn + r.fn }), { tp: 0, fp: 0, fn: 0 });
  console.log(`extractor vs synthetic truth, positives per observation:\n${lines.join('\n')}\n`
    + `  micro-F1 positives ${f1(micro).toFixed(4)} (${micro.tp} tp, ${micro.fp} fp, ${micro.fn} fn); negations F1 ${f1(negated).toFixed(4)} `
    + `(${negated.tp} tp, ${negated.fp} fp, ${negated.fn} fn); ${(performance.now() - started).toFixed(0)} ms`);
  assert.ok(f1(micro) >= 0.9, `micro-F1 of positives ${f1(micro)}`);
  assert.ok(f1(negated) >= 0.9, `F1 of negations ${f1(negated)}`);
  for (const r of rows.filter((row) => row.tp + row.fn >= 20)) assert.ok(f1(r) >= 0.8, `${r.name}: F1 ${f1(r)}`);
});
