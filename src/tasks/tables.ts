/**
 * The option tables of `medslip pretrain`, `demo`, `serve`, `synth`, `labels`, `books`, `zeroshot classify|ground`, `export`,
 * `predict` and `bench model|distributed|memory|engine|learning|learning-parity` (see ./option-table.ts), and the
 * defaults those tasks share with their tables. They live apart from the tasks, which load libtorch, so that the
 * command line and its --help are built without the engine; the tasks check every value again.
 */
import type { OptionTable } from './option-table.ts';
import { PRECISIONS, PRECISION_CHOICES } from '../torch/precision.ts';
import { SERVE_DEFAULTS } from '../serve/defaults.ts';
import { SYNTHETIC_DATASET_DEFAULTS } from '../synth/defaults.ts';
import { BOOK_MAX_LENGTH } from '../text/books.ts';
import type { PretrainCommandOptions } from './pretrain/command.ts';
import type { DemoOptions } from './demo.ts';
import type { InfoCommandOptions } from './info.ts';
import type { ServeTaskOptions } from './serve.ts';
import type { LabelsCommandOptions } from './labels.ts';
import type { DatasetOptions } from '../synth/dataset.ts';
import type { EncodeBooksToFileOptions } from '../text/encode-books.ts';
import type { ExportTaskOptions } from './export.ts';
import type { BenchCommandOptions } from './bench.ts';
import type { DistributedBenchOptions } from './bench-distributed.ts';
import type { MemoryBenchOptions } from './bench-memory.ts';
import type { EngineBenchOptions } from './bench-engine.ts';
import type { LearningBenchOptions } from './bench-learning.ts';
import type { LearningParityOptions } from './bench-learning-parity.ts';
import type { PredictOptions } from './predict.ts';
import type { ZeroshotRunOptions } from './zeroshot/options.ts';
import type { ZeroshotClassifyOptions } from './zeroshot-classify.ts';
import type { ZeroshotGroundOptions } from './zeroshot-ground.ts';

