/**
 * PyTorch's DistributedSampler (torch/utils/data/distributed.py) applied to an epoch's order: every rank gets
 * the same number of samples, so that the ranks step in lockstep. Without dropLast the order is padded to a
 * multiple of worldSize by repeating its start (a few samples are then seen twice in the epoch); with dropLast
 * the tail is cut instead. Rank r takes positions r, r + worldSize, r + 2·worldSize, …
 */
import { checkInteger } from '../util/check.ts';

/** Samples each rank gets from an epoch of `length` (PyTorch's num_samples). */
export function samplesPerRank(length: number, worldSize: number, dropLast = false): number {
  checkInteger('length', length, 0);
  checkInteger('worldSize', worldSize, 1);
  return dropLast && length % worldSize !== 0 ? Math.ceil((length - worldSize) / worldSize) : Math.ceil(length / worldSize);
}

/**
 * Rank `rank`'s share of `order` (every rank must pass the same order: the epoch's seeded permutation).
 * @example shardOf([4, 0, 3, 1, 2], 0, 2) // [4, 3, 2]; rank 1 gets [0, 1, 4] (padded with the first element)
 */
export function shardOf<T>(order: readonly T[], rank: number, worldSize: number, dropLast = false): T[] {
  checkInteger('worldSize', worldSize, 1);
  checkInteger('rank', rank, 0, worldSize - 1);
  const total = samplesPerRank(order.length, worldSize, dropLast) * worldSize;
  let padded: readonly T[] = order.slice(0, total);
  while (padded.length < total && order.length > 0) padded = padded.concat(order.slice(0, total - padded.length));
  const shard: T[] = [];
  for (let i = rank; i < total; i += worldSize) shard.push(padded[i]);
  return shard;
}
