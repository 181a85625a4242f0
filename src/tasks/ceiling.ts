/**
 * The supervised ceiling of a MeDSLIP run: what a plain CNN with MeDSLIP's image trunk learns from the same
 * images when it is given the labels. MeDSLIP's zero-shot AUC is read against it: with uniform attention MeDSLIP
 * reduces to such a pooled classifier, so a zero-shot AUC far below the ceiling means the recipe keeps the image's
 * signal from reaching the loss, and a ceiling near 0.5 means the findings cannot be seen at that size.
 *
 * The model is the fine-tuning classifier cut where MeDSLIP's encoder stops (ResNet stem to layer3, global
 * average pooling, one linear layer to the 14 CXR14-format classes; `ResNetClassifier` with `stages: 3`), trained
 * from scratch with BCE-with-logits and AdamW on the CXR14-format labels of the training split
 * (`train_cxr14.csv`, the images MeDSLIP pre-trains on), through the same threaded loader and training
 * augmentation as pre-training, then scored on the held-out split (`heldout_cxr14.csv`) with per-class AUC.
 *
 * The learning rate follows a one-cycle schedule with PyTorch's OneCycleLR defaults: from lr/25, up to lr over the
 * first 30 % of the steps, then a cosine down to lr/(25·10⁴) (the warm-up here is linear where OneCycleLR's is a
 * half cosine). Weight decay as pre-training: none on biases and 1-D parameters.
 */
import { join } from 'node:path';
import * as torch from '../torch/index.ts';
import { median } from '../util/stats.ts';
import { withoutUndefined } from '../util/object.ts';
import { checkInteger, checkNumber, checkOneOf, invalidArgument } from '../util/check.ts';
import { checkBackbone, ResNetClassifier, type FinetuneBackbone } from '../models/classifier.ts';
import { maskedBceWithLogits } from '../models/losses-finetune.ts';
import { AdamW, referenceParamGroups } from '../optim/adamw.ts';
import { cosineWithWarmup } from '../optim/schedule.ts';
import { BatchLoader, disposeBatch, type ClassificationBatch, type ClassificationItem } from '../data/loader/index.ts';
import { collateClassification } from '../data/loader/collate.ts';
import { classificationReport, type ClassMetrics, type SkippedClass } from '../eval/report.ts';
import { progressBar } from '../viz/progress.ts';
import type { PretrainConfig } from './pretrain/config.ts';
import { fixed, formatTable } from './zeroshot/output.ts';

/** The settings of a ceiling run. Each has its default in CEILING_DEFAULTS. */
export interface CeilingSettings {
  /** Optimizer steps (the training split is cycled through as many epochs as they take; the last partial batch of each epoch is dropped). */
  steps: number;
  /** Peak learning rate of the one-cycle schedule. */
  lr: number;
  /** Seed of the initial weights, the data order and the augmentation. */
  seed: number;
  /** Input side in pixels. */
  imageSize: number;
  batchSize: number;
  /** AdamW weight decay of the weights (biases and 1-D parameters have none). */
  weightDecay: number;
  /** RandomResizedCrop area range of the training transform. */
  cropScale: [number, number];
  /** RandAugment (2 ops at magnitude 7) in the training transform. */
  randAugment: boolean;
  /** Data-loading worker threads. */
  workers: number;
  /** ResNet of the trunk. */
  backbone: FinetuneBackbone;
  /** What the trunk computes in ('bfloat16': libtorch's autocast; the loss and the weights stay float32). */
  precision: torch.Precision;
}

/**
 * The one home of the ceiling's defaults: 250 steps of 32 images at 128 px, AdamW 1e-3, ResNet-18, mild crops and
 * no RandAugment — the demo's trunk, size, batch, augmentation and about its step count. A run compared with a
 * MeDSLIP run takes that run's own settings through `ceilingOptionsFor(config)`, so the two cannot drift apart.
 */
export const CEILING_DEFAULTS: Readonly<CeilingSettings> = Object.freeze({
  steps: 250, lr: 1e-3, seed: 1, imageSize: 128, batchSize: 32, weightDecay: 0.02, cropScale: [0.8, 1] as [number, number],
  randAugment: false, workers: 2, backbone: 'resnet18' as const, precision: 'float32' as const,
});

export interface CeilingOptions extends Partial<CeilingSettings> {
  /** A folder with train_cxr14.csv (trained on) and heldout_cxr14.csv (scored on): `medslip synth`'s output, the demo's data folder. */
  dataDir: string;
  /** Called after every training step with the steps done, the steps in all and that step's loss (a demo's own progress display). */
  onStep?: (step: number, steps: number, loss: number) => void;
  /** Where the two summary lines go (default console.log). */
  log?: (line: string) => void;
  /** No progress bar. */
  quiet?: boolean;
}

