/**
 * The model benchmark: one MeDSLIP training step (forward with the five losses, backward, AdamW update) and one
 * inference batch (under inference mode), random inputs of the real shapes, in two configurations — the
 * reference's full one (ResNet-50 to layer3, 224 px, 4+4 decoder layers, batch 8) and the demo's (ResNet-18,
 * 128 px, 2+2 layers, batch 32). The PyTorch baseline (bench/medslip_pytorch.py, the reference's code) runs in a
 * child process that times one run per request, so medslip's runs and PyTorch's alternate within the same
 * minutes: on a machine shared with other work, load drifts, and only side-by-side runs compare. Each run is
 * timed in wall and process CPU milliseconds; medians after one warm-up run each. On a GPU both sides run on the
 * same device, and each run's clock stops only after the device has finished its queued work.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as torch from '../torch/index.ts';
import type { OperatorTime } from '../torch/profiler.ts';
import { median } from '../util/stats.ts';
import { MeDSLIP, type Books, type MedslipConfig, type PretrainBatch } from '../models/medslip.ts';
import { AdamW, referenceParamGroups } from '../optim/adamw.ts';
import type { OnnxBenchResult } from './bench-onnx.ts';
import { pythonWithTorch } from './bench-python.ts';

/** A benchmarked configuration: the model's shape and the batch it trains on. */
export interface ModelBenchConfig {
  name: string;
  model: Pick<MedslipConfig, 'backbone' | 'dModel' | 'layers' | 'dropout'>;
  batch: number;
  imageSize: number;
}

/** The two configurations `medslip bench` times: the reference's pre-training and the demo's (src/tasks/demo.ts). */
export const MODEL_BENCH_CONFIGS: Readonly<Record<'full' | 'demo', ModelBenchConfig>> = Object.freeze({
  full: { name: 'full', model: { backbone: 'resnet50', dModel: 256, layers: 4, dropout: 0.1 }, batch: 8, imageSize: 224 },
  demo: { name: 'demo', model: { backbone: 'resnet18', dModel: 256, layers: 2, dropout: 0 }, batch: 32, imageSize: 128 },
});

/** One run's cost: wall-clock and process CPU milliseconds (all threads). */
export interface RunTiming { wallMs: number; cpuMs: number }

export interface ModelBenchResult {
  config: ModelBenchConfig;
  threads: number;
  device: torch.Device;
  /** What medslip computed in (the PyTorch baseline: float32). */
  precision: torch.Precision;
  /** Medians over the timed runs. */
  train: RunTiming;
  trainImagesPerSec: number;
  infer: RunTiming;
  inferImagesPerSec: number;
  peakRssMB: number;
  /** The same model exported to ONNX and run by onnxruntime-node on the same batch and threads (src/export). */
  onnxRuntime?: OnnxBenchResult;
  /**
   * The same step and inference in PyTorch, written as the reference computes them (bench/medslip_pytorch.py,
   * ProtoCL prototypes in Python loops), its runs alternating with medslip's; absent when no python3 has torch.
   */
  pytorch?: { train: RunTiming; infer: RunTiming };
}

/**
 * bench/medslip_pytorch.py as a child process that times one training step or inference batch per request.
 * start() resolves to undefined when no python3 has torch or the script fails to start.
 */
