// Pre-training end to end on a tiny synthetic set: two epochs, an interrupted run resumed to the same weights,
// checkpoints/log/plot written; and the config parser (reference YAML keys, typed overrides, unknown keys).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPretrainConfig } from '../../src/tasks/pretrain/config.ts';
import { runPretrain } from '../../src/tasks/pretrain.ts';
import { readCheckpoint } from '../../src/io/checkpoint.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-pretrain-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const tiny = [
  'backbone=resnet18', 'dModel=32', 'heads=4', 'layers=1', 'dropout=0', 'imageSize=64', 'syntheticSize=64',
  'syntheticCount=40', 'batchSize=8', 'epochs=2', 'warmupSteps=2', 'logInterval=1', 'workers=0',
  `syntheticDir=${join(work, 'data')}`,
];

test('two epochs write checkpoints, log, loss curve and books; an interrupted run resumes to identical weights', async () => {
  const quiet = { quiet: true, log: () => {} };
  const full = await runPretrain({ config: loadPretrainConfig({ overrides: tiny }), out: join(work, 'full'), ...quiet });
  assert.equal(full.epochsDone, 2);
  assert.equal(full.interrupted, false);
  const stepsPerEpoch = full.steps / 2;
  assert.ok(stepsPerEpoch >= 3, `steps per epoch ${stepsPerEpoch}`);
  for (const file of ['last.json', 'last.safetensors', 'last.optimizer.safetensors', 'best.json', 'log.jsonl', 'loss.png', 'books.safetensors', 'config.json']) {
    assert.ok(existsSync(join(work, 'full', file)), `${file} written`);
  }
  const log = readFileSync(join(work, 'full', 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(log.filter((l) => l.type === 'epoch').length, 2);
  assert.ok(log.filter((l) => l.type === 'step').every((l) => Number.isFinite(l.loss) && l.loss > 0));
  assert.ok(Number.isFinite(full.bestValLoss));

  // interrupted after 2 steps of epoch 1, then resumed
  const partial = await runPretrain({ config: loadPretrainConfig({ overrides: tiny }), out: join(work, 'resumed'), maxSteps: 2, ...quiet });
  assert.equal(partial.interrupted, true);
  assert.equal(partial.steps, 2);
  const saved = readCheckpoint(join(work, 'resumed', 'last')).state.run as { epoch: number; batchInEpoch: number };
  assert.deepEqual([saved.epoch, saved.batchInEpoch], [0, 2]);
  const resumed = await runPretrain({ config: loadPretrainConfig({ overrides: tiny }), out: join(work, 'resumed'), resume: join(work, 'resumed'), ...quiet });
  assert.equal(resumed.steps, full.steps);
  const a = readCheckpoint(join(work, 'full', 'last')).weights, b = readCheckpoint(join(work, 'resumed', 'last')).weights;
  let maxDiff = 0;
  for (const [name, tensor] of a) {
    const other = b.get(name)!.data as Float32Array;
    (tensor.data as Float32Array).forEach((v, i) => { maxDiff = Math.max(maxDiff, Math.abs(Number(v) - Number(other[i]))); });
  }
  console.log(`resumed vs uninterrupted run: max |Δ| over all weights ${maxDiff}`);
  assert.ok(maxDiff < 1e-6, `resumed weights differ by ${maxDiff}`);
});

test('config: reference YAML keys are read as they are; overrides are typed; unknown keys and bad values are errors', () => {
  const yaml = join(work, 'Pretrain_MeDSLIP.yaml');
  writeFileSync(yaml, [
    'train_file: data/train.json', 'valid_file: data/valid.json', 'label_file: data/labels.npy', 'batch_size: 64',
    'res_base_model: resnet50', 'd_model: 256', 'N: 4', 'H: 4', 'dropout: 0.1', 'attribute_set_size: 2', 'no_cl: False',
    'text_encoder: emilyalsentzer/Bio_ClinicalBERT', 'image_res: 224', 'queue_size: 8192',
    'optimizer: {opt: adamW, lr: 1e-4, weight_decay: 0.02}',
    'schedular: {sched: cosine, lr: 1e-4, epochs: 100, min_lr: 1e-5, decay_rate: 1, warmup_lr: 1e-5, warmup_epochs: 5, cooldown_epochs: 0}',
  ].join('\n'));
  const config = loadPretrainConfig({ file: yaml, overrides: ['epochs=3', 'cropScale=0.5,1'] });
  assert.equal(config.data, 'files');
  assert.equal(config.trainFile, 'data/train.json');
  assert.equal(config.batchSize, 64);
  assert.equal(config.layers, 4);
  assert.equal(config.textEncoder, 'emilyalsentzer/Bio_ClinicalBERT');
  assert.equal(config.weightDecay, 0.02);
  assert.equal(config.warmupEpochs, 5);
  assert.equal(config.epochs, 3, 'override wins over the YAML');
  assert.deepEqual(config.cropScale, [0.5, 1]);
  assert.throws(() => loadPretrainConfig({ overrides: ['epochz=3'] }), /command-line override: unknown setting "epochz"/);
  assert.throws(() => loadPretrainConfig({ overrides: ['epochs=three'] }), /"epochs" must be an integer but is "three"/);
  assert.throws(() => loadPretrainConfig({ overrides: ['backbone=vgg'] }), /"backbone" must be one of resnet18, resnet34, resnet50, resnet101/);
  assert.throws(() => loadPretrainConfig({ overrides: ['data=files'] }), /"trainFile" is required when data is "files"/);
  assert.throws(() => loadPretrainConfig({ overrides: ['dModel=30', 'heads=4'] }), /must be divisible by "heads"/);
  assert.deepEqual(config.lossWeights, [1, 1, 1, 1, 1], 'the reference weighs the five losses equally');
  assert.deepEqual(loadPretrainConfig({ overrides: ['lossWeights=1,0.01,1,0.01,0.01'] }).lossWeights, [1, 0.01, 1, 0.01, 0.01]);
  assert.throws(() => loadPretrainConfig({ overrides: ['lossWeights=1,0.5'] }), /"lossWeights" must be five numbers, e\.g\. \[1, 0\.01, 1, 0\.01, 0\.01\]/);
  assert.throws(() => loadPretrainConfig({ overrides: ['lossWeights=1,-1,1,1,1'] }), /setting "lossWeights" must be five numbers ≥ 0, not all 0, but is \[1, -1, 1, 1, 1\]/);
});
