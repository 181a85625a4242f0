/**
 * What pre-training does differently when it is one rank of a data-parallel job (src/distributed), in one
 * place, so that the loop in pretrain.ts reads the same for one process and for many:
 * - only rank 0 writes (config, books, logs, checkpoints, plots) and prints; it also prepares the shared inputs
 *   (synthetic data cache, books) before the others read them;
 * - each rank trains on its shard of every epoch (PyTorch's DistributedSampler) and validates on its share of
 *   the validation set; validation losses are summed over ranks;
 * - parameters and buffers start as rank 0's; BatchNorm buffers are copied from rank 0 before every forward pass
 *   (training and validation), and gradients averaged over ranks before every optimizer step (DDP);
 * - the ranks agree at every step whether to stop (Ctrl-C on any rank) and whether a loss went NaN/inf, so that
 *   they stop at the same step and never wait for each other in vain.
 * `batchSize` is per rank, as in PyTorch DDP: one step sees batchSize × worldSize images.
 */
import type { Module } from '../../nn/module.ts';
import { DataParallel, DistributedGroup, distributedEnv } from '../../distributed/index.ts';
import { exitWithLauncher } from '../../distributed/launch.ts';

export interface PretrainSync {
  readonly rank: number;
  readonly worldSize: number;
  /** This rank among those of its machine: `--device cuda` becomes cuda:<localRank>. */
  readonly localRank: number;
  /** Rank 0 (or the only process): the one that writes and prints. */
  readonly isMain: boolean;
  /** Runs `prepare` on rank 0 first and on the other ranks after it (rank 0 writes what they then read). */
  mainFirst<T>(prepare: () => T | Promise<T>): Promise<T>;
  /** Copies rank 0's parameters and buffers to every rank. */
  start(model: Module): Promise<void>;
  /** Before a forward pass (each training step, validation): BatchNorm buffers from rank 0. */
  syncBuffers(what: string): Promise<void>;
  /** After backward: whether any rank wants to stop or got a non-finite loss; then (if all is well) mean gradients. */
  afterBackward(step: number, flags: { stop: boolean; nonFinite: boolean }): Promise<{ stop: boolean; nonFinite: boolean }>;
  /** Sums over ranks. */
  sum(values: number[], what: string): Promise<number[]>;
  /** Milliseconds the last gradient average took (0 in one process). */
  readonly lastSyncMs: number;
}

/** One process: nothing to agree on. */
export const SINGLE_PROCESS: PretrainSync = {
  rank: 0, worldSize: 1, localRank: 0, isMain: true, lastSyncMs: 0,
  mainFirst: async (prepare) => prepare(),
  start: async () => {},
  syncBuffers: async () => {},
  afterBackward: async (_step, flags) => flags,
  sum: async (values) => values,
};

/** The sync of one rank of a data-parallel job. */
export class RankSync implements PretrainSync {
  private parallel: DataParallel | undefined;
  constructor(readonly group: DistributedGroup, readonly localRank: number) {}

  get rank(): number { return this.group.rank; }
  get worldSize(): number { return this.group.worldSize; }
  get isMain(): boolean { return this.group.isMain; }
  get lastSyncMs(): number { return this.parallel?.lastSyncMs ?? 0; }

  async mainFirst<T>(prepare: () => T | Promise<T>): Promise<T> {
    if (this.isMain) {
      const result = await prepare();
      await this.group.barrier('rank 0 preparing the data and books');
      return result;
    }
    await this.group.barrier('rank 0 preparing the data and books');
    return prepare();
  }

  async start(model: Module): Promise<void> {
    this.parallel = new DataParallel(this.group, model);
    await this.parallel.broadcastState();
  }

  private get dataParallel(): DataParallel {
    if (!this.parallel) throw new Error('RankSync.start(model) must come before training');
    return this.parallel;
  }

  syncBuffers(what: string): Promise<void> {
    return this.dataParallel.broadcastBuffers(`the copy of rank 0's BatchNorm buffers before ${what}`);
  }

  async afterBackward(step: number, flags: { stop: boolean; nonFinite: boolean }): Promise<{ stop: boolean; nonFinite: boolean }> {
    const [stop, nonFinite] = await this.group.any([flags.stop, flags.nonFinite], `the stop/NaN check of step ${step}`);
    if (!nonFinite) await this.dataParallel.averageGradients(`the gradients of step ${step}`);
    return { stop, nonFinite };
  }

  sum(values: number[], what: string): Promise<number[]> {
    return this.group.sum(values, what);
  }
}

/**
 * The sync for this process: a rank of the job described by torchrun's variables, or SINGLE_PROCESS when they
 * are not set.
 */
export function pretrainSyncFromEnv(timeoutMs: number): PretrainSync {
  const layout = distributedEnv();
  if (layout === undefined || layout.worldSize === 1) return SINGLE_PROCESS;
  exitWithLauncher();
  return new RankSync(DistributedGroup.fromEnv(layout, { timeoutMs }), layout.localRank);
}

/** The device of this rank: a bare `cuda` means the GPU of its local rank (one GPU per process, as torchrun). */
export function rankDevice(device: string, sync: PretrainSync): string {
  return device === 'cuda' && sync.worldSize > 1 ? `cuda:${sync.localRank}` : device;
}

/**
 * The batch to continue from when a run saved with `savedWorldSize` ranks resumes with `worldSize`: the same
 * fraction of the epoch (the shards differ, so the samples of the interrupted epoch are not exactly those left).
 */
export function resumeBatch(batchInEpoch: number, savedWorldSize: number, worldSize: number): number {
  return savedWorldSize === worldSize ? batchInEpoch : Math.floor((batchInEpoch * savedWorldSize) / worldSize);
}

/**
 * Ends a rank whose run failed: tells the other ranks why (they name it in their own errors), prints the error
 * with the rank, and exits at once (collectives still in flight would otherwise hold the process until their
 * timeout).
 */
export function exitFailedRank(sync: PretrainSync, error: unknown): never {
  const message = error instanceof Error ? (process.env.MEDSLIP_DEBUG ? error.stack ?? error.message : error.message) : String(error);
  if (sync instanceof RankSync) sync.group.reportFailure(message);
  console.error(`medslip: rank ${sync.rank}: ${message}`);
  process.exit(1);
}
