/**
 * `medslip finetune segment`: fine-tunes a Res-UNet, its encoder initialised from MeDSLIP, to segment
 * pneumothorax on SIIM-ACR, with the 1 % / 10 % / 100 % label-fraction protocol.
 *
 * Mirrors Shef-AIRE/MeDSLIP `Sample_Finetuning_SIIMACR/I2_segmentation/train_res_ft.py` (REFERENCE.md §5.5):
 * ModelResUNet_ft with res_features.0–6 copied by name from the MeDSLIP checkpoint; DiceBCE loss; AdamW lr 1e-5
 * constant, weight decay 0.02 (none on biases/1-D parameters); paired crop for training, resize for evaluation;
 * Dice (threshold 0.5, the empty-mask rule) and smoothed mIoU per image, averaged. Deliberate differences:
 * - the best epoch is selected on the VALIDATION Dice and the test set is read once, at the end, with the
 *   selected weights (the reference selects on the test set);
 * - no image is dropped from evaluation (the reference's test loader drops the last incomplete batch), and the
 *   training loader keeps its last incomplete batch too;
 * - the encoder starts from MeDSLIP only: the reference first loads torchvision's ImageNet weights, which are
 *   then overwritten for res_features.0–6 anyway (only the bridge and decoder differ: random in both);
 * - seeded, label-stratified training subset; the copied-tensor count is reported.
 *
 * Sections in order: config → data → model → optimizer → epochs (train, validate, select) → test → files.
 */
import { prepareOutputFolder } from '../io/output-folder.ts';
import * as torch from '../torch/index.ts';
import { ResUNet, type ResUNetConfig } from '../models/res-unet.ts';
import { diceBceLoss } from '../models/losses-finetune.ts';
import { SiimDataset, type SiimSample } from '../data/datasets/siim.ts';
import { segmentationTestTransform, segmentationTrainTransform, type SegmentationSample, type SegmentationTransform } from '../data/transforms/segmentation.ts';
import { segmentationScores, type SegmentationSummary } from '../eval/segmentation.ts';
import { Random } from '../util/random.ts';
import { batchCount, loadBatches, stackFloat32 } from './finetune/batches.ts';
import { trainingSubset } from './finetune/datasets.ts';
import { initEncoder, trainAndSelect, writeMetrics, type FinetuneFiles, type InitSummary, type Selection, type ValidationResult } from './finetune/loop.ts';
import { resolveCommonOptions, type FinetuneCommonOptions } from './finetune/options.ts';
import { SEGMENT_DEFAULTS, type FinetunePercent } from './finetune/table.ts';

/** Options of `runFinetuneSegment`: the common ones; train/valid/test are SIIM CSVs (png_images/, png_masks/ beside them). */
export type FinetuneSegmentOptions = FinetuneCommonOptions;

/** Reference defaults of the segmentation task (I2 config): 1000 epochs on 1 % of the training set. */
export { SEGMENT_DEFAULTS, FINETUNE_SEGMENT_OPTIONS } from './finetune/table.ts';

export interface SegmentMetrics {
  task: 'segment';
  dataset: 'siim';
  percent: FinetunePercent;
  trainImages: number;
  selection: Omit<Selection, 'history'>;
  /** Test-set scores of the selected weights: mean Dice (all, positive, negative images) and mIoU. */
  test: SegmentationSummary & { loss: number };
  init: InitSummary | null;
}

export interface FinetuneSegmentResult {
  metrics: SegmentMetrics;
  files: FinetuneFiles;
}

interface Batch { images: torch.Tensor; masks: torch.Tensor }

const prepareWith = (transform: SegmentationTransform) => (sample: SiimSample): SegmentationSample => transform(sample.image, sample.mask);

function toBatch(items: SegmentationSample[], size: number, device: torch.Device): Batch {
  const b = items.length;
  return {
    images: torch.fromTypedArray(stackFloat32(items.map((i) => i.input)), [b, 3, size, size], { device }),
    masks: torch.fromTypedArray(stackFloat32(items.map((i) => i.mask)), [b, 1, size, size], { device }),
  };
}

/** Merges per-batch summaries into the summary over all their images (weighted means). */
function mergeSummaries(parts: readonly SegmentationSummary[]): SegmentationSummary {
  const images = parts.reduce((n, p) => n + p.images, 0);
  const positives = parts.reduce((n, p) => n + p.positives, 0);
  const negatives = images - positives;
  const weighted = (pick: (p: SegmentationSummary) => number | undefined, weight: (p: SegmentationSummary) => number): number =>
    parts.reduce((sum, p) => sum + (weight(p) > 0 ? pick(p)! * weight(p) : 0), 0);
  return {
    images,
    dice: weighted((p) => p.dice, (p) => p.images) / images,
    dicePositive: positives > 0 ? weighted((p) => p.dicePositive, (p) => p.positives) / positives : undefined,
    diceNegative: negatives > 0 ? weighted((p) => p.diceNegative, (p) => p.negatives) / negatives : undefined,
    positives,
    negatives,
    miou: weighted((p) => p.miou, (p) => p.images) / images,
  };
}

