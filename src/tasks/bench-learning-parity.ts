/**
 * `medslip bench learning-parity`: does medslip's MeDSLIP learn as PyTorch's does? Both train from the same
 * initial weights on the same batches with the same optimizer and learning rates, and their loss curves are
 * compared step by step.
 *
 * medslip trains first: a fresh MeDSLIP with the demo's settings (dropout 0, so that no random mask differs), the
 * demo's data through the pre-training loader without augmentation, the five losses summed with weight 1 (the
 * method's sum, whatever the demo's lossWeights), AdamW with the reference's parameter groups and the demo's
 * warm-up + cosine schedule over the run's steps. Its initial state dict (init.safetensors, PyTorch
 * names), the books and every batch (batches/step-NNN.safetensors) are written to the run folder, with the lr of
 * every step in run.json. bench/learning_parity.py then trains bench/medslip_pytorch.py's model — the reference's
 * computation, ProtoCL prototypes in Python loops — from those files, once as they are and (by default) once with
 * every initial weight moved by one float32 rounding step: the distance between those two PyTorch curves is how
 * far float32 noise alone grows in this run, the yardstick for the medslip-PyTorch distance.
 *
 * Outputs in the run folder: parity.json (every term of every step for each run, the largest differences,
 * seconds per step), curves.png (the loss curves) and difference.png (relative difference per step). *
 * Measured (`medslip bench learning-parity --steps 100 --batch-size 8`, MEDSLIP_THREADS=1, the demo's ResNet-18 at
 * 128 px, d 128, 2+2 layers): the curves agree to float32 rounding for the first three steps (largest relative
 * difference of the total 0 at steps 1–3, of any term 1.7e-7), then drift apart as chaotically as two PyTorch runs
 * from weights one rounding step apart do: over the 100 steps the largest relative difference of the total is
 * 0.113 (step 70) against 0.152 for that noise, every term's scaled difference is 0.50–0.95 × the noise's except
 * the pathology existence term (1.23e-2, 1.78 × the noise's 6.9e-3), and the mean loss per 20 steps differs by at
 * most 2.0 % (steps 61–80: 2.752 medslip, 2.697 PyTorch, 2.759 perturbed PyTorch). Both fall from 23.9 to ≈ 1.5.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../torch/index.ts';
import { median } from '../util/stats.ts';
import { MeDSLIP } from '../models/medslip.ts';
import { medslipConfigFrom } from '../models/load.ts';
import { AdamW, referenceParamGroups } from '../optim/adamw.ts';
import { cosineWithWarmup } from '../optim/schedule.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { writeSafetensors } from '../io/safetensors.ts';
import type { RawTensor } from '../io/raw-tensor.ts';
import { encodeBooks, saveBooks } from '../text/encode-books.ts';
import { disposeBatch, type PretrainLoaderBatch } from '../data/loader/index.ts';
import { lossCurvePng } from '../viz/loss-curve.ts';
import { progressBar } from '../viz/progress.ts';
import { demoConfig } from './demo.ts';
import { validate } from './pretrain/config.ts';
import { openPretrainLoaders } from './pretrain/data.ts';
import { pythonWithTorch } from './bench-python.ts';
import { disposeBooks, readBooksFile } from './zeroshot/books.ts';
import { fixed, formatTable } from './zeroshot/output.ts';
import { checkInteger } from '../util/check.ts';
import { BENCH_LEARNING_PARITY_DEFAULTS, DEMO_DEFAULTS } from './tables.ts';

/** The five terms and their sum, in the order both sides record them. */
export const PARITY_TERMS = ['lossCePathology', 'lossClPathology', 'lossCeAnatomy', 'lossClAnatomy', 'lossAp', 'loss'] as const;
export type ParityTerm = (typeof PARITY_TERMS)[number];

export interface LearningParityOptions {
  /** Run folder (weights, books, batches, results). */
  out: string;
  /** Optimizer steps (default 100). */
  steps?: number;
  /** A synthetic dataset folder to use (or generate) instead of the demo's cache folder. */
  data?: string;
  /** Synthetic images of the demo's data (default 1200) and the seed of data, init and order (default 1). */
  images?: number;
  seed?: number;
  /** Overrides of the demo's settings, for a smaller run. */
  batchSize?: number;
  imageSize?: number;
  /** Also train PyTorch from weights moved by one float32 rounding step (default true). */
  noiseBaseline?: boolean;
  log?: (line: string) => void;
  quiet?: boolean;
}

type Curve = number[][]; // [step][term], PARITY_TERMS order

