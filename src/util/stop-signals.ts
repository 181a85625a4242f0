/**
 * Stopping a long task cleanly. Ctrl-C (SIGINT) and SIGTERM — what `timeout`, SLURM, `docker stop` and `kill`
 * send — both ask the task to stop at its next safe point (pre-training saves a checkpoint there); a second
 * signal leaves at once. A process stopped by a signal exits with 128 + the signal's number (130 for SIGINT,
 * 143 for SIGTERM), as shells and schedulers expect, so a script can tell a stopped run from a finished one.
 */
import { constants } from 'node:os';

export type StopSignal = 'SIGINT' | 'SIGTERM';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export interface StopWatch {
  /** The first stop signal received, if any. */
  readonly received: StopSignal | undefined;
  /** Stops listening (the signals' default behaviour returns). */
  dispose(): void;
}

/** 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Listens for SIGINT and SIGTERM until disposed: the first calls `onStop`, a second ends the process at once
 * with the signal's exit code.
 * @example const stop = watchStopSignals((s) => log(`${s}: saving at the end of this step`)); … if (stop.received) …
 */
export function watchStopSignals(onStop: (signal: StopSignal) => void): StopWatch {
  let received: StopSignal | undefined;
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (received !== undefined) process.exit(signalExitCode(signal));
      received = signal;
      onStop(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    get received() { return received; },
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
