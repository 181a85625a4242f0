/**
 * torchrun's environment contract: every process of a job learns its place from RANK, WORLD_SIZE, LOCAL_RANK,
 * LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT. `medslip pretrain --nproc-per-node N` sets them for its
 * workers; torchrun-style launchers, SLURM job scripts (exporting them from SLURM_PROCID and friends) and
 * Kubernetes operators set them the same way, so one command runs under all of them.
 */
import { invalidArgument } from '../util/check.ts';

export interface DistributedEnv {
  /** This process among all of the job's processes, 0…worldSize−1. */
  rank: number;
  worldSize: number;
  /** This process among those of its machine (it picks the GPU, cuda:LOCAL_RANK). */
  localRank: number;
  localWorldSize: number;
  /** Where rank 0 keeps the job's TCP store. */
  masterAddr: string;
  masterPort: number;
}

/** torchrun's default store port. */
export const DEFAULT_MASTER_PORT = 29500;

function integerVariable(env: NodeJS.ProcessEnv, name: string, min: number, max: number, fallback?: number): number {
  const text = env[name];
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    throw invalidArgument(`environment variable ${name}`, `an integer in [${min}, ${max}]`, text);
  }
  const value = Number(text);
  if (!/^\d+$/.test(text.trim())) throw invalidArgument(`environment variable ${name}`, 'an integer', text);
  if (value < min || value > max) throw invalidArgument(`environment variable ${name}`, `an integer in [${min}, ${max}]`, text, true);
  return value;
}

/**
 * The job's layout from the environment, or undefined when WORLD_SIZE is not set (a single-process run).
 * @example distributedEnv({ RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: 'node0', MASTER_PORT: '29500' })
 * @throws TypeError / RangeError naming the variable when one is missing or out of range.
 */
export function distributedEnv(env: NodeJS.ProcessEnv = process.env): DistributedEnv | undefined {
  if (env.WORLD_SIZE === undefined || env.WORLD_SIZE === '') return undefined;
  const worldSize = integerVariable(env, 'WORLD_SIZE', 1, 65536);
  const rank = integerVariable(env, 'RANK', 0, worldSize - 1);
  const localWorldSize = integerVariable(env, 'LOCAL_WORLD_SIZE', 1, worldSize, worldSize);
  const localRank = integerVariable(env, 'LOCAL_RANK', 0, localWorldSize - 1, rank % localWorldSize);
  const masterAddr = env.MASTER_ADDR ?? (worldSize === 1 ? '127.0.0.1' : '');
  if (masterAddr === '') throw invalidArgument('environment variable MASTER_ADDR', 'the host name or address of rank 0', env.MASTER_ADDR);
  const masterPort = integerVariable(env, 'MASTER_PORT', 1, 65535, DEFAULT_MASTER_PORT);
  return { rank, worldSize, localRank, localWorldSize, masterAddr, masterPort };
}

/** The variables a launcher sets for one worker (the inverse of distributedEnv). */
export function workerEnv(layout: DistributedEnv): Record<string, string> {
  return {
    RANK: String(layout.rank), WORLD_SIZE: String(layout.worldSize),
    LOCAL_RANK: String(layout.localRank), LOCAL_WORLD_SIZE: String(layout.localWorldSize),
    MASTER_ADDR: layout.masterAddr, MASTER_PORT: String(layout.masterPort),
  };
}
