/**
 * `medslip bench`: the full-configuration numbers users ask for — one MeDSLIP training step and one inference
 * batch (ResNet-50, 224 px, 4+4 decoder layers, batch 8; medians after warm-up), the data loader's images/s with
 * 0, 1 and 2 worker threads, and the peak RSS — with PyTorch baselines measured in the same run where python3 has
 * torch (the same model written as the reference computes it).
 */
import { join } from 'node:path';
import { measureLoaderThroughput } from '../data/loader/index.ts';
import { isCurrentSyntheticDataset, writeSyntheticDataset } from '../synth/dataset.ts';
import { cacheDir } from './pretrain/data.ts';
import { runModelBench, type ModelBenchResult } from './bench-model.ts';

export interface BenchResult extends ModelBenchResult {
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

export async function runBench(options: { baseline?: boolean; onnx?: boolean; runs?: number; log?: (line: string) => void } = {}): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const csvPath = await loaderBenchCsv();
  const loader: BenchResult['loader'] = [];
  for (const workers of [0, 1, 2]) {
    const run = await measureLoaderThroughput({ workers, images: 256, csvPath, batchSize: 16, size: 224 });
    loader.push({ workers, imagesPerSec: run.imagesPerSec, cpuMsPerImage: run.cpuMsPerImage });
    log(`loader, ${workers} worker(s): ${run.imagesPerSec.toFixed(1)} images/s`);
  }
  const model = await runModelBench({ runs: options.runs ?? 5, baseline: options.baseline, onnx: options.onnx, log });
  return { ...model, loaderImagesPerSec: Math.max(...loader.map((l) => l.imagesPerSec)), loader };
}

export function formatBench(result: BenchResult): string {
  const ratio = (ours: number, theirs: number | undefined): string => (theirs ? `${(ours / theirs).toFixed(3)}×` : 'n/a');
  const p = result.pytorch, o = result.onnxRuntime;
  const row = (label: string, ms: number, baseline: number | undefined, note: string): string =>
    `${label.padEnd(32)}${ms.toFixed(0).padStart(8)} ms   ${baseline ? `${baseline.toFixed(0).padStart(8)} ms` : '        n/a'}   ${ratio(ms, baseline).padStart(15)}   ${note}`;
  const lines = [
    `MeDSLIP ResNet-50, ${result.imageSize} px, 4+4 decoder layers, batch ${result.batch}, ${result.threads} thread(s); medians after warm-up`,
    `${''.padEnd(32)}   medslip   PyTorch (reference-style)   medslip/PyTorch`,
    row('training step (libtorch)', result.trainStepMs, p?.trainStepMs, `(${result.trainImagesPerSec.toFixed(2)} images/s)`),
    row('inference batch (libtorch)', result.inferMs, p?.inferMs, `(${result.inferImagesPerSec.toFixed(2)} images/s)`),
    ...(o ? [row('inference batch (ONNX Runtime)', o.inferMs, p?.inferMs, `(${o.inferImagesPerSec.toFixed(2)} images/s; ${(o.inferMs / result.inferMs).toFixed(3)}× libtorch's time; medslip export)`)] : []),
    `data loader (224 px train pipeline): ${result.loader.map((l) => `${l.workers} worker(s) ${l.imagesPerSec.toFixed(1)} images/s`).join(', ')}`
      + ` (${(result.loader[2].imagesPerSec / result.loader[0].imagesPerSec).toFixed(2)}× with 2 workers vs the main thread)`,
    `peak RSS ${result.peakRssMB.toFixed(0)} MB`,
  ];
  if (!p) lines.push('PyTorch baseline skipped: no python3 with torch (Debian: apt-get install python3-torch)');
  return lines.join('\n');
}
