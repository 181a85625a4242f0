// The supervised ceiling: trained on a small CXR14-format set whose two findings are plainly visible, it must learn
// them (held-out AUC ≥ 0.9); the table, the options taken from a pre-training config, and bad options.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { writePng } from '../../src/io/image.ts';
import { Random } from '../../src/util/random.ts';
import { CXR14_CLASSES } from '../../src/data/datasets/index.ts';
import { PRETRAIN_DEFAULTS } from '../../src/tasks/pretrain/config.ts';
import { CEILING_DEFAULTS, ceilingOptionsFor, formatCeiling, trainCeiling } from '../../src/tasks/ceiling.ts';

const SIDE = 64;
let dir: string;

/**
 * A 64-px image over noise: "cardiomegaly" draws a bright 16-px square, "pneumothorax" a dark 6-px band, each at a
 * random place — a finding a pooled CNN can see.
 */
async function writeImage(path: string, random: Random, cardiomegaly: boolean, pneumothorax: boolean): Promise<void> {
  const data = Uint8Array.from({ length: SIDE * SIDE }, () => 100 + random.int(0, 40));
  if (cardiomegaly) {
    const x0 = random.int(4, 44), y0 = random.int(4, 44);
    for (let y = y0; y < y0 + 16; y++) data.fill(230, y * SIDE + x0, y * SIDE + x0 + 16);
  }
  if (pneumothorax) {
    const y0 = random.int(2, 56);
    data.fill(10, y0 * SIDE, (y0 + 6) * SIDE);
  }
  await writePng(path, { data, width: SIDE, height: SIDE, channels: 1, bitDepth: 8 });
}

async function writeSplit(name: string, count: number, random: Random): Promise<void> {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const cardiomegaly = i % 2 === 1, pneumothorax = i % 3 === 0;
    const file = `${name}-${String(i).padStart(3, '0')}.png`;
    await writeImage(join(dir, 'images', file), random, cardiomegaly, pneumothorax);
    const labels = CXR14_CLASSES.map((c) => ((c === 'cardiomegaly' && cardiomegaly) || (c === 'pneumothorax' && pneumothorax) ? 1 : 0));
    rows.push([`images/${file}`, file, labels.some((l) => l) ? 'Finding' : 'No Finding', ...labels].join(','));
  }
  writeFileSync(join(dir, `${name}_cxr14.csv`), `img_path,Image Index,Finding Label,${CXR14_CLASSES.join(',')}\n${rows.join('\n')}\n`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medslip-ceiling-'));
  mkdirSync(join(dir, 'images'));
  const random = new Random(11);
  await writeSplit('train', 64, random);
  await writeSplit('heldout', 30, random);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the ceiling learns two visible findings: held-out AUC ≥ 0.9 for both; classes without positives are not scored', async () => {
  const tensors = torch.counters().tensors;
  const lines: string[] = [];
  const reported: number[][] = [];
  const result = await trainCeiling({
    dataDir: dir, imageSize: SIDE, batchSize: 8, steps: 40, seed: 3, workers: 1, quiet: true, log: (line) => lines.push(line),
    onStep: (step, steps, loss) => reported.push([step, steps, loss]),
  });
  assert.equal(torch.counters().tensors, tensors, 'model, optimizer and batches are released');
  console.log(`ceiling on the test set: ${JSON.stringify(result.auc)}; loss ${result.losses[0].toFixed(3)} → ${result.losses.at(-1)!.toFixed(3)}; ${result.secondsPerStep.toFixed(2)} s per step`);
  assert.deepEqual(Object.keys(result.auc).sort(), ['cardiomegaly', 'pneumothorax']);
  assert.ok(result.auc.cardiomegaly >= 0.9, `cardiomegaly AUC ${result.auc.cardiomegaly}`);
  assert.ok(result.auc.pneumothorax >= 0.9, `pneumothorax AUC ${result.auc.pneumothorax}`);
  assert.equal(result.meanAuc, (result.auc.cardiomegaly + result.auc.pneumothorax) / 2);
  assert.equal(result.skipped.length, 12);
  assert.deepEqual([result.losses.length, result.trainImages, result.heldOutImages], [40, 64, 30]);
  assert.deepEqual(result.settings, { ...CEILING_DEFAULTS, imageSize: SIDE, batchSize: 8, steps: 40, seed: 3, workers: 1 }, 'defaults fill the settings not given');
  assert.deepEqual(reported, result.losses.map((loss, i) => [i + 1, 40, loss]), 'onStep hears every step');
  assert.ok(result.secondsPerStep > 0 && result.seconds > result.secondsPerStep * 39);
  assert.match(lines.at(-1)!, /^ceiling: 40 steps in \d+ s \([0-9.]+ s per step\); held-out mean AUC [0-9.]+$/);

  const table = formatCeiling(result);
  assert.match(table, /^cardiomegaly +15 \/ 15 +[01]\.\d{3}$/m);
  assert.match(table, /^pneumothorax +10 \/ 20 +[01]\.\d{3}$/m);
  assert.match(table, /^mean +[01]\.\d{3}$/m);
  assert.match(table, /not scored \(one label value only on the held-out split\): atelectasis, pleural effusion, /);
});

