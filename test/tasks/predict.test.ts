// medslip predict: probabilities for every observation, the top findings, heatmap overlays; the same with ONNX Runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { saveCheckpoint } from '../../src/io/checkpoint.ts';
import { encodeBooks, saveBooks, loadBooks } from '../../src/text/encode-books.ts';
import { generateSample } from '../../src/synth/dataset.ts';
import { runPredict } from '../../src/tasks/predict.ts';
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

    const [prediction] = await runPredict({ checkpoint: join(dir, 'model'), books: join(dir, 'books.safetensors'),
      images: [join(dir, 'x.png')], size: 64, top: 3, heatmaps: join(dir, 'heat') });
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
    const viaLibtorch = await runPredict({ checkpoint: join(dir, 'best'), books: join(dir, 'books.safetensors'), size: 128, images });
    const viaOnnx = await runPredict({ engine: 'onnx', model: join(dir, 'model.onnx'), images, top: 2, heatmaps: join(dir, 'heat') });
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
