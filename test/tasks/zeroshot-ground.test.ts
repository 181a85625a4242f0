/**
 * Zero-shot grounding end to end on tiny random models (one and three decoder layers): heatmaps against a hand
 * computation of the layer-mean cross-attention, metrics over positives, sweep, outputs, real data.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as torch from '../../src/torch/index.ts';
import { loadMedslip } from '../../src/models/load.ts';
import { readImage } from '../../src/io/image.ts';
import { equalizeHistogram, normalize, resize } from '../../src/data/transforms/index.ts';
import { boxMask } from '../../src/data/datasets/index.ts';
import { to8Bit } from '../../src/io/image.ts';
import { iou, dice, pointingGame } from '../../src/eval/index.ts';
import { readBooksFile, disposeBooks, offlineTextEncoder } from '../../src/tasks/zeroshot/books.ts';
import { planQueries } from '../../src/tasks/zeroshot/queries.ts';
import { runZeroshotGround } from '../../src/tasks/zeroshot-ground.ts';
import { dataDir, compare } from '../helpers.ts';
import { handAttention } from './hand-attention.ts';
import { INPUT_SIZE, TINY_CONFIG, parseSimpleCsv, tinySetup, type TinySetup } from './zeroshot-setup.ts';

const setups = new Map<number, TinySetup>(); // decoder layers → set-up
let setup: TinySetup; // the one-layer set-up
before(async () => {
  for (const layers of [1, 3]) setups.set(layers, await tinySetup(12, { layers }));
  setup = setups.get(1)!;
});
after(() => { for (const s of setups.values()) s.cleanup(); });
const quiet = { progress: false, log: (): void => {} } as const;

/** Image i of a set-up as the grounding task feeds it to the model (RSNA: histogram equalisation), (1, 3, S, S). */
async function rsnaInput(dir: string, i: number): Promise<torch.Tensor> {
  const image = await readImage(join(dir, 'images', `img${String(i).padStart(3, '0')}.png`), { channels: 3 });
  return torch.fromTypedArray(normalize(resize(equalizeHistogram(to8Bit(image)), INPUT_SIZE, INPUT_SIZE, 'bilinear')), [1, 3, INPUT_SIZE, INPUT_SIZE]);
}

// Float32 attention read out of the model against the float64 hand computation: measured max |Δ| ≈ 2e-7, while a
// single layer's map differs from the layer mean by ≈ 0.2, four orders of magnitude more.
const ATTENTION_TOLERANCE = 1e-5;

test('3 decoder layers: the grounding map is the mean over layers of the head-averaged cross-attention, as computed by hand (observation and prompt queries)', async () => {
  const layered = setups.get(3)!;
  const { model } = loadMedslip(layered.checkpoint);
  assert.equal(model.config.layers, 3);
  const books = readBooksFile(layered.booksFile);
  const encodeText = offlineTextEncoder(TINY_CONFIG.textDim);
  const prompt = 'patchy opacity in the right lower lobe';
  const plan = await planQueries([{ kind: 'observation', index: 20 }, { kind: 'prompt', text: prompt }], books, encodeText);
  const inputs = await Promise.all([1, 3, 5, 7].map((i) => rsnaInput(layered.dir, i)));
  const images = torch.cat(inputs, 0).keep(); // (4, 3, S, S)
  for (const input of inputs) input.dispose();
  const promptRow = torch.scope(() => torch.cat([books.pathology, encodeText([prompt]) as torch.Tensor], 0).keep()); // (76, E)
  try {
    for (const [k, book, row] of [[0, books.pathology, 20], [1, promptRow, 75]] as const) {
      const hand = handAttention(model, images, book, row);
      assert.equal(hand.perLayer.length, 3);
      const read = torch.noGrad(() => torch.scope(() => plan.attention(model, images, k)));
      assert.equal(read.tokens, 16);
      const error = compare(read.data, hand.mean.flatMap((m) => [...m]), ATTENTION_TOLERANCE, 0, `query ${k}: layer-mean attention vs hand`);
      // A map of one layer only (the first, the last), or a sum instead of a mean, would fail: they differ by far more.
      const apart = (a: Float64Array[], b: Float64Array[]): number => Math.max(...a.flatMap((m, i) => [...m].map((v, t) => Math.abs(v - b[i][t]))));
      const layerGap = Math.min(apart(hand.perLayer[0], hand.mean), apart(hand.perLayer[2], hand.mean), apart(hand.perLayer[0], hand.perLayer[2]));
      console.log(`3 layers, query ${k}: |read − hand| ${error.toExponential(2)}; smallest gap between a layer's map and the mean ${layerGap.toExponential(2)}`);
      assert.ok(layerGap > 100 * ATTENTION_TOLERANCE, `the layers' maps must differ for the check to mean something: ${layerGap}`);
      for (const map of hand.mean) assert.ok(Math.abs(map.reduce((s, v) => s + v, 0) - 1) < 1e-9, 'each map is a distribution over the tokens');
    }
  } finally {
    plan.release();
    images.dispose();
    promptRow.dispose();
    disposeBooks(books);
    model.dispose();
  }
});

