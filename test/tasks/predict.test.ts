// medslip predict: probabilities for every observation, the top findings, heatmap overlays; the same with ONNX Runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { saveCheckpoint } from '../../src/io/checkpoint.ts';
import { encodeBooks, saveBooks, loadBooks } from '../../src/text/encode-books.ts';
import { writeSafetensors } from '../../src/io/safetensors.ts';
import { generateSample } from '../../src/synth/dataset.ts';
import { allPredicted, runPredict } from '../../src/tasks/predict.ts';
import { runExport } from '../../src/tasks/export.ts';
import { compare, dataDir } from '../helpers.ts';
import { testTransform } from '../../src/data/transforms/index.ts';
import { OBSERVATIONS } from '../../src/vocabulary.ts';

test('predict gives 75 probabilities equal to a direct forward pass, the top findings and their overlays', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-predict-'));
  try {
    torch.manualSeed(3);
    const config = { backbone: 'resnet18' as const, dModel: 32, heads: 4, layers: 1, dropout: 0 };
    const model = new MeDSLIP(config);
    saveCheckpoint(join(dir, 'model'), { model, modelConfig: model.config });
    saveBooks(join(dir, 'books.safetensors'), encodeBooks());
    const sample = generateSample(11, { size: 64 });
    await sharp(Buffer.from(sample.image), { raw: { width: 64, height: 64, channels: 1 } }).png().toFile(join(dir, 'x.png'));

    const [prediction] = allPredicted(await runPredict({ checkpoint: join(dir, 'model'), books: join(dir, 'books.safetensors'),
      images: [join(dir, 'x.png')], size: 64, top: 3, heatmaps: join(dir, 'heat') }));
    assert.equal(Object.keys(prediction.probabilities).length, 75);
    assert.equal(prediction.top.length, 3);
    assert.ok(prediction.top[0].probability >= prediction.top[2].probability);
    assert.equal(prediction.overlays.length, 3);
    for (const file of prediction.overlays) assert.ok(existsSync(file));

    // the same numbers as the model run directly on the same input
    const books = loadBooks(join(dir, 'books.safetensors'));
    const direct = torch.scope(() => torch.noGrad(() => {
      const image = { data: sample.image, width: 64, height: 64, channels: 1 as const, bitDepth: 8 as const };
      const input = torch.fromTypedArray(testTransform({ size: 64 })(image), [1, 3, 64, 64]);
      return MeDSLIP.presence(model.eval().forward(input, books).logitsPathology).reshape(-1).toFloat32Array();
    }));
    OBSERVATIONS.forEach((name, i) => assert.ok(Math.abs(prediction.probabilities[name] - direct[i]) < 1e-5, name));
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('predict defaults to the size the model was trained at, refuses another, and keeps the good images when one is bad', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-predict-'));
  try {
    torch.manualSeed(4);
    const model = new MeDSLIP({ backbone: 'resnet18', dModel: 32, heads: 4, layers: 1, dropout: 0 });
    const run = join(dir, 'run');
    mkdirSync(run);
    saveCheckpoint(join(run, 'best'), { model, modelConfig: model.config, imageSize: 64 });
    model.dispose();
    const books = join(dir, 'books.safetensors');
    saveBooks(books, encodeBooks());
    const images = [];
    for (const seed of [1, 2]) {
      const sample = generateSample(seed, { size: 64 });
      const path = join(dir, `${seed}.png`);
      await sharp(Buffer.from(sample.image), { raw: { width: 64, height: 64, channels: 1 } }).png().toFile(path);
      images.push(path);
    }
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, 'not a png');

    // the run folder, as --checkpoint takes it everywhere; no size: the trained 64 px
    const outcomes = await runPredict({ checkpoint: run, books, images: [images[0], broken, images[1]] });
    assert.equal(outcomes.length, 3);
    assert.deepEqual(outcomes[1], { image: broken, error: `${broken}: is not a PNG, JPEG or DICOM image (no PNG/JPEG signature, no DICM marker at byte 128)` });
    const explicit = await runPredict({ checkpoint: join(run, 'best'), books, images, size: 64 });
    for (const [i, j] of [[0, 0], [2, 1]]) {
      const a = outcomes[i], b = explicit[j];
      assert.ok(!('error' in a) && !('error' in b));
      assert.deepEqual(a.probabilities, b.probabilities);
    }
    await assert.rejects(runPredict({ checkpoint: run, books, images, size: 224 }),
      new RangeError(`size 224 differs from the 64 px that ${run} was trained at; leave size out to use 64`));

    const narrow = join(dir, 'narrow.safetensors');
    const zeros = (rows: number) => ({ dtype: 'float32' as const, shape: [rows, 16], data: new Float32Array(rows * 16) });
    writeSafetensors(narrow, { pathology: zeros(75), anatomy: zeros(51) });
    await assert.rejects(runPredict({ checkpoint: run, books: narrow, images }),
      new RangeError(`${narrow}: the pathology book is (75, 16) but the model expects (75, 768); use the books the model was trained with (its run folder's books.safetensors)`));
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await assert.rejects(runPredict({ checkpoint: run, books, images, heatmaps: file }), new Error(`${file}: is a file, not a folder; choose another output folder`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('predict --engine onnx on an exported demo-sized model gives the libtorch probabilities within 1e-4 (PNG and DICOM)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-predict-onnx-'));
  try {
    torch.manualSeed(4);
    const model = new MeDSLIP({ backbone: 'resnet18', dModel: 128, heads: 4, layers: 2, init: 'pytorch' });
    saveCheckpoint(join(dir, 'best'), { model, modelConfig: model.config });
    model.dispose();
    saveBooks(join(dir, 'books.safetensors'), encodeBooks());
    const summary = await runExport({ checkpoint: join(dir, 'best'), books: join(dir, 'books.safetensors'), size: 128, out: join(dir, 'model.onnx') });
    for (const [name, error] of Object.entries(summary.check!)) assert.ok(error < 1e-5, `export check ${name}: ${error}`);

    const images = [join(dataDir, 'nih-cxr14-sample', 'images', '00000075_000.png'), join(dataDir, 'dicom-samples', 'nih-dx-uncompressed.dcm')];
    const viaLibtorch = allPredicted(await runPredict({ checkpoint: join(dir, 'best'), books: join(dir, 'books.safetensors'), size: 128, images }));
    const viaOnnx = allPredicted(await runPredict({ engine: 'onnx', model: join(dir, 'model.onnx'), images, top: 2, heatmaps: join(dir, 'heat') }));
    viaOnnx.forEach((prediction, i) => {
      const max = compare(Object.values(prediction.probabilities), Object.values(viaLibtorch[i].probabilities), 1e-4, 0, prediction.image);
      console.log(`${prediction.image}: max |ONNX Runtime − libtorch| ${max.toExponential(2)}`);
      assert.deepEqual(prediction.top.map((t) => t.observation), viaLibtorch[i].top.slice(0, 2).map((t) => t.observation));
      assert.equal(prediction.overlays.length, 2);
      for (const file of prediction.overlays) assert.ok(existsSync(file));
    });
    await assert.rejects(runPredict({ engine: 'onnx', model: join(dir, 'model.onnx'), images, size: 224 }),
      /model\.onnx: the model was exported for 128 px input; --size 224 does not apply/);
    await assert.rejects(runPredict({ engine: 'onnx', images }), /predict with --engine onnx needs --model/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
