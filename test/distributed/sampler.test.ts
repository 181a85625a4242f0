// The distributed sampler against PyTorch's DistributedSampler (values worked out from
// torch/utils/data/distributed.py), and coverage: over one epoch the ranks' shards hold every sample exactly once
// (plus PyTorch's padding, repeated from the order's start), with equal counts; the loader's shards do the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shardOf, samplesPerRank } from '../../src/distributed/sampler.ts';
import { BatchLoader } from '../../src/data/loader/index.ts';
import { epochOrder } from '../../src/data/loader/seeds.ts';

test('PyTorch DistributedSampler(range(10), num_replicas=3, shuffle=False): padded and dropLast shards', () => {
  const order = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual([0, 1, 2].map((rank) => shardOf(order, rank, 3)), [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]);
  assert.deepEqual([0, 1, 2].map((rank) => shardOf(order, rank, 3, true)), [[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
  assert.equal(samplesPerRank(10, 3), 4);
  assert.equal(samplesPerRank(10, 3, true), 3);
  // fewer samples than ranks: the order repeats (PyTorch's `indices * ceil(padding / len)`)
  assert.deepEqual([0, 1, 2, 3, 4].map((rank) => shardOf([5, 6], rank, 5)), [[5], [6], [5], [6], [5]]);
});

test('every sample exactly once per epoch across ranks, padding aside, equal counts', () => {
  for (const length of [1, 7, 12, 37, 100]) {
    for (const worldSize of [1, 2, 3, 4, 8]) {
      const order = epochOrder(length, 42, 3);
      const shards = Array.from({ length: worldSize }, (_, rank) => shardOf(order, rank, worldSize));
      const perRank = samplesPerRank(length, worldSize);
      assert.ok(shards.every((s) => s.length === perRank), `equal counts for n=${length}, W=${worldSize}`);
      const seen = new Map<number, number>();
      for (const index of shards.flat()) seen.set(index, (seen.get(index) ?? 0) + 1);
      assert.equal(seen.size, length, `every sample of ${length} seen with W=${worldSize}`);
      const padding = perRank * worldSize - length;
      const repeated = [...seen.values()].reduce((a, c) => a + c - 1, 0);
      assert.equal(repeated, padding, `only the ${padding} padding samples repeat`);
      // the padding is the order's start: removing it leaves a permutation
      if (padding > 0 && padding <= length) assert.deepEqual([...new Set(order.slice(0, padding))].sort(), order.slice(0, padding).sort());
    }
  }
});

test('BatchLoader shards: two ranks together visit every sample once per epoch, and different epochs differ', async () => {
  const url = new URL('../data/loader/synthetic-source.ts', import.meta.url).href;
  const open = (rank: number) => BatchLoader.open({
    source: { kind: 'module', args: { url, options: { length: 10, side: 8 } } },
    transform: { kind: 'test', size: 8 }, collate: (batch: unknown[]) => batch, batchSize: 2, seed: 5,
    shard: { rank, worldSize: 2 },
  });
  {
    const [rank0, rank1] = await Promise.all([open(0), open(1)]);
    for (const epoch of [0, 1]) {
      const visited = [...rank0.order(epoch), ...rank1.order(epoch)].sort((a, b) => a - b);
      assert.deepEqual(visited, Array.from({ length: 10 }, (_, i) => i), `epoch ${epoch}`);
      assert.equal(rank0.length, 5);
      assert.equal(rank0.batchesPerEpoch, 3);
    }
    assert.notDeepEqual(rank0.order(0), rank0.order(1));
    await assert.rejects(open(2), /Expected an integer < 2 for shard.rank but received 2/);
  }
});

test('BatchLoader shards without padding (validation): ranks split the samples, none counted twice', async () => {
  const url = new URL('../data/loader/synthetic-source.ts', import.meta.url).href;
  const open = (rank: number) => BatchLoader.open({
    source: { kind: 'module', args: { url, options: { length: 7, side: 8 } } }, shuffle: false,
    transform: { kind: 'test', size: 8 }, collate: (batch: unknown[]) => batch, batchSize: 2, shard: { rank, worldSize: 2, padded: false },
  });
  const [rank0, rank1] = await Promise.all([open(0), open(1)]);
  assert.deepEqual(rank0.order(0), [0, 2, 4, 6]);
  assert.deepEqual(rank1.order(0), [1, 3, 5]);
  assert.deepEqual([rank0.length, rank1.length], [4, 3]);
});
