/** Zero-shot classification end to end on a tiny random model: outputs, query mapping, metrics, memory, real data. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as torch from '../../src/torch/index.ts';
import { loadMedslip } from '../../src/models/load.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { readImage } from '../../src/io/image.ts';
import { testTransform } from '../../src/data/transforms/index.ts';
import { CXR14_CLASSES } from '../../src/data/datasets/index.ts';
import { encodeOffline } from '../../src/text/hash-encoder.ts';
import { readBooksFile, disposeBooks, textEncoderForBooks } from '../../src/tasks/zeroshot/books.ts';
import { saveBooks } from '../../src/text/encode-books.ts';
import { saveCheckpoint } from '../../src/io/checkpoint.ts';
import { OFFLINE_ENCODER_NAME } from '../../src/text/hash-encoder.ts';
import { ANATOMY_BOOK, PATHOLOGY_BOOK } from '../../src/text/books.ts';
import { runZeroshotClassify } from '../../src/tasks/zeroshot-classify.ts';
import { bootstrapCi, maxF1, rocAuc } from '../../src/eval/index.ts';
import { dataDir, compare } from '../helpers.ts';
import { INPUT_SIZE, TINY_CONFIG, parseSimpleCsv, tinySetup, type TinySetup } from './zeroshot-setup.ts';

let setup: TinySetup;
before(async () => { setup = await tinySetup(12); });
after(() => setup?.cleanup());

const quiet = { progress: false, log: (): void => {} } as const;
const encodeText = (texts: readonly string[]): torch.Tensor =>
  torch.fromTypedArray(encodeOffline(texts, { dim: TINY_CONFIG.textDim }), [texts.length, TINY_CONFIG.textDim]);

/** P(present) of pathology rows for the first `count` CXR14 images, computed directly with the model. */
async function directPresence(rows: number[], count: number, folder: string, extraRows?: torch.Tensor): Promise<Float32Array[]> {
  const { model } = loadMedslip(setup.checkpoint);
  const books = readBooksFile(setup.booksFile);
  const transform = testTransform({ size: INPUT_SIZE });
  const inputs: Float32Array[] = [];
  for (let i = 0; i < count; i++) inputs.push(transform(await readImage(join(setup.dir, folder, `img${String(i).padStart(3, '0')}.png`), { channels: 3 })));
  const result = torch.noGrad(() => torch.scope(() => {
    const images = torch.stack(inputs.map((x) => torch.fromTypedArray(x, [3, INPUT_SIZE, INPUT_SIZE])));
    const pathology = extraRows ? torch.cat([books.pathology, extraRows], 0) : books.pathology;
    const presence = MeDSLIP.presence(model.forward(images, { pathology, anatomy: books.anatomy }).logitsPathology).toFloat32Array();
    const q = pathology.shape[0];
    return Array.from({ length: count }, (_, b) => Float32Array.from(rows, (r) => presence[b * q + r]));
  }));
  disposeBooks(books);
  model.dispose();
  return result;
}

