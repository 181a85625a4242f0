/**
 * `medslip bench`: the numbers users ask for — one MeDSLIP training step and one inference batch in the full
 * configuration (ResNet-50, 224 px, 4+4 decoder layers, batch 8) and the demo's (ResNet-18, 128 px, 2+2, batch
 * 32), medians after warm-up, the data loader's images/s with 0, 1 and 2 worker threads, and the peak RSS — with
 * PyTorch baselines run alternately with medslip's where python3 has torch (the same model written as the
 * reference computes it).
 */
import { join } from 'node:path';
import { measureLoaderThroughput } from '../data/loader/index.ts';
import { isCurrentSyntheticDataset, writeSyntheticDataset } from '../synth/dataset.ts';
import { cacheDir } from './pretrain/data.ts';
import { MODEL_BENCH_CONFIGS, formatStepProfile, profileTrainingStep, runModelBench, type ModelBenchResult, type StepProfile } from './bench-model.ts';
import { checkDevice, PRECISION_CHOICES, resolvePrecision, type Device, type Precision, type PrecisionChoice } from '../torch/index.ts';
import { checkInteger, checkOneOf } from '../util/check.ts';
import { BENCH_MODEL_CONFIGS, BENCH_MODEL_DEFAULTS, type BenchModelConfig } from './tables.ts';

export interface BenchResult {
  models: ModelBenchResult[];
  loaderImagesPerSec: number;
  loader: { workers: number; imagesPerSec: number; cpuMsPerImage: number }[];
}

/** A CXR14-format set of 256-px synthetic images (like the NIH sample) for the loader benchmark. */
async function loaderBenchCsv(): Promise<string> {
  const dir = join(cacheDir(), 'bench-loader-n640-s256');
  const options = { n: 640, size: 256, seed: 3, heldOut: 320 };
  if (!isCurrentSyntheticDataset(dir, options)) await writeSyntheticDataset(dir, { ...options, overwrite: true });
  return join(dir, 'heldout_cxr14.csv');
}

export type BenchConfigName = keyof typeof MODEL_BENCH_CONFIGS;

export interface BenchOptions {
  configs?: BenchConfigName[];
  /** Batch sizes to time each configuration at, instead of its own (e.g. [32, 64] on a GPU). */
  batches?: number[];
  device?: Device;
  /** What medslip computes in (default float32). */
  precision?: Precision;
  baseline?: boolean;
  onnx?: boolean;
  runs?: number;
  log?: (line: string) => void;
}

export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const csvPath = await loaderBenchCsv();
  const loader: BenchResult['loader'] = [];
  for (const workers of [0, 1, 2]) {
    const run = await measureLoaderThroughput({ workers, images: 256, csvPath, batchSize: 16, size: 224 });
    loader.push({ workers, imagesPerSec: run.imagesPerSec, cpuMsPerImage: run.cpuMsPerImage });
    log(`loader, ${workers} worker(s): ${run.imagesPerSec.toFixed(1)} images/s`);
  }
  const models: ModelBenchResult[] = [];
  for (const name of options.configs ?? ['full', 'demo']) {
    for (const batch of options.batches ?? [MODEL_BENCH_CONFIGS[name].batch]) {
      const config = { ...MODEL_BENCH_CONFIGS[name], batch: checkInteger('batch', batch, 1, 4096) };
      models.push(await runModelBench({ config, runs: options.runs ?? BENCH_MODEL_DEFAULTS.runs, device: options.device, precision: options.precision, baseline: options.baseline, onnx: options.onnx, log }));
    }
  }
  return { models, loaderImagesPerSec: Math.max(...loader.map((l) => l.imagesPerSec)), loader };
}

