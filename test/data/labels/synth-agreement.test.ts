import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSample } from '../../../src/synth/dataset.ts';
import { extractSentence, extractReport } from '../../../src/data/labels/extract.ts';

// The synthetic generator writes each sentence with the (landmark, observation, label) statements it makes under
// the reference's rules; the extractor, which never sees those statements, must read the same labels back.
test('agreement with the synthetic report generator (200 reports)', () => {
  let tp = 0, fp = 0, fn = 0, agreeing = 0, cells = 0, exact = 0;
  const started = performance.now();
  const n = 200;
  for (let i = 0; i < n; i++) {
    const sample = generateSample(5000 + i, { size: 64 });
    for (const sentence of sample.sentences) {
      const want = new Set(sentence.statements.map((s) => `${s.observation}@${s.landmark}:${s.label}`));
      const got = new Set(extractSentence(sentence.text).map((e) => `${e.observation}@${e.anatomy}:${e.status}`));
      for (const g of got) if (want.has(g)) tp++; else fp++;
      for (const w of want) if (!got.has(w)) fn++;
    }
    const matrix = extractReport(sample.report).matrix;
    let same = true;
    for (let k = 0; k < matrix.length; k++) {
      cells++;
      if (matrix[k] === sample.matrix[k]) agreeing++; else same = false;
    }
    if (same) exact++;
  }
  const precision = tp / (tp + fp), recall = tp / (tp + fn);
  console.log(`synthetic reports: statement precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)} `
    + `(${tp} tp, ${fp} fp, ${fn} fn); matrix cells agreeing ${(agreeing / cells).toFixed(6)}; identical matrices `
    + `${exact}/${n}; ${(performance.now() - started).toFixed(0)} ms`);
  assert.ok(recall >= 0.98, `recall ${recall}`);
  assert.ok(precision >= 0.97, `precision ${precision}`);
  assert.ok(exact >= 0.97 * n, `${exact}/${n} identical matrices`);
});
