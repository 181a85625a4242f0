import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '../helpers.ts';
import { ANATOMY_BOOK, PATHOLOGY_BOOK, bookHash, loadPathologyBook } from '../../src/text/books.ts';
import { loadTokenizer } from '../../src/text/tokenizer.ts';
import { LANDMARKS, OBSERVATIONS, landmarkIndex } from '../../src/vocabulary.ts';

function withFile(text: string, body: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-book-'));
  try {
    const file = join(dir, 'book.json');
    writeFileSync(file, text);
    body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const asObject = (keys: readonly string[], values: readonly unknown[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((k, i) => [k, values[i]]));

test('anatomy book: one reference prompt per landmark, underscores and trailing space kept', () => {
  assert.equal(ANATOMY_BOOK.length, 51);
  assert.equal(ANATOMY_BOOK[landmarkIndex('left_lower_lung')], 'It is located at left_lower_lung. ');
  assert.equal(ANATOMY_BOOK[0], 'It is located at trachea. ');
  LANDMARKS.forEach((name, i) => assert.equal(ANATOMY_BOOK[i], `It is located at ${name}. `));
  assert.ok(Object.isFrozen(ANATOMY_BOOK));
});

test('pathology book: 75 distinct descriptions in observation order, each naming its term', () => {
  assert.equal(PATHOLOGY_BOOK.length, 75);
  assert.equal(new Set(PATHOLOGY_BOOK).size, 75);
  assert.ok(Object.isFrozen(PATHOLOGY_BOOK));
  OBSERVATIONS.forEach((name, i) => {
    const text = PATHOLOGY_BOOK[i];
    const sentences = text.split(/[.;:]\s/).length;
    assert.ok(text.length >= 60 && text.length <= 260, `${name}: ${text.length} characters`);
    assert.ok(sentences >= 1 && sentences <= 4, `${name}: ${sentences} clauses`);
    if (name === 'tail_abnorm_obs') assert.match(text, /another abnormal finding/i);
    else if (name === 'excluded_obs') assert.match(text, /not a finding/i);
    else assert.ok(text.toLowerCase().includes(name.slice(0, 5)), `description ${i} should be about "${name}": ${text}`);
  });
});

test('every description fits in 64 tokens, so downstream (64) and pre-training (128) books agree', () => {
  const tokenizer = loadTokenizer(join(fixturesDir, 'bert-tiny'));
  const at64 = tokenizer.encode(PATHOLOGY_BOOK, { maxLength: 64, dtype: 'int32' });
  const at128 = tokenizer.encode(PATHOLOGY_BOOK, { maxLength: 128, dtype: 'int32' });
  let longest = 0;
  for (let i = 0; i < 75; i++) {
    const real = at128.attentionMask.subarray(i * 128, (i + 1) * 128).reduce((a, b) => a + b, 0);
    longest = Math.max(longest, real);
    assert.deepEqual(Array.from(at64.inputIds.subarray(i * 64, i * 64 + real)), Array.from(at128.inputIds.subarray(i * 128, i * 128 + real)));
  }
  assert.ok(longest <= 64, `longest description has ${longest} tokens`);
});

test('loadPathologyBook reads values in key order and warns once about differing names', () => {
  const keys: string[] = [...OBSERVATIONS];
  keys[20] = 'eumonia';
  const texts = PATHOLOGY_BOOK.map((t, i) => `user ${i}: ${t}`);
  withFile(JSON.stringify(asObject(keys, texts)), (file) => {
    const warnings: string[] = [];
    const book = loadPathologyBook(file, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(book, texts);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].includes(file) && warnings[0].includes('"eumonia" is used as "pneumonia"'), warnings[0]);
  });
  withFile(JSON.stringify(asObject(OBSERVATIONS, PATHOLOGY_BOOK)), (file) => {
    const warnings: string[] = [];
    assert.deepEqual(loadPathologyBook(file, { onWarning: (m) => warnings.push(m) }), PATHOLOGY_BOOK);
    assert.equal(warnings.length, 0);
  });
});

test('loadPathologyBook rejects bad files with the file and key named', () => {
  withFile(JSON.stringify(asObject(OBSERVATIONS.slice(0, 74), PATHOLOGY_BOOK)), (file) => {
    assert.throws(() => loadPathologyBook(file), (e: Error) => e.message.includes(file) && /expected 75 .* found 74/.test(e.message));
  });
  const values: unknown[] = [...PATHOLOGY_BOOK];
  values[13] = 42;
  withFile(JSON.stringify(asObject(OBSERVATIONS, values)), (file) => {
    assert.throws(() => loadPathologyBook(file), (e: Error) => e.message.includes(file) && e.message.includes('"tube"') && /non-empty string/.test(e.message));
  });
  withFile(JSON.stringify(PATHOLOGY_BOOK), (file) => {
    assert.throws(() => loadPathologyBook(file), (e: Error) => e.message.includes(file) && /JSON object/.test(e.message));
  });
  withFile('{"normal": ', (file) => {
    assert.throws(() => loadPathologyBook(file), (e: Error) => e.message.includes(file) && /not valid JSON/.test(e.message));
  });
  assert.throws(() => loadPathologyBook('/nonexistent/book.json'), /\/nonexistent\/book\.json/);
});

test('bookHash is a stable sha256 that changes with any text, their order, the encoder and the length', () => {
  const base = bookHash(ANATOMY_BOOK, 'bert', 128);
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(bookHash([...ANATOMY_BOOK], 'bert', 128), base);
  const edited = [...ANATOMY_BOOK];
  edited[3] = edited[3].trimEnd();
  const swapped = [ANATOMY_BOOK[1], ANATOMY_BOOK[0], ...ANATOMY_BOOK.slice(2)];
  const variants = [bookHash(edited, 'bert', 128), bookHash(swapped, 'bert', 128), bookHash(ANATOMY_BOOK, 'bert2', 128), bookHash(ANATOMY_BOOK, 'bert', 64)];
  assert.equal(new Set([base, ...variants]).size, 5);
  // Text boundaries are part of the hash.
  assert.notEqual(bookHash(['ab', 'c'], 'x', 1), bookHash(['a', 'bc'], 'x', 1));
  assert.throws(() => bookHash(ANATOMY_BOOK, 'bert', 1.5), TypeError);
});
