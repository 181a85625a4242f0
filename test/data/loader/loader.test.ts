import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BatchLoader, type BatchLoaderOptions } from '../../../src/data/loader/loader.ts';
import type { ClassificationItem, LoaderItem, PretrainItem } from '../../../src/data/loader/items.ts';
import { augmentRandom } from '../../../src/data/loader/seeds.ts';
import type { SourceSpec } from '../../../src/data/loader/sources.ts';
import { pretrainTargets } from '../../../src/data/datasets/protocl.ts';
import { RsnaDataset } from '../../../src/data/datasets/rsna.ts';
import { extractReport } from '../../../src/data/labels/extract.ts';
import { trainTransform } from '../../../src/data/transforms/pipelines.ts';
import { readImage } from '../../../src/io/image.ts';
import { readNpy } from '../../../src/io/npy.ts';
import { dataDir } from '../../helpers.ts';
import { CORRUPT_POSITION, makeLoaderFixture, SAMPLE_COUNT, type LoaderFixture } from './fixtures.ts';

const SIZE = 32; // small crops keep the augmentation cheap; the code path is the 224 one
const SEED = 11;

let fixture: LoaderFixture;
before(() => { fixture = makeLoaderFixture(); });
after(() => fixture.remove());

const cxr14 = (): SourceSpec => ({ kind: 'cxr14', args: { csvPath: fixture.csvPath } });
const pretrain = (): SourceSpec => ({ kind: 'pretrain', args: { jsonPath: fixture.jsonPath, npyPath: fixture.npyPath } });

function open<S extends LoaderItem>(source: SourceSpec, options: Partial<BatchLoaderOptions<S, S[]>> = {}): Promise<BatchLoader<S, S[]>> {
  return BatchLoader.open<S, S[]>({
    source, transform: { kind: 'train', size: SIZE }, collate: (items) => items, batchSize: 3, seed: SEED, ...options,
  });
}

