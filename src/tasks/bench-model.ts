/**
 * The full-configuration model benchmark: MeDSLIP with ResNet-50 to layer3, 224 px, 4+4 decoder layers,
 * batch 8 — one training step (forward with the five losses, backward, AdamW update) and one inference batch
 * (under inference mode), medians after warm-up, with random inputs of the real shapes.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as torch from '../torch/index.ts';
import { median } from '../util/stats.ts';
import { MeDSLIP, type PretrainBatch } from '../models/medslip.ts';
import { AdamW, referenceParamGroups } from '../optim/adamw.ts';
import { onnxInferenceBench, type OnnxBenchResult } from './bench-onnx.ts';
import { pythonWithTorch } from './bench-python.ts';

export interface ModelBenchResult {
  batch: number;
  imageSize: number;
  threads: number;
  trainStepMs: number;
  trainImagesPerSec: number;
  inferMs: number;
  inferImagesPerSec: number;
  peakRssMB: number;
  /** The same model exported to ONNX and run by onnxruntime-node on the same batch and threads (src/export). */
  onnxRuntime?: OnnxBenchResult;
  /**
   * The same step and inference in PyTorch, written as the reference computes them (bench/medslip_pytorch.py,
   * ProtoCL prototypes in Python loops), measured in the same run when python3 has torch.
   */
  pytorch?: { trainStepMs: number; inferMs: number };
}

/** Runs bench/medslip_pytorch.py with the same threads, batch and size; undefined when no python3 has torch. */
export function pytorchModelBaseline(threads: number, batch: number, imageSize: number, runs: number): ModelBenchResult['pytorch'] {
  const script = fileURLToPath(new URL('../../bench/medslip_pytorch.py', import.meta.url));
  const python = pythonWithTorch();
  if (python === undefined) return undefined;
  const run = spawnSync(python, [script, String(threads), String(batch), String(imageSize), String(runs)], { encoding: 'utf8', timeout: 1_800_000 });
  try {
    return run.status === 0 ? JSON.parse(run.stdout.trim().split('\n').pop()!) as { trainStepMs: number; inferMs: number } : undefined;
  } catch {
    return undefined; // unparsable output
  }
}


/** A batch of the real shapes: random images, labels/matrix in {−1, 0, 1}, valid ProtoCL candidates. */
export function randomPretrainBatch(batch: number, imageSize: number, generator: torch.Generator): PretrainBatch {
  const matrix = torch.randint(-1, 2, [batch, 51, 75], { generator }).keep();
  const labelPathology = matrix.max(1).values.keep();
  const labelAnatomy = matrix.max(2).values.keep();
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

export async function runModelBench(options: { batch?: number; imageSize?: number; runs?: number; threads?: number; baseline?: boolean; onnx?: boolean; log?: (line: string) => void } = {}): Promise<ModelBenchResult> {
  if (options.threads) torch.setNumThreads(options.threads);
  const batchSize = options.batch ?? 8, imageSize = options.imageSize ?? 224, runs = options.runs ?? 5;
  const log = options.log ?? (() => {});
  torch.manualSeed(0);
  const generator = new torch.Generator(0);
  const model = new MeDSLIP({ backbone: 'resnet50', layers: 4 });
  const books = { pathology: torch.randn([75, 768], { generator }).keep(), anatomy: torch.randn([51, 768], { generator }).keep() };
  const batch = randomPretrainBatch(batchSize, imageSize, generator);
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters()), { lr: 1e-4 });
  let peakRss = process.memoryUsage().rss;
  const time = (fn: () => void): number => {
    const start = process.hrtime.bigint();
    fn();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  model.train();
  const trainStep = (): void => torch.scope(() => {
    optimizer.zeroGrad();
    model.losses(batch, books).loss.backward();
    optimizer.step();
  });
  const trainTimes: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const ms = time(trainStep);
    if (i > 0) trainTimes.push(ms); // the first step allocates optimizer state: warm-up
    log(`train step ${i}: ${ms.toFixed(0)} ms`);
  }
  model.eval();
  const inferTimes: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const ms = time(() => torch.scope(() => torch.inferenceMode(() => { model.forward(batch.images, books); })));
    if (i > 0) inferTimes.push(ms);
    log(`inference ${i}: ${ms.toFixed(0)} ms`);
  }
  const threads = torch.getNumThreads();
  const onnxRuntime = options.onnx === false ? undefined : await onnxInferenceBench(model, books, batch.images, { runs, threads, log });
  optimizer.dispose();
  model.dispose();
  for (const t of [books.pathology, books.anatomy, ...Object.values(batch)]) t.dispose();
  const trainStepMs = median(trainTimes), inferMs = median(inferTimes);
  if (options.baseline !== false) log('PyTorch baseline (bench/medslip_pytorch.py) …');
  return {
    batch: batchSize, imageSize, threads,
    trainStepMs, trainImagesPerSec: (batchSize * 1000) / trainStepMs,
    inferMs, inferImagesPerSec: (batchSize * 1000) / inferMs,
    peakRssMB: peakRss / 2 ** 20,
    onnxRuntime,
    pytorch: options.baseline === false ? undefined : pytorchModelBaseline(threads, batchSize, imageSize, runs),
  };
}