test('CXR14: scores are P(present) of the mapped observation queries; outputs written and parse; memory released', async () => {
  const out = join(setup.dir, 'out-cxr14');
  const before = torch.counters().tensors;
  const result = await runZeroshotClassify({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'cxr14', csv: setup.cxr14Csv, out,
    batchSize: 5, size: INPUT_SIZE, bootstrap: 200, ...quiet,
  });
  assert.equal(torch.counters().tensors, before, 'every tensor of the run (model, books, batches) is released');
  assert.equal(result.images, 12);
  assert.deepEqual(result.classes.map((c) => c.name), [...CXR14_CLASSES]);
  // The task's scores equal a direct forward pass at the reference class → observation indices.
  const direct = await directPresence([12, 24, 8, 56, 54, 38, 20, 10, 14, 11, 52, 73, 43, 59], 12, 'images');
  const error = compare(result.scores, direct.flatMap((row) => [...row]), 1e-6, 0, 'scores vs direct forward');
  // The check can tell images apart: scores differ between images far more than the tolerance.
  const spread = Math.max(...Array.from({ length: 14 }, (_, c) => {
    const column = Array.from({ length: 12 }, (_, i) => result.scores[i * 14 + c]);
    return Math.max(...column) - Math.min(...column);
  }));
  console.log(`CXR14 scores vs direct forward: max |Δ| ${error.toExponential(2)}, spread between images ${spread.toExponential(2)}; ${result.imagesPerSecond.toFixed(1)} images/s`);
  assert.ok(spread > 1e-3, `spread ${spread}`);
  for (const c of result.classes) {
    for (const v of [c.auc, c.f1, c.accuracy]) assert.ok(v >= 0 && v <= 1, `${c.name}: ${v}`);
    assert.ok(c.intervals!.auc.low >= 0 && c.intervals!.auc.high <= 1 && c.intervals!.auc.low <= c.intervals!.auc.high);
    assert.equal(c.positives + c.negatives, 12);
  }
  // The intervals equal bootstrapCi run directly (the F1 and ACC intervals share their maxF1 calls).
  for (const [c, metrics] of result.classes.entries()) {
    const labels = Float64Array.from({ length: 12 }, (_, i) => ((i + c) % 3 === 0 ? 1 : 0));
    const scores = Float64Array.from({ length: 12 }, (_, i) => result.scores[i * 14 + c]);
    const direct = (metric: (l: Float64Array, s: Float64Array) => number) => bootstrapCi(labels, scores, metric, { samples: 200, seed: 0 });
    assert.deepEqual(metrics.intervals!.auc, direct(rocAuc));
    assert.deepEqual(metrics.intervals!.f1, direct((l, s) => maxF1(l, s).f1));
    assert.deepEqual(metrics.intervals!.accuracy, direct((l, s) => maxF1(l, s).accuracy));
  }
  for (const name of ['results.csv', 'results.json', 'scores.csv', 'roc.png']) assert.ok(existsSync(join(out, name)), name);
  const csv = parseSimpleCsv(readFileSync(join(out, 'results.csv'), 'utf8'));
  assert.equal(csv.header[0], 'class');
  assert.equal(csv.rows.length, 15);
  assert.equal(Number(csv.rows[0][csv.header.indexOf('auc')]), result.classes[0].auc);
  assert.equal(csv.rows[14][0], 'mean');
  assert.ok(Math.abs(Number(csv.rows[14][csv.header.indexOf('auc')]) - result.meanAuc!) < 1e-12);
  const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { images: number; classes: unknown[] };
  assert.equal(json.images, 12);
  assert.equal(json.classes.length, 14);
  const scores = parseSimpleCsv(readFileSync(join(out, 'scores.csv'), 'utf8'));
  assert.equal(scores.rows.length, 12);
  assert.equal(Number(scores.rows[3][scores.header.indexOf('score_cardiomegaly')]), result.scores[3 * 14 + 1]);
  const png = await sharp(join(out, 'roc.png')).metadata();
  assert.equal(png.format, 'png');
  assert.match(result.table, /^Zero-shot classification, cxr14: 12 images/);
  assert.match(result.table, /atelectasis\s+atelectasis \(#12\)/);
  assert.match(result.table, /\nmean\s/);
});

test('labels that rank exactly as the scores give AUROC 1 and max-F1 1 (ACC 11/12: the reference\'s strict > at the threshold)', async () => {
  const first = await runZeroshotClassify({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'cxr14', csv: setup.cxr14Csv, batchSize: 4, size: INPUT_SIZE, bootstrap: 0, ...quiet,
  });
  // Rewrite the labels: for each class, the 4 highest-scoring images are positive.
  const lines = readFileSync(setup.cxr14Csv, 'utf8').trimEnd().split('\n');
  const perfect = join(setup.dir, 'cxr14-perfect.csv');
  const labels = lines.slice(1).map(() => new Array<number>(14).fill(0));
  for (let c = 0; c < 14; c++) {
    const order = Array.from({ length: 12 }, (_, i) => i).sort((a, b) => first.scores[b * 14 + c] - first.scores[a * 14 + c]);
    assert.ok(first.scores[order[3] * 14 + c] > first.scores[order[4] * 14 + c], 'distinct scores at the cut');
    for (const i of order.slice(0, 4)) labels[i][c] = 1;
  }
  writeFileSync(perfect, [lines[0], ...lines.slice(1).map((line, i) => [...line.split(',').slice(0, 3), ...labels[i]].join(','))].join('\n') + '\n');
  // A different batch size must not change any score.
  const result = await runZeroshotClassify({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'cxr14', csv: perfect, batchSize: 7, size: INPUT_SIZE, bootstrap: 50, ...quiet,
  });
  compare(result.scores, first.scores, 1e-6, 0, 'scores at batch 7 vs batch 4');
  for (const c of result.classes) {
    const near = (value: number, expected: number, what: string): void => assert.ok(Math.abs(value - expected) < 1e-12, `${c.name} ${what}: ${value}`);
    near(c.auc, 1, 'AUROC');
    near(c.f1, 1, 'max-F1');
    // The max-F1 threshold is the lowest positive score and ACC counts score > threshold, as the reference does,
    // so exactly that one positive is missed.
    near(c.accuracy, 11 / 12, 'ACC');
    near(c.intervals!.auc.low, 1, 'AUROC CI low');
  }
  assert.ok(Math.abs(result.meanAuc! - 1) < 1e-12);
});

test('RSNA, SIIM and a model passed in memory: one class each, the reference query', async () => {
  const { model } = loadMedslip(setup.checkpoint);
  const books = readBooksFile(setup.booksFile);
  try {
    const rsna = await runZeroshotClassify({ model, books, dataset: 'rsna', csv: setup.rsnaCsv, batchSize: 8, size: INPUT_SIZE, bootstrap: 0, ...quiet });
    assert.deepEqual(rsna.classes.map((c) => [c.name, c.query, c.positives, c.negatives]), [['pneumonia', { kind: 'observation', index: 20 }, 6, 6]]);
    const siim = await runZeroshotClassify({ model, books, dataset: 'siim', csv: setup.siimCsv, batchSize: 8, size: INPUT_SIZE, bootstrap: 0, ...quiet });
    assert.deepEqual(siim.classes.map((c) => [c.name, c.query, c.positives, c.negatives]), [['pneumothorax', { kind: 'observation', index: 10 }, 8, 4]]);
    for (const r of [rsna, siim]) assert.ok(r.meanAuc! >= 0 && r.meanAuc! <= 1);
    // The passed model and books are the caller's: still usable afterwards.
    assert.equal(books.pathology.shape[0], 75);
    assert.ok(model.parameters()[0].numel > 0);
  } finally {
    disposeBooks(books);
    model.dispose();
  }
});

test('COVIDx: COVID-19 is scored by a prompt appended to the pathology book; normal is listed as not scored', async () => {
  await assert.rejects(
    runZeroshotClassify({ checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'covidx', csv: setup.covidxList, size: INPUT_SIZE, ...quiet }),
    /needs a text encoder: pass encodeText/,
  );
  const prompt = 'bilateral peripheral ground glass opacities';
  const out = join(setup.dir, 'out-covidx');
  const result = await runZeroshotClassify({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'covidx', csv: setup.covidxList, out, encodeText,
    prompts: { 'covid-19': prompt }, batchSize: 6, size: INPUT_SIZE, bootstrap: 0, ...quiet,
  });
  assert.deepEqual(result.unscored, ['normal']);
  assert.deepEqual(result.targets.map((t) => t.name), ['pneumonia', 'COVID-19']);
  assert.deepEqual(result.classes.map((c) => [c.positives, c.negatives]), [[4, 8], [4, 8]]);
  // pneumonia from the plain books (row 20); COVID-19 = row 75 of the books with the prompt appended.
  const extra = encodeText([prompt]);
  const plain = await directPresence([20], 12, 'test');
  const withPrompt = await directPresence([75], 12, 'test', extra);
  extra.dispose();
  compare(Float32Array.from({ length: 12 }, (_, i) => result.scores[i * 2]), plain.map((r) => r[0]), 1e-6, 0, 'pneumonia scores');
  compare(Float32Array.from({ length: 12 }, (_, i) => result.scores[i * 2 + 1]), withPrompt.map((r) => r[0]), 1e-6, 0, 'prompt scores');
  const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { classes: { query: unknown }[] };
  assert.deepEqual(json.classes[1].query, { kind: 'prompt', text: prompt });
  assert.match(result.table, /not scored: normal/);
});

test('the prompt encoder follows the books file: offline books get encodeOffline at their width', () => {
  const file = join(setup.dir, 'offline-books.safetensors');
  saveBooks(file, {
    pathology: encodeOffline(PATHOLOGY_BOOK, { dim: 32 }), anatomy: encodeOffline(ANATOMY_BOOK, { dim: 32 }), dim: 32,
    encoder: OFFLINE_ENCODER_NAME, maxLength: 128, pathologyHash: 'p', anatomyHash: 'a',
  });
  const encoded = torch.scope(() => {
    const tensor = textEncoderForBooks(file)(['left pleural effusion', 'covid']) as torch.Tensor;
    return { shape: [...tensor.shape], values: tensor.toFloat32Array() };
  });
  assert.deepEqual(encoded.shape, [2, 32]);
  assert.deepEqual(encoded.values, encodeOffline(['left pleural effusion', 'covid'], { dim: 32 }));
  // The test books record no encoder: a BERT model must be named.
  assert.throws(() => textEncoderForBooks(setup.booksFile), /do not record their text encoder/);
});

test('bad options fail early with the expected errors', async () => {
  const base = { books: setup.booksFile, dataset: 'cxr14', csv: setup.cxr14Csv, size: INPUT_SIZE, ...quiet } as const;
  await assert.rejects(runZeroshotClassify({ ...base }), /exactly one of checkpoint/);
  await assert.rejects(runZeroshotClassify({ ...base, checkpoint: setup.checkpoint, batchSize: 0 }), RangeError);
  await assert.rejects(runZeroshotClassify({ ...base, checkpoint: setup.checkpoint, dataset: 'mimic' as 'cxr14' }), /one of cxr14, rsna, siim, covidx/);
  await assert.rejects(runZeroshotClassify({ ...base, checkpoint: setup.checkpoint, prompts: { covid: 'x' } }), /prompt names among the cxr14 classes/);
  const wrongBooks = join(setup.dir, 'wrong-books.safetensors');
  const { writeSafetensors } = await import('../../src/io/safetensors.ts');
  writeSafetensors(wrongBooks, { pathology: { dtype: 'float32', shape: [75, 8], data: new Float32Array(600) }, anatomy: { dtype: 'float32', shape: [51, 8], data: new Float32Array(408) } });
  await assert.rejects(runZeroshotClassify({ ...base, checkpoint: setup.checkpoint, books: wrongBooks }),
    new RangeError(`${wrongBooks}: the pathology book is (75, 8) but the model expects (75, 32); use the books the model was trained with (its run folder's books.safetensors)`));
});

test('an output folder that cannot be written fails before any image is read', async () => {
  let imagesRead = 0;
  const loadImage = async (path: string) => { imagesRead++; return readImage(path, { channels: 3 }); };
  const file = join(setup.dir, 'results-file');
  writeFileSync(file, '');
  await assert.rejects(runZeroshotClassify({ checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'cxr14', csv: setup.cxr14Csv,
    size: INPUT_SIZE, out: file, loadImage, ...quiet }), new Error(`${file}: is a file, not a folder; choose another output folder`));
  const below = join(file, 'eval');
  await assert.rejects(runZeroshotClassify({ checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'cxr14', csv: setup.cxr14Csv,
    size: INPUT_SIZE, out: below, loadImage, ...quiet }), new Error(`${below}: cannot create the output folder (ENOTDIR: not a directory, mkdir '${below}')`));
  assert.equal(imagesRead, 0);
});

test('the input size defaults to the size the checkpoint was trained at; another size is an error', async () => {
  const { model } = loadMedslip(setup.checkpoint);
  const trained = join(setup.dir, 'trained-at-64');
  saveCheckpoint(trained, { model, modelConfig: model.config, imageSize: INPUT_SIZE });
  model.dispose();
  const base = { checkpoint: trained, books: setup.booksFile, dataset: 'cxr14', csv: setup.cxr14Csv, bootstrap: 0, limit: 4, ...quiet } as const;
  const defaulted = await runZeroshotClassify(base);
  const explicit = await runZeroshotClassify({ ...base, size: INPUT_SIZE });
  assert.deepEqual(defaulted.scores, explicit.scores);
  await assert.rejects(runZeroshotClassify({ ...base, size: 224 }),
    new RangeError(`size 224 differs from the 64 px that ${trained} was trained at; leave size out to use 64`));
});

test('real NIH images: the CXR14 and RSNA sample CSVs run end to end', async () => {
  const root = join(dataDir, 'nih-cxr14-sample');
  const cxr = await runZeroshotClassify({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'cxr14', csv: join(root, 'labels.csv'), limit: 24,
    batchSize: 12, size: INPUT_SIZE, bootstrap: 100, ...quiet,
  });
  assert.equal(cxr.images, 24);
  assert.ok(cxr.imagePaths[0].endsWith('images/00000075_000.png'));
  assert.ok(cxr.classes.length >= 5, `classes with both labels among 24 images: ${cxr.classes.length}`);
  assert.equal(cxr.classes.length + cxr.skipped.length, 14);
  const rsna = await runZeroshotClassify({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'rsna', csv: join(root, 'rsna_boxes.csv'), limit: 40,
    batchSize: 20, size: INPUT_SIZE, bootstrap: 100, ...quiet,
  });
  assert.deepEqual([rsna.classes[0].positives, rsna.classes[0].negatives], [5, 35]);
  for (const r of [cxr, rsna]) for (const c of r.classes) assert.ok(c.auc >= 0 && c.auc <= 1 && c.f1 > 0 && c.f1 <= 1);
  console.log(`real data: CXR14 24 images mean AUROC ${cxr.meanAuc!.toFixed(3)} (random model), ${cxr.imagesPerSecond.toFixed(1)} images/s; RSNA 40 images AUROC ${rsna.meanAuc!.toFixed(3)}`);
});
