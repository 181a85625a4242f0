/**
 * A minimal in-process batch loader for the fine-tuning tasks: decodes the samples of a batch concurrently
 * (image decoding runs on libuv's threads), one batch ahead of the consumer, then prepares them on the main
 * thread strictly in order (batch by batch, index by index), so that seeded augmentation is reproducible whatever
 * order the decodes finish in. Swappable: the tasks only need an async iterable of prepared batches.
 */

/** Anything with a length and async random access (every medslip Dataset). */
export interface IndexedSource<S> {
  readonly length: number;
  get(index: number): Promise<S>;
}

/**
 * Yields `indices` in chunks of `batchSize` (the last chunk may be smaller), each sample mapped by `prepare`.
 * @example for await (const items of loadBatches(dataset, order, 64, (s) => transform(s.image))) { … }
 * @throws RangeError for a batch size that is not a positive integer.
 */
export async function* loadBatches<S, T>(
  source: IndexedSource<S>,
  indices: readonly number[],
  batchSize: number,
  prepare: (sample: S) => T,
): AsyncGenerator<T[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`Expected integer ≥ 1 for batchSize but received ${String(batchSize)}`);
  // Decoding of the next batch overlaps the current one, but its preparation waits for the previous batch's:
  // `prepare` may draw from a seeded generator, and the draws must not depend on which decode finishes first.
  const load = async (start: number, previous?: Promise<unknown>): Promise<T[]> => {
    const samples = await Promise.all(indices.slice(start, start + batchSize).map((i) => source.get(i)));
    await previous?.catch(() => undefined);
    return samples.map(prepare);
  };
  let pending: Promise<T[]> | undefined = indices.length > 0 ? load(0) : undefined;
  for (let start = 0; pending !== undefined; start += batchSize) {
    const current: Promise<T[]> = pending;
    pending = start + batchSize < indices.length ? load(start + batchSize, current) : undefined;
    // A failed read-ahead must not surface as an unhandled rejection while the consumer works on `current`.
    pending?.catch(() => undefined);
    yield await current;
  }
}

/** Number of batches `loadBatches` yields. */
export const batchCount = (items: number, batchSize: number): number => Math.ceil(items / batchSize);

/** Concatenates equally long Float32Arrays (one per sample) into one (B × length) array. */
export function stackFloat32(rows: readonly Float32Array[]): Float32Array {
  const length = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * length);
  rows.forEach((row, i) => {
    if (row.length !== length) throw new RangeError(`Expected ${length} values in every sample but sample ${i} has ${row.length}`);
    out.set(row, i * length);
  });
  return out;
}
