/**
 * The epoch loop both fine-tuning tasks share: train → validate → keep the best weights by the VALIDATION score
 * → log. Writes, in the output folder, `log.jsonl` (one line per epoch, rewritten atomically), `loss.png` (train
 * and valid loss per epoch) and the `best` checkpoint (saveCheckpoint), and ends by loading the best weights
 * back into the model from that checkpoint.
 *
 * Deliberate difference from the reference, which evaluates the test set after every epoch and keeps the
 * epoch with the best TEST score: selection here sees only the validation set; the caller evaluates the test
 * set once, afterwards.
 */
import { join } from 'node:path';
import type { Module } from '../../nn/index.ts';
import type { AdamW } from '../../optim/adamw.ts';
import { readCheckpoint, saveCheckpoint } from '../../io/checkpoint.ts';
import { writeFileAtomic } from '../../io/atomic-write.ts';
import { lossCurvePng } from '../../viz/loss-curve.ts';
import { progressBar, type ProgressStream } from '../../viz/progress.ts';

export interface ValidationResult {
  loss: number;
  /** Higher is better (mean AUC, Dice); undefined when the validation set cannot define it (one class only). */
  score: number | undefined;
  /** Extra figures written to the epoch's log line. */
  details?: Record<string, unknown>;
}

export interface EpochLogEntry {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  /** The validation score named by `scoreName` (null when undefined). */
  validScore: number | null;
  lr: number;
  seconds: number;
  /** Whether this epoch is the best so far (its weights were saved as `best`). */
  best: boolean;
  [detail: string]: unknown;
}

export interface Selection {
  /** The selected epoch (1-based). */
  epoch: number;
  /** `valid_<scoreName>`, or `valid_loss` when the validation set cannot define the score. */
  criterion: string;
  validScore: number | null;
  validLoss: number;
  history: EpochLogEntry[];
}

export interface SelectionLoopOptions {
  model: Module;
  /** What rebuilds the model (saved in the checkpoint). */
  modelConfig: Record<string, unknown>;
  optimizer: AdamW;
  epochs: number;
  out: string;
  /** 'auc', 'dice', …: names the score in logs and the criterion. */
  scoreName: string;
  /** Title of the loss plot. */
  title: string;
  /** Batches per training epoch (progress bar total). */
  trainBatches: number;
  /** One training epoch; calls onBatch after each batch; returns the mean training loss. */
  trainEpoch(epoch: number, onBatch: (batchesDone: number, loss: number) => void): Promise<number>;
  validate(): Promise<ValidationResult>;
  /** Saved beside the weights (the run's options). */
  runConfig: Record<string, unknown>;
  log: (line: string) => void;
  progress: ProgressStream | false;
}

/**
 * Runs the epochs, selects on validation, restores the selected weights into `options.model`.
 * @example const selection = await trainAndSelect({ model, optimizer, epochs: 200, … });
 */
export async function trainAndSelect(options: SelectionLoopOptions): Promise<Selection> {
  const { model, epochs, out, scoreName, log } = options;
  const history: EpochLogEntry[] = [];
  const bestPrefix = join(out, 'best');
  let criterion: string | undefined;
  let best: { epoch: number; value: number; entry: EpochLogEntry } | undefined;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const bar = progressBar({
      total: Math.max(1, options.trainBatches), label: `epoch ${epoch}/${epochs}`,
      stream: options.progress === false ? undefined : options.progress, silent: options.progress === false,
    });
    let trainLoss: number;
    try {
      trainLoss = await options.trainEpoch(epoch, (done, loss) => bar.update(done, { loss }));
    } finally {
      bar.stop();
    }
    const valid = await options.validate();
    criterion ??= valid.score === undefined ? 'valid_loss' : `valid_${scoreName}`;
    const value = criterion === 'valid_loss' ? -valid.loss : valid.score ?? Number.NEGATIVE_INFINITY;
    const isBest = best === undefined || value > best.value;
    const entry: EpochLogEntry = {
      epoch, trainLoss, validLoss: valid.loss, validScore: valid.score ?? null, lr: options.optimizer.lr,
      seconds: (performance.now() - started) / 1000, best: isBest, ...valid.details,
    };
    history.push(entry);
    if (isBest) {
      best = { epoch, value, entry };
      saveCheckpoint(bestPrefix, {
        model, modelConfig: options.modelConfig,
        state: { epoch, criterion, validScore: entry.validScore, validLoss: valid.loss, run: options.runConfig },
      });
    }
    writeFileAtomic(join(out, 'log.jsonl'), history.map((e) => `${JSON.stringify(e)}\n`));
    await writeLossCurve(join(out, 'loss.png'), history, options.title);
    const score = valid.score === undefined ? 'n/a' : valid.score.toFixed(4);
    log(`epoch ${epoch}/${epochs}: train loss ${trainLoss.toFixed(4)}, valid loss ${valid.loss.toFixed(4)}, valid ${scoreName} ${score}${isBest ? ' (best so far, saved)' : ''} [${entry.seconds.toFixed(1)} s]`);
  }
  // Selection is final here: load the selected weights back from the checkpoint that holds them.
  const saved = readCheckpoint(bestPrefix);
  model.loadStateDict(saved.weights);
  const selected = best!;
  log(`selected epoch ${selected.epoch} by ${criterion} (${criterion === 'valid_loss' ? selected.entry.validLoss.toFixed(4) : selected.entry.validScore?.toFixed(4)})`);
  return { epoch: selected.epoch, criterion: criterion!, validScore: selected.entry.validScore, validLoss: selected.entry.validLoss, history };
}

async function writeLossCurve(path: string, history: readonly EpochLogEntry[], title: string): Promise<void> {
  const points = (pick: (e: EpochLogEntry) => number): [number, number][] =>
    history.filter((e) => Number.isFinite(pick(e))).map((e) => [e.epoch, pick(e)]);
  const series = [{ name: 'train', points: points((e) => e.trainLoss) }, { name: 'valid', points: points((e) => e.validLoss) }]
    .filter((s) => s.points.length > 0);
  if (series.length === 0) return;
  writeFileAtomic(path, await lossCurvePng(series, { title, xLabel: 'epoch', yLabel: 'loss' }));
}
