/**
 * `medslip pretrain`: MeDSLIP pre-training (Shef-AIRE/MeDSLIP PreTrain_MeDSLIP/train_MeDSLIP.py), in the order of
 * nanoGPT's train.py: config → data → model (new or resumed) → optimizer → learning rate → loop (train, validate,
 * checkpoint, log).
 *
 * Differences from the reference, on purpose:
 * - validation uses the evaluation transform (the reference validates on augmented images) and selects `best`;
 * - the default schedule is per optimizer step (warm-up then cosine); `schedule: reference` gives the reference's
 *   per-epoch schedule with its 5×100-iteration warm-up;
 * - a NaN/inf loss stops the run with a message instead of training on;
 * - Ctrl-C saves a checkpoint at the current batch; `--resume` continues the same run (same lr, same data order).
 * Data-parallel runs (one rank of several processes) differ in the points listed in ./pretrain/distributed.ts.
 */
import { mkdirSync, appendFileSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.ts';
import { median } from '../util/stats.ts';
import { MeDSLIP, type Books, type MedslipConfig, type PretrainBatch } from '../models/medslip.ts';
import { medslipConfigFrom } from '../models/load.ts';
import { AdamW, clipGradNorm, referenceParamGroups } from '../optim/adamw.ts';
import { cosineWithWarmup, cosineSchedule, REFERENCE_PRETRAIN_SCHEDULE } from '../optim/schedule.ts';
import { readCheckpoint, saveCheckpoint, checkpointPrefix } from '../io/checkpoint.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { encodeBooks, loadBooks, saveBooks } from '../text/encode-books.ts';
import { loadPathologyBook } from '../text/books.ts';
import { lossCurvePng } from '../viz/loss-curve.ts';
import { progressBar } from '../viz/progress.ts';
import { lossWeightsOf, PRETRAIN_DEFAULTS, type PretrainConfig, validate } from './pretrain/config.ts';
import { openPretrainLoaders } from './pretrain/data.ts';
import { SINGLE_PROCESS, resumeBatch, type PretrainSync } from './pretrain/distributed.ts';
import { disposeBatch, type BatchLoader, type PretrainItem, type PretrainLoaderBatch } from '../data/loader/index.ts';

export interface PretrainOptions {
  config: PretrainConfig;
  out: string;
  /** A checkpoint (prefix, .json) or a run folder (its `last` checkpoint) to continue. */
  resume?: string;
  /** Settings given explicitly on the command line, which win over the resumed run's. */
  resumeOverrides?: Partial<PretrainConfig>;
  log?: (line: string) => void;
  /** Progress bars off (tests). */
  quiet?: boolean;
  /** Stop after this many optimizer steps in this call (tests of interruption). */
  maxSteps?: number;
  /** One rank of a data-parallel job (default: a single process). */
  sync?: PretrainSync;
}

export interface PretrainResult {
  out: string;
  epochsDone: number;
  steps: number;
  bestValLoss: number;
  lastValLoss: number;
  seconds: number;
  /** True when stopped early (Ctrl-C or maxSteps); `last` then holds the position to resume from. */
  interrupted: boolean;
  books: string;
  bestCheckpoint: string;
  /** Median wall-clock seconds of one training step in this call (data wait included; the first step excluded). */
  secondsPerStep: number;
}

const LOSS_TERMS = ['loss', 'lossCePathology', 'lossClPathology', 'lossCeAnatomy', 'lossClAnatomy', 'lossAp'] as const;

interface RunState {
  epoch: number; // epoch in progress (or next to start)
  batchInEpoch: number; // batches of `epoch` already done
  step: number; // optimizer steps done
  bestValLoss: number;
  history: { epoch: number; trainLoss: number; valLoss: number; lr: number }[];
}

function modelConfigOf(config: PretrainConfig, textDim: number): MedslipConfig {
  return medslipConfigFrom({
    backbone: config.backbone, dModel: config.dModel, heads: config.heads, layers: config.layers,
    dropout: config.dropout, textDim, init: config.init,
  });
}

/** Books for the run: a given file, or encoded now (BERT folder or the offline encoder) and saved beside the run. */
function prepareBooks(config: PretrainConfig, out: string, log: (line: string) => void, write: boolean): { books: Books; file: string } {
  const file = join(out, 'books.safetensors');
  if (config.books) {
    const loaded = loadBooks(config.books);
    log(`books: ${config.books} (${loaded.metadata.encoder}, dim ${loaded.metadata.dim})`);
    if (config.books !== file && write) writeFileAtomic(file, readFileSync(config.books));
    return { books: { pathology: loaded.pathology.keep(), anatomy: loaded.anatomy.keep() }, file };
  }
  if (existsSync(file)) {
    const loaded = loadBooks(file);
    log(`books: reusing ${file} (${loaded.metadata.encoder})`);
    return { books: { pathology: loaded.pathology.keep(), anatomy: loaded.anatomy.keep() }, file };
  }
  const encoded = encodeBooks({
    textEncoder: config.textEncoder === 'offline' ? undefined : config.textEncoder,
    pathologyBook: config.pathologyBook ? loadPathologyBook(config.pathologyBook, { onWarning: log }) : undefined,
    maxLength: config.maxLength,
  });
  if (!write) { // a rank other than 0 that does not share rank 0's run folder: the same books, kept in memory
    const asMatrix = (values: Float32Array): torch.Tensor => torch.scope(() => torch.tensor(values).view(-1, encoded.dim)).keep();
    return { books: { pathology: asMatrix(encoded.pathology), anatomy: asMatrix(encoded.anatomy) }, file };
  }
  saveBooks(file, encoded);
  log(`books: encoded with ${encoded.encoder} (dim ${encoded.dim}) → ${file}`);
  if (config.textEncoder === 'offline') {
    log('books: the offline encoder has no medical language knowledge (structure only); use --text-encoder with a BERT folder for transfer to unseen findings');
  }
  const loaded = loadBooks(file);
  return { books: { pathology: loaded.pathology.keep(), anatomy: loaded.anatomy.keep() }, file };
}

export async function runPretrain(options: PretrainOptions): Promise<PretrainResult> {
  const sync = options.sync ?? SINGLE_PROCESS;
  const log = sync.isMain ? options.log ?? console.log : () => {};
  const started = Date.now();
  const out = options.out;
  if (sync.isMain) mkdirSync(out, { recursive: true });

  // ---- config (a resumed run takes its settings from the checkpoint, then the explicit overrides) ----------
  let config = options.config;
  let resumed: ReturnType<typeof readCheckpoint> | undefined;
  let state: RunState = { epoch: 0, batchInEpoch: 0, step: 0, bestValLoss: Infinity, history: [] };
  if (options.resume) {
    const prefix = existsSync(join(options.resume, 'last.json')) ? join(options.resume, 'last') : checkpointPrefix(options.resume);
    resumed = readCheckpoint(prefix);
    // settings added after the run was written take their defaults
    config = validate({ ...PRETRAIN_DEFAULTS, ...(resumed.state.runConfig as PretrainConfig), ...options.resumeOverrides });
    state = resumed.state.run as RunState;
    log(`resuming ${prefix}: epoch ${state.epoch}, batch ${state.batchInEpoch}, step ${state.step}`);
    const savedWorldSize = (resumed.state.worldSize as number | undefined) ?? 1;
    state.batchInEpoch = resumeBatch(state.batchInEpoch, savedWorldSize, sync.worldSize);
    if (savedWorldSize !== sync.worldSize) log(`the run was saved with ${savedWorldSize} process(es), continues with ${sync.worldSize}: from batch ${state.batchInEpoch} of the epoch`);
  }
  if (sync.isMain) writeFileAtomic(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  torch.manualSeed(config.seed);

  // ---- data and books ------------------------------------------------------------------------------------
  const data = await sync.mainFirst(() => openPretrainLoaders(config, log, { rank: sync.rank, worldSize: sync.worldSize }));
  const perEpoch = data.train.batchesPerEpoch;
  if (perEpoch === 0) throw new RangeError(`batchSize ${config.batchSize} is larger than the training set (${data.train.length} images from ${data.source})`);
  log(`data: ${data.train.length} training / ${data.valid.length} validation images from ${data.source}; ${perEpoch} batches of ${config.batchSize} per epoch, ${config.workers} loader worker(s)`);
  const { books, file: booksFile } = await sync.mainFirst(() => prepareBooks(config, out, log, sync.isMain));

  // ---- model and optimizer -------------------------------------------------------------------------------
  const modelConfig = resumed ? medslipConfigFrom(resumed.state.modelConfig) : modelConfigOf(config, books.pathology.shape[1]);
  const model = new MeDSLIP(modelConfig);
  if (resumed) model.loadStateDict(resumed.weights);
  if (config.device !== 'cpu') {
    model.to(torch.checkDevice(config.device));
    for (const key of ['pathology', 'anatomy'] as const) books[key].setData_(books[key].to(config.device as torch.Device));
  }
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters(), config.weightDecay), { lr: config.lr });
  if (resumed) resumed.restoreOptimizer(optimizer);
  await sync.start(model);
  log(`model: MeDSLIP ${modelConfig.backbone}, d ${modelConfig.dModel}, ${modelConfig.layers}+${modelConfig.layers} decoder layers, ${(model.parameterCount() / 1e6).toFixed(2)} M parameters, ${torch.getNumThreads()} thread(s), ${config.device}`);

  // ---- learning rate -------------------------------------------------------------------------------------
  const totalSteps = config.epochs * perEpoch;
  const stepLr = cosineWithWarmup({
    baseLr: config.lr, minLr: config.minLr, warmupLr: config.warmupLr,
    warmupSteps: Math.min(config.warmupSteps, totalSteps), totalSteps,
  });
  const referenceLr = cosineSchedule({ ...REFERENCE_PRETRAIN_SCHEDULE, baseLr: config.lr, lrMin: config.minLr,
    warmupLrInit: config.warmupLr, warmupT: config.warmupEpochs, tInitial: config.epochs });
  const lrAt = (epoch: number, batch: number, step: number): number =>
    config.schedule === 'reference' ? referenceLr.referenceLrAt(epoch, batch) : stepLr(step);

  // ---- the loop ------------------------------------------------------------------------------------------
  const weights = lossWeightsOf(config);
  const logFile = join(out, 'log.jsonl');
  const writeLog = (entry: object): void => { if (sync.isMain) appendFileSync(logFile, `${JSON.stringify(entry)}\n`); };
  let stopRequested = false;
  // Ctrl-C is noted here and takes effect at the end of a step (stopRequested), when every rank agrees on it.
  let signalled = false;
  const onSignal = (): void => {
    if (signalled) process.exit(130); // a second Ctrl-C: leave at once
    signalled = true;
    log('\nstopping: finishing this step and saving a checkpoint (Ctrl-C again to leave without saving)');
  };
  process.on('SIGINT', onSignal);
  const checkpointState = (): Record<string, unknown> => ({ run: state, runConfig: config, books: 'books.safetensors', worldSize: sync.worldSize });
  const save = (name: string): void => { if (sync.isMain) saveCheckpoint(join(out, name), { model, modelConfig, optimizer, state: checkpointState() }); };
  let stepsThisCall = 0;
  const stepSeconds: number[] = [];
  let stepStarted = Date.now();
  let lastValLoss = state.history.at(-1)?.valLoss ?? NaN;

  try {
    while (state.epoch < config.epochs && !stopRequested) {
      model.train();
      const bar = progressBar({ total: perEpoch, label: `epoch ${state.epoch + 1}/${config.epochs}`, silent: options.quiet || !sync.isMain });
      let lossSum = 0, lossCount = 0, windowStart = Date.now(), windowImages = 0;
      for await (const batch of data.train.epoch(state.epoch, { startBatch: state.batchInEpoch })) {
        const lr = lrAt(state.epoch, state.batchInEpoch, state.step);
        optimizer.setLr(lr);
        await sync.syncBuffers(`step ${state.step + 1}`);
        const terms = torch.scope(() => {
          const losses = model.losses(onDevice(batch, config.device), books, weights);
          const values = Object.fromEntries(LOSS_TERMS.map((k) => [k, losses[k].item()])) as Record<(typeof LOSS_TERMS)[number], number>; // sync point
          if (!Number.isFinite(values.loss)) return values; // do not step on a broken loss
          optimizer.zeroGrad();
          losses.loss.backward();
          return values;
        });
        disposeBatch(batch);
        const agreed = await sync.afterBackward(state.step + 1, { stop: signalled, nonFinite: !Number.isFinite(terms.loss) });
        stopRequested = agreed.stop;
        if (!agreed.nonFinite) {
          torch.scope(() => {
            if (config.clipGradNorm > 0) clipGradNorm(model.parameters(), config.clipGradNorm);
            optimizer.step();
          });
        } else if (Number.isFinite(terms.loss)) {
          throw new Error(`the loss became NaN or inf on another rank at step ${state.step + 1}; the last good checkpoint is ${join(out, 'last')}`);
        }
        if (!Number.isFinite(terms.loss)) {
          throw new Error(`loss became ${terms.loss} at epoch ${state.epoch + 1}, batch ${state.batchInEpoch + 1} (step ${state.step + 1}); `
            + `terms ${JSON.stringify(terms)}. The last good checkpoint is ${join(out, 'last')} — try a lower lr (now ${lr}) or clipGradNorm`);
        }
        state.step += 1;
        state.batchInEpoch += 1;
        stepsThisCall += 1;
        if (stepsThisCall > 1) stepSeconds.push((Date.now() - stepStarted) / 1000);
        stepStarted = Date.now();
        lossSum += terms.loss;
        lossCount += 1;
        windowImages += config.batchSize;
        const imagesPerSec = (windowImages * 1000) / Math.max(1, Date.now() - windowStart);
        bar.update(state.batchInEpoch, { loss: terms.loss, imagesPerSec });
        if (state.step % config.logInterval === 0) {
          writeLog({ type: 'step', epoch: state.epoch + 1, step: state.step, lr, imagesPerSec, ...terms, time: new Date().toISOString(),
            ...(sync.worldSize > 1 ? { syncMs: sync.lastSyncMs } : {}) });
          windowStart = Date.now();
          windowImages = 0;
        }
        if (stopRequested || (options.maxSteps !== undefined && stepsThisCall >= options.maxSteps)) {
          stopRequested = true;
          break;
        }
      }
      bar.stop();
      if (stopRequested) break;

      // validation, history, checkpoints
      const valLoss = await validationLoss(model, books, data.valid, config, sync);
      stepStarted = Date.now();
      lastValLoss = valLoss;
      const trainLoss = lossSum / Math.max(1, lossCount);
      const lr = optimizer.lr;
      state.history.push({ epoch: state.epoch + 1, trainLoss, valLoss, lr });
      writeLog({ type: 'epoch', epoch: state.epoch + 1, step: state.step, trainLoss, valLoss, lr, seconds: (Date.now() - started) / 1000 });
      log(`epoch ${state.epoch + 1}/${config.epochs}: train loss ${trainLoss.toFixed(4)}, validation loss ${valLoss.toFixed(4)}, lr ${lr.toExponential(2)}`);
      state.epoch += 1;
      state.batchInEpoch = 0;
      const improved = valLoss < state.bestValLoss;
      if (improved) state.bestValLoss = valLoss;
      save('last');
      if (improved) save('best');
      if (sync.isMain) await writeLossCurve(out, state);
    }
    if (stopRequested) {
      save('last');
      log(`saved ${join(out, 'last')} at epoch ${state.epoch + 1}, batch ${state.batchInEpoch}; continue with --resume ${out}`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    await data.train.close();
    await data.valid.close();
    optimizer.dispose();
    model.dispose();
    books.pathology.dispose();
    books.anatomy.dispose();
  }
  return {
    out, epochsDone: state.epoch, steps: state.step, bestValLoss: state.bestValLoss, lastValLoss,
    seconds: (Date.now() - started) / 1000, interrupted: stopRequested, books: booksFile, bestCheckpoint: join(out, 'best'),
    secondsPerStep: median(stepSeconds),
  };
}

/** The batch's tensors on the training device (a no-op on the CPU). */
function onDevice(batch: PretrainLoaderBatch, device: string): PretrainBatch {
  if (device === 'cpu') return batch;
  const move = (t: torch.Tensor): torch.Tensor => t.to(device as torch.Device);
  return { images: move(batch.images), labelPathology: move(batch.labelPathology), labelAnatomy: move(batch.labelAnatomy),
    matrix: move(batch.matrix), indexPathology: move(batch.indexPathology), indexAnatomy: move(batch.indexAnatomy) };
}

/** Mean total loss over the validation set: eval mode, no graph, evaluation transform, epoch-0 candidates. */
async function validationLoss(model: MeDSLIP, books: Books, valid: BatchLoader<PretrainItem, PretrainLoaderBatch>, config: PretrainConfig,
  sync: PretrainSync): Promise<number> {
  await sync.syncBuffers('validation'); // every rank validates rank 0's model, the one that is saved
  model.eval();
  let sum = 0, count = 0;
  for await (const batch of valid.epoch(0)) {
    sum += torch.scope(() => torch.noGrad(() => {
      return model.losses(onDevice(batch, config.device), books, lossWeightsOf(config)).loss.item();
    }));
    count += 1;
    disposeBatch(batch);
  }
  model.train();
  const [totalSum, totalCount] = await sync.sum([sum, count], 'the validation loss');
  return totalCount === 0 ? NaN : totalSum / totalCount;
}

async function writeLossCurve(out: string, state: RunState): Promise<void> {
  if (state.history.length === 0) return;
  const png = await lossCurvePng([
    { name: 'train', points: state.history.map((h) => [h.epoch, h.trainLoss] as [number, number]) },
    { name: 'validation', points: state.history.map((h) => [h.epoch, h.valLoss] as [number, number]) },
  ], { title: 'MeDSLIP pre-training loss', xLabel: 'epoch', yLabel: 'loss (sum of the five terms)' });
  writeFileAtomic(join(out, 'loss.png'), png);
  writeFileSync(join(out, 'history.json'), `${JSON.stringify(state.history, null, 1)}\n`);
}
