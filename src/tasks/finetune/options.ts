/**
 * Options shared by `medslip finetune classify` and `medslip finetune segment`, their reference defaults and
 * their validation (TypeError for a wrong type, RangeError for a value out of range, naming the option).
 *
 * Reference values (Shef-AIRE/MeDSLIP `Sample_Finetuning_SIIMACR` configs `Res_train.yaml` of I1 and I2): AdamW lr 1e-5
 * held constant (its cosine schedule has lr = min_lr = warmup_lr), weight decay 0.02 with no decay on biases and
 * 1-D parameters, batch 64, 224 px, ResNet-50; 200 epochs for classification, 1000 for segmentation.
 */
import { existsSync } from 'node:fs';
import type * as torch from '../../torch/index.ts';
import { checkDevice } from '../../torch/device.ts';
import { checkInteger, checkNumber } from '../../util/check.ts';
import { checkBackbone, type FinetuneBackbone } from '../../models/classifier.ts';
import { resolveCheckpoint } from '../../io/resolve-checkpoint.ts';
import type { ImageLoader } from '../../data/datasets/dataset.ts';
import type { ProgressStream } from '../../viz/progress.ts';

export { FINETUNE_PERCENTS, COMMON_DEFAULTS, type FinetunePercent } from './table.ts';
import { FINETUNE_PERCENTS, COMMON_DEFAULTS, type FinetunePercent } from './table.ts';

export interface FinetuneCommonOptions {
  /**
   * MeDSLIP checkpoint to initialise the image encoder from (a run folder, run/best, a medslip checkpoint, a
   * .safetensors or a reference .pth); without it the model starts random.
   */
  init?: string;
  /** Training, validation and test files in the dataset's format (CSV, or a COVIDx list). */
  train: string;
  valid: string;
  test: string;
  /** Percentage of the training set used (a seeded draw; stratified by label for single-label datasets). */
  percent?: FinetunePercent;
  epochs?: number;
  batchSize?: number;
  /** AdamW learning rate, constant (reference 1e-5). */
  lr?: number;
  /** AdamW weight decay of weights (not biases or 1-D parameters) (reference 0.02). */
  weightDecay?: number;
  /** Seeds the subset, the shuffling, the augmentation and the weight initialisation. */
  seed?: number;
  /** Output folder (created): metrics.json, log.jsonl, loss.png, best.{json,safetensors}. */
  out: string;
  backbone?: FinetuneBackbone;
  /** Side of the square model input in pixels (reference 224; a multiple of 16 for segmentation). */
  imageSize?: number;
  device?: torch.Device;
  /** One line per event (start, init, epoch, selection, test); default console.log. */
  log?: (line: string) => void;
  /** Where the progress bar is drawn (default process.stderr); false for none. */
  progress?: ProgressStream | false;
  /** Image decoder passed to the datasets (default: src/io/image.ts readImage). */
  loadImage?: ImageLoader;
}

export type ResolvedCommonOptions = Required<Omit<FinetuneCommonOptions, 'init' | 'loadImage' | 'progress'>> &
  Pick<FinetuneCommonOptions, 'init' | 'loadImage'> & { progress: ProgressStream | false };


function checkPath(name: string, value: unknown, mustExist: boolean): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`Expected a file path for ${name} but received ${String(value)}`);
  if (mustExist && !existsSync(value)) throw new Error(`${name}: file "${value}" does not exist`);
  return value;
}

/** An --init argument in any form the checkpoint resolver accepts (run folder, run/best, a file). */
function checkCheckpoint(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`Expected a checkpoint path for init but received ${String(value)}`);
  resolveCheckpoint(value);
  return value;
}

/**
 * Fills defaults and validates. Input files must exist (so a run never trains for hours and then fails on a
 * missing test file), but only their existence is checked here: nothing of the test set is read.
 */
export function resolveCommonOptions(options: FinetuneCommonOptions, defaults: { epochs: number; percent: FinetunePercent; imageMultiple: number }): ResolvedCommonOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('Expected an options object');
  const percent = options.percent ?? defaults.percent;
  if (!FINETUNE_PERCENTS.includes(percent)) throw new RangeError(`Expected one of 1, 10, 100 for percent but received ${String(percent)}`);
  const imageSize = checkInteger('imageSize', options.imageSize ?? COMMON_DEFAULTS.imageSize, 32, 4096);
  if (imageSize % defaults.imageMultiple !== 0) {
    throw new RangeError(`Expected a multiple of ${defaults.imageMultiple} for imageSize but received ${imageSize} (number)`);
  }
  const log = options.log ?? ((line: string) => console.log(line));
  if (typeof log !== 'function') throw new TypeError('Expected a function for log');
  return {
    init: options.init === undefined ? undefined : checkCheckpoint(options.init),
    train: checkPath('train', options.train, true),
    valid: checkPath('valid', options.valid, true),
    test: checkPath('test', options.test, true),
    percent,
    epochs: checkInteger('epochs', options.epochs ?? defaults.epochs, 1, 1_000_000),
    batchSize: checkInteger('batchSize', options.batchSize ?? COMMON_DEFAULTS.batchSize, 1, 65_536),
    lr: checkNumber('lr', options.lr ?? COMMON_DEFAULTS.lr, 0, 10),
    weightDecay: checkNumber('weightDecay', options.weightDecay ?? COMMON_DEFAULTS.weightDecay, 0, 10),
    seed: checkInteger('seed', options.seed ?? COMMON_DEFAULTS.seed, 0, 2 ** 31 - 1),
    out: checkPath('out', options.out, false),
    backbone: checkBackbone(options.backbone ?? COMMON_DEFAULTS.backbone),
    imageSize,
    device: checkDevice(options.device ?? COMMON_DEFAULTS.device),
    log,
    progress: options.progress === undefined ? process.stderr : options.progress,
    loadImage: options.loadImage,
  };
}