export interface CeilingResult {
  /** Held-out AUC of every class that has both labels there. */
  auc: Record<string, number>;
  /** Mean of `auc` (undefined when no class could be scored). */
  meanAuc: number | undefined;
  /** Per-class metrics (AUC, max-F1 and its accuracy, label counts) and the classes without both labels. */
  classes: ClassMetrics[];
  skipped: SkippedClass[];
  /** The settings the run used, defaults filled in. */
  settings: CeilingSettings;
  trainImages: number;
  heldOutImages: number;
  /** Training loss of every step. */
  losses: number[];
  /** Training and evaluation, wall clock. */
  seconds: number;
  /** Median wall-clock seconds of a training step (data waits included; the first step left out). */
  secondsPerStep: number;
}

/** The ceiling settings that must equal a MeDSLIP run's for the comparison to be fair: trunk, size, batch, augmentation, seed, precision. */
export function ceilingOptionsFor(config: PretrainConfig): Omit<CeilingSettings, 'steps' | 'lr'> {
  return {
    imageSize: config.imageSize, batchSize: config.batchSize, cropScale: config.cropScale, randAugment: config.randAugment,
    seed: config.seed, workers: config.workers, weightDecay: config.weightDecay, backbone: checkBackbone(config.backbone),
    precision: torch.resolvePrecision(config.precision, 'cpu'),
  };
}

/** CEILING_DEFAULTS under the given settings, each checked. */
function resolveSettings(options: Partial<CeilingSettings>): CeilingSettings {
  const s = { ...CEILING_DEFAULTS, ...withoutUndefined(options) };
  const [low, high] = Array.isArray(s.cropScale) ? s.cropScale : [NaN, NaN];
  if (!(low > 0 && low <= high && high <= 1)) throw invalidArgument('cropScale', '[low, high] with 0 < low ≤ high ≤ 1', s.cropScale, true);
  if (!(typeof s.lr === 'number' && s.lr > 0 && s.lr <= 10)) throw invalidArgument('lr', 'number in (0, 10]', s.lr, typeof s.lr === 'number');
  if (typeof s.randAugment !== 'boolean') throw invalidArgument('randAugment', 'boolean', s.randAugment);
  return {
    steps: checkInteger('steps', s.steps, 1, 10_000_000), lr: s.lr, seed: checkInteger('seed', s.seed, 0, 2 ** 31 - 1),
    imageSize: checkInteger('imageSize', s.imageSize, 32, 4096), batchSize: checkInteger('batchSize', s.batchSize, 1, 65_536),
    weightDecay: checkNumber('weightDecay', s.weightDecay, 0, 10), cropScale: [low, high], randAugment: s.randAugment,
    workers: checkInteger('workers', s.workers, 0, 64), backbone: checkBackbone(s.backbone),
    precision: checkOneOf('precision', s.precision, torch.PRECISIONS),
  };
}

/**
 * Trains the ceiling on `dataDir`'s training split and scores it on its held-out split. Every setting not given
 * takes its CEILING_DEFAULTS value.
 * @example const ceiling = await trainCeiling({ dataDir: '~/.cache/medslip/synthetic-n1200-s128-seed1', onStep: (step, steps) => bar.update(step) });
 *          ceiling.auc['cardiomegaly'] // 1.0; ceiling.meanAuc; ceiling.seconds
 * @throws TypeError or RangeError for a bad setting (naming it) or a training split smaller than one batch; the dataset's errors (naming the file) for bad CSVs or images.
 */
