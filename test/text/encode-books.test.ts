// Book encoding: the offline and BERT encoders to a books file and back, metadata, and validation on load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import {
  ANATOMY_BOOK, OFFLINE_ENCODER_NAME, PATHOLOGY_BOOK, encodeBooks, encodeBooksToFile, encodeOffline,
  loadBertEncoder, loadBooks, readBooks,
} from '../../src/text/index.ts';
import { bookHash } from '../../src/text/books.ts';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.ts';
import type { RawTensor } from '../../src/io/raw-tensor.ts';
import { OBSERVATIONS, landmarkIndex } from '../../src/vocabulary.ts';
import { compare, fixturesDir } from '../helpers.ts';

const bertTiny = join(fixturesDir, 'bert-tiny');

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-books-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('offline encoder: file holds the encoder\'s vectors, its name, max_length, dim and the book hashes', () => {
  withDir((dir) => {
    const out = join(dir, 'books.safetensors');
    const summary = encodeBooksToFile({ out });
    assert.deepEqual({ ...summary, seconds: 0 }, {
      out, encoder: OFFLINE_ENCODER_NAME, maxLength: 128, dim: 768, pathologyRows: 75, anatomyRows: 51,
      pathologyBook: 'built-in', pathologyHash: bookHash(PATHOLOGY_BOOK, OFFLINE_ENCODER_NAME, 128),
      anatomyHash: bookHash(ANATOMY_BOOK, OFFLINE_ENCODER_NAME, 128), seconds: 0, warnings: [],
    });
    assert.ok(summary.seconds > 0);
    assert.deepEqual(readdirSync(dir), ['books.safetensors'], 'no temporary file is left behind');
    const { metadata } = readSafetensors(out);
    assert.deepEqual(metadata, {
      format: 'pt', encoder: OFFLINE_ENCODER_NAME, max_length: '128', dim: '768',
      pathology_hash: summary.pathologyHash, anatomy_hash: summary.anatomyHash,
    });
    const books = loadBooks(out);
    try {
      assert.deepEqual(books.pathology.shape, [75, 768]);
      assert.deepEqual(books.anatomy.shape, [51, 768]);
      assert.equal(books.pathology.dtype, 'float32');
      compare(books.pathology.toFloat32Array(), encodeOffline(PATHOLOGY_BOOK), 0, 0, 'pathology');
      compare(books.anatomy.toFloat32Array(), encodeOffline(ANATOMY_BOOK), 0, 0, 'anatomy');
      assert.deepEqual(books.metadata, {
        dim: 768, encoder: OFFLINE_ENCODER_NAME, maxLength: 128,
        pathologyHash: summary.pathologyHash, anatomyHash: summary.anatomyHash,
      });
    } finally {
      books.pathology.dispose();
      books.anatomy.dispose();
    }
  });
});

test('BERT folder: anatomy rows are the [CLS] vectors transformers gives for the same prompts', () => {
  withDir((dir) => {
    const out = join(dir, 'books.safetensors');
    const summary = encodeBooksToFile({ textEncoder: bertTiny, maxLength: 32, out });
    assert.match(summary.encoder, /^bert:bert-tiny@[0-9a-f]{16}$/);
    assert.equal(summary.dim, 32);
    assert.equal(summary.anatomyHash, bookHash(ANATOMY_BOOK, summary.encoder, 32));
    const { pathology, anatomy, metadata } = readBooks(out);
    assert.equal(metadata.maxLength, 32);
    // The fixture's first two sentences are the prompts of left_costophrenic and right_lower_lung.
    const tokenized = JSON.parse(readFileSync(join(bertTiny, 'tokenized.json'), 'utf8')) as { sentences: string[] };
    const expectedCls = readSafetensors(join(bertTiny, 'expected.safetensors')).tensors.get('cls')!.data as Float32Array;
    ['left_costophrenic', 'right_lower_lung'].forEach((landmark, i) => {
      assert.equal(tokenized.sentences[i], ANATOMY_BOOK[landmarkIndex(landmark)]);
      const row = anatomy.subarray(landmarkIndex(landmark) * 32, (landmarkIndex(landmark) + 1) * 32);
      const error = compare(row, expectedCls.subarray(i * 32, (i + 1) * 32), 1e-4, 0, `anatomy ${landmark}`);
      console.log(`anatomy row ${landmark} vs transformers: max |Δ| ${error.toExponential(2)}`);
    });
    // The pathology rows are the encoder's [CLS] vectors of the built-in descriptions, in observation order.
    const bert = loadBertEncoder(bertTiny);
    try {
      const direct = bert.encodeTexts(PATHOLOGY_BOOK.slice(0, 5), { maxLength: 32 }).cls;
      compare(pathology.subarray(0, 5 * 32), direct, 1e-6, 0, 'pathology rows 0–4');
      // An encoder passed in is used as is and stays usable afterwards.
      const books = encodeBooks({ textEncoder: bert, maxLength: 32 });
      compare(books.anatomy, anatomy, 1e-6, 0, 'anatomy with a loaded encoder');
      assert.equal(bert.encodeTexts(['still usable'], { maxLength: 8 }).count, 1);
    } finally {
      bert.dispose();
    }
  });
});

