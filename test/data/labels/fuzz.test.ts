import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/util/random.ts';
import { OBSERVATIONS, LANDMARKS } from '../../../src/vocabulary.ts';
import { extractReport, entitiesToMatrix } from '../../../src/data/labels/extract.ts';
import { isValidLabelMatrix, pathologyLabels, anatomyLabels, MATRIX_SIZE } from '../../../src/data/labels/matrix.ts';
import { labelReports } from '../../../src/data/labels/label-reports.ts';

const BASES = [
  `FINDINGS: There is a new left lower lobe consolidation. No pleural effusion or pneumothorax is seen. Heart size is
normal.\n\nIMPRESSION: 1. Left lower lobe pneumonia. 2. No pneumothorax.`,
  `INDICATION: ___ year old man with dyspnea.\nCOMPARISON: ___.\nFINDINGS: Moderate cardiomegaly with mild pulmonary
vascular congestion. Small bilateral pleural effusions with bibasilar atelectasis. ET tube terminates 4 cm above the
carina. NG tube tip is in the stomach.\nIMPRESSION: Findings suggestive of mild CHF; pneumonia cannot be excluded.`,
  `The lungs are clear. The cardiomediastinal silhouette is unremarkable. Osseous structures are intact. No acute
cardiopulmonary process.`,
  `FINDINGS: XXXX XXXX. Right PICC line terminates in the mid SVC. Elevated right hemidiaphragm. Blunting of the right
costophrenic angle, possibly small effusion versus scarring.`,
];

const SPECIALS = ['XXXX', '___', 'FINDINGS:', 'IMPRESSION:', 'INDICATION:', 'no', 'not', ',', ';', '.', 'Dr.', '1.5',
  ' but ', ' versus ', '\n\n', '(', ')', 'left', 'right', 'effusion', 'may', 'cannot be excluded'];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function randomCodeUnits(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const kind = rng.int(0, 3);
    if (kind === 0) s += String.fromCharCode(rng.int(0, 255)); // random bytes, control characters included
    else if (kind === 1) s += String.fromCharCode(rng.int(0xd800, 0xdfff)); // lone surrogates
    else if (kind === 2) s += String.fromCodePoint(rng.int(0x1f300, 0x1faff)); // emoji
    else s += String.fromCharCode(rng.int(0x100, 0x3000));
  }
  return s;
}

function mutate(rng: Random, text: string): string {
  const ops = rng.int(1, 6);
  for (let k = 0; k < ops; k++) {
    const at = rng.int(0, text.length);
    switch (rng.int(0, 6)) {
      case 0: text = text.slice(0, at) + text.slice(Math.min(text.length, at + rng.int(1, 40))); break; // delete
      case 1: text = text.slice(0, at) + randomCodeUnits(rng, rng.int(1, 30)) + text.slice(at); break; // garbage
      case 2: text = text.slice(0, at) + ` ${rng.choice(SPECIALS)} ` + text.slice(at); break;
      case 3: { // duplicate a section
        const i = text.search(/FINDINGS:|IMPRESSION:/);
        const chunk = i >= 0 ? text.slice(i, i + rng.int(10, 200)) : text.slice(0, 50);
        text = text.slice(0, at) + chunk + text.slice(at);
        break;
      }
      case 4: text = rng.bernoulli(0.5) ? text.toUpperCase() : text.toLowerCase(); break;
      case 5: { // shuffle words
        const words = text.split(' ');
        text = rng.shuffle(words).join(' ');
        break;
      }
      default: text = text.slice(0, at); // truncate
    }
  }
  return text;
}

test('1,000 randomly mutated reports: no crash, matrix always valid and consistent with the entities', () => {
  const rng = new Random(20240715);
  const observations = new Set<string>(OBSERVATIONS);
  const landmarks = new Set<string>(LANDMARKS);
  let withEntities = 0, huge = 0;
  const started = performance.now();
  for (let i = 0; i < 1000; i++) {
    let text = mutate(rng, rng.choice(BASES));
    if (i % 250 === 249) { // ~100 kB reports
      const parts: string[] = [];
      let size = 0;
      while (size < 100_000) { const p = mutate(rng, rng.choice(BASES)); parts.push(p); size += p.length + 1; }
      text = parts.join('\n');
      huge++;
    }
    const r = extractReport(text);
    assert.ok(isValidLabelMatrix(r.matrix), `report ${i}`);
    for (const e of r.entities) {
      assert.ok(observations.has(e.observation) && landmarks.has(e.anatomy), `report ${i}: ${JSON.stringify(e)}`);
      assert.ok(e.status === 'present' || e.status === 'absent' || e.status === 'uncertain');
    }
    assert.deepEqual(r.matrix, entitiesToMatrix(r.entities));
    assert.equal(pathologyLabels(r.matrix).length, 75);
    assert.equal(anatomyLabels(r.matrix).length, 51);
    // Sentences are well-formed text: no lone surrogates survive cleaning.
    assert.ok(!r.sentences.some((s) => LONE_SURROGATE.test(s)), `report ${i}: lone surrogate`);
    if (r.entities.length > 0) withEntities++;
  }
  const ms = performance.now() - started;
  console.log(`fuzz: ${withEntities}/1000 mutated reports still give entities, ${huge} of ~100 kB, ${ms.toFixed(0)} ms`);
  assert.equal(huge, 4);
  // Mutations damage the text but most reports keep readable findings.
  assert.ok(withEntities > 700, `only ${withEntities} reports gave entities`);
});

test('labelReports: N × 51 × 75 matrices, ids in order, one JSON line per report', () => {
  const rng = new Random(7);
  const inputs = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, text: i % 10 === 0 ? '' : mutate(rng, rng.choice(BASES)) }));
  const out = labelReports(inputs);
  assert.deepEqual(out.ids, inputs.map((r) => r.id));
  assert.equal(out.matrices.length, 50 * MATRIX_SIZE);
  const lines = out.jsonl.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 50);
  lines.forEach((line, i) => {
    const parsed = JSON.parse(line) as { id: string; entities: unknown[] };
    assert.equal(parsed.id, `r${i}`);
    const own = extractReport(inputs[i].text);
    assert.equal(parsed.entities.length, own.entities.length);
    assert.deepEqual(out.matrices.subarray(i * MATRIX_SIZE, (i + 1) * MATRIX_SIZE), own.matrix);
  });
  // The empty report is all −1.
  assert.ok(out.matrices.subarray(0, MATRIX_SIZE).every((v) => v === -1));
  const first = labelReports([{ id: 'a', text: 'IMPRESSION: Small left pleural effusion.' }]);
  assert.equal(first.matrices.filter((v) => v !== -1).length, 1);
  assert.throws(() => labelReports('x' as never), TypeError);
  assert.throws(() => labelReports([{ id: 1, text: '' }] as never), /inputs\[0\]\.id/);
  assert.throws(() => labelReports([{ id: 'a' }] as never), /inputs\[0\]\.text/);
});
