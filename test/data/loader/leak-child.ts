/**
 * Child process of leak.test.ts: runs 2-worker loaders — three left by `break`, one whose epoch finishes,
 * one whose epoch fails on a corrupt image — never calls close(), and prints what each saw. The parent asserts
 * that the process then exits on its own.
 *   leak-child.ts <csv> <corrupt csv>
 */
import { createHash } from 'node:crypto';
import type { ClassificationItem } from '../../../src/data/loader/items.ts';
import { BatchLoader } from '../../../src/data/loader/loader.ts';

const [csvPath, corruptCsv] = process.argv.slice(2);

async function run(csv: string, stopAfterOne: boolean): Promise<{ batches: number; sha256: string; error: string }> {
  const loader = await BatchLoader.open({
    source: { kind: 'cxr14', args: { csvPath: csv } },
    transform: { kind: 'train', size: 16 },
    collate: (items: ClassificationItem[]) => items,
    batchSize: 2,
    seed: 3,
    workers: 2,
  });
  const hash = createHash('sha256');
  let batches = 0;
  let error = '';
  try {
    for await (const batch of loader.epoch(0)) {
      for (const item of batch) hash.update(new Uint8Array(item.image.buffer));
      batches++;
      if (stopAfterOne) break;
    }
  } catch (caught) {
    error = (caught as Error).message;
  }
  return { batches, sha256: hash.digest('hex'), error };
}

// Breaking out awaits the workers' termination from a top-level await; repeated, because a pool that left its
// workers unreferenced while they stopped let Node exit mid-await (exit code 13) on some runs only.
const broken = [];
for (let k = 0; k < 3; k++) broken.push(await run(csvPath, true));
const reports = { broken, complete: await run(csvPath, false), failed: await run(corruptCsv, false) };
console.log(JSON.stringify(reports));
