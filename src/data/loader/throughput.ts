/**
 * Loader throughput: images per second through the pre-training pipeline (decode → RandomResizedCrop 224 →
 * RandAugment → normalise) on a CXR14-layout CSV, for a given number of workers. Used by
 * bench/loader.bench.ts and `medslip bench`.
 */
import { fileURLToPath } from 'node:url';
import type { ClassificationItem } from './items.ts';
import { BatchLoader } from './loader.ts';
import { checkInteger } from '../../util/check.ts';

/** The NIH sample that ships beside a medslip checkout (shared/data/nih-cxr14-sample). */
export const DEFAULT_BENCH_CSV = fileURLToPath(new URL('../../../../shared/data/nih-cxr14-sample/labels.csv', import.meta.url));

export interface ThroughputOptions {
  /** Worker threads (0: main thread). */
  workers: number;
  /** Images to time, after one warm-up batch that is not timed (it includes starting the workers). */
  images: number;
  /** A CXR14-layout CSV; default DEFAULT_BENCH_CSV. */
  csvPath?: string;
  /** Default 16. */
  batchSize?: number;
  /** Output side; default 224. */
  size?: number;
  /** Default 2. */
  prefetch?: number;
  seed?: number;
}

export interface ThroughputResult {
  imagesPerSec: number;
  /** Images timed (a whole number of batches, at least `images`). */
  images: number;
  seconds: number;
  /**
   * CPU time of the whole process (all threads) per timed image, in ms: unlike images/s, barely affected by
   * other programs competing for the cores, so it shows what the workers cost.
   */
  cpuMsPerImage: number;
  /** Time to the first batch: opening the source, starting workers, the first batch's work. */
  warmupSeconds: number;
}

/**
 * Measures the loader's throughput.
 * @example const { imagesPerSec } = await measureLoaderThroughput({ workers: 2, images: 256 });
 * @throws RangeError for a bad count; the loader's errors for a bad CSV or image.
 */
export async function measureLoaderThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  checkInteger('images', options.images, 1);
  const batchSize = options.batchSize ?? 16;
  const loader = await BatchLoader.open({
    source: { kind: 'cxr14', args: { csvPath: options.csvPath ?? DEFAULT_BENCH_CSV } },
    transform: { kind: 'train', size: options.size ?? 224 },
    collate: (items: ClassificationItem[]) => items.length,
    batchSize,
    seed: options.seed ?? 0,
    workers: options.workers,
    prefetch: options.prefetch ?? 2,
  });
  const started = performance.now();
  let timedFrom = 0;
  let cpuFrom = process.cpuUsage();
  let timed = -1; // -1: the warm-up batch has not arrived yet
  try {
    for (let epoch = 0; timed < options.images; epoch++) {
      for await (const count of loader.epoch(epoch)) {
        if (timed < 0) {
          timedFrom = performance.now();
          cpuFrom = process.cpuUsage();
          timed = 0;
        } else {
          timed += count;
        }
        if (timed >= options.images) break;
      }
    }
  } finally {
    await loader.close();
  }
  const seconds = (performance.now() - timedFrom) / 1000;
  const cpu = process.cpuUsage(cpuFrom);
  return {
    imagesPerSec: timed / seconds, images: timed, seconds, cpuMsPerImage: (cpu.user + cpu.system) / 1000 / timed,
    warmupSeconds: (timedFrom - started) / 1000,
  };
}
