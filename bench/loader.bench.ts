/**
 * Loader throughput: images/s of the pre-training pipeline (decode PNG → RandomResizedCrop 224 → RandAugment →
 * normalise) on shared/data/nih-cxr14-sample, with 0, 1 and 2 worker threads measured side by side in
 * alternating rounds, and each count's ratio against 0 workers (everything in the main thread).
 *
 *   node --import tsx bench/loader.bench.ts [--images 256] [--rounds 3] [--workers 0,1,2] [--batch-size 16] [--csv PATH]
 *
 * Run it on an otherwise idle machine: the load average is printed with the results.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_BENCH_CSV, measureLoaderThroughput } from '../src/data/loader/throughput.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '0,1,2' },
    'batch-size': { type: 'string', default: '16' },
    csv: { type: 'string', default: DEFAULT_BENCH_CSV },
  },
});
const images = Number(values.images);
const rounds = Number(values.rounds);
const batchSize = Number(values['batch-size']);
const workerCounts = values.workers.split(',').map(Number);
if (!workerCounts.includes(0)) workerCounts.unshift(0); // the baseline

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

console.log(`loader throughput: ${images} images per run after a warm-up batch, batch ${batchSize}, 224 px, ${rounds} rounds`);
console.log(`cpus ${cpus().length}, load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const rates = new Map<number, number[]>(workerCounts.map((w) => [w, []]));
const cpuCosts = new Map<number, number[]>(workerCounts.map((w) => [w, []]));
const warmups = new Map<number, number[]>(workerCounts.map((w) => [w, []]));
for (let round = 0; round < rounds; round++) {
  for (const workers of workerCounts) {
    const result = await measureLoaderThroughput({ workers, images, batchSize, csvPath: values.csv, seed: round });
    console.log(`  round ${round + 1}, ${workers} workers: ${result.imagesPerSec.toFixed(1)} images/s, ${result.cpuMsPerImage.toFixed(1)} CPU ms/image`);
    cpuCosts.get(workers)!.push(result.cpuMsPerImage);
    rates.get(workers)!.push(result.imagesPerSec);
    warmups.get(workers)!.push(result.warmupSeconds);
  }
}
const baseline = median(rates.get(0)!);
console.log('workers  images/s (median)  runs                    ratio vs 0  CPU ms/image  first batch (s)');
for (const workers of workerCounts) {
  const runs = rates.get(workers)!;
  console.log(
    `${String(workers).padStart(7)}  ${median(runs).toFixed(1).padStart(17)}  ${runs.map((r) => r.toFixed(1)).join(' ').padEnd(22)}  ` +
      `${(median(runs) / baseline).toFixed(2).padStart(10)}  ${median(cpuCosts.get(workers)!).toFixed(1).padStart(12)}  ` +
      median(warmups.get(workers)!).toFixed(2).padStart(15),
  );
}
console.log(`load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
