/** Data-parallel training on libtorch's c10d (Gloo): the job's layout, the process group, DDP, the sampler, the launcher. */
export { distributedEnv, DEFAULT_MASTER_PORT, type DistributedEnv } from './env.ts';
export { DistributedGroup, DistributedError, type GroupOptions } from './group.ts';
export { DataParallel, DEFAULT_BUCKET_BYTES } from './data-parallel.ts';
export { shardOf, samplesPerRank } from './sampler.ts';
export { launchWorkers, type LaunchOptions, type WorkerExit } from './launch.ts';
