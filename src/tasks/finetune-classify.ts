/**
 * `medslip finetune classify`: fine-tunes a ResNet classifier, its encoder initialised from MeDSLIP, on a
 * labelled chest X-ray dataset, with the 1 % / 10 % / 100 % label-fraction protocol.
 *
 * Mirrors Shef-AIRE/MeDSLIP `Sample_Finetuning_SIIMACR/I1_classification/train_res_ft.py` (REFERENCE.md §5.4):
 * ModelRes_ft (use_base) = ResNet children[:-1] + Linear; encoder weights copied by name from the MeDSLIP
 * checkpoint; BCE-with-logits; AdamW lr 1e-5 constant, weight decay 0.02 without decay on biases/1-D parameters;
 * train transform = the pre-training augmentation, evaluation = resize + normalise; AUROC, max-F1 and the
 * accuracy at that threshold per class. Deliberate differences:
 * - the best epoch is selected on the VALIDATION set and the test set is read once, at the end, with the
 *   selected weights (the reference selects on the test set);
 * - the training subset is a seeded, label-stratified draw (the reference's is unseeded);
 * - unknown labels (NaN) are left out of the loss and the metrics;
 * - the number of tensors copied from the MeDSLIP checkpoint is reported, and none matching is an error.
 *
 * Sections in order: config → data → model → optimizer → epochs (train, validate, select) → test → files.
 */
import { prepareOutputFolder } from '../io/output-folder.ts';
import * as torch from '../torch/index.ts';
import { ResNetClassifier, type ClassifierConfig } from '../models/classifier.ts';
import { maskedBceWithLogits } from '../models/losses-finetune.ts';
import { testTransform, trainTransform, type ImageTransform } from '../data/transforms/pipelines.ts';
import type { LabeledDataset, LabeledSample } from '../data/datasets/dataset.ts';
import { classificationReport, type ClassificationReport } from '../eval/report.ts';
import { Random } from '../util/random.ts';
import { batchCount, loadBatches, stackFloat32 } from './finetune/batches.ts';
import { CLASSIFICATION_DATASETS, openClassificationDataset, trainingSubset, type ClassificationDatasetKind } from './finetune/datasets.ts';
import { initEncoder, trainAndSelect, writeMetrics, type FinetuneFiles, type InitSummary, type Selection, type ValidationResult } from './finetune/loop.ts';
import { resolveCommonOptions, type FinetuneCommonOptions } from './finetune/options.ts';
import { CLASSIFY_DEFAULTS, type FinetunePercent } from './finetune/table.ts';

export interface FinetuneClassifyOptions extends FinetuneCommonOptions {
  /** Format of train/valid/test: CXR14 CSV, RSNA CSV, SIIM CSV (label = mask not empty) or COVIDx list. */
  dataset: ClassificationDatasetKind;
}

/** Reference defaults of the classification task (I1 config): 200 epochs on 100 % of the training set. */
export { CLASSIFY_DEFAULTS, FINETUNE_CLASSIFY_OPTIONS } from './finetune/table.ts';

export interface FinetuneClassifyResult {
  /** Contents of metrics.json. */
  metrics: ClassifyMetrics;
  /** The files written. */
  files: FinetuneFiles;
}

export interface ClassifyMetrics {
  task: 'classify';
  dataset: ClassificationDatasetKind;
  classes: string[];
  percent: FinetunePercent;
  trainImages: number;
  selection: Omit<Selection, 'history'>;
  /** Test-set metrics of the selected weights: per class AUC/F1/ACC and their means. */
  test: ClassificationReport & { images: number; loss: number };
  init: InitSummary | null;
}

interface Batch { images: torch.Tensor; labels: torch.Tensor }

/** Per-sample preparation: transformed image and label vector (NaN = unknown). */
function prepareWith(transform: ImageTransform): (sample: LabeledSample) => { input: Float32Array; labels: Float32Array } {
  return (sample) => ({ input: transform(sample.image), labels: Float32Array.from(sample.labels) });
}

function toBatch(items: { input: Float32Array; labels: Float32Array }[], imageSize: number, device: torch.Device): Batch {
  const b = items.length;
  return {
    images: torch.fromTypedArray(stackFloat32(items.map((i) => i.input)), [b, 3, imageSize, imageSize], { device }),
    labels: torch.fromTypedArray(stackFloat32(items.map((i) => i.labels)), [b, items[0].labels.length], { device }),
  };
}

/** Sigmoid scores and labels of every sample, in order, plus the mean loss (no gradients, eval mode). */
async function predict(model: ResNetClassifier, dataset: LabeledDataset, batchSize: number, transform: ImageTransform,
  imageSize: number, device: torch.Device): Promise<{ scores: Float32Array[]; labels: Float32Array[]; loss: number }> {
  model.eval();
  const scores: Float32Array[] = [], labels: Float32Array[] = [];
  let lossSum = 0, known = 0;
  const order = Array.from({ length: dataset.length }, (_, i) => i);
  for await (const items of loadBatches(dataset, order, batchSize, prepareWith(transform))) {
    torch.scope(() => torch.noGrad(() => {
      const batch = toBatch(items, imageSize, device);
      const logits = model.forward(batch.images); // (B, classes)
      const classes = logits.shape[1];
      const probabilities = logits.sigmoid().cpu().toFloat32Array();
      items.forEach((item, i) => {
        scores.push(probabilities.slice(i * classes, (i + 1) * classes));
        labels.push(item.labels);
      });
      const count = knownLabelCount(items);
      if (count > 0) {
        lossSum += maskedBceWithLogits(logits, batch.labels).item() * count;
        known += count;
      }
    }));
  }
  return { scores, labels, loss: known > 0 ? lossSum / known : Number.NaN };
}

