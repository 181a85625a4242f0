/**
 * The option tables of `medslip export` and `medslip predict` (see ./option-table.ts). They live apart from the
 * tasks, which load libtorch, so that the command line and its --help are built without the engine; the tasks
 * check every value again.
 */
import type { OptionTable } from './option-table.ts';
import type { ExportTaskOptions } from './export.ts';
import type { PredictOptions } from './predict.ts';

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
