/**
 * The fine-tuning commands' settings as data, free of the engine so that `medslip --help` and the command line
 * are built without loading libtorch: the paper's label fractions, the reference defaults (Shef-AIRE/MeDSLIP
 * `Sample_Finetuning_SIIMACR` configs, see ./options.ts) and the option tables of `medslip finetune classify`
 * and `medslip finetune segment`.
 */
import type * as torch from '../../torch/index.ts';
import type { FinetuneBackbone } from '../../models/classifier.ts';
import type { OptionTable } from '../option-table.ts';
import type { FinetuneCommonOptions } from './options.ts';
import type { FinetuneClassifyOptions } from '../finetune-classify.ts';

/** The paper's label-fraction settings: 1 %, 10 % or 100 % of the training set. */
export type FinetunePercent = 1 | 10 | 100;
export const FINETUNE_PERCENTS: readonly FinetunePercent[] = Object.freeze([1, 10, 100]);

export const COMMON_DEFAULTS: Readonly<{
  batchSize: number; lr: number; weightDecay: number; seed: number; backbone: FinetuneBackbone; imageSize: number; device: torch.Device;
}> = Object.freeze({
  batchSize: 64, lr: 1e-5, weightDecay: 0.02, seed: 42, backbone: 'resnet50', imageSize: 224,
  device: 'cpu',
});
/** The defaults that differ between the two tasks. */
type TaskDefaults = Readonly<{ epochs: number; percent: FinetunePercent }>;
export const CLASSIFY_DEFAULTS: TaskDefaults = Object.freeze({ epochs: 200, percent: 100 });
export const SEGMENT_DEFAULTS: TaskDefaults = Object.freeze({ epochs: 1000, percent: 1 });

/** Dataset formats fine-tuned for classification. */
export type ClassificationDatasetKind = 'cxr14' | 'rsna' | 'siim' | 'covidx';
export const CLASSIFICATION_DATASETS: readonly ClassificationDatasetKind[] = Object.freeze(['cxr14', 'rsna', 'siim', 'covidx']);

/**
 * The command-line options both fine-tuning commands share (`medslip finetune classify|segment --help`), with
 * the defaults above; `epochs` and `percent` default per task.
 */
function finetuneOptionTable(defaults: { epochs: number; percent: FinetunePercent }): OptionTable<FinetuneCommonOptions> {
  return [
    { key: 'init', flag: '--init <checkpoint>', kind: 'string', help: 'MeDSLIP checkpoint whose encoder (stem + layer1–3) initialises the model: a run folder (its best), run/best, a .safetensors or a reference .pth (omit: random init)' },
    { key: 'train', flag: '--train <file>', kind: 'string', required: true, help: 'training label file' },
    { key: 'valid', flag: '--valid <file>', kind: 'string', required: true, help: 'validation label file (selection)' },
    { key: 'test', flag: '--test <file>', kind: 'string', required: true, help: 'test label file (evaluated once, with the selected weights)' },
    { key: 'out', flag: '--out <dir>', kind: 'string', required: true, help: 'output folder: metrics.json, log.jsonl, loss.png, best checkpoint' },
    { key: 'percent', flag: '--percent <p>', kind: 'integer', default: defaults.percent, choices: FINETUNE_PERCENTS, help: 'percent of the training set' },
    { key: 'epochs', flag: '--epochs <n>', kind: 'integer', default: defaults.epochs, help: 'epochs' },
    { key: 'batchSize', flag: '--batch-size <n>', kind: 'integer', default: COMMON_DEFAULTS.batchSize, help: 'images per step' },
    { key: 'lr', flag: '--lr <lr>', kind: 'number', default: COMMON_DEFAULTS.lr, help: 'AdamW learning rate (constant, as the reference)' },
    { key: 'weightDecay', flag: '--weight-decay <wd>', kind: 'number', default: COMMON_DEFAULTS.weightDecay, help: 'AdamW weight decay of weights (not biases or 1-D parameters)' },
    { key: 'seed', flag: '--seed <n>', kind: 'integer', default: COMMON_DEFAULTS.seed, help: 'seed of the subset, order and init' },
    { key: 'backbone', flag: '--backbone <arch>', kind: 'string', default: COMMON_DEFAULTS.backbone, choices: ['resnet50', 'resnet18'], help: 'resnet50 (reference) or resnet18' },
    { key: 'imageSize', flag: '--image-size <px>', kind: 'integer', default: COMMON_DEFAULTS.imageSize, help: 'input side' },
    { key: 'device', flag: '--device <device>', kind: 'string', default: COMMON_DEFAULTS.device, help: 'cpu, cuda or cuda:N' },
  ];
}

/** `medslip finetune classify`'s options: the dataset kind and the shared ones. */
export const FINETUNE_CLASSIFY_OPTIONS: OptionTable<FinetuneClassifyOptions> = [
  { key: 'dataset', flag: '--dataset <kind>', kind: 'string', required: true, choices: CLASSIFICATION_DATASETS, help: 'the label files\' format' },
  ...finetuneOptionTable(CLASSIFY_DEFAULTS),
];

/** `medslip finetune segment`'s options (SIIM-format images and masks). */
export const FINETUNE_SEGMENT_OPTIONS: OptionTable<FinetuneCommonOptions> = finetuneOptionTable(SEGMENT_DEFAULTS);