/** How far one curve is from another in one term. */
export interface LargestDifference {
  /** The largest |a − b| / |b| over the steps, and its 1-based step. Large wherever the term nears 0 (a ProtoCL term
   * of a batch with few present entities can fall to 1e-6), so `scaled` is the one to compare. */
  relative: number;
  step: number;
  /** The largest |a − b| over the steps divided by the mean |b| of the run: the difference against the term's size. */
  scaled: number;
}

export interface LearningParityResult {
  steps: number;
  model: { backbone: string; dModel: number; heads: number; layers: number; feedForward: number; textDim: number };
  batchSize: number;
  imageSize: number;
  threads: number;
  lrs: number[];
  medslip: Curve;
  pytorch: Curve;
  /** PyTorch from weights one float32 rounding step away (absent with noiseBaseline false). */
  pytorchPerturbed?: Curve;
  /** Largest |medslip − PyTorch| / |PyTorch| over the steps, per term (1-based step). */
  largest: Record<ParityTerm, LargestDifference>;
  /** The same between the two PyTorch runs: float32 noise growth. */
  noise?: Record<ParityTerm, LargestDifference>;
  secondsPerStep: { medslip: number; pytorch: number };
  files: string[];
}

/** Where the PyTorch side lives. */
const SCRIPT = fileURLToPath(new URL('../../bench/learning_parity.py', import.meta.url));


const raw = (tensor: torch.Tensor): RawTensor => torch.toRaw(tensor) as RawTensor;

/**
 * Trains medslip and PyTorch side by side (see the file header) and compares their loss curves.
 * @example const parity = await runLearningParity({ out: 'runs/parity' }); parity.largest.loss.relative
 * @throws Error when no python3 imports torch, or when the PyTorch run fails (with its stderr).
 */
export async function runLearningParity(options: LearningParityOptions): Promise<LearningParityResult> {
  const log = options.log ?? console.log;
  const steps = options.steps ?? BENCH_LEARNING_PARITY_DEFAULTS.steps;
  checkInteger('steps', steps, 1);
  const python = pythonWithTorch(); // checked before minutes of training
  if (python === undefined) throw new Error('learning parity needs PyTorch: no python3 here imports torch (Debian: apt-get install python3-torch)');
  const out = options.out;
  mkdirSync(join(out, 'batches'), { recursive: true });

  // ---- config: the demo's, dropout 0, no augmentation
  const demo = demoConfig({ images: options.images ?? DEMO_DEFAULTS.images, seed: options.seed ?? DEMO_DEFAULTS.seed, epochs: 1 });
  const config = validate({ ...demo, dropout: 0, batchSize: options.batchSize ?? demo.batchSize, imageSize: options.imageSize ?? demo.imageSize,
    ...(options.data === undefined ? {} : { syntheticDir: options.data }) });
  const threads = torch.getNumThreads();

  // ---- books, model, optimizer, schedule
  const booksFile = join(out, 'books.safetensors');
  saveBooks(booksFile, encodeBooks({ maxLength: config.maxLength }));
  const books = readBooksFile(booksFile);
  torch.manualSeed(config.seed);
  const model = new MeDSLIP(medslipConfigFrom({
    backbone: config.backbone, dModel: config.dModel, heads: config.heads, layers: config.layers, dropout: 0,
    textDim: books.pathology.shape[1], init: config.init,
  }));
  const modelSettings = { backbone: model.config.backbone, dModel: model.config.dModel, heads: model.config.heads, layers: model.config.layers,
    feedForward: model.config.feedForward, textDim: model.config.textDim };
  // init.safetensors: the bare state dict, PyTorch names, as bench/learning_parity.py reads it (a checkpoint set's
  // data files carry a per-save id in their names)
  writeSafetensors(join(out, 'init.safetensors'), new Map([...model.stateDict()].map(([name, tensor]) => [name, raw(tensor)])), { format: 'pt' });
  const optimizer = new AdamW(referenceParamGroups(model.namedParameters(), config.weightDecay), { lr: config.lr });
  const lrAt = cosineWithWarmup({ baseLr: config.lr, minLr: config.minLr, warmupLr: config.warmupLr,
    warmupSteps: Math.min(config.warmupSteps, steps), totalSteps: steps });
  const lrs = Array.from({ length: steps }, (_, step) => lrAt(step));
  log(`learning parity: MeDSLIP ${modelSettings.backbone}, d ${modelSettings.dModel}, ${modelSettings.heads} heads, ${modelSettings.layers}+${modelSettings.layers} layers, `
    + `dropout 0, batch ${config.batchSize} at ${config.imageSize} px, no augmentation, ${steps} steps, ${threads} thread(s)`);

  // ---- medslip: train, writing every batch for PyTorch
  const data = await openPretrainLoaders(config, log, { augment: false });
  const medslip: Curve = [];
  const stepSeconds: number[] = [];
  const bar = progressBar({ total: steps, label: 'medslip', silent: options.quiet });
  try {
    model.train();
    for (let epoch = 0; medslip.length < steps; epoch++) {
      for await (const batch of data.train.epoch(epoch)) {
        try {
          writeBatch(join(out, 'batches', `step-${String(medslip.length).padStart(3, '0')}.safetensors`), batch);
          optimizer.setLr(lrs[medslip.length]);
          const started = performance.now();
          medslip.push(torch.scope(() => {
            const losses = model.losses(batch, books);
            const values = PARITY_TERMS.map((term) => losses[term].item()); // sync point
            optimizer.zeroGrad();
            losses.loss.backward();
            optimizer.step();
            return values;
          }));
          stepSeconds.push((performance.now() - started) / 1000);
        } finally {
          disposeBatch(batch);
        }
        bar.update(medslip.length, { loss: medslip.at(-1)![5] });
        if (medslip.length === steps) break;
      }
    }
  } finally {
    bar.stop();
    await data.train.close();
    await data.valid.close();
    optimizer.dispose();
    model.dispose();
    disposeBooks(books);
  }
  writeFileAtomic(join(out, 'run.json'), `${JSON.stringify({ model: modelSettings, threads, weightDecay: config.weightDecay, lrs }, null, 1)}\n`);

  // ---- PyTorch: the same batches, as they are and from perturbed weights
  const runPytorch = (name: string, extra: string[]): { terms: Curve; secondsPerStep: number } => {
    log(`learning parity: PyTorch (${python} bench/learning_parity.py${extra.length ? ` ${extra.join(' ')}` : ''}) …`);
    const file = join(out, `${name}.json`);
    const run = spawnSync(python, [SCRIPT, out, file, ...extra], { encoding: 'utf8', stdio: ['ignore', 'inherit', options.quiet ? 'pipe' : 'inherit'] });
    if (run.status !== 0) throw new Error(`bench/learning_parity.py failed (exit ${run.status ?? run.signal}): ${run.stderr ?? ''}`.trim());
    return JSON.parse(readFileSync(file, 'utf8')) as { terms: Curve; secondsPerStep: number };
  };
  const pytorch = runPytorch('pytorch', []);
  const perturbed = options.noiseBaseline === false ? undefined : runPytorch('pytorch-perturbed', ['--perturb', String(config.seed)]);

  const result: LearningParityResult = {
    steps, model: modelSettings, batchSize: config.batchSize, imageSize: config.imageSize, threads, lrs,
    medslip, pytorch: pytorch.terms, pytorchPerturbed: perturbed?.terms,
    largest: largestDifferences(medslip, pytorch.terms),
    noise: perturbed ? largestDifferences(perturbed.terms, pytorch.terms) : undefined,
    secondsPerStep: { medslip: median(stepSeconds.slice(1)), pytorch: pytorch.secondsPerStep },
    files: [],
  };
  result.files = await writeParityFiles(out, result);
  return result;
}