for (const layers of [1, 3]) test(`RSNA, ${layers} decoder layer(s): metrics over the positive images only, equal to a hand computation; outputs written`, async () => {
  const setup = setups.get(layers)!;
  const out = join(setup.dir, 'out-rsna');
  const before = torch.counters().tensors;
  const result = await runZeroshotGround({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'rsna', csv: setup.rsnaCsv, out,
    batchSize: 4, size: INPUT_SIZE, overlays: 3, ...quiet,
  });
  assert.equal(torch.counters().tensors, before, 'every tensor of the run is released');
  assert.equal(result.images, 6);
  assert.equal(result.negatives, 6);
  assert.deepEqual(result.query, { kind: 'observation', index: 20 });
  assert.equal(result.threshold, 0.5);
  assert.equal(result.upsampling, 'nearest');
  for (const v of [result.pointingAccuracy, result.meanIou, result.meanDice]) assert.ok(v >= 0 && v <= 1, String(v));

  // By hand for every positive image: query 20's cross-attention in each layer, averaged over heads and layers,
  // ×16 nearest (here 4×4 tokens → 64 px), divided by its maximum, against the box mask.
  const { model } = loadMedslip(setup.checkpoint);
  assert.equal(model.config.layers, layers);
  const books = readBooksFile(setup.booksFile);
  const positives = setup.rsnaBoxes.flatMap((boxes, i) => (boxes.length > 0 ? [i] : []));
  for (const [k, i] of positives.entries()) {
    const input = await rsnaInput(setup.dir, i);
    const attention = handAttention(model, input, books.pathology, 20).mean[0];
    input.dispose();
    assert.equal(attention.length, 16);
    const max = Math.max(...attention);
    const heat = Float64Array.from({ length: INPUT_SIZE * INPUT_SIZE }, (_, p) =>
      attention[Math.floor(Math.floor(p / INPUT_SIZE) / 16) * 4 + Math.floor((p % INPUT_SIZE) / 16)] / max);
    const mask = boxMask(setup.rsnaBoxes[i].map(([x, y, w, h]) => ({ x, y, w, h })), 64, 64, INPUT_SIZE, INPUT_SIZE);
    const row = result.perImage[k];
    assert.ok(row.imagePath.endsWith(`img${String(i).padStart(3, '0')}.png`));
    assert.equal(row.hit, pointingGame(heat, mask, INPUT_SIZE, INPUT_SIZE));
    assert.ok(Math.abs(row.iou - iou(heat, mask, 0.5)) < 1e-12, `image ${i}: IoU ${row.iou} vs ${iou(heat, mask, 0.5)}`);
    assert.ok(Math.abs(row.dice - dice(heat, mask, 0.5)) < 1e-12);
    assert.equal(row.maskPixels, mask.reduce((n, v) => n + v, 0));
  }
  disposeBooks(books);
  model.dispose();

  // Threshold 0 (the reference's) predicts every pixel: IoU = |mask| / |image| on every image.
  const expectedIouAt0 = result.perImage.reduce((s, r) => s + r.maskPixels / (INPUT_SIZE * INPUT_SIZE), 0) / result.images;
  assert.ok(Math.abs(result.sweep[0].meanIou - expectedIouAt0) < 1e-12);
  const atHalf = result.sweep.find((r) => r.threshold === 0.5)!;
  // The maps are peaked enough for the IoU check to mean something (ATTENTION_TEMPERATURE says why they are).
  console.log(`RSNA, ${layers} layer(s): predicted area at threshold 0.5: ${atHalf.meanPredictedFraction.toFixed(3)} of the image`);
  assert.ok(atHalf.meanPredictedFraction < 0.5, `predicted area at threshold 0.5: ${atHalf.meanPredictedFraction}`);
  assert.ok(Math.abs(atHalf.meanIou - result.meanIou) < 1e-12, 'the sweep row at the threshold equals the reported IoU');
  for (let k = 1; k < result.sweep.length; k++) assert.ok(result.sweep[k].meanPredictedFraction <= result.sweep[k - 1].meanPredictedFraction);

  for (const name of ['metrics.json', 'sweep.csv', 'per-image.csv']) assert.ok(existsSync(join(out, name)), name);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { images: number; meanIou: number; normalisation: string };
  assert.equal(metrics.images, 6);
  assert.equal(metrics.meanIou, result.meanIou);
  assert.equal(metrics.normalisation, 'per-image maximum');
  const sweep = parseSimpleCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
  assert.deepEqual(sweep.header, ['threshold', 'mean_iou', 'mean_dice', 'mean_predicted_fraction']);
  assert.equal(sweep.rows.length, 10);
  assert.equal(Number(sweep.rows[0][1]), result.sweep[0].meanIou);
  const perImage = parseSimpleCsv(readFileSync(join(out, 'per-image.csv'), 'utf8'));
  assert.equal(perImage.rows.length, 6);
  const overlays = readdirSync(join(out, 'overlays')).sort();
  assert.equal(overlays.length, 3);
  assert.match(overlays[0], /^00001_img001\.png$/);
  const meta = await sharp(join(out, 'overlays', overlays[0])).metadata();
  // enlarged to ≥ 256 px (64 px × 4) with a 78-px colour bar beside it
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 4 * INPUT_SIZE + 78, 4 * INPUT_SIZE]);
  assert.match(result.table, /pointing game [0-9.]+ {3}IoU [0-9.]+ {3}Dice [0-9.]+ {3}\(threshold 0\.5 × max\)/);
});

