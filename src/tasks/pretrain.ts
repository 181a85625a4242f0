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
 * - Ctrl-C or SIGTERM saves a checkpoint at the current batch; `--resume` continues the same run in its folder,
 *   bit for bit as if it had not stopped (checkpoints hold the generators' states; src/io/checkpoint.ts);
 * - a run folder is never reused by accident (src/tasks/run-folder.ts).
 * Data-parallel runs (one rank of several processes) differ in the points listed in ./pretrain/distributed.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as torch from '../torch/index.ts';
import { median } from '../util/stats.ts';
import { MeDSLIP, type Books, type MedslipConfig, type PretrainBatch } from '../models/medslip.ts';
import { medslipConfigFrom } from '../models/load.ts';
import { AdamW, clipGradNorm, referenceParamGroups } from '../optim/adamw.ts';
import { cosineWithWarmup, cosineSchedule, REFERENCE_PRETRAIN_SCHEDULE } from '../optim/schedule.ts';
import { readCheckpoint, saveCheckpoint, type LoadedCheckpoint } from '../io/checkpoint.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { booksAsTensors, encodeBooks, saveBooks } from '../text/encode-books.ts';
import { loadPathologyBook } from '../text/books.ts';
import { lossCurvePng } from '../viz/loss-curve.ts';
import { progressBar } from '../viz/progress.ts';
import { type PretrainConfig, FIXED_ON_RESUME, PRETRAIN_DEFAULTS, checkInputPaths, lossWeightsOf, validate } from './pretrain/config.ts';
import { openPretrainLoaders } from './pretrain/data.ts';
import { checkBooks, disposeBooks, readBooksFile } from './zeroshot/books.ts';
import { locateRunFolder, openRunFolder, RunLog } from './run-folder.ts';
import { watchStopSignals, type StopSignal } from '../util/stop-signals.ts';
import { SINGLE_PROCESS, resumeBatch, type PretrainSync } from './pretrain/distributed.ts';
import { disposeBatch, type BatchLoader, type PretrainItem, type PretrainLoaderBatch } from '../data/loader/index.ts';

export interface PretrainOptions {
  config: PretrainConfig;
  /** The run folder: new or empty, or an earlier run with `overwrite`; when resuming, leave it out (or give the run's). */
  out?: string;
  /** A run folder (its `last` checkpoint) or a checkpoint of one, to continue in that folder. */
  resume?: string;
  /** Replace the earlier run in `out`. */
  overwrite?: boolean;
  /** Settings given explicitly on the command line, which win over the resumed run's (except the model's: an error). */
  resumeOverrides?: Partial<PretrainConfig>;
  log?: (line: string) => void;
  /** Progress bars off (tests). */
  quiet?: boolean;
  /** Stop after this many optimizer steps in this call (tests of interruption). */
  maxSteps?: number;
  /**
   * Called at each moment where a crash would leave a distinct state: after every step ("step 12") and after every
   * file of a checkpoint save ("save last at step 12: optimizer"). Tests kill the process there.
   */
  onEvent?: (event: string) => void;
  /** One rank of a data-parallel job (default: a single process). */
  sync?: PretrainSync;
  /**
   * Sets `epochs` while the run runs (the demo fits its time budget this way, without a separate probe run):
   * called after each step with the wall-clock seconds of every step so far but the first, and the bounds of the
   * answer; the first number it returns becomes the run's epochs, and config.json is written again. The warm-up's learning rate does not
   * depend on the run's length, so the run is the one that those epochs given from the start would be, step for
   * step; the answer must therefore come before the warm-up and the first epoch end. One process, a new run, the
   * `step` schedule; until it answers, the run counts `config.epochs`.
   */
  planEpochs?: (planning: EpochPlanning) => number | undefined;
}

/** What `planEpochs` is called with. */
export interface EpochPlanning {
  /** Wall-clock seconds of every step so far but the first (its time holds the loaders' start). */
  stepSeconds: readonly number[];
  /** Optimizer steps in an epoch (the training loader's batches). */
  stepsPerEpoch: number;
  /** The step by which the answer must come: the end of the warm-up or of the first epoch, whichever is first. */
  deadline: number;
  /** The fewest epochs that hold the whole warm-up. */
  minEpochs: number;
}

export interface PretrainResult {
  out: string;
  epochsDone: number;
  steps: number;
  bestValLoss: number;
  lastValLoss: number;
  seconds: number;
  /** True when stopped early (a signal or maxSteps); `last` then holds the position to resume from. */
  interrupted: boolean;
  /** The signal that stopped the run (the command then exits with 130 or 143). */
  signal?: StopSignal;
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
  trainLossSum: number; // over the batches of `epoch` done, so that a resumed epoch reports the whole epoch's mean
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
    const books = readBooksFile(config.books);
    log(`books: ${config.books} (${books.metadata.encoder}, dim ${books.metadata.dim})`);
    if (config.books !== file && write) writeFileAtomic(file, readFileSync(config.books));
    return { books, file };
  }
  if (existsSync(file)) {
    const books = readBooksFile(file);
    log(`books: reusing ${file} (${books.metadata.encoder})`);
    return { books, file };
  }
  const encoded = encodeBooks({
    textEncoder: config.textEncoder === 'offline' ? undefined : config.textEncoder,
    pathologyBook: config.pathologyBook ? loadPathologyBook(config.pathologyBook, { onWarning: log }) : undefined,
    maxLength: config.maxLength,
  });
  if (!write) { // a rank other than 0 that does not share rank 0's run folder: the same books, kept in memory
    const { pathology, anatomy } = booksAsTensors(encoded.pathology, encoded.anatomy, encoded.dim);
    return { books: { pathology: pathology.keep(), anatomy: anatomy.keep() }, file };
  }
  saveBooks(file, encoded);
  log(`books: encoded with ${encoded.encoder} (dim ${encoded.dim}) → ${file}`);
  if (config.textEncoder === 'offline') {
    log('books: the offline encoder has no medical language knowledge (structure only); use --text-encoder with a BERT folder for transfer to unseen findings');
  }
  return { books: readBooksFile(file), file };
}

