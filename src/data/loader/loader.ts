/**
 * BatchLoader: iterates a dataset in batches, one epoch at a time, decoding and augmenting in worker threads.
 *
 *   const loader = await BatchLoader.open({ source, transform: { kind: 'train' }, collate: collatePretrain,
 *     batchSize: 64, seed: 42, workers: 2 });
 *   for (let epoch = start; epoch < epochs; epoch++) {
 *     for await (const batch of loader.epoch(epoch)) { … disposeBatch(batch); }
 *   }
 *   await loader.close();
 *
 * Determinism: the order of an epoch is a permutation seeded by (seed, epoch) and every item a function of
 * (source, transform, seed, epoch, index) — see seeds.ts and sources.ts — so the batches are the same bit for
 * bit for any number of workers, and `epoch(e, { startBatch })` gives a resumed run exactly the batches the
 * interrupted run had not seen.
 *
 * Parallelism: `workers` threads (0: everything in the main thread) each open their own copy of the source
 * from its serialisable description; up to `prefetch` batches are loading while the caller works on the
 * current one. Collation runs in the main thread, when a batch is handed out.
 *
 * Deliberate differences from the reference's torch DataLoader (RandomSampler, batch 64, 30 workers,
 * drop_last=True for pre-training): the order comes from (seed, epoch) rather than torch's global generator, and
 * augmentation from (seed, epoch, index) rather than generators seeded per DataLoader worker, so that
 * results do not depend on the worker count and a resumed run sees the same data. drop_last defaults to false
 * here — pass `dropLast: true` for the reference's training behaviour; its evaluation loaders also drop the
 * tail, which leaves test images out of the metrics, so evaluation should keep the default.
 *
 * Lifetime: workers start on the first epoch and stay for the next ones (idle workers never keep the process
 * alive). Leaving an epoch early — `break`, an exception in the loop body, or a failed sample — terminates
 * them; the next epoch starts fresh ones. `close()` ends them explicitly.
 */
import type { LoaderItem } from './items.ts';
import { WorkerPool } from './pool.ts';
import type { WorkerInit } from './protocol.ts';
import { openSource, type SampleSource, type SourceSpec, type TransformSpec } from './sources.ts';
import { epochOrder } from './seeds.ts';
import { samplesPerRank, shardOf } from '../../distributed/sampler.ts';
import { checkInteger } from '../../util/check.ts';

export interface BatchLoaderOptions<S extends LoaderItem, B> {
  /** The dataset, as a serialisable description (see sources.ts). */
  source: SourceSpec;
  /** The image pipeline: `{ kind: 'train', size: 224 }` (augmenting) or `{ kind: 'test', size: 224 }`. */
  transform: TransformSpec;
  /** Turns the items of one batch, in order, into what the loop receives (collate.ts: tensors). */
  collate: (items: S[]) => B;
  /** Samples per batch. */
  batchSize: number;
  /** Seed of the order, the augmentation and the ProtoCL draws; default 0. */
  seed?: number;
  /** Visit samples in a new random order each epoch (default true); false: in `positions` order. */
  shuffle?: boolean;
  /** Leave out the last batch when it would be smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Worker threads; 0 (default) loads in the main thread. */
  workers?: number;
  /** Batches loading ahead of the one being used (default 2). */
  prefetch?: number;
  /** The dataset positions to iterate (a split); default all of them. */
  positions?: readonly number[];
  /**
   * Distributed training: this rank's share of every epoch's order, as PyTorch's DistributedSampler gives it
   * (equal counts, padded by repeating the order's start). `padded: false` leaves the order unpadded (ranks may
   * differ by one sample): for evaluation, where no sample should count twice.
   */
  shard?: { rank: number; worldSize: number; padded?: boolean };
}

export interface EpochOptions {
  /** The first batch to hand out, for resuming mid-epoch (default 0). */
  startBatch?: number;
}

