import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extractReport } from '../../../src/data/labels/extract.ts';
import { OBSERVATIONS } from '../../../src/vocabulary.ts';
import {
  readLabelSentences, scoreLabelSentences, formatLabelScore, entityTriples, f1Of,
} from '../../../src/eval/label-sentences.ts';
import { repoRoot } from '../../helpers.ts';

const CORPUS = join(repoRoot, 'test', 'data', 'fixtures', 'label-sentences.jsonl');
const read = (text: string) => entityTriples(extractReport(text, { sections: 'all' }).entities);

// Hand-written report sentences, each with the (landmark, observation, value) triples a reader gives it; see the
// file's topics. The thresholds sit just under what the extractor reaches, so a change that reads real phrasing
// worse fails here, with the sentences it now gets wrong.
test('report label sentences: every observation covered, precision and recall per observation', () => {
  const corpus = readLabelSentences(CORPUS);
  assert.ok(corpus.length >= 400, `${corpus.length} sentences`);
  const expectedPerObservation = new Map<string, number>();
  for (const s of corpus) for (const [, o] of s.expected) expectedPerObservation.set(o, (expectedPerObservation.get(o) ?? 0) + 1);
  const rare = OBSERVATIONS.filter((o) => (expectedPerObservation.get(o) ?? 0) < 2);
  assert.deepEqual(rare, [], 'observations with fewer than 2 expected triples');

  const score = scoreLabelSentences(corpus, read);
  console.log(formatLabelScore(score));
  const failures = score.failures.map((f) => `${f.text}\n    missing ${f.missing.join(', ') || '-'}\n    extra   ${f.extra.join(', ') || '-'}`);
  assert.ok(score.exact >= corpus.length - 6, `${corpus.length - score.exact} sentences read wrongly:\n${failures.join('\n')}`);
  assert.ok(f1Of(score.micro) >= 0.99, `micro F1 ${f1Of(score.micro)}`);
  for (const c of score.perObservation.filter((x) => x.tp + x.fn >= 5)) {
    assert.ok(f1Of(c) >= 0.9, `${c.observation}: F1 ${f1Of(c).toFixed(3)} (${c.tp} tp, ${c.fp} fp, ${c.fn} fn)`);
  }
});

test('the scorer counts triples per observation and ignores landmarks in the finding view', () => {
  const corpus = [
    { topic: 't', text: 'a', expected: [['left_pleural', 'effusion', 1], ['unspecified', 'pneumothorax', 0]] as const },
    { topic: 't', text: 'b', expected: [['lung_bases', 'atelectasis', -1]] as const },
  ].map((s) => ({ ...s, expected: [...s.expected] }));
  const score = scoreLabelSentences(corpus, (text) => (text === 'a'
    ? [['pleural_unspec', 'effusion', 1], ['unspecified', 'pneumothorax', 0]]
    : [['lung_bases', 'atelectasis', 1]]));
  const by = Object.fromEntries(score.perObservation.map((c) => [c.observation, c]));
  assert.deepEqual({ ...by.effusion }, { observation: 'effusion', tp: 0, fp: 1, fn: 1 });
  assert.deepEqual({ ...by.pneumothorax }, { observation: 'pneumothorax', tp: 1, fp: 0, fn: 0 });
  assert.deepEqual({ ...by.atelectasis }, { observation: 'atelectasis', tp: 0, fp: 1, fn: 1 });
  assert.deepEqual(score.micro, { tp: 1, fp: 2, fn: 2 });
  assert.deepEqual(score.findings, { tp: 2, fp: 1, fn: 1 }); // effusion at the wrong landmark still counts here
  assert.equal(score.exact, 0);
});

test('a corpus line that is not a valid entry is an error naming the file, the line and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-corpus-'));
  try {
    const file = join(dir, 'c.jsonl');
    const cases: [string, RegExp][] = [
      ['{"topic":"t","text":"x","expected":[]}\n{oops', /c\.jsonl:2: not JSON/],
      ['{"topic":"t","text":"","expected":[]}', /c\.jsonl:1: field "text" must be a non-empty string/],
      ['{"topic":"t","text":"x","expected":[["lung","effusion",1]]}', /c\.jsonl:1: expected\[0\]: unknown landmark "lung"/],
      ['{"topic":"t","text":"x","expected":[["left_pleural","fluidity",1]]}', /expected\[0\]: unknown observation "fluidity"/],
      ['{"topic":"t","text":"x","expected":[["left_pleural","effusion",2]]}', /expected\[0\]: value must be 1, 0 or -1 but is 2/],
      ['["t","x"]', /c\.jsonl:1: expected an object/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(file, content);
      assert.throws(() => readLabelSentences(file), message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
