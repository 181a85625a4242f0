/** Threads, versions, build facts and live-tensor counters. */
import { native } from './binding.ts';
import { availableParallelism } from 'node:os';
import { checkInteger } from '../util/check.ts';

/** Sets libtorch's intra-op thread count (Debian's build starts with 1). */
export function setNumThreads(threads: number): void {
  native.setNumThreads(checkInteger('threads', threads, 1, 1024));
}
export const getNumThreads = (): number => native.getNumThreads();

/** Live native tensors and the bytes they reference: a leak shows as a count that keeps growing. */
export const counters = (): { tensors: number; bytes: number } => native.counters();

/**
 * Returns the C allocator's free pages to the system (glibc `malloc_trim(0)`). Freed tensors leave their memory in
 * the heap's arenas, fragmented by the different sizes a training step allocates, so a long run's RSS creeps up
 * although no tensor is live. Not free: the pages handed back are faulted in again by the next steps (measured by
 * `medslip bench memory`: every 20 steps of a 64 ms step cost 1.14×), so loops call it through
 * `releaseFreeMemoryEvery`. True when memory was released (always false off glibc).
 */
export const releaseFreeMemory = (): boolean => native.releaseFreeMemory();

/**
 * For long loops: returns a function to call once per step that calls `releaseFreeMemory` when `intervalMs` have
 * passed since the last release (default 60 s: with medslip's allocator settings a release costs about one step's
 * worth of page faults — every 10 s it made the demo's step 1.11× slower, `medslip bench memory --size demo` — while
 * RSS stays flat without it too; 60 s keeps a long run's RSS bounded at a negligible cost).
 */
export function releaseFreeMemoryEvery(intervalMs = 60_000): () => void {
  checkInteger('intervalMs', intervalMs, 0);
  let last = performance.now();
  return () => {
    if (performance.now() - last < intervalMs) return;
    native.releaseFreeMemory();
    last = performance.now();
  };
}

export interface LibtorchInfo {
  libtorch: string;
  cudaAvailable: boolean;
  cudaDevices: number;
  /** libtorch's build description (compiler, BLAS, LAPACK, CPU capability). */
  buildConfig: string;
  /** Thread pools as libtorch reports them. */
  parallelInfo: string;
  /** The BLAS behind libtorch's matrix products (OpenBLAS reports the CPU kernel it picked). */
  blas: { openblas: boolean; coreName?: string; config?: string; threads?: number };
}
export function libtorchInfo(): LibtorchInfo {
  const versions = native.versions();
  const build = native.buildConfig();
  return { libtorch: versions.libtorch, cudaAvailable: versions.cudaAvailable, cudaDevices: versions.cudaDevices,
    buildConfig: build.config, parallelInfo: build.parallel, blas: native.blasInfo() };
}

/**
 * Thread count at start-up: MEDSLIP_THREADS when set (the test runner pins 1), else every available core
 * (Debian's libtorch would otherwise start with one intra-op thread).
 */
const fromEnv = process.env.MEDSLIP_THREADS;
native.setNumThreads(fromEnv !== undefined && /^\d+$/.test(fromEnv) && Number(fromEnv) > 0 ? Number(fromEnv) : availableParallelism());
