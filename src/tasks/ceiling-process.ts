/**
 * The supervised ceiling (ceiling.ts) in a second process, so that the demo trains it beside MeDSLIP: libtorch's
 * ops block the thread that calls them, and two one-thread processes use two cores better than one process
 * alternating two models on two threads. The child is `medslip bench learning --json`; its JSON is the result.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CeilingResult } from './ceiling.ts';
import type { Precision } from '../torch/precision.ts';

/** `bench learning --json`'s object: the ceiling's result without the per-step losses, and its data folder. */
export type CeilingSummary = Omit<CeilingResult, 'losses'> & { dataDir: string };

export interface CeilingProcess {
  /** Settles when the child exits: its result, or an error with the end of its stderr. */
  result: Promise<CeilingSummary>;
  /** Stops the child (a demo that fails or is interrupted leaves no process behind). */
  stop(): void;
}

const BIN = fileURLToPath(new URL('../../bin/medslip.js', import.meta.url));

/** Starts the ceiling on `dataDir`'s splits in a child process with `threads` libtorch threads. */
export function startCeilingProcess(options: { dataDir: string; steps?: number; seed: number; threads: number; precision: Precision }): CeilingProcess {
  const args = [BIN, 'bench', 'learning', '--data', options.dataDir, '--seed', String(options.seed), '--precision', options.precision, '--json'];
  if (options.steps !== undefined) args.push('--steps', String(options.steps));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, MEDSLIP_THREADS: String(options.threads), OMP_NUM_THREADS: String(options.threads) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-4000); });
  const stopOnExit = (): void => { child.kill(); };
  process.once('exit', stopOnExit);
  const result = new Promise<CeilingSummary>((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`the supervised ceiling could not start (${process.execPath} ${BIN}): ${error.message}`)));
    child.on('close', (code, signal) => {
      process.removeListener('exit', stopOnExit);
      if (code === 0) {
        try {
          resolve(JSON.parse(stdout) as CeilingSummary);
        } catch (error) {
          reject(new Error(`the supervised ceiling printed no JSON (${(error as Error).message}): ${stdout.slice(0, 200)}`));
        }
      } else reject(new Error(`the supervised ceiling stopped (${signal ?? `exit code ${code}`}): ${stderr.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
  return { result, stop: stopOnExit };
}