interface Runner {
  run(index: number, epoch: number): Promise<LoaderItem>;
}

export class BatchLoader<S extends LoaderItem, B> {
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly workers: number;
  readonly prefetch: number;
  private readonly options: BatchLoaderOptions<S, B>;
  private readonly positions: readonly number[] | undefined;
  private pool: WorkerPool | undefined;
  private active = false;

  private constructor(
    options: BatchLoaderOptions<S, B>,
    private readonly source: SampleSource,
    private readonly init: WorkerInit | undefined,
  ) {
    this.options = options;
    this.batchSize = options.batchSize;
    this.seed = options.seed ?? 0;
    this.shuffle = options.shuffle ?? true;
    this.dropLast = options.dropLast ?? false;
    this.workers = options.workers ?? 0;
    this.prefetch = options.prefetch ?? 2;
    this.positions = options.positions === undefined ? undefined : Object.freeze(options.positions.slice());
  }

  /**
   * Opens the source in the main thread (checking its files and arguments before any worker starts).
   * @example const loader = await BatchLoader.open({ source: { kind: 'cxr14', args: { csvPath } }, transform: { kind: 'test' }, collate: collateClassification, batchSize: 32 });
   * @throws TypeError / RangeError for bad options (naming the option); the dataset's errors for bad files.
   */
  static async open<S extends LoaderItem, B>(options: BatchLoaderOptions<S, B>): Promise<BatchLoader<S, B>> {
    checkOptions(options);
    const source = await openSource(options.source, options.transform, { seed: options.seed ?? 0 });
    if (options.positions !== undefined) {
      options.positions.forEach((position, k) => {
        if (!Number.isInteger(position) || position < 0 || position >= source.length) {
          throw new RangeError(`Expected positions[${k}] to be an integer in [0, ${source.length - 1}] but received ${String(position)}`);
        }
      });
    }
    return new BatchLoader(options, source, (options.workers ?? 0) > 0 ? workerInit(options, source.length) : undefined);
  }

  /** Name of the dataset. */
  get name(): string {
    return this.source.name;
  }

  /** The dataset's label names. */
  get pathologies(): readonly string[] {
    return this.source.pathologies;
  }

  /** Samples visited per epoch (before drop_last); with a shard, this rank's samples. */
  get length(): number {
    const all = this.positions?.length ?? this.source.length;
    const shard = this.options.shard;
    if (shard === undefined || shard.worldSize === 1) return all;
    if (shard.padded === false) return Math.floor(all / shard.worldSize) + (shard.rank < all % shard.worldSize ? 1 : 0);
    return samplesPerRank(all, shard.worldSize);
  }