/** Labels that are not unknown (NaN) in a batch: the weight of its mean loss. */
const knownLabelCount = (items: { labels: Float32Array }[]): number =>
  items.reduce((n, item) => n + item.labels.filter((v) => !Number.isNaN(v)).length, 0);

/**
 * Fine-tunes, selects the epoch on the validation set, then evaluates the test set once.
 * @example await runFinetuneClassify({ init: 'medslip.pth', dataset: 'siim', train, valid, test, percent: 10, out: 'runs/siim10' });
 * @throws TypeError/RangeError for bad options; Error naming the file for unreadable data or a checkpoint that matches nothing.
 */
export async function runFinetuneClassify(options: FinetuneClassifyOptions): Promise<FinetuneClassifyResult> {
  // ---- config
  const o = resolveCommonOptions(options, { ...CLASSIFY_DEFAULTS, imageMultiple: 1 });
  const dataset = options.dataset;
  if (!CLASSIFICATION_DATASETS.includes(dataset)) {
    throw new RangeError(`Expected one of ${CLASSIFICATION_DATASETS.join(', ')} for dataset but received ${dataset}`);
  }
  const { log } = o;
  prepareOutputFolder(o.out);
  torch.manualSeed(o.seed);
  const random = new Random(o.seed);

  // ---- data (train and valid only: the test set is opened after selection)
  const train = await openClassificationDataset(dataset, o.train, o.loadImage);
  const valid = await openClassificationDataset(dataset, o.valid, o.loadImage);
  const classes = [...train.pathologies];
  if (valid.pathologies.join('|') !== classes.join('|')) {
    throw new Error(`${o.valid}: classes [${valid.pathologies.join(', ')}] differ from the training set's [${classes.join(', ')}]`);
  }
  const subset = await trainingSubset(train, o.percent, o.seed);
  log(`finetune classify: ${dataset}, ${classes.length} class(es); train ${subset.length} of ${train.length} images (${o.percent} %), valid ${valid.length}`);
  const augment = trainTransform(random.fork(), { size: o.imageSize });
  const evaluate = testTransform({ size: o.imageSize });

  // ---- model
  const modelConfig: ClassifierConfig = { backbone: o.backbone, classes: classes.length };
  const model = new ResNetClassifier(modelConfig);
  try { // parameters are native memory: released however the run ends
    const init = initEncoder(model, o.init, log);
    model.to(o.device);

    // ---- epochs: AdamW at a constant lr (the reference's degenerate cosine schedule), selection on valid
    const shuffle = random.fork();
    const validate = async (): Promise<ValidationResult> => {
      const { scores, labels, loss } = await predict(model, valid, o.batchSize, evaluate, o.imageSize, o.device);
      const report = classificationReport(classes, labels, scores);
      return { loss, score: report.meanAuc, details: { validF1: report.meanF1 ?? null, validAccuracy: report.meanAccuracy ?? null } };
    };
    const selection = await trainAndSelect({
      model, modelConfig: { ...modelConfig, task: 'classify', classNames: classes }, lr: o.lr, weightDecay: o.weightDecay,
      epochs: o.epochs, out: o.out, scoreName: 'auc', title: `fine-tune classify (${dataset}, ${o.percent} %): loss per epoch`,
      trainBatchCount: batchCount(subset.length, o.batchSize),
      trainBatches: () => loadBatches(train, shuffle.shuffle([...subset]), o.batchSize, prepareWith(augment)),
      lossOf: (items) => {
        const batch = toBatch(items, o.imageSize, o.device);
        return maskedBceWithLogits(model.forward(batch.images), batch.labels);
      },
      validate, runConfig: { task: 'classify', dataset, ...o, log: undefined, progress: undefined, loadImage: undefined }, log, progress: o.progress,
    });

    // ---- test: opened and read only now, once, with the selected weights
    const test = await openClassificationDataset(dataset, o.test, o.loadImage);
    if (test.pathologies.join('|') !== classes.join('|')) {
      throw new Error(`${o.test}: classes [${test.pathologies.join(', ')}] differ from the training set's [${classes.join(', ')}]`);
    }
    const predicted = await predict(model, test, o.batchSize, evaluate, o.imageSize, o.device);
    const report = classificationReport(classes, predicted.labels, predicted.scores);
    const { history: _history, ...selectionSummary } = selection;
    const metrics: ClassifyMetrics = {
      task: 'classify', dataset, classes, percent: o.percent, trainImages: subset.length, selection: selectionSummary,
      test: { ...report, images: test.length, loss: predicted.loss }, init,
    };
    const files = writeMetrics(o.out, metrics);
    const fmt = (v: number | undefined): string => (v === undefined ? 'n/a' : v.toFixed(4));
    log(`test (${test.length} images, epoch ${selection.epoch}): mean AUC ${fmt(report.meanAuc)}, mean F1 ${fmt(report.meanF1)}, mean ACC ${fmt(report.meanAccuracy)}${report.skipped.length ? `; ${report.skipped.length} class(es) without both labels skipped` : ''}`);
    return { metrics, files };
  } finally {
    model.dispose();
  }
}
