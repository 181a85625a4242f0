/**
 * The local launcher behind `medslip pretrain --nproc-per-node N` (torchrun's role): starts N workers on this
 * machine with torchrun's environment contract, watches them, and ends the job as soon as one fails, naming it.
 *
 * - Threads: each worker gets ⌊cores / N⌋ libtorch threads unless MEDSLIP_THREADS / OMP_NUM_THREADS are set.
 * - A worker that exits with an error or is killed stops the job: the others get SIGTERM, then SIGKILL after
 *   `graceMs`, and the launcher fails with "rank r (local rank i, pid p) was killed by SIGKILL".
 * - Ctrl-C or SIGTERM is passed on to every worker once (they agree to stop at the same step, rank 0 saves, and
 *   the launcher exits with the workers' 130 or 143); a second one is passed on again and the workers leave
 *   without saving.
 * - Workers run in their own process group (so the terminal's Ctrl-C reaches them only through the launcher)
 *   and hold an IPC channel to it: if the launcher dies, they stop (`exitWithLauncher`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { checkInteger, invalidArgument } from '../util/check.ts';
import { signalExitCode, type StopSignal } from '../util/stop-signals.ts';
import { DEFAULT_MASTER_PORT, workerEnv } from './env.ts';

export interface LaunchOptions {
  /** Workers on this machine. */
  nprocPerNode: number;
  /** Machines in the job (each runs the same launcher with its own nodeRank). */
  nnodes: number;
  nodeRank: number;
  /** Where rank 0 (on node 0) keeps the store. */
  masterAddr: string;
  /** Default: a free port for a one-machine job, 29500 otherwise. */
  masterPort?: number;
  /** The Node script each worker runs, and its arguments. */
  script: string;
  args: string[];
  /** After a worker has failed, how long the others get to stop before SIGKILL (default 10 s). */
  graceMs?: number;
  log?: (line: string) => void;
}

export interface WorkerExit {
  rank: number;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A free TCP port on `host` (the OS picks one; another process could take it before the store does). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function describeExit(exit: WorkerExit, localRank: number): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return `rank ${exit.rank} (local rank ${localRank}, pid ${exit.pid}) ${how}`;
}

export interface LaunchResult {
  /** Every worker's exit, by rank. */
  exits: WorkerExit[];
  /** The stop signal passed on to the workers (they saved and exited with 128 + its number), if any. */
  stoppedBy?: StopSignal;
}

/**
 * Runs the job's local workers to the end, or until a stop signal, which they receive too.
 * @throws Error naming the first worker that failed, after the others have been stopped.
 */
export async function launchWorkers(options: LaunchOptions): Promise<LaunchResult> {
  const nproc = checkInteger('nprocPerNode', options.nprocPerNode, 1, 1024);
  const nnodes = checkInteger('nnodes', options.nnodes, 1, 65536);
  const nodeRank = checkInteger('nodeRank', options.nodeRank, 0, nnodes - 1);
  if (typeof options.masterAddr !== 'string' || options.masterAddr === '') throw invalidArgument('masterAddr', 'a host name or address', options.masterAddr);
  const masterPort = options.masterPort ?? (nnodes === 1 ? await freePort(options.masterAddr) : DEFAULT_MASTER_PORT);
  checkInteger('masterPort', masterPort, 1, 65535);
  const log = options.log ?? ((line: string) => console.error(line));
  const graceMs = options.graceMs ?? 10_000;
  const threads = String(Math.max(1, Math.floor(availableParallelism() / nproc)));

  const workers: ChildProcess[] = [];
  const exits: WorkerExit[] = [];
  let failure: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const live = (): ChildProcess[] => workers.filter((w) => w.exitCode === null && w.signalCode === null);
  const stopOthers = (): void => {
    for (const worker of live()) worker.kill('SIGTERM');
    killTimer = setTimeout(() => { for (const worker of live()) worker.kill('SIGKILL'); }, graceMs);
    killTimer.unref();
  };
  // Ctrl-C or SIGTERM is passed on: the workers finish the step, rank 0 saves, and each exits with 128 + the
  // signal's number, which is then a stop, not a failure; a second signal stops them without saving
  let interrupts = 0;
  let stoppedBy: StopSignal | undefined;
  const onStopSignal = (signal: StopSignal): void => {
    interrupts += 1;
    stoppedBy ??= signal;
    log(interrupts === 1
      ? `medslip launch: ${signal}: stopping the workers (they finish the step, rank 0 saves; ${signal} again stops them without saving)`
      : `medslip launch: ${signal}: stopping the workers without saving`);
    for (const worker of live()) worker.kill(signal);
  };
  const onSigint = (): void => onStopSignal('SIGINT');
  const onSigterm = (): void => onStopSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  try {
    await new Promise<void>((resolve) => {
      let running = nproc;
      for (let localRank = 0; localRank < nproc; localRank++) {
        const rank = nodeRank * nproc + localRank;
        const env = {
          ...process.env,
          MEDSLIP_THREADS: process.env.MEDSLIP_THREADS ?? threads,
          OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? threads,
          ...workerEnv({ rank, worldSize: nproc * nnodes, localRank, localWorldSize: nproc, masterAddr: options.masterAddr, masterPort }),
        };
        const worker = fork(options.script, options.args, { env, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        workers.push(worker);
        log(`medslip launch: rank ${rank} of ${nproc * nnodes} started (pid ${worker.pid}), store ${options.masterAddr}:${masterPort}`);
        worker.once('exit', (code, signal) => {
          const exit = { rank, pid: worker.pid ?? -1, code, signal };
          exits.push(exit);
          const stoppedAsAsked = stoppedBy !== undefined && code === signalExitCode(stoppedBy);
          if ((code !== 0 || signal !== null) && !stoppedAsAsked && failure === undefined && interrupts < 2) {
            failure = describeExit(exit, localRank);
            log(`medslip launch: ${failure}; stopping the other workers`);
            stopOthers();
          }
          if (--running === 0) resolve();
        });
      }
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    if (killTimer) clearTimeout(killTimer);
  }
  if (failure !== undefined) throw new Error(`the job failed: ${failure} (its own message, if any, is above)`);
  if (interrupts >= 2) throw new Error(`the job was stopped without saving (${stoppedBy} twice)`);
  return { exits: exits.sort((a, b) => a.rank - b.rank), stoppedBy };
}

/**
 * In a worker started by launchWorkers: stop when the launcher goes away (its IPC channel closes), so that no
 * worker is left running alone. Does nothing in a process that has no launcher.
 */
export function exitWithLauncher(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => {
    console.error(`medslip: rank ${process.env.RANK ?? '?'}: the launcher has stopped; stopping too`);
    process.exit(1);
  });
}