test('ceilingOptionsFor takes the settings a fair comparison shares with a pre-training run', () => {
  assert.deepEqual(ceilingOptionsFor({ ...PRETRAIN_DEFAULTS, backbone: 'resnet18', imageSize: 128, batchSize: 32, cropScale: [0.8, 1], randAugment: false, seed: 5 }), {
    imageSize: 128, batchSize: 32, cropScale: [0.8, 1], randAugment: false, seed: 5, workers: PRETRAIN_DEFAULTS.workers,
    weightDecay: PRETRAIN_DEFAULTS.weightDecay, backbone: 'resnet18', precision: 'float32',
  });
  // 'auto' resolves as pre-training resolves it on the CPU, so both compute in the same precision
  assert.equal(ceilingOptionsFor({ ...PRETRAIN_DEFAULTS, backbone: 'resnet18', precision: 'auto' }).precision, torch.resolvePrecision('auto', 'cpu'));
  assert.equal(ceilingOptionsFor({ ...PRETRAIN_DEFAULTS, backbone: 'resnet18', precision: 'bfloat16' }).precision, 'bfloat16');
});

test('bad options fail before training, naming the option or the file', async () => {
  const base = { dataDir: dir, imageSize: SIDE, batchSize: 8, steps: 1, quiet: true, log: (): void => {} };
  await assert.rejects(trainCeiling({ ...base, steps: 0 }), { name: 'RangeError', message: 'Expected integer in [1, 10000000] for steps but received 0 (number)' });
  await assert.rejects(trainCeiling({ ...base, steps: 1.5 }), { name: 'TypeError', message: 'Expected integer in [1, 10000000] for steps but received 1.5 (number)' });
  await assert.rejects(trainCeiling({ ...base, lr: -1 }), { name: 'RangeError', message: 'Expected number in (0, 10] for lr but received -1 (number)' });
  await assert.rejects(trainCeiling({ ...base, cropScale: [0.9, 0.5] }), /Expected \[low, high\] with 0 < low ≤ high ≤ 1 for cropScale but received \[0\.9, 0\.5\] \(array\)/);
  await assert.rejects(trainCeiling({ ...base, backbone: 'vgg' as never }), /backbone/);
  await assert.rejects(trainCeiling({ ...base, precision: 'float16' as never }), { name: 'RangeError', message: 'Expected one of float32, bfloat16 for precision but received float16 (string)' });
  await assert.rejects(trainCeiling({ ...base, batchSize: 65 }), /batchSize 65 is larger than the training split \(64 images in .*train_cxr14\.csv\)/);
  await assert.rejects(trainCeiling({ ...base, dataDir: join(dir, 'missing') }), /missing[/\\]train_cxr14\.csv/);
});
