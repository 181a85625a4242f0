/**
 * Progress reporting for long work (pre-training epochs, evaluation over a dataset).
 *
 * On a terminal it draws a cli-progress bar with ETA, throughput and the latest loss. When the stream is not a
 * TTY (CI logs, `> file`), a redrawn bar would fill the log with control codes, so it prints one plain line every
 * `intervalMs` instead (and one at the end). `silent: true` prints nothing.
 */
import { createRequire } from 'node:module';
import { checkInteger } from '../util/check.ts';

/** The part of cli-progress used here (the package ships no type declarations). */
interface CliSingleBar {
  start(total: number, startValue: number, payload?: Record<string, string>): void;
  update(value: number, payload?: Record<string, string>): void;
  stop(): void;
}
interface CliProgressModule {
  SingleBar: new (options: Record<string, unknown>, preset?: unknown) => CliSingleBar;
  Presets: { shades_classic: unknown };
}
const cliProgress = createRequire(import.meta.url)('cli-progress') as CliProgressModule;

/** Figures shown beside the count. */
export interface ProgressMetrics {
  loss?: number;
  /** Throughput measured by the caller; without it, items per second since start is shown. */
  imagesPerSec?: number;
  /** Seconds left in the whole job when the bar shows one part of it (an epoch of a run); shown as "run ETA". */
  runEtaSeconds?: number;
}

/** Where progress is written: a stream with `write`, and `isTTY` on terminals. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Number of items (iterations, images) the work will take. */
  total: number;
  /** Shown at the start of the line (default 'progress'). */
  label?: string;
  /** Default process.stdout. */
  stream?: ProgressStream;
  /** Print nothing (for tests, libraries, --quiet). */
  silent?: boolean;
  /** Milliseconds between plain lines when the stream is not a TTY (default 30 000). */
  intervalMs?: number;
  /** Clock in ms (tests inject one). Default Date.now. */
  now?: () => number;
}

export interface ProgressBar {
  /** Sets the count of finished items and the latest metrics. */
  update(value: number, metrics?: ProgressMetrics): void;
  /** Ends the bar (prints the final plain line when not on a TTY). Idempotent. */
  stop(): void;
}

/** "1h 02m", "3m 07s", "12s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

function formatRate(metrics: ProgressMetrics, value: number, elapsedSeconds: number): string {
  if (metrics.imagesPerSec !== undefined) return `${metrics.imagesPerSec.toFixed(1)} images/s`;
  return elapsedSeconds > 0 ? `${(value / elapsedSeconds).toFixed(1)} it/s` : '? it/s';
}

/**
 * A progress reporter for `total` items.
 *
 * @example const bar = progressBar({ total: steps, label: 'epoch 3' });
 *          bar.update(step, { loss, imagesPerSec }); … bar.stop();
 * @throws {RangeError} for a total that is not a positive integer or a negative interval.
 */
export function progressBar(options: ProgressOptions): ProgressBar {
  const { total } = options;
  checkInteger('total', total, 1);
  const intervalMs = options.intervalMs ?? 30_000;
  if (!(intervalMs >= 0)) throw new RangeError(`Expected a number ≥ 0 for intervalMs but received ${intervalMs}`);
  const label = options.label ?? 'progress';
  const stream = options.stream ?? process.stdout;
  const now = options.now ?? Date.now;
  if (options.silent) return { update: () => {}, stop: () => {} };

  const started = now();
  let value = 0;
  let metrics: ProgressMetrics = {};
  let stopped = false;

  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {rate} | loss {loss}{runEta}`,
        hideCursor: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    const payload = (): Record<string, string> => ({
      rate: formatRate(metrics, value, (now() - started) / 1000),
      loss: metrics.loss === undefined ? '—' : metrics.loss.toFixed(4),
      runEta: metrics.runEtaSeconds === undefined ? '' : ` | run ETA ${formatDuration(metrics.runEtaSeconds)}`,
    });
    bar.start(total, 0, payload());
    return {
      update(newValue, newMetrics = {}) {
        if (stopped) return;
        value = newValue;
        metrics = { ...metrics, ...newMetrics };
        bar.update(value, payload());
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }

  let lastPrinted = started;
  let changedSincePrint = false;
  const line = (): string => {
    const elapsed = (now() - started) / 1000;
    const percent = ((100 * value) / total).toFixed(1);
    const eta = value > 0 ? formatDuration((elapsed / value) * (total - value)) : '?';
    const parts = [`${label} ${value}/${total} (${percent}%)`];
    if (metrics.loss !== undefined) parts.push(`loss ${metrics.loss.toFixed(4)}`);
    parts.push(formatRate(metrics, value, elapsed), `elapsed ${formatDuration(elapsed)}`, `ETA ${eta}`);
    if (metrics.runEtaSeconds !== undefined) parts.push(`run ETA ${formatDuration(metrics.runEtaSeconds)}`);
    return `${parts.join(' | ')}\n`;
  };
  return {
    update(newValue, newMetrics = {}) {
      if (stopped) return;
      value = newValue;
      metrics = { ...metrics, ...newMetrics };
      changedSincePrint = true;
      if (now() - lastPrinted >= intervalMs) {
        lastPrinted = now();
        changedSincePrint = false;
        stream.write(line());
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // The last state is printed once, unless a periodic line already showed it.
      if (changedSincePrint || value === 0) stream.write(line());
    },
  };
}