/**
 * Runs (or resumes) a pre-training run; see the file header. One run at a time in a process: the random
 * generators that init and dropout draw from are process-wide, so concurrent runs would draw each other's numbers.
 * @example await runPretrain({ config: loadPretrainConfig({ overrides: ['epochs=2'] }), out: 'runs/try' })
 * @throws Error naming the file or folder for a run folder that cannot be used, a damaged checkpoint, a missing
 *   input, a model setting changed on resume, books that do not fit, or a NaN/inf loss
 */
export async function runPretrain(options: PretrainOptions): Promise<PretrainResult> {
  const sync = options.sync ?? SINGLE_PROCESS;
  const log = sync.isMain ? options.log ?? console.log : () => {};
  const started = Date.now();

  // ---- run folder and config (a resumed run takes its settings from the checkpoint, then the explicit overrides) --
  if (!options.resume) checkInputPaths(options.config); // before --overwrite deletes anything
  // rank 0 checks and prepares the folder; the other ranks only find it (they may run on machines without it)
  const folder = await sync.mainFirst(() => (sync.isMain ? openRunFolder(options) : locateRunFolder(options)));
  const out = folder.dir;
  if (folder.removed.length > 0) log(`${out}: removed ${folder.removed.join(', ')} (${folder.resumeFrom ? 'left by an interrupted save' : 'the replaced run'})`);
  const runLog = new RunLog(join(out, 'log.jsonl'));
  let config = options.config;
  let resumed: LoadedCheckpoint | undefined;
  let state: RunState = { epoch: 0, batchInEpoch: 0, step: 0, trainLossSum: 0, bestValLoss: Infinity, history: [] };
  if (folder.resumeFrom) {
    resumed = readCheckpoint(folder.resumeFrom);
    config = resumedConfig(resumed, options.resumeOverrides ?? {});
    state = resumed.state.run as RunState;
    state.trainLossSum ??= 0; // not recorded before medslip-checkpoint-2
    state.bestValLoss ??= Infinity; // JSON has no Infinity: a run stopped in its first epoch saved null
    const dropped = sync.isMain ? runLog.keepUpTo(state.step) : 0;
    log(`resuming ${folder.resumeFrom}: epoch ${state.epoch + 1}, batch ${state.batchInEpoch}, step ${state.step}`
      + (dropped > 0 ? ` (${dropped} log line(s) of the steps after it dropped: they are trained again)` : ''));
    checkInputPaths(config);
    const savedWorldSize = (resumed.state.worldSize as number | undefined) ?? 1;
    state.batchInEpoch = resumeBatch(state.batchInEpoch, savedWorldSize, sync.worldSize);
    if (savedWorldSize !== sync.worldSize) log(`the run was saved with ${savedWorldSize} process(es), continues with ${sync.worldSize}: from batch ${state.batchInEpoch} of the epoch`);
  }
  if (sync.isMain) writeFileAtomic(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  torch.manualSeed(config.seed);

  // ---- books and data (rank 0 writes them first; the other ranks then read them) -------------------------------
  const { books, file: booksFile } = await sync.mainFirst(() => prepareBooks(config, out, log, sync.isMain));
  const modelConfig = resumed ? medslipConfigFrom(resumed.state.modelConfig) : modelConfigOf(config, books.pathology.shape[1]);
  try {
    checkBooks(books, modelConfig.textDim, booksFile);
  } catch (error) {
    disposeBooks(books);
    throw error;
  }
  const data = await sync.mainFirst(() => openPretrainLoaders(config, log, { rank: sync.rank, worldSize: sync.worldSize }));
  const perEpoch = data.train.batchesPerEpoch;
  if (perEpoch === 0) {
    await Promise.all([data.train.close(), data.valid.close()]);
    throw new RangeError(`batchSize ${config.batchSize} is larger than the training set (${data.train.length} images from ${data.source})`);
  }
  log(`data: ${data.train.length} training / ${data.valid.length} validation images from ${data.source}; ${perEpoch} batches of ${config.batchSize} per epoch, ${config.workers} loader worker(s)`);

  // ---- model and optimizer -------------------------------------------------------------------------------
  const model = new MeDSLIP(modelConfig);
  if (resumed) model.loadStateDict(resumed.weights);
  model.precision = torch.resolvePrecision(config.precision, config.device);
  if (config.precision !== 'float32') log(`precision: ${model.precision} (${config.precision}${config.precision === 'auto' ? `: ${torch.cpuHasNativeBfloat16() ? 'this CPU multiplies bfloat16 natively' : 'no native bfloat16 on this CPU'}` : ''})`);
  if (config.device !== 'cpu') {
    model.to(torch.checkDevice(config.device));
    for (const key of ['pathology', 'anatomy'] as const) books[key].setData_(books[key].to(config.device as torch.Device));
  }
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters(), config.weightDecay), { lr: config.lr });
  if (resumed) resumed.restoreOptimizer(optimizer);
  // after the model's init, which draws from the generators: dropout continues with the saved run's random stream
  if (resumed && !resumed.restoreGenerators()) log(`${resumed.path} records no generator state (an older checkpoint): dropout masks will differ from an uninterrupted run`);
  await sync.start(model);
  log(`model: MeDSLIP ${modelConfig.backbone}, d ${modelConfig.dModel}, ${modelConfig.layers}+${modelConfig.layers} decoder layers, ${(model.parameterCount() / 1e6).toFixed(2)} M parameters, ${torch.getNumThreads()} thread(s), ${config.device}`);

  // ---- learning rate -------------------------------------------------------------------------------------
  let totalSteps = config.epochs * perEpoch;
  const stepSchedule = (): ((step: number) => number) => cosineWithWarmup({
    baseLr: config.lr, minLr: config.minLr, warmupLr: config.warmupLr,
    warmupSteps: Math.min(config.warmupSteps, totalSteps), totalSteps,
  });
  let stepLr = stepSchedule();
  // a run whose length is planned in its warm-up (options.planEpochs): the plan must come before the schedule
  // depends on the length, i.e. before the warm-up ends, and before the first epoch ends
  let planning = options.planEpochs !== undefined;
  const planDeadline = Math.min(config.warmupSteps, perEpoch);
  const minEpochs = Math.ceil(config.warmupSteps / perEpoch);
  if (planning && (resumed || sync.worldSize > 1 || config.schedule !== 'step' || planDeadline < 2 || totalSteps < config.warmupSteps)) {
    throw new Error(`planEpochs needs a new single-process run with the step schedule, at least 2 warm-up steps in its first epoch and room for the whole warm-up (warmupSteps ${config.warmupSteps}, ${perEpoch} batches per epoch, at most ${config.epochs} epochs)`);
  }
  const plan = (stepSeconds: readonly number[]): void => {
    const epochs = options.planEpochs!({ stepSeconds, stepsPerEpoch: perEpoch, deadline: planDeadline, minEpochs });
    if (epochs === undefined) {
      if (state.step >= planDeadline) throw new Error(`planEpochs gave no epochs within the first ${planDeadline} steps (the warm-up, in the first epoch)`);
      return;
    }
    if (!Number.isInteger(epochs) || epochs < minEpochs) {
      throw new RangeError(`planEpochs gave ${epochs} epochs: expected a whole number whose ${perEpoch} steps each hold the ${config.warmupSteps} warm-up steps`);
    }
    config = validate({ ...config, epochs });
    totalSteps = config.epochs * perEpoch;
    stepLr = stepSchedule();
    planning = false;
    writeFileAtomic(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    log(`training: ${config.epochs} epochs planned after ${state.step} steps: steps ${state.step + 1}–${totalSteps}`);
  };
  const referenceLr = cosineSchedule({ ...REFERENCE_PRETRAIN_SCHEDULE, baseLr: config.lr, lrMin: config.minLr,
    warmupLrInit: config.warmupLr, warmupT: config.warmupEpochs, tInitial: config.epochs });
  const lrAt = (epoch: number, batch: number, step: number): number =>
    config.schedule === 'reference' ? referenceLr.referenceLrAt(epoch, batch) : stepLr(step);

  // ---- the loop ------------------------------------------------------------------------------------------
  const stop = watchStopSignals((signal) => log(`\n${signal}: finishing this step and saving a checkpoint (${signal} again leaves without saving)`));
  const weights = lossWeightsOf(config);
  const checkpointState = (): Record<string, unknown> => ({ run: state, runConfig: config, books: 'books.safetensors', worldSize: sync.worldSize });
  // what `last` holds (a run resumed from `best` has not yet rewritten its `last`)
  let lastSaved = resumed && basename(resumed.path) === 'last.json' ? state.step : undefined;
  const save = (name: 'last' | 'best'): void => {
    if (sync.isMain) { // the only rank that writes
      saveCheckpoint(join(out, name), { model, modelConfig, optimizer, imageSize: config.imageSize, state: checkpointState(),
        onStage: (stage) => options.onEvent?.(`save ${name} at step ${state.step}: ${stage}`) });
    }
    if (name === 'last') lastSaved = state.step;
  };
  const writeLog = (entry: object): void => { if (sync.isMain) runLog.append(entry); };
  // a crash between the two saves of an epoch can leave `best` alone: resumed from it, it becomes `last` again first
  if (resumed && lastSaved === undefined && !existsSync(join(out, 'last.json'))) save('last');
  // a stop signal takes effect at the end of a step, once every rank agrees on it (sync.afterBackward)
  let stopRequested = false;
  let stepsThisCall = 0;
  const stepSeconds: number[] = [];
  const loopStarted = Date.now();
  const releaseMemory = torch.releaseFreeMemoryEvery();
  let stepStarted = loopStarted;
  let lastValLoss = state.history.at(-1)?.valLoss ?? NaN;
  log(planning
    ? `training: the number of epochs (${perEpoch} steps each) is planned within the first ${planDeadline} steps; Ctrl-C or SIGTERM saves a checkpoint and stops`
    : state.step < totalSteps
      ? `training: steps ${state.step + 1}–${totalSteps} (${perEpoch} per epoch); Ctrl-C or SIGTERM saves a checkpoint and stops`
      : `training: all ${totalSteps} steps are done`);

  try {
    // one process may stop between epochs too (a signal during validation); ranks stop only where they agree
    while (state.epoch < config.epochs && !stopRequested && !(sync.worldSize === 1 && stop.received)) {
      model.train();
      const bar = progressBar({ total: perEpoch, label: `epoch ${state.epoch + 1}/${planning ? '…' : config.epochs}`, silent: options.quiet || !sync.isMain });
      let windowStart = Date.now(), windowImages = 0;
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
        const agreed = await sync.afterBackward(state.step + 1, { stop: stop.received !== undefined, nonFinite: !Number.isFinite(terms.loss) });
        stopRequested = agreed.stop;
        if (!Number.isFinite(terms.loss)) throw new Error(brokenLossMessage(terms, state, lr, out, lastSaved));
        if (agreed.nonFinite) throw new Error(`the loss became NaN or inf on another rank at step ${state.step + 1}; ${resumeHint(out, lastSaved)}`);
        torch.scope(() => {
          if (config.clipGradNorm > 0) clipGradNorm(model.parameters(), config.clipGradNorm);
          optimizer.step();
        });
        state.step += 1;
        state.batchInEpoch += 1;
        stepsThisCall += 1;
        if (stepsThisCall > 1) stepSeconds.push((Date.now() - stepStarted) / 1000);
        stepStarted = Date.now();
        if (planning) plan(stepSeconds);
        state.trainLossSum += terms.loss;
        windowImages += config.batchSize;
        const imagesPerSec = (windowImages * 1000) / Math.max(1, Date.now() - windowStart);
        const runEtaSeconds = ((Date.now() - loopStarted) / 1000 / stepsThisCall) * (totalSteps - state.step);
        bar.update(state.batchInEpoch, { loss: terms.loss, imagesPerSec, runEtaSeconds });
        options.onEvent?.(`step ${state.step}`);
        if (state.step % config.logInterval === 0) {
          writeLog({ type: 'step', epoch: state.epoch + 1, step: state.step, lr, imagesPerSec, ...terms, time: new Date().toISOString(),
            ...(sync.worldSize > 1 ? { syncMs: sync.lastSyncMs } : {}) });
          windowStart = Date.now();
          windowImages = 0;
        }
        releaseMemory(); // at most every 60 s: freed tensors' pages back to the system, steady RSS (npm run soak)
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
      const trainLoss = state.trainLossSum / Math.max(1, state.batchInEpoch);
      const lr = optimizer.lr;
      state.history.push({ epoch: state.epoch + 1, trainLoss, valLoss, lr });
      writeLog({ type: 'epoch', epoch: state.epoch + 1, step: state.step, trainLoss, valLoss, lr, seconds: (Date.now() - started) / 1000 });
      log(`epoch ${state.epoch + 1}/${config.epochs}: train loss ${trainLoss.toFixed(4)}, validation loss ${valLoss.toFixed(4)}, lr ${lr.toExponential(2)}`);
      state.epoch += 1;
      state.batchInEpoch = 0;
      state.trainLossSum = 0;
      const improved = valLoss < state.bestValLoss;
      if (improved) state.bestValLoss = valLoss;
      // best first: a crash between the two leaves `last` at the previous epoch, which is then trained again and
      // saves this best again; the other order would lose it (`last` would already count it as saved)
      if (improved) save('best');
      save('last');
      if (sync.isMain) await writeLossCurve(out, state);
    }
    stopRequested ||= stop.received !== undefined;
    if (stopRequested) {
      if (lastSaved !== state.step) save('last');
      log(`saved ${join(out, 'last')} at epoch ${state.epoch + 1}, batch ${state.batchInEpoch}; continue with --resume ${out}`);
    }
  } finally {
    stop.dispose();
    await data.train.close();
    await data.valid.close();
    optimizer.dispose();
    model.dispose();
    disposeBooks(books);
  }
  return {
    out, epochsDone: state.epoch, steps: state.step, bestValLoss: state.bestValLoss, lastValLoss,
    seconds: (Date.now() - started) / 1000, interrupted: stopRequested, signal: stop.received, books: booksFile,
    bestCheckpoint: join(out, 'best'), secondsPerStep: median(stepSeconds),
  };
}

