import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSections, selectSections, splitSentences, cleanReportText } from '../../../src/data/labels/sections.ts';

test('sections: known headers anywhere, upper-case line headers, text before the first header', () => {
  assert.deepEqual(splitSections('Portable view.\nFINDINGS: Clear.').map((x) => [x.name, x.text.trim()]),
    [['', 'Portable view.'], ['findings', 'Clear.']]);
  const s = splitSections('FINAL REPORT\nINDICATION: cough.\nComparison: none.\nFindings: Lungs clear. Impression: Normal.\nRECOMMENDATION(S): none');
  assert.deepEqual(s.map((x) => [x.name, x.text.trim()]), [
    ['indication', 'cough.'], ['comparison', 'none.'], ['findings', 'Lungs clear.'],
    ['impression', 'Normal.'], ['recommendation', 'none'],
  ]);
  assert.equal(selectSections(s, ['findings', 'impression']).replace(/\s+/g, ' ').trim(), 'Lungs clear. Normal.');
  assert.equal(selectSections(splitSections('No headers here.'), ['findings']), 'No headers here.');
  assert.equal(selectSections(splitSections('INDICATION: fever.'), ['findings']), '');
  // A known header alone on its line, without a colon.
  const bare = splitSections('INDICATION: cough\nFINDINGS\nLungs clear.\nImpression\nNormal chest.');
  assert.deepEqual(bare.map((x) => [x.name, x.text.trim()]), [['indication', 'cough'], ['findings', 'Lungs clear.'], ['impression', 'Normal chest.']]);
  // Duplicated sections are all read.
  const twice = splitSections('FINDINGS: A. FINDINGS: B.');
  assert.equal(selectSections(twice, ['findings']).replace(/\s+/g, ' ').trim(), 'A. B.');
});

test('sentences: abbreviations, decimals, enumerations, blank lines, line wraps', () => {
  assert.deepEqual(splitSentences('Dr. Smith was called at 10 a.m. The nodule measures 1.5 cm. No effusion.'),
    ['Dr. Smith was called at 10 a.m. The nodule measures 1.5 cm.', 'No effusion.']);
  assert.deepEqual(splitSentences('1. Small effusion. 2. No pneumothorax.\n3) Cardiomegaly'),
    ['Small effusion.', 'No pneumothorax.', 'Cardiomegaly']);
  assert.deepEqual(splitSentences('Atelectasis vs. pneumonia. Done'), ['Atelectasis vs. pneumonia.', 'Done']);
  assert.deepEqual(splitSentences('The lungs are\nclear\n\nHeart normal'), ['The lungs are clear', 'Heart normal']);
  assert.deepEqual(splitSentences('- Left effusion\n- Right effusion'), ['Left effusion', 'Right effusion']);
  assert.deepEqual(splitSentences('Is there an effusion? No.'), ['Is there an effusion?', 'No.']);
  assert.deepEqual(splitSentences(''), []);
  // Unpunctuated lines: a capitalised line after a line that could end a sentence starts a new one.
  assert.deepEqual(splitSentences('No effusion\nCardiomegaly\nLungs are\nclear'), ['No effusion', 'Cardiomegaly', 'Lungs are clear']);
  assert.deepEqual(splitSentences('No pleural effusion or\nPneumothorax'), ['No pleural effusion or Pneumothorax']);
});

test('cleaning removes control characters and lone surrogates, keeps text', () => {
  assert.equal(cleanReportText('a\u0000b\uD800c\uFFFDd'), 'a b c d');
  assert.equal(cleanReportText('ﬁndings'), 'findings'); // NFKC
  assert.equal(cleanReportText('line\nbreak\ttab'), 'line\nbreak\ttab');
});