test('SIIM masks, bilinear upsampling, a custom threshold sweep and limit', async () => {
  const result = await runZeroshotGround({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'siim', csv: setup.siimCsv, limit: 9,
    batchSize: 5, size: INPUT_SIZE, upsampling: 'bilinear', threshold: 0.3, thresholds: [0, 0.3, 0.6, 0.95], overlays: 0, ...quiet,
  });
  assert.deepEqual(result.query, { kind: 'observation', index: 10 });
  assert.equal(result.images, 6); // rows 0–8, every third without a mask
  assert.equal(result.negatives, 3);
  assert.deepEqual(result.sweep.map((r) => r.threshold), [0, 0.3, 0.6, 0.95]);
  // SIIM masks: 24 × 20 rectangles at 64 px.
  assert.ok(result.perImage.every((r) => r.maskPixels === 24 * 20));
  assert.ok(Math.abs(result.sweep[0].meanIou - (24 * 20) / (64 * 64)) < 1e-12);
  assert.ok(Math.abs(result.sweep[1].meanIou - result.meanIou) < 1e-12);
  assert.ok(result.sweep[3].meanPredictedFraction < result.sweep[1].meanPredictedFraction);
});

test('bad options and a file without positives fail with clear errors', async () => {
  const base = { checkpoint: setup.checkpoint, books: setup.booksFile, csv: setup.rsnaCsv, size: INPUT_SIZE, ...quiet } as const;
  await assert.rejects(runZeroshotGround({ ...base, dataset: 'cxr14' as 'rsna' }), /"rsna" or "siim" for dataset/);
  await assert.rejects(runZeroshotGround({ ...base, dataset: 'rsna', threshold: 1.5 }), /\[0, 1\) for threshold/);
  await assert.rejects(runZeroshotGround({ ...base, dataset: 'rsna', upsampling: 'cubic' as 'nearest' }), /Expected one of nearest, bilinear for upsampling but received cubic \(string\)/);
  await assert.rejects(runZeroshotGround({ ...base, dataset: 'rsna', limit: 1 }), /no positive image among the 1 row\(s\) considered/);
  // an output folder that cannot be written: refused before any image is read
  let imagesRead = 0;
  const loadImage = async (path: string) => { imagesRead++; return readImage(path); };
  const file = join(setup.dir, 'ground-results-file');
  writeFileSync(file, '');
  await assert.rejects(runZeroshotGround({ ...base, dataset: 'rsna', out: file, loadImage }), new Error(`${file}: is a file, not a folder; choose another output folder`));
  assert.equal(imagesRead, 0);
});

test('real NIH images with RSNA boxes run end to end', async () => {
  const out = join(setup.dir, 'out-real');
  const result = await runZeroshotGround({
    checkpoint: setup.checkpoint, books: setup.booksFile, dataset: 'rsna', csv: join(dataDir, 'nih-cxr14-sample', 'rsna_boxes.csv'),
    limit: 40, batchSize: 8, size: INPUT_SIZE, overlays: 2, out, ...quiet,
  });
  assert.equal(result.images, 5);
  assert.equal(result.negatives, 35);
  assert.ok(result.perImage.every((r) => r.maskPixels > 0));
  assert.equal(readdirSync(join(out, 'overlays')).length, 2);
  console.log(`real RSNA grounding (random model, 64 px): pointing ${result.pointingAccuracy.toFixed(3)}, IoU@0.5 ${result.meanIou.toFixed(3)}, Dice@0.5 ${result.meanDice.toFixed(3)}, IoU@0 ${result.sweep[0].meanIou.toFixed(3)}`);
});