async function collect<B>(batches: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

/** Every typed-array field of every item, as bytes, in order: equal iff the batches are equal bit for bit. */
function fingerprint(batches: LoaderItem[][]): Array<Array<Record<string, Buffer | number | string>>> {
  return batches.map((batch) => batch.map((item) => Object.fromEntries(Object.entries(item).map(([key, value]) => [
    key,
    ArrayBuffer.isView(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : JSON.stringify(value),
  ]))));
}

const positionsOf = (batches: LoaderItem[][]): number[][] => batches.map((batch) => batch.map((item) => item.index));

describe('BatchLoader', () => {
  test('epoch order: a permutation that repeats for the same (seed, epoch) and changes with the epoch and seed', async () => {
    const loader = await open(cxr14());
    const identity = Array.from({ length: SAMPLE_COUNT }, (_, i) => i);
    const orders = [0, 1, 2].map((epoch) => loader.order(epoch));
    for (const order of orders) assert.deepEqual([...order].sort((a, b) => a - b), identity);
    assert.deepEqual(loader.order(1), orders[1]);
    assert.notDeepEqual(orders[0], orders[1]);
    assert.notDeepEqual(orders[1], orders[2]);
    assert.notDeepEqual((await open(cxr14(), { seed: SEED + 1 })).order(1), orders[1]);
    assert.deepEqual((await open(cxr14(), { shuffle: false })).order(5), identity);
    // What the iterator hands out follows that order.
    assert.deepEqual(positionsOf(await collect(loader.epoch(2))).flat(), orders[2]);
  });

  test('an item is the pipeline applied with the generator of (seed, epoch, index), and the labels of the CSV', async () => {
    const loader = await open<ClassificationItem>(cxr14());
    const [first] = await collect(loader.epoch(3));
    for (const item of first) {
      const image = await readImage(fixture.imagePaths[item.index], { channels: 3 });
      const expected = trainTransform(augmentRandom(SEED, 3, item.index), { size: SIZE })(image);
      assert.deepEqual(item.imageShape, [3, SIZE, SIZE]);
      assert.ok(Buffer.from(item.image.buffer).equals(Buffer.from(expected.buffer)), `image of sample ${item.index}`);
      assert.deepEqual([...item.labels], Array.from({ length: 14 }, (_, c) => ((item.index + c) % 3 === 0 ? 1 : 0)));
    }
  });

  test('batches are identical bit for bit with 0, 1 and 2 workers, over two epochs', async () => {
    const runs: ReturnType<typeof fingerprint>[] = [];
    for (const workers of [0, 1, 2]) {
      const loader = await open(cxr14(), { workers });
      runs.push(fingerprint([...await collect(loader.epoch(0)), ...await collect(loader.epoch(1))]));
      await loader.close();
    }
    assert.equal(runs[0].length, 2 * Math.ceil(SAMPLE_COUNT / 3));
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
  });

  test('pre-training items: the same with 0 and 2 workers, ProtoCL candidates of (seed, epoch, index), matrix of labels_id', async () => {
    const matrices = readNpy(fixture.npyPath).data as Float64Array;
    const runs: PretrainItem[][][] = [];
    for (const workers of [0, 2]) {
      const loader = await open<PretrainItem>(pretrain(), { workers, batchSize: 4 });
      runs.push(await collect(loader.epoch(4)));
      await loader.close();
    }
    assert.deepEqual(fingerprint(runs[1]), fingerprint(runs[0]));
    for (const item of runs[0].flat()) {
      const row = SAMPLE_COUNT - 1 - item.index; // the fixture's labels_id
      const matrix = matrices.subarray(row * 3825, (row + 1) * 3825);
      const targets = pretrainTargets(matrix, SEED, 4, item.index);
      assert.deepEqual([...item.matrix], [...matrix]);
      assert.deepEqual([...item.indexPathology], [...targets.indexPathology]);
      assert.deepEqual([...item.indexAnatomy], [...targets.indexAnatomy]);
      assert.deepEqual([...item.labelPathology], [...targets.labelPathology]);
      assert.deepEqual([...item.labelAnatomy], [...targets.labelAnatomy]);
    }
    // Candidates are drawn per epoch.
    const loader = await open<PretrainItem>(pretrain(), { batchSize: SAMPLE_COUNT, shuffle: false });
    const [epoch4] = await collect(loader.epoch(4));
    const [epoch5] = await collect(loader.epoch(5));
    assert.ok(epoch4.some((item, k) => !Buffer.from(item.indexPathology.buffer).equals(Buffer.from(epoch5[k].indexPathology.buffer))));
  });

  test('report-csv source: matrices from the report labeller, ProtoCL candidates of (seed, epoch, index)', async () => {
    const reports = ['Small left pleural effusion. No pneumothorax.', 'Heart size is normal. Lungs are clear.', 'Right lower lobe consolidation.'];
    const csvPath = join(fixture.dir, 'reports.csv');
    writeFileSync(csvPath, ['image,report', ...reports.map((report, k) => `${fixture.imagePaths[k]},"${report}"`)].join('\n') + '\n');
    const loader = await open<PretrainItem>({ kind: 'report-csv', args: { csvPath } }, { batchSize: 3 });
    const [items] = await collect(loader.epoch(6));
    assert.equal(items.length, 3);
    for (const item of items) {
      const matrix = extractReport(reports[item.index]).matrix;
      assert.ok(matrix.some((v) => v === 1), `report ${item.index} has a finding`);
      assert.deepEqual([...item.matrix], [...matrix]);
      assert.deepEqual([...item.indexAnatomy], [...pretrainTargets(matrix, SEED, 6, item.index).indexAnatomy]);
    }
  });

  test('rsna source: the labels of the RSNA CSV', async () => {
    const csvPath = join(dataDir, 'nih-cxr14-sample', 'rsna_boxes.csv');
    const loader = await open<ClassificationItem>({ kind: 'rsna', args: { csvPath } }, { positions: [0, 1, 6, 8], transform: { kind: 'test', size: 8 } });
    const dataset = await RsnaDataset.open(csvPath);
    const items = (await collect(loader.epoch(0))).flat();
    assert.equal(items.length, 4);
    for (const item of items) assert.deepEqual([...item.labels], [...await dataset.labelsOf(item.index)]);
    assert.deepEqual(items.map((item) => [item.index, item.labels[0]]).sort((a, b) => a[0] - b[0]), [[0, 0], [1, 0], [6, 1], [8, 1]]);
  });

  test('resuming at a batch index gives exactly the remaining batches of the epoch', async () => {
    const loader = await open(cxr14());
    const full = fingerprint(await collect(loader.epoch(1)));
    assert.equal(full.length, 3);
    assert.deepEqual(fingerprint(await collect(loader.epoch(1, { startBatch: 2 }))), full.slice(2));
    assert.deepEqual(fingerprint(await collect(loader.epoch(1, { startBatch: 1 }))), full.slice(1));
    assert.deepEqual(await collect(loader.epoch(1, { startBatch: 3 })), []);
    assert.throws(() => loader.epoch(1, { startBatch: 4 }), { name: 'RangeError', message: 'Expected startBatch in [0, 3] but received 4' });
  });

  test('drop_last leaves out the short last batch; without it every position comes once', async () => {
    const kept = await open(cxr14(), { batchSize: 3 });
    const keptBatches = positionsOf(await collect(kept.epoch(0)));
    assert.deepEqual(keptBatches.map((b) => b.length), [3, 3, 2]);
    assert.deepEqual(keptBatches.flat().sort((a, b) => a - b), Array.from({ length: SAMPLE_COUNT }, (_, i) => i));
    const dropped = await open(cxr14(), { batchSize: 3, dropLast: true });
    assert.equal(dropped.batchesPerEpoch, 2);
    assert.deepEqual(positionsOf(await collect(dropped.epoch(0))), keptBatches.slice(0, 2));
  });

  test('positions restrict an epoch to a subset', async () => {
    const loader = await open(cxr14(), { positions: [6, 1, 3], batchSize: 2 });
    assert.equal(loader.length, 3);
    const seen = positionsOf(await collect(loader.epoch(0))).flat();
    assert.deepEqual([...seen].sort(), [1, 3, 6]);
  });

  for (const workers of [0, 2]) {
    test(`a corrupt image rejects the epoch with the file and the sample index (${workers} workers)`, async () => {
      const loader = await open({ kind: 'cxr14', args: { csvPath: fixture.corruptCsv } }, { workers, shuffle: false, batchSize: 2 });
      const delivered: number[][] = [];
      const failing = async (): Promise<void> => {
        for await (const batch of loader.epoch(0)) delivered.push(batch.map((item) => item.index));
      };
      const expected = (error: Error): boolean => {
        assert.match(error.message, new RegExp(`^cxr14 sample ${CORRUPT_POSITION} \\(epoch 0\\): `));
        assert.ok(error.message.includes(`cannot decode image file "${fixture.corruptImage}"`), error.message);
        assert.ok(error.message.includes('corrupt.csv line 7'), error.message);
        return true;
      };
      await assert.rejects(failing, expected);
      assert.deepEqual(delivered, [[0, 1], [2, 3]]);
      // The failed epoch released its workers; the next one starts afresh and fails the same way.
      delivered.length = 0;
      await assert.rejects(failing, expected);
      await loader.close();
    });
  }

  test('a worker that cannot open the source fails the epoch with the reason', async () => {
    const csvPath = join(fixture.dir, 'vanishing.csv');
    copyFileSync(fixture.csvPath, csvPath);
    const loader = await open({ kind: 'cxr14', args: { csvPath } }, { workers: 1 });
    unlinkSync(csvPath); // after the main thread opened it, before the worker does
    await assert.rejects(collect(loader.epoch(0)), (error: Error) => {
      assert.match(error.message, /^a loader worker cannot open the source: /);
      assert.ok(error.message.includes(csvPath), error.message);
      return true;
    });
    await loader.close();
  });

  test('a module source: the user\'s own opener runs in each worker, with the same batches as in the main thread', async () => {
    const url = new URL('./synthetic-source.ts', import.meta.url).href;
    const source: SourceSpec = { kind: 'module', args: { url, options: { length: 5, side: 40 } } };
    const runs: ClassificationItem[][][] = [];
    for (const workers of [0, 2]) {
      const loader: BatchLoader<ClassificationItem, ClassificationItem[]> = await open<ClassificationItem>(source, { workers, batchSize: 2 });
      assert.equal(loader.name, 'synthetic-noise');
      runs.push(await collect(loader.epoch(2)));
      await loader.close();
    }
    assert.deepEqual(fingerprint(runs[1]), fingerprint(runs[0]));
    assert.deepEqual(runs[0].map((b) => b.length), [2, 2, 1]);
    for (const item of runs[0].flat()) {
      assert.deepEqual(item.imageShape, [3, SIZE, SIZE]);
      assert.deepEqual([...item.labels], [item.index % 2]);
    }
    await assert.rejects(open({ kind: 'module', args: { url, options: { length: 5, side: 40, hook: () => 0 } } }, { workers: 1 }), {
      name: 'TypeError', message: /^Expected a source and transform description that can be sent to worker threads \(plain data only\): /,
    });
    await assert.rejects(open({ kind: 'module', args: { url, exportName: 'notAnOpener' } }), {
      name: 'TypeError', message: `${url} does not export a function "notAnOpener" (a SourceModuleOpener)`,
    });
    await assert.rejects(open({ kind: 'module', args: { url: 'synthetic-source.ts' } }), {
      name: 'RangeError', message: 'Expected a file URL or absolute path for the url of a module source but received "synthetic-source.ts"',
    });
  });

  test('prefetch bounds the batches loading ahead of the one handed out', async () => {
    const url = new URL('./synthetic-source.ts', import.meta.url).href;
    const { startedLoads } = (await import(url)) as { startedLoads: number[] };
    const source: SourceSpec = { kind: 'module', args: { url, options: { length: 20, side: 8 } } };
    for (const prefetch of [1, 3]) {
      const loader: BatchLoader<LoaderItem, LoaderItem[]> = await open(source, { batchSize: 2, prefetch, transform: { kind: 'test', size: 8 } });
      startedLoads.length = 0;
      const started: number[] = [];
      for await (const batch of loader.epoch(0)) {
        started.push(startedLoads.length);
        if (started.length === 3) break;
        assert.equal(batch.length, 2);
      }
      // While batch k (1-based) is in the caller's hands, batches up to k + prefetch have been started.
      assert.deepEqual(started, [1, 2, 3].map((k) => 2 * (k + prefetch)), `prefetch ${prefetch}`);
    }
  });

  test('a worker that finds the data changed since the loader opened it fails the epoch', async () => {
    const csvPath = join(fixture.dir, 'growing.csv');
    copyFileSync(fixture.csvPath, csvPath);
    const loader = await open({ kind: 'cxr14', args: { csvPath } }, { workers: 1 });
    const lines = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
    writeFileSync(csvPath, [...lines, lines[1]].join('\n') + '\n');
    await assert.rejects(collect(loader.epoch(0)), {
      message: `a loader worker cannot open the source: cxr14 has ${SAMPLE_COUNT + 1} samples here but had ${SAMPLE_COUNT} when the loader opened it`,
    });
    await loader.close();
  });

  test('one epoch at a time; breaking out frees the loader for the next epoch', async () => {
    const loader = await open(cxr14(), { workers: 1 });
    const first = loader.epoch(0);
    await first.next();
    await assert.rejects(loader.epoch(1).next(), { message: /Another epoch of this loader is being iterated/ });
    await first.return(undefined);
    const batches = await collect(loader.epoch(1));
    assert.equal(batches.length, 3);
    await loader.close();
  });

  test('bad options are rejected before anything is opened', async () => {
    const base = { source: cxr14(), transform: { kind: 'test' as const }, collate: (items: LoaderItem[]) => items, batchSize: 2 };
    await assert.rejects(BatchLoader.open({ ...base, batchSize: 0 }), { name: 'RangeError', message: 'Expected integer in [1, ∞) for batchSize but received 0 (number)' });
    await assert.rejects(BatchLoader.open({ ...base, workers: -1 }), { name: 'RangeError', message: 'Expected integer in [0, ∞) for workers but received -1 (number)' });
    await assert.rejects(BatchLoader.open({ ...base, workers: 1.5 }), { name: 'TypeError' });
    await assert.rejects(BatchLoader.open({ ...base, collate: undefined as never }), { name: 'TypeError', message: 'Expected a function for collate but received undefined' });
    await assert.rejects(BatchLoader.open({ ...base, source: { kind: 'mimic', args: {} } as never }), {
      name: 'TypeError', message: 'Expected source kind to be one of pretrain, report-csv, cxr14, rsna, siim, covidx, module but received mimic',
    });
    await assert.rejects(BatchLoader.open({ ...base, positions: [0, SAMPLE_COUNT] }), {
      name: 'RangeError', message: `Expected positions[1] to be an integer in [0, ${SAMPLE_COUNT - 1}] but received ${SAMPLE_COUNT}`,
    });
    const loader = await BatchLoader.open(base);
    assert.throws(() => loader.epoch(-1), { name: 'RangeError' });
  });
});