function writeBatch(path: string, batch: PretrainLoaderBatch): void {
  writeSafetensors(path, {
    images: raw(batch.images), label_pathology: raw(batch.labelPathology), label_anatomy: raw(batch.labelAnatomy),
    matrix: raw(batch.matrix), index_pathology: raw(batch.indexPathology), index_anatomy: raw(batch.indexAnatomy),
  });
}

/** |a − b| / |b| of one term at one step. */
const relative = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

/** Per term, the largest difference of `a` from `b` over the steps, relative and scaled (see LargestDifference). */
export function largestDifferences(a: Curve, b: Curve): Record<ParityTerm, LargestDifference> {
  return Object.fromEntries(PARITY_TERMS.map((term, k) => {
    let worst = { relative: 0, step: 1 }, largestAbsolute = 0, sizeSum = 0;
    a.forEach((row, step) => {
      const r = relative(row[k], b[step][k]);
      if (r > worst.relative) worst = { relative: r, step: step + 1 };
      largestAbsolute = Math.max(largestAbsolute, Math.abs(row[k] - b[step][k]));
      sizeSum += Math.abs(b[step][k]);
    });
    return [term, { ...worst, scaled: largestAbsolute / (sizeSum / b.length) }];
  })) as Record<ParityTerm, LargestDifference>;
}

/** The mean of every term over consecutive windows of `size` steps (the last may be shorter): [window][term]. */
export function windowMeans(curve: Curve, size: number): Curve {
  return Array.from({ length: Math.ceil(curve.length / size) }, (_, w) => {
    const rows = curve.slice(w * size, (w + 1) * size);
    return PARITY_TERMS.map((_, k) => rows.reduce((sum, row) => sum + row[k], 0) / rows.length);
  });
}

