// End-to-end segmentation fine-tuning on a tiny synthetic SIIM set (64 px, ResNet-18 Res-UNet, 10 % of 20
// images, 2 epochs): files, selection on the validation Dice only, one test evaluation with the selected weights.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { runFinetuneSegment } from '../../src/tasks/finetune-segment.ts';
import { ResUNet } from '../../src/models/res-unet.ts';
import { readCheckpoint } from '../../src/io/checkpoint.ts';
import { SiimDataset } from '../../src/data/datasets/siim.ts';
import { segmentationTestTransform } from '../../src/data/transforms/segmentation.ts';
import { segmentationScores } from '../../src/eval/segmentation.ts';
import { fixturesDir } from '../helpers.ts';
import { assertTestReadLast, recordingRun, writeTinySiim } from './finetune-data.ts';

const root = mkdtempSync(join(tmpdir(), 'medslip-finetune-segment-'));
after(() => rmSync(root, { recursive: true, force: true }));
const medslipR18 = join(fixturesDir, 'medslip-r18-train', 'weights.safetensors');

test('finetune segment: 10 % subset, selection on valid Dice, test read once at the end with the selected weights', async () => {
  const splits = await writeTinySiim(join(root, 'data'), { train: 20, valid: 6, test: 6 }, 7);
  const out = join(root, 'run');
  const { events, loadImage, log } = recordingRun();
  const started = performance.now();
  const { metrics, files } = await runFinetuneSegment({
    init: medslipR18, ...splits, percent: 10, epochs: 2, batchSize: 4, lr: 1e-3, seed: 5,
    out, backbone: 'resnet18', imageSize: 64, log, progress: false, loadImage,
  });
  console.log(`segment run: ${((performance.now() - started) / 1000).toFixed(1)} s; test Dice ${metrics.test.dice}, mIoU ${metrics.test.miou}`);

  assert.equal(metrics.trainImages, 2);
  assert.deepEqual(metrics.init, { path: medslipR18, copied: 90, ignored: 60 });
  for (const path of [files.metrics, files.log, files.lossCurve, `${files.checkpoint}.json`]) assert.ok(existsSync(path), path);
  const epochs = readFileSync(files.log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { epoch: number; trainLoss: number; validScore: number; validMiou: number });
  assert.deepEqual(epochs.map((e) => e.epoch), [1, 2]);
  for (const e of epochs) assert.ok(Number.isFinite(e.trainLoss) && e.validScore >= 0 && e.validScore <= 1 && e.validMiou > 0 && e.validMiou <= 1);

  const bestValid = Math.max(...epochs.map((e) => e.validScore));
  assert.equal(metrics.selection.criterion, 'valid_dice');
  assert.equal(metrics.selection.epoch, epochs.find((e) => e.validScore === bestValid)!.epoch);
  const checkpoint = readCheckpoint(files.checkpoint);
  assert.equal(checkpoint.state.epoch, metrics.selection.epoch);

  assertTestReadLast(events, 12);
  assert.equal(metrics.test.images, 6);
  assert.equal(metrics.test.positives, 3);

  // the test scores are those of the saved (selected) weights, recomputed independently, one image at a time
  const model = new ResUNet({ backbone: 'resnet18' });
  model.loadStateDict(checkpoint.weights);
  model.eval();
  const testSet = await SiimDataset.open(splits.test);
  const transform = segmentationTestTransform({ size: 64 });
  const predictions: Float32Array[] = [], targets: Float32Array[] = [];
  for (let i = 0; i < testSet.length; i++) {
    const sample = await testSet.get(i);
    const prepared = transform(sample.image, sample.mask);
    predictions.push(torch.scope(() => torch.noGrad(() => model.forward(torch.fromTypedArray(prepared.input, [1, 3, 64, 64])).sigmoid().toFloat32Array())));
    targets.push(prepared.mask);
  }
  const recomputed = segmentationScores(predictions, targets);
  assert.ok(Math.abs(recomputed.dice - metrics.test.dice) < 1e-12, `Dice ${recomputed.dice} vs ${metrics.test.dice}`);
  assert.ok(Math.abs(recomputed.miou - metrics.test.miou) < 1e-12, `mIoU ${recomputed.miou} vs ${metrics.test.miou}`);
  model.dispose();
});

test('finetune segment: an image size that is not a multiple of 16 is refused before training', async () => {
  const splits = await writeTinySiim(join(root, 'bad'), { train: 2, valid: 2, test: 2 });
  await assert.rejects(runFinetuneSegment({ ...splits, out: join(root, 'bad-run'), imageSize: 60, log: () => {}, progress: false }),
    /Expected a multiple of 16 for imageSize but received 60/);
});

test('finetune segment: the same seed gives the same run, and a run leaves no live tensor behind', async () => {
  const splits = await writeTinySiim(join(root, 'repeat'), { train: 6, valid: 2, test: 2 }, 9);
  const run = async (name: string): Promise<string[]> => {
    const out = join(root, name);
    await runFinetuneSegment({ ...splits, init: medslipR18, percent: 100, epochs: 2, batchSize: 3, lr: 1e-3, seed: 13, out, backbone: 'resnet18', imageSize: 32, log: () => {}, progress: false });
    // seconds differ between runs; every loss and score must not
    return readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => {
      const { seconds: _seconds, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
  };
  const before = torch.counters();
  const first = await run('repeat-a');
  const after = torch.counters();
  assert.deepEqual(await run('repeat-b'), first);
  assert.equal(after.tensors, before.tensors, `live tensors ${before.tensors} → ${after.tensors}`);
  assert.equal(after.bytes, before.bytes);
});