/** `medslip pretrain`'s launcher defaults (runPretrainCommand's too): one process on one machine. */
export const PRETRAIN_COMMAND_DEFAULTS = Object.freeze({ nprocPerNode: 1, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', distTimeout: 1800 });

/**
 * `medslip pretrain`'s flags; the settings themselves are key=value overrides (the table of ./pretrain/config.ts),
 * and --device … --books are shortcuts for some of them.
 */
export const PRETRAIN_OPTIONS: OptionTable<PretrainCommandOptions> = [
  { key: 'config', flag: '--config <file>', kind: 'string', help: 'YAML config: medslip keys or the reference\'s Pretrain_MeDSLIP.yaml keys as they are' },
  { key: 'out', flag: '--out <dir>', kind: 'string', help: 'run folder (checkpoints, log.jsonl, loss.png, books): new or empty (default runs/pretrain)' },
  { key: 'resume', flag: '--resume <run|checkpoint>', kind: 'string', help: 'continue a run in its own folder: the folder (its last checkpoint) or one of its checkpoints; same settings, lr, data order and random stream; the model\'s settings cannot change' },
  { key: 'overwrite', flag: '--overwrite', kind: 'boolean', help: 'replace the earlier run in --out (its files; other files are refused, not deleted)' },
  { key: 'device', flag: '--device <device>', kind: 'string', help: 'cpu, cuda or cuda:N' },
  { key: 'epochs', flag: '--epochs <n>', kind: 'integer', help: 'epochs' },
  { key: 'batchSize', flag: '--batch-size <n>', kind: 'integer', help: 'images per step' },
  { key: 'workers', flag: '--workers <n>', kind: 'integer', help: 'data-loading workers' },
  { key: 'seed', flag: '--seed <n>', kind: 'integer', help: 'seed of data order, augmentation and init' },
  { key: 'textEncoder', flag: '--text-encoder <dir>', kind: 'string', help: 'a Hugging Face BERT folder for the books (default: offline encoder, no weights)' },
  { key: 'books', flag: '--books <file>', kind: 'string', help: 'precomputed books (.safetensors from `medslip books`)' },
  { key: 'quiet', flag: '--quiet', kind: 'boolean', help: 'no progress bars' },
  { key: 'nprocPerNode', flag: '--nproc-per-node <n>', kind: 'integer', default: PRETRAIN_COMMAND_DEFAULTS.nprocPerNode, help: 'data-parallel training: start this many worker processes on this machine (batch size is per worker)' },
  { key: 'nnodes', flag: '--nnodes <n>', kind: 'integer', default: PRETRAIN_COMMAND_DEFAULTS.nnodes, help: 'machines in the job (run the same command on each, with its --node-rank)' },
  { key: 'nodeRank', flag: '--node-rank <n>', kind: 'integer', default: PRETRAIN_COMMAND_DEFAULTS.nodeRank, help: 'this machine\'s place in the job, 0…nnodes−1' },
  { key: 'masterAddr', flag: '--master-addr <host>', kind: 'string', default: PRETRAIN_COMMAND_DEFAULTS.masterAddr, help: 'the machine of rank 0, which keeps the job\'s store' },
  { key: 'masterPort', flag: '--master-port <port>', kind: 'integer', help: 'the store\'s port (default: a free one on one machine, 29500 on several)' },
  { key: 'distTimeout', flag: '--dist-timeout <s>', kind: 'number', default: PRETRAIN_COMMAND_DEFAULTS.distTimeout, help: 'seconds a rank waits for the others before the job fails, naming the rank' },
];

export const INFO_OPTIONS: OptionTable<InfoCommandOptions> = [
  { key: 'json', flag: '--json', kind: 'boolean', help: 'print one JSON object' },
];

/** `medslip demo`'s defaults (runDemo uses them too). */
export const DEMO_DEFAULTS = Object.freeze({
  out: 'runs/demo',
  /**
   * The pre-training budget in seconds, as the plan made in pre-training's warm-up predicts it (demo-budget.ts).
   * With the rest of a demo (data, books, evaluation and report: about 10 s) the whole stays under 10 minutes.
   * Measured on a 2-core AMD EPYC: float32, 9 epochs predicted 523 s, took 484 s (494 s in all); bfloat16, 19
   * epochs predicted 556 s, took 568 s (578 s in all) at a budget of 560 s — hence 550, which keeps a margin for
   * the bfloat16 plan's 2 % under-prediction.
   */
  trainSeconds: 550,
  images: 1200,
  seed: 1,
});

export const DEMO_OPTIONS: OptionTable<DemoOptions> = [
  { key: 'out', flag: '--out <dir>', kind: 'string', default: DEMO_DEFAULTS.out, help: 'report folder' },
  { key: 'trainSeconds', flag: '--train-seconds <s>', kind: 'number', help: `time budget of pre-training; the epochs are chosen to fit it (default ${DEMO_DEFAULTS.trainSeconds}: the whole demo stays under 10 minutes)` },
  { key: 'epochs', flag: '--epochs <n>', kind: 'integer', help: 'a fixed number of epochs instead of the time budget' },
  { key: 'images', flag: '--images <n>', kind: 'integer', default: DEMO_DEFAULTS.images, help: 'synthetic images (20 % held out)' },
  { key: 'seed', flag: '--seed <n>', kind: 'integer', help: `seed of data, init and order (default ${DEMO_DEFAULTS.seed}, the demo's)` },
  { key: 'precision', flag: '--precision <p>', kind: 'string', default: 'auto', choices: PRECISION_CHOICES, help: 'what pre-training and the ceiling compute in: auto is bfloat16 on a CPU with native bfloat16 instructions (about half the step), float32 elsewhere' },
  { key: 'quiet', flag: '--quiet', kind: 'boolean', help: 'no progress bars' },
];

export const SERVE_OPTIONS: OptionTable<ServeTaskOptions> = [
  { key: 'model', flag: '--model <file>', kind: 'string', help: 'an ONNX model from `medslip export`' },
  { key: 'checkpoint', flag: '--checkpoint <path>', kind: 'string', help: 'a checkpoint to export on first use (with --books); default: the demo\'s runs/demo/pretrain/best' },
  { key: 'books', flag: '--books <file>', kind: 'string', help: 'the books of --checkpoint' },
  { key: 'size', flag: '--size <px>', kind: 'integer', help: 'input side for exporting --checkpoint (default: the run\'s imageSize, else 224)' },
  { key: 'port', flag: '--port <n>', kind: 'integer', default: SERVE_DEFAULTS.port, help: 'port' },
  { key: 'host', flag: '--host <address>', kind: 'string', default: SERVE_DEFAULTS.host, help: 'address to listen on; 0.0.0.0 makes the page reachable from other computers (they run the model themselves)' },
];

/** `medslip synth`'s options: the folder to write and the dataset's settings. */
export type SynthOptions = Pick<DatasetOptions, 'n' | 'size' | 'seed' | 'heldOut' | 'overwrite'> & { out: string };

/** The synthetic dataset's size defaults (writeSyntheticDataset's too); the command's seed is the demo's. */
export const SYNTH_DEFAULTS = Object.freeze({ ...SYNTHETIC_DATASET_DEFAULTS, seed: DEMO_DEFAULTS.seed });

export const SYNTH_OPTIONS: OptionTable<SynthOptions> = [
  { key: 'out', flag: '--out <dir>', kind: 'string', required: true, help: 'output folder (must not exist, or use --overwrite)' },
  { key: 'n', flag: '--n <count>', kind: 'integer', default: SYNTH_DEFAULTS.n, help: 'number of images' },
  { key: 'size', flag: '--size <px>', kind: 'integer', default: SYNTH_DEFAULTS.size, help: 'image side in pixels' },
  { key: 'seed', flag: '--seed <n>', kind: 'integer', default: SYNTH_DEFAULTS.seed, help: 'generator seed' },
  { key: 'heldOut', flag: '--held-out <count>', kind: 'integer', help: 'images kept out of pre-training for evaluation (default 20 %)' },
  { key: 'overwrite', flag: '--overwrite', kind: 'boolean', help: 'replace an earlier synthetic set in --out (a folder with its manifest.json; anything else is refused)' },
];

/** The CSV columns `medslip labels` reads by default (runLabels' too). */
export const LABELS_DEFAULTS = Object.freeze({ idColumn: 'id', textColumn: 'text' });

export const LABELS_OPTIONS: OptionTable<LabelsCommandOptions> = [
  { key: 'out', flag: '--out <dir>', kind: 'string', help: 'output folder (required unless --explain)' },
  { key: 'jsonl', flag: '--jsonl', kind: 'boolean', help: 'also write labels.jsonl: the extracted entities of each report' },
  { key: 'idColumn', flag: '--id-column <name>', kind: 'string', default: LABELS_DEFAULTS.idColumn, help: 'CSV column of the report id' },
  { key: 'textColumn', flag: '--text-column <name>', kind: 'string', default: LABELS_DEFAULTS.textColumn, help: 'CSV column of the report text' },
  { key: 'allSections', flag: '--all-sections', kind: 'boolean', help: 'read every section (default: FINDINGS and IMPRESSION only)' },
  { key: 'explain', flag: '--explain <id>', kind: 'string', help: 'print, for the report with this id, each sentence with the spans it matched, their scopes and the resulting entries (writes nothing)' },
];

export const BOOKS_OPTIONS: OptionTable<EncodeBooksToFileOptions> = [
  { key: 'out', flag: '--out <file>', kind: 'string', required: true, help: 'output .safetensors file (tensors pathology and anatomy, with metadata)' },
  { key: 'textEncoder', flag: '--text-encoder <dir>', kind: 'string', help: 'a Hugging Face BERT folder (config.json, vocab.txt, model.safetensors or pytorch_model.bin); default: the offline encoder' },
  { key: 'pathologyBook', flag: '--pathology-book <file>', kind: 'string', help: 'a JSON object observation → description (75 entries, in order), e.g. the reference\'s "observation explanation.json"' },
  { key: 'maxLength', flag: '--max-length <n>', kind: 'integer', default: BOOK_MAX_LENGTH, help: `tokens per text (${BOOK_MAX_LENGTH} as the reference pre-training; its downstream scripts used 64)` },
];

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

/** What `medslip bench model --config` runs: the full configuration, the demo's, or both. */
export const BENCH_MODEL_CONFIGS = ['full', 'demo', 'all'] as const;
export type BenchModelConfig = typeof BENCH_MODEL_CONFIGS[number];

/** `medslip bench model`'s defaults (runBenchCommand's too). */
export const BENCH_MODEL_DEFAULTS = Object.freeze({ runs: 5, config: 'all', device: 'cpu' });

export const BENCH_MODEL_OPTIONS: OptionTable<BenchCommandOptions> = [
  { key: 'runs', flag: '--runs <n>', kind: 'integer', default: BENCH_MODEL_DEFAULTS.runs, help: 'timed runs after warm-up (median reported)' },
  { key: 'config', flag: '--config <name>', kind: 'string', default: BENCH_MODEL_DEFAULTS.config, choices: BENCH_MODEL_CONFIGS, help: 'which configuration: the full one, the demo\'s, or both' },
  { key: 'batch', flag: '--batch <sizes>', kind: 'integers', help: 'batch sizes to time, comma-separated, instead of each configuration\'s own (e.g. 32,64 on a GPU)' },
  { key: 'device', flag: '--device <device>', kind: 'string', default: BENCH_MODEL_DEFAULTS.device, help: 'cpu, cuda or cuda:N: medslip and the PyTorch baseline both run there (the ONNX row is CPU-only)' },
  { key: 'precision', flag: '--precision <p>', kind: 'string', default: 'float32', choices: PRECISION_CHOICES, help: 'what medslip\'s trunk and decoders compute in (the PyTorch baseline stays float32, as the reference): bfloat16 runs them under autocast; auto picks it on a CPU with native bfloat16 instructions' },
  { key: 'baseline', flag: '--no-baseline', kind: 'boolean', help: 'skip the PyTorch baseline' },
  { key: 'onnx', flag: '--no-onnx', kind: 'boolean', help: 'skip the ONNX Runtime row (the same model exported and run by onnxruntime-node)' },
  { key: 'json', flag: '--json', kind: 'boolean', help: 'print one JSON object (models: per configuration train/infer wall and CPU ms, images/s, onnxRuntime, pytorch; loaderImagesPerSec, peakRssMB, …; profiles with --profile)' },
  { key: 'profile', flag: '--profile', kind: 'boolean', help: 'then profile the training step of each configuration (libtorch\'s autograd profiler): the operators with the largest self time and their share of the step' },
];

/** `medslip bench distributed`'s defaults (runDistributedBench's too). */
export const BENCH_DISTRIBUTED_DEFAULTS = Object.freeze({ imageSize: 64, batchSize: 8, images: 200 });

export const BENCH_DISTRIBUTED_OPTIONS: OptionTable<DistributedBenchOptions> = [
  { key: 'imageSize', flag: '--image-size <px>', kind: 'integer', default: BENCH_DISTRIBUTED_DEFAULTS.imageSize, help: 'image side' },
  { key: 'batchSize', flag: '--batch-size <n>', kind: 'integer', default: BENCH_DISTRIBUTED_DEFAULTS.batchSize, help: 'images per process and step' },
  { key: 'images', flag: '--images <n>', kind: 'integer', default: BENCH_DISTRIBUTED_DEFAULTS.images, help: 'synthetic images (80 % train)' },
];

/** The shapes `medslip bench memory --size` runs the loop at: soak's small model, or the demo's training step. */
export const BENCH_MEMORY_SIZES = ['soak', 'demo'] as const;
export type MemoryBenchSize = typeof BENCH_MEMORY_SIZES[number];

/** `medslip bench memory`'s defaults (runMemoryBench's and soak's too). */
export const BENCH_MEMORY_DEFAULTS = Object.freeze({ steps: 1000, rounds: 2, size: 'soak' });

export const BENCH_MEMORY_OPTIONS: OptionTable<MemoryBenchOptions> = [
  { key: 'steps', flag: '--steps <n>', kind: 'integer', default: BENCH_MEMORY_DEFAULTS.steps, help: 'training steps per run' },
  { key: 'rounds', flag: '--rounds <n>', kind: 'integer', default: BENCH_MEMORY_DEFAULTS.rounds, help: 'alternating rounds (median reported)' },
  { key: 'size', flag: '--size <size>', kind: 'string', default: BENCH_MEMORY_DEFAULTS.size, choices: BENCH_MEMORY_SIZES, help: 'the loop\'s shapes: soak (ResNet-18, dModel 64, 1+1 layers, batch 4, 64 px) or demo (the demo\'s training step: dModel 256, 2+2 layers, batch 32, 128 px)' },
];

/** `medslip bench engine`'s defaults (runEngineBench's too). */
export const BENCH_ENGINE_DEFAULTS = Object.freeze({ rounds: 3 });

export const BENCH_ENGINE_OPTIONS: OptionTable<EngineBenchOptions> = [
  { key: 'threads', flag: '--threads <n>', kind: 'integer', help: 'intra-op threads (default: all cores)' },
  { key: 'rounds', flag: '--rounds <n>', kind: 'integer', default: BENCH_ENGINE_DEFAULTS.rounds, help: 'alternating medslip/PyTorch rounds (median reported)' },
  { key: 'baseline', flag: '--no-baseline', kind: 'boolean', help: 'skip the PyTorch baseline' },
];

/** `medslip bench learning`'s options; an omitted one keeps the demo's value or the ceiling's default (CEILING_DEFAULTS in ./ceiling.ts). */
export const BENCH_LEARNING_OPTIONS: OptionTable<LearningBenchOptions> = [
  { key: 'data', flag: '--data <dir>', kind: 'string', help: 'a folder with train_cxr14.csv and heldout_cxr14.csv (default: the demo\'s synthetic data, generated if missing)' },
  { key: 'steps', flag: '--steps <n>', kind: 'integer', help: 'optimizer steps (default 250: about 9 epochs of the demo\'s training split)' },
  { key: 'batchSize', flag: '--batch-size <n>', kind: 'integer', help: 'images per step (default: the demo\'s)' },
  { key: 'imageSize', flag: '--image-size <px>', kind: 'integer', help: 'input side (default: the demo\'s)' },
  { key: 'lr', flag: '--lr <lr>', kind: 'number', help: 'peak learning rate of the one-cycle schedule (default 1e-3)' },
  { key: 'seed', flag: '--seed <n>', kind: 'integer', help: `seed of init, order and augmentation, and of the default data (default ${DEMO_DEFAULTS.seed}, the demo's)` },
  { key: 'workers', flag: '--workers <n>', kind: 'integer', help: 'data-loading threads (default: the demo\'s)' },
  { key: 'precision', flag: '--precision <p>', kind: 'string', choices: PRECISIONS, help: 'what the trunk computes in (default: the demo\'s, bfloat16 on a CPU with native bfloat16)' },
];

/** `medslip bench learning-parity`'s defaults (runLearningParity's steps too). */
export const BENCH_LEARNING_PARITY_DEFAULTS = Object.freeze({ out: 'runs/learning-parity', steps: 100 });

export const BENCH_LEARNING_PARITY_OPTIONS: OptionTable<LearningParityOptions> = [
  { key: 'out', flag: '--out <dir>', kind: 'string', default: BENCH_LEARNING_PARITY_DEFAULTS.out, help: 'run folder: init weights, books, batches, parity.json, curves.png, difference.png' },
  { key: 'data', flag: '--data <dir>', kind: 'string', help: 'the synthetic dataset folder (generated there if missing; default: the demo\'s, in the cache)' },
  { key: 'steps', flag: '--steps <n>', kind: 'integer', help: `optimizer steps (default ${BENCH_LEARNING_PARITY_DEFAULTS.steps})` },
  { key: 'batchSize', flag: '--batch-size <n>', kind: 'integer', help: 'images per step (default: the demo\'s)' },
  { key: 'imageSize', flag: '--image-size <px>', kind: 'integer', help: 'input side (default: the demo\'s)' },
  { key: 'seed', flag: '--seed <n>', kind: 'integer', help: `seed of data, init and order (default ${DEMO_DEFAULTS.seed}, the demo's)` },
  { key: 'noiseBaseline', flag: '--no-noise-baseline', kind: 'boolean', help: 'skip the second PyTorch run from weights one float32 rounding step away' },
  { key: 'quiet', flag: '--quiet', kind: 'boolean', help: 'no progress bars' },
];
