import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '../helpers.ts';
import { loadTokenizer } from '../../src/text/tokenizer.ts';

const bertDir = join(fixturesDir, 'bert-tiny');
interface TokenizedFixture {
  max_length: number;
  do_lower_case: boolean;
  sentences: string[];
  input_ids: number[][];
  attention_mask: number[][];
}
const fixture = JSON.parse(readFileSync(join(bertDir, 'tokenized.json'), 'utf8')) as TokenizedFixture;

/** A throw-away model folder holding the given files. */
function withFolder(files: Record<string, string>, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-tokenizer-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('ids and masks equal the reference BertTokenizer for all six fixture sentences', () => {
  const tokenizer = loadTokenizer(bertDir);
  assert.equal(tokenizer.vocabSize, 30522);
  assert.equal(tokenizer.lowerCase, fixture.do_lower_case);
  const batch = tokenizer.encode(fixture.sentences, { maxLength: fixture.max_length });
  assert.ok(batch.inputIds instanceof BigInt64Array);
  assert.equal(batch.count, 6);
  assert.equal(batch.length, 32);
  const L = batch.length;
  fixture.sentences.forEach((sentence, i) => {
    const ids = Array.from(batch.inputIds.subarray(i * L, (i + 1) * L), Number);
    const mask = Array.from(batch.attentionMask.subarray(i * L, (i + 1) * L), Number);
    assert.deepEqual(ids, fixture.input_ids[i], `input_ids of sentence ${i}: ${JSON.stringify(sentence)}`);
    assert.deepEqual(mask, fixture.attention_mask[i], `attention_mask of sentence ${i}`);
  });
  // The long sentence is cut to 30 pieces and still ends with [SEP].
  assert.equal(Number(batch.inputIds[5 * L + L - 1]), tokenizer.specialTokenIds.sep);
});

test('int32 output and padding to the longest row give the same ids, trimmed', () => {
  const tokenizer = loadTokenizer(bertDir);
  const short = fixture.sentences.slice(0, 3);
  const full = tokenizer.encode(short, { maxLength: 32, dtype: 'int32' });
  const longest = tokenizer.encode(short, { maxLength: 32, padding: 'longest', dtype: 'int32' });
  assert.ok(full.inputIds instanceof Int32Array);
  const realLengths = fixture.attention_mask.slice(0, 3).map((m) => m.reduce((a, b) => a + b, 0));
  assert.equal(longest.length, Math.max(...realLengths));
  for (let i = 0; i < short.length; i++) {
    assert.deepEqual(
      Array.from(longest.inputIds.subarray(i * longest.length, (i + 1) * longest.length)),
      fixture.input_ids[i].slice(0, longest.length),
    );
  }
});

test('lower-casing and accent stripping follow the folder config and the option', () => {
  const tokenizer = loadTokenizer(bertDir);
  assert.deepEqual(tokenizer.tokenize('Opacité RIGHT'), ['op', '##ac', '##ite', 'right']);
  // Without lower-casing the uncased vocabulary has no "RIGHT": BERT maps the word to [UNK].
  const cased = loadTokenizer(bertDir, { lowerCase: false });
  assert.equal(cased.lowerCase, false);
  assert.deepEqual(cased.tokenize('RIGHT lung'), ['[UNK]', 'lung']);
  const vocab = readFileSync(join(bertDir, 'vocab.txt'), 'utf8');
  withFolder({ 'vocab.txt': vocab, 'tokenizer_config.json': JSON.stringify({ do_lower_case: true, strip_accents: false, model_max_length: 64 }) }, (dir) => {
    const keepAccents = loadTokenizer(dir);
    assert.equal(keepAccents.stripAccents, false);
    assert.equal(keepAccents.modelMaxLength, 64);
    assert.notDeepEqual(keepAccents.tokenize('opacité'), tokenizer.tokenize('opacité'));
    assert.throws(() => keepAccents.encode(['x'], { maxLength: 65 }), RangeError);
  });
});

test('BERT basic-tokenizer details: CJK outside the BMP, unassigned code points, long words, special tokens', () => {
  const tokenizer = loadTokenizer(bertDir);
  // A CJK ideograph beyond U+FFFF is a word of its own (here unknown to the vocabulary).
  assert.deepEqual(tokenizer.tokenize('lung\u{20000}base'), ['lung', '[UNK]', 'base']);
  // Unassigned code points are dropped like control characters.
  assert.deepEqual(tokenizer.tokenize('lu\u0378ng'), ['lung']);
  // Words over 100 characters become one [UNK]; 100 is still split into pieces.
  assert.deepEqual(tokenizer.tokenize('a'.repeat(101)), ['[UNK]']);
  assert.notDeepEqual(tokenizer.tokenize('a'.repeat(100)), ['[UNK]']);
  assert.deepEqual(tokenizer.tokenize('[CLS] lung [SEP]'), ['[CLS]', 'lung', '[SEP]']);
  const empty = tokenizer.encode([''], { maxLength: 4, dtype: 'int32' });
  assert.deepEqual(Array.from(empty.inputIds), [101, 102, 0, 0]);
  assert.deepEqual(Array.from(empty.attentionMask), [1, 1, 0, 0]);
});

test('bad folders and arguments give errors naming the file or parameter', () => {
  withFolder({}, (dir) => {
    assert.throws(() => loadTokenizer(dir), (e: Error) => e.message.includes(join(dir, 'vocab.txt')) && /no such file/.test(e.message));
  });
  withFolder({ 'vocab.txt': '' }, (dir) => {
    assert.throws(() => loadTokenizer(dir), (e: Error) => e.message.includes(join(dir, 'vocab.txt')) && /empty/.test(e.message));
  });
  withFolder({ 'vocab.txt': '[PAD]\n[CLS]\n[SEP]\nlung\n' }, (dir) => {
    assert.throws(() => loadTokenizer(dir), (e: Error) => e.message.includes('vocab.txt') && e.message.includes('"[UNK]"'));
  });
  withFolder({ 'vocab.txt': '[PAD]\n[UNK]\n[CLS]\n[SEP]\n', 'tokenizer_config.json': '{"do_lower_case": "yes"}' }, (dir) => {
    assert.throws(() => loadTokenizer(dir), (e: Error) => e.message.includes('tokenizer_config.json') && e.message.includes('"do_lower_case"'));
  });
  withFolder({ 'vocab.txt': '[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nlung\r\n' }, (dir) => {
    const tiny = loadTokenizer(dir);
    assert.equal(tiny.vocabSize, 5);
    assert.deepEqual(Array.from(tiny.encode(['Lung lobe'], { maxLength: 6, dtype: 'int32' }).inputIds), [2, 4, 1, 3, 0, 0]);
  });
  const tokenizer = loadTokenizer(bertDir);
  assert.throws(() => tokenizer.encode(['x'], { maxLength: 1 }), RangeError);
  assert.throws(() => tokenizer.encode(['x'], { maxLength: 2.5 }), TypeError);
  assert.throws(() => tokenizer.encode([42 as unknown as string]), /texts\[0\]/);
});