test('a pathology book file: its texts are encoded, key differences come back as warnings', () => {
  withDir((dir) => {
    const descriptions: Record<string, string> = Object.fromEntries(OBSERVATIONS.map((name, i) => [name, PATHOLOGY_BOOK[i]]));
    const renamed = Object.fromEntries(Object.entries(descriptions).map(([key, value]) =>
      (key === 'pneumonia' ? ['eumonia', 'Pneumonia is an infection of the lung.'] : [key, value])));
    const bookFile = join(dir, 'book.json');
    writeFileSync(bookFile, JSON.stringify(renamed));
    const out = join(dir, 'books.safetensors');
    const summary = encodeBooksToFile({ pathologyBook: bookFile, out });
    assert.equal(summary.pathologyBook, bookFile);
    assert.equal(summary.warnings.length, 1);
    assert.match(summary.warnings[0], /entry 20 "eumonia" is used as "pneumonia"/);
    const texts = OBSERVATIONS.map((name) => (name === 'pneumonia' ? 'Pneumonia is an infection of the lung.' : descriptions[name]));
    assert.equal(summary.pathologyHash, bookHash(texts, OFFLINE_ENCODER_NAME, 128));
    assert.notEqual(summary.pathologyHash, bookHash(PATHOLOGY_BOOK, OFFLINE_ENCODER_NAME, 128));
    compare(readBooks(out).pathology, encodeOffline(texts), 0, 0, 'pathology from the file');
  });
  assert.throws(() => encodeBooks({ pathologyBook: PATHOLOGY_BOOK.slice(1) }), RangeError);
  assert.throws(() => encodeBooksToFile({ out: '' }), TypeError);
});

test('loadBooks rejects files that are not two books of one width, naming the file and the problem', () => {
  withDir((dir) => {
    const file = join(dir, 'books.safetensors');
    const rows = (count: number, dim: number, fill = 0.5): RawTensor => ({ dtype: 'float32', shape: [count, dim], data: new Float32Array(count * dim).fill(fill) });
    const cases: [Record<string, RawTensor>, Record<string, string> | undefined, string][] = [
      [{ pathology: rows(75, 8) }, undefined, 'no tensor "anatomy"; a books file holds "pathology" (75, E) and "anatomy" (51, E)'],
      [{ pathology: rows(74, 8), anatomy: rows(51, 8) }, undefined, 'tensor "pathology" has shape [74, 8]; expected (75, E)'],
      [{ pathology: rows(75, 8), anatomy: rows(51, 6) }, undefined, '"pathology" is 8 wide but "anatomy" 6; both books must have one width'],
      [{ pathology: rows(75, 8), anatomy: { dtype: 'int32', shape: [51, 8], data: new Int32Array(51 * 8) } }, undefined, 'tensor "anatomy" is int32; expected floating point'],
      [{ pathology: rows(75, 8, Number.NaN), anatomy: rows(51, 8) }, undefined, 'tensor "pathology" holds a non-finite value at row 0'],
      [{ pathology: rows(75, 8), anatomy: rows(51, 8) }, { dim: '768' }, 'metadata "dim" is 768 but the tensors are 8 wide'],
      [{ pathology: rows(75, 8), anatomy: rows(51, 8) }, { max_length: 'long' }, 'metadata "max_length" is "long"; expected a positive integer'],
    ];
    for (const [tensors, metadata, problem] of cases) {
      writeSafetensors(file, tensors, metadata);
      assert.throws(() => loadBooks(file), { message: `${file}: ${problem}` });
    }
    // A file from elsewhere (float16, no metadata) loads as float32 with only its width known.
    const half: RawTensor = { dtype: 'float16', shape: [75, 4], data: new Uint16Array(75 * 4).fill(0x3c00) }; // 1.0
    writeSafetensors(file, { pathology: half, anatomy: { ...half, shape: [51, 4], data: new Uint16Array(51 * 4).fill(0xc000) } }); // −2.0
    const books = loadBooks(file);
    assert.deepEqual(books.metadata, { dim: 4, encoder: undefined, maxLength: undefined, pathologyHash: undefined, anatomyHash: undefined });
    assert.equal(books.anatomy.dtype, 'float32');
    torch.scope(() => assert.deepEqual([books.pathology.sum().item(), books.anatomy.sum().item()], [300, -408]));
    books.pathology.dispose();
    books.anatomy.dispose();
    writeFileSync(file, 'not safetensors');
    assert.throws(() => loadBooks(file), (error: Error) => error.message.startsWith(`${file} is not a valid safetensors file`));
  });
});