async function writeParityFiles(out: string, result: LearningParityResult): Promise<string[]> {
  const total = PARITY_TERMS.indexOf('loss');
  const points = (curve: Curve): [number, number][] => curve.map((row, step) => [step + 1, row[total]]);
  const curves = await lossCurvePng([
    { name: 'medslip', points: points(result.medslip) },
    { name: 'PyTorch', points: points(result.pytorch) },
  ], { title: `MeDSLIP ${result.model.backbone}, batch ${result.batchSize} at ${result.imageSize} px: the same weights and batches`, xLabel: 'step', yLabel: 'loss (sum of the five terms)' });
  // Relative differences of the total; a floor keeps equal values (difference 0) on the log axis.
  const differencePoints = (a: Curve): [number, number][] => a.map((row, step) => [step + 1, Math.max(1e-9, relative(row[total], result.pytorch[step][total]))]);
  const difference = await lossCurvePng([
    { name: 'medslip vs PyTorch', points: differencePoints(result.medslip) },
    ...(result.pytorchPerturbed ? [{ name: 'PyTorch from weights 1 float32 step away vs PyTorch', points: differencePoints(result.pytorchPerturbed) }] : []),
  ], { title: 'Relative difference of the total loss (floor 1e-9)', xLabel: 'step', yLabel: '|Δ loss| / loss', logY: true });
  const files = { 'curves.png': curves, 'difference.png': difference, 'parity.json': `${JSON.stringify(result, null, 1)}\n` };
  return Object.entries(files).map(([name, content]) => {
    writeFileAtomic(join(out, name), content);
    return join(out, name);
  });
}

/**
 * Both curves side by side (every step), the mean loss per 20-step window of each run, then each term's largest
 * difference against the noise growth. (Seconds per step are in parity.json: the runs are sequential, so they are
 * no speed comparison — `medslip bench` is.)
 */
export function formatLearningParity(result: LearningParityResult): string {
  const total = PARITY_TERMS.indexOf('loss');
  const perturbed = result.pytorchPerturbed;
  const stepRows = result.medslip.map((row, step) => {
    const theirs = result.pytorch[step];
    const termMax = Math.max(...PARITY_TERMS.map((_, k) => relative(row[k], theirs[k])));
    return [String(step + 1), result.lrs[step].toExponential(2), row[total].toFixed(6), theirs[total].toFixed(6),
      relative(row[total], theirs[total]).toExponential(2), termMax.toExponential(2),
      ...(perturbed ? [relative(perturbed[step][total], theirs[total]).toExponential(2)] : [])];
  });
  const window = 20;
  const means = [result.medslip, result.pytorch, ...(perturbed ? [perturbed] : [])].map((curve) => windowMeans(curve, window));
  const windowRows = means[0].map((_, w) => [`${w * window + 1}–${Math.min(result.steps, (w + 1) * window)}`,
    ...means.map((m) => m[w][total].toFixed(4))]);
  const termRows = PARITY_TERMS.map((term) => {
    const ours = result.largest[term], noise = result.noise?.[term];
    return [term, ours.scaled.toExponential(2), ...(noise ? [noise.scaled.toExponential(2), fixed(ours.scaled / noise.scaled, 2)] : []),
      `${ours.relative.toExponential(2)} (step ${ours.step})`, ...(noise ? [`${noise.relative.toExponential(2)} (step ${noise.step})`] : [])];
  });
  return [
    `MeDSLIP ${result.model.backbone}, d ${result.model.dModel}, ${result.model.heads} heads, ${result.model.layers}+${result.model.layers} layers, dropout 0; `
      + `batch ${result.batchSize} at ${result.imageSize} px, no augmentation; ${result.steps} steps; ${result.threads} thread(s)`,
    formatTable(['step', 'lr', 'medslip loss', 'PyTorch loss', 'rel Δ total', 'max rel Δ term', ...(perturbed ? ['noise rel Δ'] : [])], stepRows),
    '',
    `mean total loss per ${window} steps`,
    formatTable(['steps', 'medslip', 'PyTorch', ...(perturbed ? ['PyTorch, weights 1 rounding step away'] : [])], windowRows),
    '',
    'largest difference over the steps: |Δ| scaled by the term\'s mean size, and |Δ| / |PyTorch| (noise: PyTorch from weights one float32 rounding step away, vs PyTorch)',
    formatTable(['term', 'medslip vs PyTorch', ...(result.noise ? ['noise', 'ratio'] : []), 'largest rel Δ', ...(result.noise ? ['noise rel Δ'] : [])], termRows),
  ].join('\n');
}