/**
 * The resumed run's settings: the checkpoint's, with the explicit overrides on top.
 * @throws Error naming the checkpoint when an override would change the model (FIXED_ON_RESUME)
 */
function resumedConfig(resumed: LoadedCheckpoint, overrides: Partial<PretrainConfig>): PretrainConfig {
  // settings added after the run was written take their defaults
  const saved: PretrainConfig = { ...PRETRAIN_DEFAULTS, ...resumed.state.runConfig as PretrainConfig };
  for (const key of FIXED_ON_RESUME) {
    if (key in overrides && overrides[key] !== saved[key]) {
      throw new Error(`${resumed.path}: setting "${key}" is ${JSON.stringify(saved[key] ?? null)} in the resumed run and cannot change (it defines the model); leave it out, or start a new run`);
    }
  }
  return validate({ ...saved, ...overrides });
}

/** Why the run stopped on a NaN/inf loss, and where to go on from. */
function brokenLossMessage(terms: Record<string, number>, state: RunState, lr: number, out: string, lastSaved: number | undefined): string {
  const values = Object.entries(terms).map(([name, value]) => `${name} ${Number.isFinite(value) ? value.toPrecision(4) : String(value)}`);
  return `loss became ${terms.loss} at epoch ${state.epoch + 1}, batch ${state.batchInEpoch + 1} (step ${state.step + 1}): ${values.join(', ')}; training stopped: ${resumeHint(out, lastSaved, lr)}`;
}

/** Where a run stopped by a NaN/inf loss can go on from: the checkpoint that exists, or none yet. */
function resumeHint(out: string, lastSaved: number | undefined, lr?: number): string {
  const remedy = `a lower lr${lr === undefined ? '' : ` (now ${lr})`} or clipGradNorm`;
  return lastSaved !== undefined
    ? `the last checkpoint is ${join(out, 'last')} (step ${lastSaved}); resume it with ${remedy}`
    : `no checkpoint was saved yet (the first is saved at the end of epoch 1); start again with --overwrite and ${remedy}`;
}

/** The batch's tensors on the training device (a no-op on the CPU); GPU copies overlap the previous step's work. */
function onDevice(batch: PretrainLoaderBatch, device: string): PretrainBatch {
  if (device === 'cpu') return batch;
  const move = (t: torch.Tensor): torch.Tensor => torch.toDeviceAsync(t, device as torch.Device);
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
  writeFileAtomic(join(out, 'history.json'), `${JSON.stringify(state.history, null, 1)}\n`);
}
