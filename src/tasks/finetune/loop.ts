/**
 * What both fine-tuning tasks share: encoder initialisation from MeDSLIP with its report, the epoch loop (train
 * with AdamW → validate → keep the best weights by the VALIDATION score → log) and the metrics file. The loop
 * writes, in the output folder, `log.jsonl` (one line per epoch, rewritten atomically), `loss.png` (train
 * and valid loss per epoch) and the `best` checkpoint (saveCheckpoint), and ends by loading the best weights
 * back into the model from that checkpoint.
 *
 * Deliberate difference from the reference, which evaluates the test set after every epoch and keeps the
 * epoch with the best TEST score: selection here sees only the validation set; the caller evaluates the test
 * set once, afterwards.
 */
import { join } from 'node:path';
import * as torch from '../../torch/index.ts';
import type { Module } from '../../nn/index.ts';
import { AdamW, referenceParamGroups } from '../../optim/adamw.ts';
import { initFromMedslip } from '../../models/classifier.ts';
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

export interface SelectionLoopOptions<T> {
  model: Module;
  /** What rebuilds the model (saved in the checkpoint). */
  modelConfig: Record<string, unknown>;
  /** AdamW learning rate, held constant, and the weight decay of the decaying group (reference groups). */
  lr: number;
  weightDecay: number;
  epochs: number;
  out: string;
  /** 'auc', 'dice', …: names the score in logs and the criterion. */
  scoreName: string;
  /** Title of the loss plot. */
  title: string;
  /** Batches per training epoch (progress bar total). */
  trainBatchCount: number;
  /** The prepared batches of one training epoch, in training order. */
  trainBatches(epoch: number): AsyncIterable<T[]>;
  /** The loss of one batch (called in training mode, inside a scope). */
  lossOf(batch: T[]): torch.Tensor;
  validate(): Promise<ValidationResult>;
  /** Saved beside the weights (the run's options). */
  runConfig: Record<string, unknown>;
  log: (line: string) => void;
  progress: ProgressStream | false;
}

/**
 * Trains with AdamW (constant lr, the reference's parameter groups), selects on validation, and restores the
 * selected weights into `options.model`.
 * @example const selection = await trainAndSelect({ model, lr: 1e-5, weightDecay: 0.02, epochs: 200, … });
 */
export async function trainAndSelect<T>(options: SelectionLoopOptions<T>): Promise<Selection> {
  const optimizer = new AdamW(referenceParamGroups(options.model.namedParameters(), options.weightDecay), { lr: options.lr });
  try {
    return await runEpochs(options, optimizer);
  } finally {
    optimizer.dispose(); // the moments are native memory
  }
}

/** One training epoch; returns the mean batch loss. */
async function trainEpoch<T>(options: SelectionLoopOptions<T>, optimizer: AdamW, epoch: number, onBatch: (done: number, loss: number) => void): Promise<number> {
  const { model } = options;
  model.train();
  let lossSum = 0, batches = 0;
  for await (const batch of options.trainBatches(epoch)) {
    const loss = torch.scope(() => {
      const value = options.lossOf(batch);
      model.zeroGrad();
      value.backward();
      optimizer.step();
      return value.item(); // sync point: reads the loss
    });
    lossSum += loss;
    batches++;
    onBatch(batches, loss);
  }
  return lossSum / Math.max(1, batches);
}

async function runEpochs<T>(options: SelectionLoopOptions<T>, optimizer: AdamW): Promise<Selection> {
  const { model, epochs, out, scoreName, log } = options;
  const history: EpochLogEntry[] = [];
  const bestPrefix = join(out, 'best');
  let criterion: string | undefined;
  let best: { epoch: number; value: number; entry: EpochLogEntry } | undefined;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const bar = progressBar({
      total: Math.max(1, options.trainBatchCount), label: `epoch ${epoch}/${epochs}`,
      stream: options.progress === false ? undefined : options.progress, silent: options.progress === false,
    });
    let trainLoss: number;
    try {
      trainLoss = await trainEpoch(options, optimizer, epoch, (done, loss) => bar.update(done, { loss }));
    } finally {
      bar.stop();
    }
    const valid = await options.validate();
    criterion ??= valid.score === undefined ? 'valid_loss' : `valid_${scoreName}`;
    const value = criterion === 'valid_loss' ? -valid.loss : valid.score ?? Number.NEGATIVE_INFINITY;
    const isBest = best === undefined || value > best.value;
    const entry: EpochLogEntry = {
      epoch, trainLoss, validLoss: valid.loss, validScore: valid.score ?? null, lr: optimizer.lr,
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

/** What the metrics record about the initialisation (null: none, random weights). */
export interface InitSummary { path: string; copied: number; ignored: number }

/** Initialises `model` from the MeDSLIP checkpoint at `path` (when given) and logs how many tensors were copied. */
export function initEncoder(model: Module, path: string | undefined, log: (line: string) => void): InitSummary | null {
  if (path === undefined) {
    log('init: none given, the whole model starts from random weights');
    return null;
  }
  const report = initFromMedslip(model, path);
  log(`init: copied ${report.copied.length} of ${report.copied.length + report.kept.length} tensors from ${path} (${report.source}); ${report.kept.length} keep their fresh initialisation, ${report.ignored} checkpoint tensors unused`);
  return { path, copied: report.copied.length, ignored: report.ignored };
}

/** The files a fine-tuning run leaves in its output folder. */
export interface FinetuneFiles { metrics: string; log: string; lossCurve: string; checkpoint: string }

/** Writes metrics.json (atomically); returns the paths of every file of the run. */
export function writeMetrics(out: string, metrics: object): FinetuneFiles {
  const files = { metrics: join(out, 'metrics.json'), log: join(out, 'log.jsonl'), lossCurve: join(out, 'loss.png'), checkpoint: join(out, 'best') };
  writeFileAtomic(files.metrics, `${JSON.stringify(metrics, null, 1)}\n`);
  return files;
}
