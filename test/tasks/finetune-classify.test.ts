// End-to-end classification fine-tuning on a tiny synthetic SIIM set (64 px, ResNet-18, 10 % of 20 images,
// 2 epochs): files, selection on the validation set only, one test evaluation with the selected weights.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { runFinetuneClassify } from '../../src/tasks/finetune-classify.ts';
import { ResNetClassifier, initFromMedslip } from '../../src/models/classifier.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { readCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.ts';
import { resolveCommonOptions } from '../../src/tasks/finetune/options.ts';
import { SiimDataset } from '../../src/data/datasets/siim.ts';
import { testTransform } from '../../src/data/transforms/pipelines.ts';
import { classificationReport } from '../../src/eval/report.ts';
import { dataDir, fixturesDir } from '../helpers.ts';
import { assertTestReadLast, recordingRun, writeTinySiim } from './finetune-data.ts';

const root = mkdtempSync(join(tmpdir(), 'medslip-finetune-classify-'));
after(() => rmSync(root, { recursive: true, force: true }));
const medslipR18 = join(fixturesDir, 'medslip-r18-train', 'weights.safetensors');

test('finetune classify: 10 % subset, selection on valid, test read once at the end with the selected weights', async () => {
  const splits = await writeTinySiim(join(root, 'data'), { train: 20, valid: 6, test: 6 });
  const out = join(root, 'run');
  const { events, loadImage, log } = recordingRun();
  const started = performance.now();
  const { metrics, files } = await runFinetuneClassify({
    init: medslipR18, dataset: 'siim', ...splits, percent: 10, epochs: 2, batchSize: 4, lr: 1e-3, seed: 3,
    out, backbone: 'resnet18', imageSize: 64, log, progress: false, loadImage,
  });
  console.log(`classify run: ${((performance.now() - started) / 1000).toFixed(1)} s; test AUC ${metrics.test.meanAuc}`);

  // the subset: int(0.1 · 20) = 2 images, stratified (one positive, one negative)
  assert.equal(metrics.trainImages, 2);
  assert.ok(events.some((e) => e === 'log init: copied 90 of 122 tensors from ' + medslipR18 + ' (safetensors); 32 keep their fresh initialisation, 60 checkpoint tensors unused'));
  assert.deepEqual(metrics.init, { path: medslipR18, copied: 90, ignored: 60 });

  // files
  for (const path of [files.metrics, files.log, files.lossCurve, `${files.checkpoint}.json`]) assert.ok(existsSync(path), path);
  assert.deepEqual(JSON.parse(readFileSync(files.metrics, 'utf8')), JSON.parse(JSON.stringify(metrics)));
  assert.deepEqual([...readFileSync(files.lossCurve).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const epochs = readFileSync(files.log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { epoch: number; trainLoss: number; validLoss: number; validScore: number; best: boolean });
  assert.deepEqual(epochs.map((e) => e.epoch), [1, 2]);
  for (const e of epochs) assert.ok(Number.isFinite(e.trainLoss) && Number.isFinite(e.validLoss) && e.validScore >= 0 && e.validScore <= 1);

  // selection: the first epoch with the highest VALID AUC
  const bestValid = Math.max(...epochs.map((e) => e.validScore));
  const expectedEpoch = epochs.find((e) => e.validScore === bestValid)!.epoch;
  assert.equal(metrics.selection.criterion, 'valid_auc');
  assert.equal(metrics.selection.epoch, expectedEpoch);
  assert.equal(metrics.selection.validScore, bestValid);
  const checkpoint = readCheckpoint(files.checkpoint);
  assert.equal(checkpoint.state.epoch, expectedEpoch);
  assert.deepEqual(checkpoint.state.modelConfig, { backbone: 'resnet18', classes: 1, task: 'classify', classNames: ['pneumothorax'] });

  // the test set: opened after the selection, each file read once
  assertTestReadLast(events, 12); // 6 images + their 6 masks (the SIIM label)
  assert.equal(metrics.test.images, 6);
  assert.equal(metrics.test.classes.length, 1);

  // the test metrics are those of the saved (selected) weights, recomputed independently here
  const model = new ResNetClassifier({ backbone: 'resnet18', classes: 1 });
  model.loadStateDict(checkpoint.weights);
  model.eval();
  const testSet = await SiimDataset.open(splits.test);
  const transform = testTransform({ size: 64 });
  const labels: number[][] = [], scores: number[][] = [];
  for (let i = 0; i < testSet.length; i++) {
    const sample = await testSet.get(i);
    const score = torch.scope(() => torch.noGrad(() => model.forward(torch.fromTypedArray(transform(sample.image), [1, 3, 64, 64])).sigmoid().item()));
    labels.push([sample.labels[0]]);
    scores.push([score]);
  }
  const recomputed = classificationReport(['pneumothorax'], labels, scores);
  assert.equal(recomputed.classes[0].positives, 3);
  assert.ok(Math.abs(recomputed.meanAuc! - metrics.test.meanAuc!) < 1e-12, `recomputed AUC ${recomputed.meanAuc} vs ${metrics.test.meanAuc}`);
  assert.ok(Math.abs(recomputed.meanF1! - metrics.test.meanF1!) < 1e-6);
  model.dispose();
});

test('finetune classify: bad options fail before any training', async () => {
  const splits = await writeTinySiim(join(root, 'bad'), { train: 2, valid: 2, test: 2 });
  const base = { dataset: 'siim' as const, ...splits, out: join(root, 'bad-run'), backbone: 'resnet18' as const, imageSize: 64, log: () => {}, progress: false as const };
  await assert.rejects(runFinetuneClassify({ ...base, percent: 5 as 10 }), /Expected one of 1, 10, 100 for percent but received 5/);
  await assert.rejects(runFinetuneClassify({ ...base, dataset: 'mimic' as 'siim' }), /for dataset but received mimic/);
  await assert.rejects(runFinetuneClassify({ ...base, test: join(root, 'missing.csv') }), /test: file ".*missing\.csv" does not exist/);
  await assert.rejects(runFinetuneClassify({ ...base, epochs: 0 }), RangeError);
});

test('finetune --init takes every checkpoint form: a run folder, run/best, the manifest, a bare .safetensors', async () => {
  const splits = await writeTinySiim(join(root, 'forms'), { train: 2, valid: 2, test: 2 });
  const run = join(root, 'pretrain-run');
  mkdirSync(run);
  torch.manualSeed(5);
  const medslip = new MeDSLIP({ backbone: 'resnet18', dModel: 32, heads: 4, layers: 1 });
  saveCheckpoint(join(run, 'best'), { model: medslip, modelConfig: medslip.config, imageSize: 64 });
  medslip.dispose();
  for (const init of [run, join(run, 'best'), join(run, 'best.json'), medslipR18]) {
    const options = resolveCommonOptions({ init, ...splits, out: join(root, 'forms-run') }, { epochs: 1, percent: 100, imageMultiple: 1 });
    assert.equal(options.init, init);
    const model = new ResNetClassifier({ backbone: 'resnet18', classes: 1 });
    assert.equal(initFromMedslip(model, init).copied.length, 90, init);
    model.dispose();
  }
  const missing = join(run, 'last');
  assert.throws(() => resolveCommonOptions({ init: missing, ...splits, out: join(root, 'forms-run') }, { epochs: 1, percent: 100, imageMultiple: 1 }),
    new Error(`${missing}: no checkpoint there (looked for a run folder, ${missing}.json and ${missing}.safetensors)`));
});

test('finetune classify: a validation set with one class only selects on the valid loss', async () => {
  // writeTinySiim makes image 0 positive: a one-image validation set has no AUC
  const splits = await writeTinySiim(join(root, 'one-class'), { train: 4, valid: 1, test: 2 }, 11);
  const lines: string[] = [];
  const { metrics } = await runFinetuneClassify({
    dataset: 'siim', ...splits, percent: 100, epochs: 2, batchSize: 4, lr: 1e-3, out: join(root, 'one-class-run'),
    backbone: 'resnet18', imageSize: 64, log: (line) => lines.push(line), progress: false,
  });
  assert.equal(metrics.selection.criterion, 'valid_loss');
  assert.equal(metrics.selection.validScore, null);
  assert.ok(lines.includes('init: none given, the whole model starts from random weights'));
  const epochs = readFileSync(join(root, 'one-class-run', 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; validLoss: number });
  const lowest = Math.min(...epochs.map((e) => e.validLoss));
  assert.equal(metrics.selection.epoch, epochs.find((e) => e.validLoss === lowest)!.epoch);
  assert.equal(metrics.test.images, 2);
});

test('finetune classify: CXR14 CSVs of real NIH images, 14 classes, classes without both labels reported as skipped', async () => {
  const lines = readFileSync(join(dataDir, 'nih-cxr14-sample', 'labels.csv'), 'utf8').trim().split('\n');
  const [header, ...rows] = lines;
  const imageRoot = join(dataDir, 'nih-cxr14-sample');
  // absolute img_path, so the split CSVs can live in the temporary folder
  const absolute = (row: string): string => `${join(imageRoot, row.slice(0, row.indexOf(',')))}${row.slice(row.indexOf(','))}`;
  const dir = join(root, 'cxr14');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, part: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, `${header}\n${part.map(absolute).join('\n')}\n`);
    return path;
  };
  const splits = { train: write('train.csv', rows.slice(0, 40)), valid: write('valid.csv', rows.slice(40, 52)), test: write('test.csv', rows.slice(52, 64)) };
  const { metrics } = await runFinetuneClassify({
    init: medslipR18, dataset: 'cxr14', ...splits, percent: 10, epochs: 1, batchSize: 4, out: join(root, 'cxr14-run'),
    backbone: 'resnet18', imageSize: 64, log: () => {}, progress: false,
  });
  assert.equal(metrics.classes.length, 14);
  assert.equal(metrics.trainImages, 4);
  assert.equal(metrics.test.images, 12);
  assert.equal(metrics.test.classes.length + metrics.test.skipped.length, 14);
  for (const c of metrics.test.classes) assert.ok(c.auc >= 0 && c.auc <= 1 && c.positives > 0 && c.negatives > 0, c.name);
  assert.ok(metrics.test.classes.length > 0, 'some class has both labels in 12 real images');
});