function formatModelBench(result: ModelBenchResult): string[] {
  const ratio = (ours: number, theirs: number | undefined): string => (theirs ? `${(ours / theirs).toFixed(3)}×` : 'n/a');
  const p = result.pytorch, o = result.onnxRuntime, { model, batch, imageSize } = result.config;
  const row = (label: string, ours: { wallMs: number; cpuMs?: number }, theirs: { wallMs: number; cpuMs: number } | undefined, note: string): string =>
    `${label.padEnd(32)}${ours.wallMs.toFixed(0).padStart(8)} ms   ${theirs ? `${theirs.wallMs.toFixed(0).padStart(8)} ms` : '        n/a'}`
    + `   ${ratio(ours.wallMs, theirs?.wallMs).padStart(8)}   ${ours.cpuMs === undefined ? '     ' : ratio(ours.cpuMs, theirs?.cpuMs).padStart(8)}   ${note}`;
  return [
    `${result.config.name}: MeDSLIP ${model.backbone}, ${imageSize} px, ${model.layers}+${model.layers} decoder layers, dModel ${model.dModel}, batch ${batch}, on ${result.device === 'cpu' ? `the CPU, ${result.threads} thread(s)` : result.device}${result.precision === 'float32' ? '' : `, medslip in ${result.precision} (PyTorch in float32)`}; medians after warm-up, medslip's and PyTorch's runs alternating`,
    `${''.padEnd(32)}   medslip   PyTorch (reference-style)   medslip/PyTorch: wall, CPU time`,
    row('training step (libtorch)', result.train, p?.train, `(${result.trainImagesPerSec.toFixed(2)} images/s)`),
    row('inference batch (libtorch)', result.infer, p?.infer, `(${result.inferImagesPerSec.toFixed(2)} images/s)`),
    ...(o ? [row('inference batch (ONNX Runtime)', { wallMs: o.inferMs }, p?.infer, `(${o.inferImagesPerSec.toFixed(2)} images/s; ${(o.inferMs / result.infer.wallMs).toFixed(3)}× libtorch's time; medslip export)`)] : []),
  ];
}

export function formatBench(result: BenchResult): string {
  const lines = [
    ...result.models.flatMap((model) => [...formatModelBench(model), '']),
    `data loader (224 px train pipeline): ${result.loader.map((l) => `${l.workers} worker(s) ${l.imagesPerSec.toFixed(1)} images/s`).join(', ')}`
      + ` (${(result.loader[2].imagesPerSec / result.loader[0].imagesPerSec).toFixed(2)}× with 2 workers vs the main thread)`,
    `peak RSS ${Math.max(...result.models.map((m) => m.peakRssMB)).toFixed(0)} MB`,
  ];
  if (result.models.some((m) => !m.pytorch)) lines.push('PyTorch baseline skipped: no python3 with torch (Debian: apt-get install python3-torch)');
  return lines.join('\n');
}

/** `medslip bench model`'s options (BENCH_MODEL_OPTIONS in ./tables.ts). */
export interface BenchCommandOptions {
  /** Timed runs after warm-up (default 5). */
  runs?: number;
  /** full, demo or all (default: both configurations). */
  config?: BenchModelConfig;
  /** Batch sizes to time each configuration at, instead of its own. */
  batch?: number[];
  /** cpu (default), cuda or cuda:N. */
  device?: string;
  /** What medslip's trunk and decoders compute in: float32 (default), bfloat16 or auto. */
  precision?: PrecisionChoice;
  /** The PyTorch baseline (default true). */
  baseline?: boolean;
  /** The ONNX Runtime row (default true). */
  onnx?: boolean;
  /** Return the JSON object instead of the text. */
  json?: boolean;
  /** Then profile the training step of each configuration (on the CPU). */
  profile?: boolean;
  log?: (line: string) => void;
}

/** `medslip bench model --json`'s object: the bench, and with --profile the step profiles. */
export type BenchReport = BenchResult & { profiles?: StepProfile[] };

/**
 * `medslip bench model`: the bench in the configurations `config` names on `device`, then with `profile` the
 * training step's profile of each; what the command prints — the text, or with `json` the object.
 */
export async function runBenchCommand(options: BenchCommandOptions = {}): Promise<string | BenchReport> {
  const config = checkOneOf('config', options.config ?? BENCH_MODEL_DEFAULTS.config, BENCH_MODEL_CONFIGS);
  const configs: BenchConfigName[] = config === 'all' ? ['full', 'demo'] : [config];
  const device = checkDevice(options.device ?? BENCH_MODEL_DEFAULTS.device);
  const runs = checkInteger('runs', options.runs ?? BENCH_MODEL_DEFAULTS.runs, 1);
  const precision = resolvePrecision(checkOneOf('precision', options.precision ?? 'float32', PRECISION_CHOICES), device);
  const result = await runBench({ configs, batches: options.batch, device, precision, runs, baseline: options.baseline, onnx: options.onnx, log: options.log });
  const profiles = options.profile === true ? configs.map((name) => profileTrainingStep(MODEL_BENCH_CONFIGS[name], 2, precision)) : [];
  if (options.json === true) return options.profile === true ? { ...result, profiles } : result;
  return [formatBench(result), ...profiles.map((profiled) => `\n${formatStepProfile(profiled)}`)].join('\n');
}