  /** Batches handed out per epoch. */
  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.length / this.batchSize) : Math.ceil(this.length / this.batchSize);
  }

  /** The dataset positions of `epoch`, in the order they are visited (every position once; a shard: this rank's share). */
  order(epoch: number): number[] {
    checkInteger('epoch', epoch, 0);
    const order = epochOrder(this.source.length, this.seed, epoch, this.shuffle, this.positions);
    const shard = this.options.shard;
    if (shard === undefined || shard.worldSize === 1) return order;
    if (shard.padded === false) return order.filter((_, i) => i % shard.worldSize === shard.rank);
    return shardOf(order, shard.rank, shard.worldSize);
  }

  /** The dataset positions of each batch of `epoch`. */
  batchPositions(epoch: number): number[][] {
    const order = this.order(epoch);
    return Array.from({ length: this.batchesPerEpoch }, (_, b) => order.slice(b * this.batchSize, (b + 1) * this.batchSize));
  }

  /**
   * The batches of `epoch`, from batch `startBatch` on.
   * @example for await (const batch of loader.epoch(3, { startBatch: 120 })) { … }  // resume after 120 batches
   * @throws TypeError / RangeError for a bad epoch or startBatch. The iterator rejects while another epoch of
   *   this loader is being iterated, and with "<dataset> sample <index> (epoch <e>): <file>: …" when a sample cannot be loaded.
   */
  epoch(epoch: number, options: EpochOptions = {}): AsyncGenerator<B, void, undefined> {
    checkInteger('epoch', epoch, 0);
    const startBatch = options.startBatch ?? 0;
    checkInteger('startBatch', startBatch, 0);
    if (startBatch > this.batchesPerEpoch) {
      throw new RangeError(`Expected startBatch in [0, ${this.batchesPerEpoch}] but received ${startBatch}`);
    }
    return this.iterate(epoch, this.batchPositions(epoch).slice(startBatch));
  }

  /** Ends the worker threads (a later epoch starts new ones). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.terminate();
  }

  private async *iterate(epoch: number, batches: number[][]): AsyncGenerator<B, void, undefined> {
    // Checked when iteration starts: an iterator that is created but never iterated holds nothing.
    if (this.active) throw new Error('Another epoch of this loader is being iterated: finish it or break out of it first');
    this.active = true;
    let finished = false;
    const loading: Promise<LoaderItem[]>[] = [];
    try {
      let next = 0;
      const fill = (): void => {
        while (loading.length < this.prefetch && next < batches.length) {
          const runner = this.runner(); // not before a batch is needed: a resumed, finished epoch starts no workers
          const batch = Promise.all(batches[next++].map((index) => runner.run(index, epoch)));
          // Rejections surface when the batch is awaited; this keeps a batch loading ahead from being reported
          // as unhandled if the epoch ends before reaching it.
          batch.catch(() => undefined);
          loading.push(batch);
        }
      };
      fill();
      while (loading.length > 0) {
        const items = await loading.shift()!;
        fill();
        yield this.options.collate(items as S[]);
      }
      finished = true;
    } finally {
      this.active = false;
      if (!finished) await this.close();
    }
  }

  private runner(): Runner {
    if (this.init === undefined) return { run: (index, epoch) => this.source.load(index, epoch) };
    this.pool ??= new WorkerPool(this.workers, this.init);
    return this.pool;
  }
}

// A copy taken at open: later changes to the caller's objects cannot make workers differ from the main thread,
// and a description that cannot reach a worker (a function in a module source's options) fails now.
function workerInit<S extends LoaderItem, B>(options: BatchLoaderOptions<S, B>, length: number): WorkerInit {
  try {
    return structuredClone({ source: options.source, transform: options.transform, seed: options.seed ?? 0, length });
  } catch (error) {
    throw new TypeError(`Expected a source and transform description that can be sent to worker threads (plain data only): ${(error as Error).message}`);
  }
}

function checkOptions<S extends LoaderItem, B>(options: BatchLoaderOptions<S, B>): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('Expected an options object for BatchLoader.open');
  if (typeof options.collate !== 'function') throw new TypeError(`Expected a function for collate but received ${typeof options.collate}`);
  checkInteger('batchSize', options.batchSize, 1);
  if (options.seed !== undefined) checkInteger('seed', options.seed, 0);
  if (options.workers !== undefined) checkInteger('workers', options.workers, 0);
  if (options.prefetch !== undefined) checkInteger('prefetch', options.prefetch, 1);
  for (const name of ['shuffle', 'dropLast'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`Expected a boolean for ${name} but received ${typeof value}`);
  }
  if (options.shard !== undefined) {
    checkInteger('shard.worldSize', options.shard.worldSize, 1);
    checkInteger('shard.rank', options.shard.rank, 0);
    if (options.shard.rank >= options.shard.worldSize) {
      throw new RangeError(`Expected an integer < ${options.shard.worldSize} for shard.rank but received ${options.shard.rank}`);
    }
  }
  if (options.positions !== undefined && !Array.isArray(options.positions)) {
    throw new TypeError(`Expected an array of dataset positions for positions but received ${typeof options.positions}`);
  }
}

