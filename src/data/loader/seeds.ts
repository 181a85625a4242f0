/**
 * The loader's randomness, as pure functions of (seed, epoch[, index]): the sample order of an epoch and the
 * augmentation stream of one sample. Nothing depends on which worker ran a sample, on the order in which samples
 * were processed or on where an interrupted run resumed, so 0, 1 or 8 workers and a resumed run see the same
 * data bit for bit.
 */
import { Random, hashSeed } from '../../util/random.ts';

// Distinct tags keep the order stream, the augmentation streams and the datasets' own ProtoCL streams
// (src/data/datasets/protocl.ts hashes (seed, epoch, index) without a tag) independent of each other.
const ORDER_TAG = 0x6f726465; // "orde"
const AUGMENT_TAG = 0x61756760; // "aug`"

/**
 * A 32-bit hash of non-negative safe integers (MurmurHash3's finaliser per 32-bit half of each value).
 * @throws TypeError for a non-integer, RangeError for a negative value.
 */
export function mixSeed(...values: number[]): number {
  return hashSeed(values);
}

/** The generator of sample `index`'s augmentation in `epoch`. */
export function augmentRandom(seed: number, epoch: number, index: number): Random {
  return new Random(mixSeed(AUGMENT_TAG, seed, epoch, index));
}

/**
 * The positions visited in `epoch`: `positions` (default 0…length−1) shuffled by a generator seeded from
 * (seed, epoch), or unchanged when `shuffle` is false.
 * @example epochOrder(5, 0, 3) // the same permutation of [0, 1, 2, 3, 4] on every call and every machine
 */
export function epochOrder(length: number, seed: number, epoch: number, shuffle = true, positions?: readonly number[]): number[] {
  const order = positions ? positions.slice() : Array.from({ length }, (_, i) => i);
  if (shuffle) new Random(mixSeed(ORDER_TAG, seed, epoch)).shuffle(order);
  return order;
}