export class PytorchModelBaseline {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting: ((line: string | undefined) => void)[] = [];

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    createInterface({ input: child.stdout }).on('line', (line) => this.#waiting.shift()?.(line));
    child.on('close', () => { for (const resolve of this.#waiting.splice(0)) resolve(undefined); });
  }

  static async start(threads: number, config: ModelBenchConfig, device: torch.Device = 'cpu'): Promise<PytorchModelBaseline | undefined> {
    const python = pythonWithTorch();
    if (python === undefined) return undefined;
    const script = fileURLToPath(new URL('../../bench/medslip_pytorch.py', import.meta.url));
    const { backbone, dModel, layers, dropout } = config.model;
    const child = spawn(python, [script, ...[threads, config.batch, config.imageSize, backbone, dModel, layers, dropout, device].map(String)]);
    child.stderr.resume(); // a Python warning must not fill the pipe and stall the child
    const baseline = new PytorchModelBaseline(child);
    const ready = await baseline.#nextLine();
    if (ready !== 'ready') {
      baseline.close();
      return undefined;
    }
    return baseline;
  }

  #nextLine(): Promise<string | undefined> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Times one run in the child; undefined when the child has died. */
  async time(kind: 'train' | 'infer'): Promise<RunTiming | undefined> {
    const answer = this.#nextLine();
    this.#child.stdin.write(`${kind}\n`);
    const line = await answer;
    return line === undefined ? undefined : JSON.parse(line) as RunTiming;
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }
}

/** A batch of the real shapes: random images, labels/matrix in {−1, 0, 1}, valid ProtoCL candidates. */
export function randomPretrainBatch(batch: number, imageSize: number, generator: torch.Generator): PretrainBatch {
  const matrix = torch.randint(-1, 2, [batch, 51, 75], { generator }).keep();
  // max() also returns the indices: the scopes release them
  const labelPathology = torch.scope(() => matrix.max(1).values).keep();
  const labelAnatomy = torch.scope(() => matrix.max(2).values).keep();
  const candidates = (rows: number, book: number, labels: torch.Tensor): torch.Tensor => torch.scope(() => {
    const index = torch.randint(0, book, [batch, rows, 8], { generator });
    const placeholder = labels.eq(1).unsqueeze(2).logicalAnd(torch.arange(8).eq(0).reshape(1, 1, 8));
    return index.where(placeholder.logicalNot(), -1);
  }).keep();
  return {
    images: torch.randn([batch, 3, imageSize, imageSize], { generator }).keep(),
    labelPathology, labelAnatomy, matrix,
    indexPathology: candidates(75, 51, labelPathology),
    indexAnatomy: candidates(51, 75, labelAnatomy),
  };
}

/** The batch's tensors (an interface's Object.values would be untyped). */
export function batchTensors(batch: PretrainBatch): torch.Tensor[] {
  const fields: Record<keyof PretrainBatch, torch.Tensor> = batch;
  return Object.values(fields);
}

/** Median wall and CPU milliseconds of a list of timed runs. */
function medianTiming(runs: RunTiming[]): RunTiming {
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

export interface ModelBenchOptions {
  config?: ModelBenchConfig;
  runs?: number;
  threads?: number;
  /** cpu (default), cuda or cuda:N: medslip and the PyTorch baseline both run there. */
  device?: torch.Device;
  /** What medslip's trunk and decoders compute in (default float32; the PyTorch baseline is float32, as the reference). */
  precision?: torch.Precision;
  baseline?: boolean;
  /** The ONNX Runtime row (CPU only: onnxruntime-node runs on the CPU). */
  onnx?: boolean;
  log?: (line: string) => void;
}

/** What a benchmark times: a seeded model, books and batch of the configuration's shapes on `device`, and its optimizer. */
interface BenchSetup {
  model: MeDSLIP;
  books: Books;
  batch: PretrainBatch;
  /** One training step: forward with the five losses, backward, AdamW update. */
  trainStep: () => void;
  dispose: () => void;
}

function benchSetup(config: ModelBenchConfig, device: torch.Device, precision: torch.Precision = 'float32'): BenchSetup {
  torch.manualSeed(0);
  const generator = new torch.Generator(0);
  const model = new MeDSLIP(config.model).to(device);
  model.precision = precision;
  /** Moves a host tensor to the device (kept), releasing the host copy. */
  const onDevice = (host: torch.Tensor): torch.Tensor => {
    if (device === 'cpu') return host.keep();
    const moved = host.to(device).keep();
    host.dispose();
    return moved;
  };
  const books = { pathology: onDevice(torch.randn([75, 768], { generator })), anatomy: onDevice(torch.randn([51, 768], { generator })) };
  const hostBatch: Record<keyof PretrainBatch, torch.Tensor> = randomPretrainBatch(config.batch, config.imageSize, generator);
  const batch: PretrainBatch = Object.fromEntries(Object.entries(hostBatch).map(([key, t]) => [key, onDevice(t)])) as Record<keyof PretrainBatch, torch.Tensor>;
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters()), { lr: 1e-4 });
  return {
    model, books, batch,
    trainStep: () => torch.scope(() => {
      optimizer.zeroGrad();
      model.losses(batch, books).loss.backward();
      optimizer.step();
    }),
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      for (const t of [books.pathology, books.anatomy, ...batchTensors(batch)]) t.dispose();
    },
  };
}

export async function runModelBench(options: ModelBenchOptions = {}): Promise<ModelBenchResult> {
  if (options.threads) torch.setNumThreads(options.threads);
  const config = options.config ?? MODEL_BENCH_CONFIGS.full, runs = options.runs ?? 5;
  const device = torch.checkDevice(options.device ?? 'cpu');
  const log = options.log ?? (() => {});
  const threads = torch.getNumThreads();
  if (options.baseline !== false) log(`${config.name}: starting the PyTorch baseline (bench/medslip_pytorch.py) on ${device} …`);
  const pytorch = options.baseline === false ? undefined : await PytorchModelBaseline.start(threads, config, device);
  const precision = options.precision ?? 'float32';
  const setup = benchSetup(config, device, precision);
  const { model, books, batch, trainStep } = setup;
  let peakRss = process.memoryUsage().rss;
  const time = (fn: () => void): RunTiming => {
    const wall = process.hrtime.bigint(), cpu = process.cpuUsage();
    fn();
    torch.synchronize(device); // sync point: a GPU may still be running what fn queued
    const used = process.cpuUsage(cpu);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { wallMs: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (used.user + used.system) / 1000 };
  };
  const inferBatch = (): void => torch.scope(() => torch.inferenceMode(() => { model.forward(batch.images, books); }));
  // Alternates medslip's runs with PyTorch's; the first of each (allocation, optimizer state) is warm-up.
  const alternate = async (kind: 'train' | 'infer', fn: () => void): Promise<{ ours: RunTiming[]; theirs: RunTiming[] }> => {
    const ours: RunTiming[] = [], theirs: RunTiming[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const mine = time(fn);
      const baseline = await pytorch?.time(kind);
      if (i > 0) ours.push(mine);
      if (i > 0 && baseline) theirs.push(baseline);
      log(`${config.name} ${kind} ${i}: medslip ${mine.wallMs.toFixed(0)} ms${baseline ? `, PyTorch ${baseline.wallMs.toFixed(0)} ms` : ''}`);
    }
    return { ours, theirs };
  };
  try {
    model.train();
    const train = await alternate('train', trainStep);
    model.eval();
    const infer = await alternate('infer', inferBatch);
    // imported here: onnxruntime-node loads its native library on import, which --no-onnx (and a GPU run) need not
    const onnxRuntime = options.onnx === false || device !== 'cpu' ? undefined
      : await (await import('./bench-onnx.ts')).onnxInferenceBench(model, books, batch.images, { runs, threads, log });
    const trainTiming = medianTiming(train.ours), inferTiming = medianTiming(infer.ours);
    return {
      config, threads, device, precision,
      train: trainTiming, trainImagesPerSec: (config.batch * 1000) / trainTiming.wallMs,
      infer: inferTiming, inferImagesPerSec: (config.batch * 1000) / inferTiming.wallMs,
      peakRssMB: peakRss / 2 ** 20,
      onnxRuntime,
      pytorch: train.theirs.length === runs && infer.theirs.length === runs
        ? { train: medianTiming(train.theirs), infer: medianTiming(infer.theirs) } : undefined,
    };
  } finally {
    pytorch?.close();
    setup.dispose();
  }
}

/** Where a training step's time goes: the profile of `steps` steps, per step. */
export interface StepProfile {
  config: ModelBenchConfig;
  threads: number;
  precision: torch.Precision;
  steps: number;
  /** Wall ms per step under the profiler (its overhead included). */
  wallMsPerStep: number;
  /** Operators by self time per step, with their share of the step's operator time. */
  operators: (OperatorTime & { share: number })[];
}

/**
 * Profiles MeDSLIP's training step (forward with the five losses, backward, AdamW) in one configuration on the
 * CPU: one warm-up step, then `steps` profiled steps, times divided by `steps`.
 */
export function profileTrainingStep(config: ModelBenchConfig, steps = 2, precision: torch.Precision = 'float32'): StepProfile {
  const setup = benchSetup(config, 'cpu', precision);
  const { trainStep } = setup;
  setup.model.train();
  try {
    trainStep();
    const summary = torch.profile(() => { for (let i = 0; i < steps; i++) trainStep(); });
    return {
      config, threads: torch.getNumThreads(), precision, steps, wallMsPerStep: summary.wallMs / steps,
      operators: summary.operators.map((o) => ({ name: o.name, calls: o.calls / steps, selfMs: o.selfMs / steps,
        totalMs: o.totalMs / steps, share: o.selfMs / summary.operatorMs })),
    };
  } finally {
    setup.dispose();
  }
}

/** The top `top` operators of a step profile as a table. */
export function formatStepProfile(profile: StepProfile, top = 15): string {
  const { config } = profile;
  const lines = [`${config.name} training step (${config.model.backbone}, ${config.imageSize} px, ${config.model.layers}+${config.model.layers} layers, batch ${config.batch}, ${profile.threads} thread(s)${profile.precision === 'float32' ? '' : `, ${profile.precision}`}): ${profile.wallMsPerStep.toFixed(0)} ms per step under the profiler`,
    '  self ms   share   calls  operator'];
  for (const o of profile.operators.slice(0, top)) {
    lines.push(`${o.selfMs.toFixed(1).padStart(9)} ${(o.share * 100).toFixed(1).padStart(6)} % ${String(Math.round(o.calls)).padStart(6)}  ${o.name}`);
  }
  const rest = profile.operators.slice(top);
  if (rest.length > 0) lines.push(`${rest.reduce((s, o) => s + o.selfMs, 0).toFixed(1).padStart(9)} ${(rest.reduce((s, o) => s + o.share, 0) * 100).toFixed(1).padStart(6)} %         ${rest.length} other operators`);
  return lines.join('\n');
}
