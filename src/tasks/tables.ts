/**
 * The option tables of `medslip zeroshot classify|ground`, `medslip export` and `medslip predict` (see
 * ./option-table.ts). They live apart from the
 * tasks, which load libtorch, so that the command line and its --help are built without the engine; the tasks
 * check every value again.
 */
import type { OptionTable } from './option-table.ts';
import type { ExportTaskOptions } from './export.ts';
import type { PredictOptions } from './predict.ts';
import type { ZeroshotRunOptions } from './zeroshot/options.ts';
import type { ZeroshotClassifyOptions } from './zeroshot-classify.ts';
import type { ZeroshotGroundOptions } from './zeroshot-ground.ts';

const CHECKPOINT_HELP = 'a run folder (its best), a medslip checkpoint (run/best), a .safetensors state dict or a reference .pth';

export const EXPORT_OPTIONS: OptionTable<ExportTaskOptions> = [
  { key: 'checkpoint', flag: '--checkpoint <path>', kind: 'string', required: true, help: CHECKPOINT_HELP },
  { key: 'books', flag: '--books <file>', kind: 'string', required: true, help: 'the books the model was trained with; they become constants of the model' },
  { key: 'out', flag: '--out <file>', kind: 'string', required: true, help: 'the .onnx file to write' },
  { key: 'size', flag: '--size <px>', kind: 'integer', help: 'input side the model is exported for (default: the size the checkpoint was trained at, else 224)' },
  { key: 'verify', flag: '--no-verify', kind: 'boolean', help: 'skip running the file in ONNX Runtime against libtorch after writing it' },
];

export const PREDICT_OPTIONS: OptionTable<PredictOptions> = [
  { key: 'checkpoint', flag: '--checkpoint <path>', kind: 'string', help: CHECKPOINT_HELP },
  { key: 'books', flag: '--books <file>', kind: 'string', help: 'the books the model was trained with (.safetensors, e.g. run/books.safetensors)' },
  { key: 'engine', flag: '--engine <engine>', kind: 'string', default: 'libtorch', choices: ['libtorch', 'onnx'], help: 'libtorch (--checkpoint + --books) or onnx (--model)' },
  { key: 'model', flag: '--model <file>', kind: 'string', help: 'with --engine onnx: a model written by `medslip export` (books, input size and normalisation inside)' },
  { key: 'size', flag: '--size <px>', kind: 'integer', help: 'model input side (default: the size the checkpoint was trained at, else 224; an ONNX model\'s own)' },
  { key: 'top', flag: '--top <k>', kind: 'integer', default: 5, help: 'findings listed per image' },
  { key: 'heatmaps', flag: '--heatmaps <dir>', kind: 'string', help: 'write heatmap overlays of the top findings here' },
  { key: 'device', flag: '--device <device>', kind: 'string', default: 'cpu', help: 'cpu, cuda or cuda:N (libtorch)' },
];

/** The options both zero-shot commands share (the CLI adds --prompt and --text-encoder, which become the task's prompts and encodeText). */
const ZEROSHOT_COMMON: OptionTable<ZeroshotRunOptions> = [
  { key: 'checkpoint', flag: '--checkpoint <path>', kind: 'string', required: true, help: CHECKPOINT_HELP },
  { key: 'books', flag: '--books <file>', kind: 'string', required: true, help: 'the books (.safetensors) matching the model, e.g. run/books.safetensors' },
  { key: 'csv', flag: '--csv <file>', kind: 'string', required: true, help: 'the label file in the reference format (COVIDx: its list file)' },
  { key: 'imageRoot', flag: '--image-root <dir>', kind: 'string', help: 'folder that image paths start from (default: the CSV\'s folder)' },
  { key: 'out', flag: '--out <dir>', kind: 'string', help: 'write results here' },
  { key: 'batchSize', flag: '--batch-size <n>', kind: 'integer', default: 64, help: 'images per forward pass' },
  { key: 'size', flag: '--size <px>', kind: 'integer', help: 'model input side (default: the size the checkpoint was trained at, else 224)' },
  { key: 'limit', flag: '--limit <n>', kind: 'integer', help: 'only the first n rows' },
  { key: 'device', flag: '--device <device>', kind: 'string', default: 'cpu', help: 'cpu, cuda or cuda:N' },
];

export const ZEROSHOT_CLASSIFY_OPTIONS: OptionTable<ZeroshotClassifyOptions> = [
  { key: 'dataset', flag: '--dataset <kind>', kind: 'string', required: true, choices: ['cxr14', 'rsna', 'siim', 'covidx'], help: 'the label file\'s format' },
  ...ZEROSHOT_COMMON,
  { key: 'bootstrap', flag: '--bootstrap <n>', kind: 'integer', default: 1000, help: 'bootstrap resamples (0 = none)' },
];

export const ZEROSHOT_GROUND_OPTIONS: OptionTable<ZeroshotGroundOptions> = [
  { key: 'dataset', flag: '--dataset <kind>', kind: 'string', required: true, choices: ['rsna', 'siim'], help: 'rsna (boxes) or siim (masks)' },
  ...ZEROSHOT_COMMON,
  { key: 'threshold', flag: '--threshold <t>', kind: 'number', default: 0.5, help: 'fraction of each heatmap\'s maximum above which pixels count (the reference used 0, which makes IoU/Dice meaningless)' },
  { key: 'upsampling', flag: '--upsampling <mode>', kind: 'string', default: 'nearest', choices: ['nearest', 'bilinear'], help: 'token grid → image: nearest (the reference) or bilinear' },
  { key: 'overlays', flag: '--overlays <n>', kind: 'integer', default: 8, help: 'overlay PNGs of positive images' },
];
