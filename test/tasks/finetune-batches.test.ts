// The fine-tuning tasks' batch loader: batches in order, the last one short, and preparation strictly in index
// order even when later samples decode first (seeded augmentation depends on it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchCount, loadBatches, stackFloat32 } from '../../src/tasks/finetune/batches.ts';

/** A source whose later indices resolve sooner: the worst case for ordering. */
function reversedTimingSource(length: number, reads: number[]): { length: number; get(i: number): Promise<number> } {
  return {
    length,
    get: (i) => new Promise((resolve) => {
      reads.push(i);
      setTimeout(() => resolve(i), (length - i) * 3);
    }),
  };
}

test('loadBatches: batches in order, last one short, every sample prepared once in index order', async () => {
  const reads: number[] = [];
  const prepared: number[] = [];
  const order = [4, 0, 6, 2, 1, 5, 3];
  const batches: number[][] = [];
  for await (const batch of loadBatches(reversedTimingSource(7, reads), order, 3, (sample) => { prepared.push(sample); return sample * 10; })) {
    batches.push(batch);
  }
  assert.deepEqual(batches, [[40, 0, 60], [20, 10, 50], [30]]);
  assert.deepEqual(prepared, order, 'prepared in the requested order although later indices decode first');
  assert.deepEqual([...reads].sort(), [...order].sort(), 'each sample read once');
  assert.equal(batchCount(7, 3), 3);
});

test('loadBatches: read-ahead starts the next batch before the consumer asks for it; errors reach the consumer', async () => {
  const reads: number[] = [];
  const iterator = loadBatches(reversedTimingSource(4, reads), [0, 1, 2, 3], 2, (s) => s);
  assert.deepEqual((await iterator.next()).value, [0, 1]);
  assert.deepEqual(reads, [0, 1, 2, 3], 'batch 2 is being decoded while batch 1 is consumed');
  const failing = { length: 2, get: async (i: number): Promise<number> => { if (i === 1) throw new Error('sample 1 is unreadable'); return i; } };
  /** Reads every batch (none is kept). */
  const drain = async (batches: AsyncIterator<unknown>): Promise<void> => {
    while (!(await batches.next()).done) { /* consume */ }
  };
  await assert.rejects(() => drain(loadBatches(failing, [0, 1], 1, (s) => s)), /sample 1 is unreadable/);
  await assert.rejects(() => drain(loadBatches(failing, [0], 0, (s) => s)), RangeError);
});

test('stackFloat32 concatenates rows and refuses ragged ones', () => {
  assert.deepEqual([...stackFloat32([Float32Array.of(1, 2), Float32Array.of(3, 4)])], [1, 2, 3, 4]);
  assert.throws(() => stackFloat32([Float32Array.of(1, 2), Float32Array.of(3)]), RangeError);
});