/** Dice/mIoU of sigmoid(logits) over every image, and the mean DiceBCE loss (eval mode, no gradients). */
async function evaluateSet(model: ResUNet, dataset: SiimDataset, batchSize: number, transform: SegmentationTransform,
  size: number, device: torch.Device): Promise<SegmentationSummary & { loss: number }> {
  model.eval();
  const parts: SegmentationSummary[] = [];
  let lossSum = 0;
  const order = Array.from({ length: dataset.length }, (_, i) => i);
  for await (const items of loadBatches(dataset, order, batchSize, prepareWith(transform))) {
    torch.scope(() => torch.noGrad(() => {
      const batch = toBatch(items, size, device);
      const logits = model.forward(batch.images); // (B, 1, H, W)
      lossSum += diceBceLoss(logits, batch.masks).loss.item() * items.length;
      const probabilities = logits.sigmoid().cpu().toFloat32Array();
      const pixels = size * size;
      parts.push(segmentationScores(items.map((_, i) => probabilities.subarray(i * pixels, (i + 1) * pixels)), items.map((i) => i.mask)));
    }));
  }
  return { ...mergeSummaries(parts), loss: lossSum / dataset.length };
}

/**
 * Fine-tunes, selects the epoch on the validation Dice, then evaluates the test set once.
 * @example await runFinetuneSegment({ init: 'medslip.pth', train, valid, test, percent: 10, out: 'runs/seg10' });
 * @throws TypeError/RangeError for bad options (imageSize must be a multiple of 16); Error naming the file for
 *   unreadable data or a checkpoint that matches nothing.
 */
export async function runFinetuneSegment(options: FinetuneSegmentOptions): Promise<FinetuneSegmentResult> {
  // ---- config
  const o = resolveCommonOptions(options, { ...SEGMENT_DEFAULTS, imageMultiple: 16 });
  const { log } = o;
  prepareOutputFolder(o.out);
  torch.manualSeed(o.seed);
  const random = new Random(o.seed);

  // ---- data (train and valid only: the test set is opened after selection)
  const datasetOptions = { channels: 3 as const, loadImage: o.loadImage };
  const train = await SiimDataset.open(o.train, datasetOptions);
  const valid = await SiimDataset.open(o.valid, datasetOptions);
  const subset = await trainingSubset(train, o.percent, o.seed);
  log(`finetune segment: siim; train ${subset.length} of ${train.length} images (${o.percent} %), valid ${valid.length}`);
  const augment = segmentationTrainTransform(random.fork(), { size: o.imageSize });
  const evaluate = segmentationTestTransform({ size: o.imageSize });

  // ---- model
  const modelConfig: ResUNetConfig = { backbone: o.backbone, classes: 1, dropout: 0.2 };
  const model = new ResUNet(modelConfig);
  try { // parameters are native memory: released however the run ends
    const init = initEncoder(model, o.init, log);
    model.to(o.device);

    // ---- epochs: AdamW at a constant lr (the reference's degenerate cosine schedule), selection on valid Dice
    const shuffle = random.fork();
    const validate = async (): Promise<ValidationResult> => {
      const summary = await evaluateSet(model, valid, o.batchSize, evaluate, o.imageSize, o.device);
      return { loss: summary.loss, score: summary.dice, details: { validMiou: summary.miou, validDicePositive: summary.dicePositive ?? null } };
    };
    const selection = await trainAndSelect({
      model, modelConfig: { ...modelConfig, task: 'segment' }, lr: o.lr, weightDecay: o.weightDecay,
      epochs: o.epochs, out: o.out, scoreName: 'dice', title: `fine-tune segment (siim, ${o.percent} %): loss per epoch`,
      trainBatchCount: batchCount(subset.length, o.batchSize),
      trainBatches: () => loadBatches(train, shuffle.shuffle([...subset]), o.batchSize, prepareWith(augment)),
      lossOf: (items) => {
        const batch = toBatch(items, o.imageSize, o.device);
        return diceBceLoss(model.forward(batch.images), batch.masks).loss;
      },
      validate, runConfig: { task: 'segment', dataset: 'siim', ...o, log: undefined, progress: undefined, loadImage: undefined }, log, progress: o.progress,
    });

    // ---- test: opened and read only now, once, with the selected weights
    const test = await SiimDataset.open(o.test, datasetOptions);
    const scores = await evaluateSet(model, test, o.batchSize, evaluate, o.imageSize, o.device);
    const { history: _history, ...selectionSummary } = selection;
    const metrics: SegmentMetrics = {
      task: 'segment', dataset: 'siim', percent: o.percent, trainImages: subset.length, selection: selectionSummary, test: scores, init,
    };
    const files = writeMetrics(o.out, metrics);
    log(`test (${scores.images} images, epoch ${selection.epoch}): Dice ${scores.dice.toFixed(4)} (positive ${scores.dicePositive?.toFixed(4) ?? 'n/a'}, negative ${scores.diceNegative?.toFixed(4) ?? 'n/a'}), mIoU ${scores.miou.toFixed(4)}`);
    return { metrics, files };
  } finally {
    model.dispose();
  }
}