export async function trainCeiling(options: CeilingOptions): Promise<CeilingResult> {
  const started = performance.now();
  const { dataDir, onStep, log = console.log, quiet } = options;
  const settings = resolveSettings(options);
  const { steps, lr, seed, batchSize } = settings;

  // ---- data: the threaded loader of pre-training, on the CXR14-format files of the same splits
  const source = (csv: string) => ({ kind: 'cxr14' as const, args: { csvPath: join(dataDir, csv) } });
  const common = { collate: collateClassification, batchSize, seed, workers: settings.workers };
  const train = await BatchLoader.open<ClassificationItem, ClassificationBatch>({
    ...common, source: source('train_cxr14.csv'), shuffle: true, dropLast: true,
    transform: { kind: 'train', size: settings.imageSize, scale: settings.cropScale, randAugment: settings.randAugment ? {} : false },
  });
  const heldOut = await BatchLoader.open<ClassificationItem, ClassificationBatch>({
    ...common, source: source('heldout_cxr14.csv'), shuffle: false, dropLast: false, transform: { kind: 'test', size: settings.imageSize },
  });
  if (train.batchesPerEpoch === 0) {
    throw new RangeError(`batchSize ${batchSize} is larger than the training split (${train.length} images in ${join(dataDir, 'train_cxr14.csv')})`);
  }
  const classes = [...train.pathologies];

  // ---- model and optimizer
  torch.manualSeed(seed);
  const model = new ResNetClassifier({ backbone: settings.backbone, classes: classes.length, stages: 3 });
  const forward = (images: torch.Tensor): torch.Tensor => (settings.precision === 'float32'
    ? model.forward(images) : torch.autocast('cpu', settings.precision, () => model.forward(images)).to('float32'));
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters(), settings.weightDecay), { lr });
  const lrAt = cosineWithWarmup({ baseLr: lr, warmupLr: lr / 25, minLr: lr / 25 / 1e4, warmupSteps: Math.round(0.3 * steps), totalSteps: steps });
  log(`ceiling: ${model.config.backbone} to layer3 + pooling + linear (${(model.parameterCount() / 1e6).toFixed(2)} M parameters), `
    + `${train.length} training / ${heldOut.length} held-out images, ${steps} steps of ${batchSize} at ${settings.imageSize} px${settings.precision === 'float32' ? '' : ` in ${settings.precision}`}`);

  try {
    // ---- training
    const losses: number[] = [];
    const stepSeconds: number[] = [];
    const bar = progressBar({ total: steps, label: 'ceiling', silent: quiet });
    let stepStarted = performance.now();
    try {
      for (let epoch = 0; losses.length < steps; epoch++) {
        model.train();
        for await (const batch of train.epoch(epoch)) {
          optimizer.setLr(lrAt(losses.length));
          let loss: number;
          try {
            loss = torch.scope(() => {
              const value = maskedBceWithLogits(forward(batch.images), batch.labels);
              optimizer.zeroGrad();
              value.backward();
              optimizer.step();
              return value.item(); // sync point: reads the loss
            });
          } finally {
            disposeBatch(batch);
          }
          if (!Number.isFinite(loss)) throw new Error(`ceiling: the loss became ${loss} at step ${losses.length + 1} (lr ${optimizer.lr}); try a lower lr`);
          losses.push(loss);
          if (losses.length > 1) stepSeconds.push((performance.now() - stepStarted) / 1000);
          stepStarted = performance.now();
          bar.update(losses.length, { loss });
          onStep?.(losses.length, steps, loss);
          if (losses.length === steps) break; // leaving the epoch early ends its workers
        }
      }
    } finally {
      bar.stop();
      await train.close();
    }

    // ---- held-out evaluation
    model.eval();
    const scores: Float32Array[] = [], labels: Float32Array[] = [];
    try {
      for await (const batch of heldOut.epoch(0)) {
        let probabilities: Float32Array, rows: Float32Array;
        try {
          probabilities = torch.scope(() => torch.noGrad(() => forward(batch.images).sigmoid().toFloat32Array())); // (B, classes)
          rows = batch.labels.toFloat32Array();
        } finally {
          disposeBatch(batch);
        }
        for (let b = 0; b < batch.positions.length; b++) {
          scores.push(probabilities.subarray(b * classes.length, (b + 1) * classes.length));
          labels.push(rows.subarray(b * classes.length, (b + 1) * classes.length));
        }
      }
    } finally {
      await heldOut.close();
    }
    const report = classificationReport(classes, labels, scores);
    const result: CeilingResult = {
      auc: Object.fromEntries(report.classes.map((c) => [c.name, c.auc])), meanAuc: report.meanAuc,
      classes: report.classes, skipped: report.skipped, settings, trainImages: train.length, heldOutImages: heldOut.length,
      losses, seconds: (performance.now() - started) / 1000, secondsPerStep: median(stepSeconds),
    };
    log(`ceiling: ${steps} steps in ${result.seconds.toFixed(0)} s (${result.secondsPerStep.toFixed(2)} s per step); held-out mean AUC ${fixed(result.meanAuc)}`);
    return result;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** The per-class table of a ceiling run. */
export function formatCeiling(result: CeilingResult): string {
  const rows = result.classes.map((c) => [c.name, `${c.positives} / ${c.negatives}`, fixed(c.auc)]);
  return [
    formatTable(['finding', 'positives / negatives', 'AUC'], [...rows, ['mean', '', fixed(result.meanAuc)]]),
    ...(result.skipped.length > 0 ? [`not scored (one label value only on the held-out split): ${result.skipped.map((s) => s.name).join(', ')}`] : []),
  ].join('\n');
}
