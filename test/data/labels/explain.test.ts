import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { explainReport, formatExplanation } from '../../../src/data/labels/explain.ts';
import { extractReport } from '../../../src/data/labels/extract.ts';
import { readLabelSentences } from '../../../src/eval/label-sentences.ts';
import { LANDMARKS, OBSERVATIONS } from '../../../src/vocabulary.ts';
import { repoRoot } from '../../helpers.ts';

const REPORT = `INDICATION: Fever, evaluate for pneumonia.
FINDINGS: Left basilar atelectasis/scarring. No pleural effusion or pneumothorax.
IMPRESSION: Right lower lobe opacity, atelectasis versus pneumonia. Stable calcified granuloma in the right upper lobe.`;

test('an explanation shows each labelled sentence with its spans, cue scopes and entries', () => {
  const explanation = explainReport(REPORT);
  assert.deepEqual(explanation.sentences.map((s) => s.text), [
    'Left basilar atelectasis/scarring.', 'No pleural effusion or pneumothorax.',
    'Right lower lobe opacity, atelectasis versus pneumonia.', 'Stable calcified granuloma in the right upper lobe.',
  ]);
  const [first, second, third, fourth] = explanation.sentences;
  assert.deepEqual(first.spans.map((s) => [s.kind, s.text, s.detail]), [
    ['anatomy', 'Left basilar', 'basilar|left → left_lower_lung'],
    ['observation', 'atelectasis', 'lemma atelectasis → atelectasis'],
    ['observation', 'scarring', 'lemma scar → scar'],
  ]);
  assert.deepEqual(first.entries.map((e) => [e.entity.observation, e.entity.anatomy, e.entity.status, e.reason]), [
    ['atelectasis', 'left_lower_lung', 'present', 'present; anatomy by pre-modifier'],
    ['scar', 'left_lower_lung', 'present', 'present; anatomy by coordination'],
  ]);
  assert.deepEqual(second.scopes, [{ cue: 'No', kind: 'negation', reaches: ['effusion', 'pneumothorax'] }]);
  assert.deepEqual(second.entries.map((e) => e.reason), ['absent ("No"); anatomy by pre-modifier', 'absent ("No"); anatomy by coordination']);
  assert.deepEqual(third.scopes, [{ cue: 'alternatives', kind: 'uncertainty', reaches: ['atelectasis', 'pneumonia'] }]);
  assert.deepEqual(fourth.spans.filter((s) => s.kind === 'observation').map((s) => s.detail), [
    'lemma stable → stable (dropped: it only modifies another observation)',
    'lemma calcification → calcification (a finding of its own, located with "granuloma")',
    'lemma granuloma → tail_abnorm_obs',
  ]);
  const text = formatExplanation('s1', explanation);
  assert.match(text, /^report s1: 4 labelled sentence\(s\)/);
  assert.match(text, /scope {7}"No" \(negation\) reaches "effusion", "pneumothorax"/);
  assert.match(text, /→ calcification @ upper_right_lobe = 1 {3}present; anatomy by modified noun "right upper lobe"/);
  assert.match(text, /matrix: 7 entries set \(all others −1\)\n {2}pleural_unspec × effusion = 0/);
});

test('the entries of an explanation are the extracted entities and its matrix entries are the label matrix', () => {
  const corpus = readLabelSentences(join(repoRoot, 'test', 'data', 'fixtures', 'label-sentences.jsonl'));
  for (const { text } of corpus.filter((_, i) => i % 7 === 0)) {
    const explanation = explainReport(text, { sections: 'all' });
    const extracted = extractReport(text, { sections: 'all' });
    assert.deepEqual(explanation.sentences.flatMap((s) => s.entries.map((e) => e.entity)), extracted.entities, text);
    const set = Array.from(extracted.matrix).flatMap((v, i) => (v === -1 ? [] : [{
      landmark: LANDMARKS[Math.floor(i / OBSERVATIONS.length)], observation: OBSERVATIONS[i % OBSERVATIONS.length], value: v,
    }]));
    assert.deepEqual(explanation.matrixEntries, set, text);
  }
});
