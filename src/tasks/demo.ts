/**
 * `medslip demo`: the whole method on the embedded synthetic data, with nothing downloaded. It generates the
 * synthetic chest radiographs (cached), pre-trains a small MeDSLIP on their reports with the offline text encoder,
 * then evaluates zero-shot classification (held-out CXR14-format labels) and zero-shot grounding (RSNA-format
 * boxes for pneumonia/consolidation, SIIM-format masks for pneumothorax). Beside pre-training, a second process
 * trains the supervised ceiling on the same images with their labels (ceiling.ts), the column MeDSLIP's zero-shot
 * AUC is read against. The report folder holds index.html + report.md (tables, loss curve, ROC curves, heatmap
 * overlays) and summary.json.
 *
 * The model is small (ResNet-18 to layer3, 128 px, 2+2 decoder layers of width 256) so that the whole demo fits in
 * under ten minutes on two cores; the number of epochs is chosen from the measured speed of the first steps to fit
 * the time budget.
 */
import { copyFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { PRETRAIN_DEFAULTS, validate, type PretrainConfig } from './pretrain/config.ts';
import { prepareSynthetic } from './pretrain/data.ts';
import { runPretrain } from './pretrain.ts';
import { runZeroshotClassify, type ZeroshotClassifyResult } from './zeroshot-classify.ts';
import { runZeroshotGround, type ZeroshotGroundResult } from './zeroshot-ground.ts';
import { DEMO_DEFAULTS } from './tables.ts';
import { startCeilingProcess, type CeilingProcess, type CeilingSummary } from './ceiling-process.ts';
import { DEMO_EPOCHS, demoEpochPlanner } from './demo-budget.ts';
import * as torch from '../torch/index.ts';
import { marked } from 'marked';

export interface DemoOptions {
  out: string;
  /** Wall-clock budget for pre-training, in seconds (default DEMO_DEFAULTS.trainSeconds, 550). */
  trainSeconds?: number;
  /** Synthetic images (default DEMO_DEFAULTS.images, 1200; 20 % held out for evaluation). */
  images?: number;
  seed?: number;
  /** Fixed number of epochs (overrides the time budget). */
  epochs?: number;
  /** Steps of the supervised ceiling (default: as many as pre-training's). */
  ceilingSteps?: number;
  /** What MeDSLIP's trunk and decoders and the ceiling compute in (default 'auto': bfloat16 where the CPU has it natively). */
  precision?: torch.PrecisionChoice;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface DemoSummary {
  zeroshot: { meanAuc: number | undefined; auc: Record<string, number>; meanF1: number | undefined; meanAccuracy: number | undefined; images: number };
  grounding: {
    pointingGame: number;
    iou: number;
    dice: number;
    threshold: number;
    datasets: Record<string, { query: string; images: number; pointingGame: number; iou: number; dice: number }>;
  };
  pretrain: { epochs: number; steps: number; bestValLoss: number; seconds: number; config: Partial<PretrainConfig> };
  /** The supervised ceiling on the same held-out images (`medslip bench learning`), and MeDSLIP's mean AUC as a fraction of it. */
  ceiling: { meanAuc: number | undefined; auc: Record<string, number>; steps: number; seconds: number; zeroshotFraction: number | undefined };
  seconds: number;
  report: string;
}

/**
 * The demo's model and data: small enough for two cores, large enough to learn the synthetic findings.
 * Three settings differ from the reference recipe, each measured in docs/learning.md:
 * - `lossWeights` 0.01 on ProtoCL and ICL: their raw dot products send the image encoder ~100× the gradient of the
 *   existence terms at the start, so under AdamW the existence terms (the only ones that need the image) barely
 *   move it; held-out zero-shot AUC 0.63 → 0.85 at 243 steps, pointing game (SIIM format) 0.00 → 0.97;
 * - dropout 0 and the reference's decoder width 256: a short run underfits (train AUC = held-out AUC), it does
 *   not overfit; together 0.851 → 0.879;
 * - `init: 'orthogonal'` at lr 1e-3: orthogonal maps on the image's path to the logits, the attention's queries
 *   and keys as the reference so that it starts uniform and every image token gets its share of the gradient;
 *   at 162 steps 0.816 → 0.884 (mean of three model seeds), more than the reference init reaches in 243;
 * - bfloat16 where the CPU multiplies it natively (`precision: 'auto'`, resolved here so that config.json records
 *   what ran): half the step, so about twice the epochs in the budget, at a lower peak lr (DEMO_LR).
 */
export function demoConfig(options: { images: number; seed: number; epochs: number; precision?: torch.PrecisionChoice }): PretrainConfig {
  const precision = torch.resolvePrecision(options.precision ?? 'auto', 'cpu');
  return validate({
    ...PRETRAIN_DEFAULTS,
    data: 'synthetic', syntheticCount: options.images, syntheticSize: 128, syntheticSeed: options.seed,
    backbone: 'resnet18', dModel: 256, heads: 4, layers: 2, dropout: 0, imageSize: 128,
    lossWeights: [1, 0.01, 1, 0.01, 0.01],
    // Short training on clean synthetic images: mild crops, no RandAugment (it slows learning more than it helps here).
    cropScale: [0.8, 1], randAugment: false,
    init: 'orthogonal',
    batchSize: 32, epochs: options.epochs, lr: DEMO_LR[precision], minLr: 1e-5, warmupLr: 1e-5, warmupSteps: 30, weightDecay: 0.02,
    seed: options.seed, workers: 2, logInterval: 10, precision,
  });
}

/**
 * The demo's peak learning rate by precision, that is by the length of run its budget buys (docs/learning.md,
 * "bfloat16: twice the steps"): about 9 epochs in float32 on two cores learn best at 1e-3 (at 4e-4: AUC 0.891
 * against 0.922); about twice as many in bfloat16 learn best at 4e-4 (18 epochs: 0.975 against 0.910 at 1e-3, whose
 * longer stretch near the peak raised the training loss).
 */
export const DEMO_LR: Readonly<Record<torch.Precision, number>> = Object.freeze({ float32: 1e-3, bfloat16: 4e-4 });

/**
 * The recipe of the learning test (test/tasks/learning.test.ts): the demo's settings scaled down so that a
 * pre-training that learns can be told from one that does not in about a minute on one core — two findings
 * (pneumothorax, a local finding; emphysema, a global one) on 400 synthetic images of 64 px, 160 steps.
 */
export const LEARNING_TEST_RECIPE = Object.freeze({
  images: 400, heldOut: 100, size: 64, seed: 11, findings: ['pneumothorax', 'emphysema'] as const,
  config: {
    backbone: 'resnet18', dModel: 64, heads: 4, layers: 2, dropout: 0, lossWeights: [1, 0.01, 1, 0.01, 0.01],
    cropScale: [0.8, 1], randAugment: false, batchSize: 16, epochs: 10, lr: 1e-3, minLr: 1e-5, warmupLr: 1e-5, warmupSteps: 15,
    weightDecay: 0.02, seed: 1, workers: 1, init: 'orthogonal',
  } satisfies Partial<PretrainConfig>,
});

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const log = options.log ?? console.log;
  const out = options.out;
  const images = options.images ?? DEMO_DEFAULTS.images;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  mkdirSync(out, { recursive: true });

  // 1. data
  const dataDir = await prepareSynthetic({ syntheticCount: images, syntheticSize: 128, syntheticSeed: seed }, log);

  // 2. pre-training, and beside it the supervised ceiling in a second process with the same number of steps (one
  // core each where there are two). Unless --epochs fixes them, the epochs that fit the budget are planned in
  // pre-training's first steps (demo-budget.ts), and the ceiling starts when its number of steps is known.
  const threads = torch.getNumThreads();
  if (availableParallelism() > 1) torch.setNumThreads(Math.max(1, Math.min(threads, availableParallelism() - 1)));
  let ceiling: CeilingProcess | undefined, standIn: CeilingProcess | undefined;
  try {
    const config = demoConfig({ images, seed, epochs: options.epochs ?? DEMO_EPOCHS.max, precision: options.precision });
    const precision = torch.resolvePrecision(config.precision, 'cpu');
    const startCeiling = (steps: number): void => {
      ceiling = startCeilingProcess({ dataDir, steps: options.ceilingSteps ?? steps, seed, threads: 1, precision });
      log('demo: the supervised ceiling (ResNet to layer3 + pooling + linear, the same images with their labels) trains in a second process');
    };
    const budget = options.trainSeconds ?? DEMO_DEFAULTS.trainSeconds;
    const pretrainStarted = Date.now();
    const planEpochs = options.epochs !== undefined ? undefined : demoEpochPlanner({
      budgetSeconds: budget, elapsedSeconds: () => (Date.now() - pretrainStarted) / 1000,
      startStandIn: () => (standIn = startCeilingProcess({ dataDir, steps: 100_000, seed, threads: 1, precision })), // the load the real ceiling will be
      onPlan: (plan) => {
        log(`demo: ${plan.alone.toFixed(2)} s per step alone, ${plan.beside.toFixed(2)} s beside a stand-in ceiling → ${plan.epochs} epochs fit the ${budget} s training budget (predicted ${plan.predicted.toFixed(0)} s)`);
        startCeiling(plan.steps);
      },
    });
    if (options.epochs !== undefined) startCeiling(options.epochs * stepsPerEpoch(images, config.batchSize));
    const pretrain = await runPretrain({ config, out: join(out, 'pretrain'), overwrite: true, quiet: options.quiet, log, planEpochs });
    torch.setNumThreads(threads);

    // 3. zero-shot classification on the held-out images (CXR14 format)
    const common = { checkpoint: join(out, 'pretrain', 'best'), books: pretrain.books, size: config.imageSize,
      progress: options.quiet ? false : undefined, log: () => {} } as const;
    const classify = await runZeroshotClassify({ ...common, dataset: 'cxr14', csv: join(dataDir, 'heldout_cxr14.csv'),
      out: join(out, 'zeroshot-classify'), bootstrap: 200, seed });
    log(classify.table);

    // 4. zero-shot grounding: RSNA-format boxes (pneumonia) and SIIM-format masks (pneumothorax). Nearest
    // upsampling is the reference's protocol (each token's value repeated over its pixels); bilinear blurs a
    // token's peak into its neighbours and misses thin masks.
    const grounding: ZeroshotGroundResult[] = [];
    for (const [dataset, csv] of [['rsna', 'heldout_rsna.csv'], ['siim', 'heldout_siim.csv']] as const) {
      const result = await runZeroshotGround({ ...common, dataset, csv: join(dataDir, csv), out: join(out, `zeroshot-ground-${dataset}`),
        equalize: false, overlays: 6, upsampling: 'nearest' });
      log(result.table);
      grounding.push(result);
    }

    // 5. the ceiling's result (it usually finished during pre-training), then the report
    if (!options.quiet) log('demo: waiting for the supervised ceiling …');
    if (ceiling === undefined) throw new Error('demo: the supervised ceiling was never started (pre-training planned no epochs)');
    const supervised = await ceiling.result;
    const summary = summarize({ classify, grounding, pretrain, config, ceiling: supervised, started, out });
    writeReport(out, summary, classify, grounding, dataDir);
    log(`demo finished in ${summary.seconds.toFixed(0)} s: zero-shot mean AUC ${fmt(summary.zeroshot.meanAuc)} (supervised ceiling ${fmt(summary.ceiling.meanAuc)}), `
      + `pointing game ${fmt(summary.grounding.pointingGame)}, IoU ${fmt(summary.grounding.iou)}, Dice ${fmt(summary.grounding.dice)}`);
    log(`report: ${join(out, 'index.html')}`);
    return summary;
  } finally {
    standIn?.stop();
    ceiling?.stop();
    torch.setNumThreads(threads);
  }
}

/** Training batches per epoch of the demo's synthetic set: 80 % pre-training images, 90 % of those trained on, partial batches dropped. */
function stepsPerEpoch(images: number, batchSize: number): number {
  return Math.floor(Math.round(images * 0.8 * 0.9) / batchSize);
}

const fmt = (value: number | undefined, digits = 3): string => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

function summarize(parts: { classify: ZeroshotClassifyResult; grounding: ZeroshotGroundResult[]; pretrain: Awaited<ReturnType<typeof runPretrain>>;
  config: PretrainConfig; ceiling: CeilingSummary; started: number; out: string }): DemoSummary {
  const { classify, grounding, pretrain, config, ceiling } = parts;
  const weighted = (key: 'pointingAccuracy' | 'meanIou' | 'meanDice'): number => {
    const total = grounding.reduce((n, g) => n + g.images, 0);
    return grounding.reduce((s, g) => s + g[key] * g.images, 0) / Math.max(1, total);
  };
  return {
    zeroshot: {
      meanAuc: classify.meanAuc, meanF1: classify.meanF1, meanAccuracy: classify.meanAccuracy, images: classify.images,
      auc: Object.fromEntries(classify.classes.map((c) => [c.name, c.auc])),
    },
    grounding: {
      pointingGame: weighted('pointingAccuracy'), iou: weighted('meanIou'), dice: weighted('meanDice'), threshold: grounding[0]?.threshold ?? 0.5,
      datasets: Object.fromEntries(grounding.map((g) => [g.dataset, {
        query: g.query.kind === 'observation' ? `observation ${g.query.index}` : g.query.text,
        images: g.images, pointingGame: g.pointingAccuracy, iou: g.meanIou, dice: g.meanDice,
      }])),
    },
    pretrain: {
      epochs: pretrain.epochsDone, steps: pretrain.steps, bestValLoss: pretrain.bestValLoss, seconds: pretrain.seconds,
      config: { backbone: config.backbone, imageSize: config.imageSize, dModel: config.dModel, layers: config.layers, batchSize: config.batchSize, lr: config.lr, syntheticCount: config.syntheticCount, precision: config.precision },
    },
    ceiling: {
      meanAuc: ceiling.meanAuc, auc: ceiling.auc, steps: ceiling.settings.steps, seconds: ceiling.seconds,
      zeroshotFraction: classify.meanAuc !== undefined && ceiling.meanAuc !== undefined ? classify.meanAuc / ceiling.meanAuc : undefined,
    },
    seconds: (Date.now() - parts.started) / 1000,
    report: join(parts.out, 'index.html'),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function writeReport(out: string, summary: DemoSummary, classify: ZeroshotClassifyResult, grounding: ZeroshotGroundResult[], dataDir: string): void {
  const images = (dir: string): string[] => (existsSync(join(out, dir)) ? readdirSync(join(out, dir)).filter((f) => f.endsWith('.png')).map((f) => `${dir}/${f}`) : []);
  const overlays = grounding.flatMap((g) => images(`zeroshot-ground-${g.dataset}/overlays`));
  copyFileSync(join(out, 'pretrain', 'loss.png'), join(out, 'loss.png'));
  const classRows = classify.classes.map((c) => `| ${c.name} | ${c.positives} / ${c.negatives} | ${fmt(c.auc)}${c.intervals ? ` (${fmt(c.intervals.auc.low)}–${fmt(c.intervals.auc.high)})` : ''} | ${fmt(c.f1)} | ${fmt(c.accuracy)} | ${fmt(summary.ceiling.auc[c.name])} |`);
  const groundRows = grounding.map((g) => `| ${g.dataset} | ${summary.grounding.datasets[g.dataset].query} | ${g.images} | ${fmt(g.pointingAccuracy)} | ${fmt(g.meanIou)} | ${fmt(g.meanDice)} |`);
  const markdown = [
    '# medslip demo report',
    '',
    `Synthetic chest radiographs (${summary.pretrain.config.syntheticCount} images, ${summary.pretrain.config.imageSize} px, data in \`${resolve(dataDir)}\`),`,
    `MeDSLIP ${summary.pretrain.config.backbone} pre-trained for ${summary.pretrain.epochs} epochs (${summary.pretrain.steps} steps, ${summary.pretrain.seconds.toFixed(0)} s, ${summary.pretrain.config.precision}) with the offline text encoder;`,
    `total ${summary.seconds.toFixed(0)} s. The offline encoder knows no medical language: these numbers show the method works end to end,`,
    'not transfer to real radiographs.',
    '',
    '## Pre-training loss',
    '',
    '![loss](loss.png)',
    '',
    `## Zero-shot classification (held-out images, CXR14 format): mean AUC ${fmt(summary.zeroshot.meanAuc)}`,
    '',
    `Beside it, the supervised ceiling: MeDSLIP's image trunk with pooling and one linear layer, trained from scratch on the same`,
    `training images with their labels for ${summary.ceiling.steps} steps (\`medslip bench learning\`): mean AUC ${fmt(summary.ceiling.meanAuc)}.`,
    `MeDSLIP, which never sees a label, reaches ${fmt(summary.ceiling.zeroshotFraction, 2)} of it.`,
    '',
    '| finding | positives / negatives | AUC (95 % CI) | max F1 | ACC | supervised ceiling AUC |',
    '| --- | --- | --- | --- | --- | --- |',
    ...classRows,
    '',
    '![ROC curves](zeroshot-classify/roc.png)',
    '',
    `## Zero-shot grounding (per-image max normalisation, threshold ${summary.grounding.threshold} × max)`,
    '',
    '| data | query | positive images | pointing game | IoU | Dice |',
    '| --- | --- | --- | --- | --- | --- |',
    ...groundRows,
    '',
    ...overlays.map((p) => `![overlay](${p})`),
    '',
  ].join('\n');
  writeFileAtomic(join(out, 'report.md'), markdown);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>medslip demo</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}img{max-width:100%}.overlays img{width:18em;margin:.2em}</style></head><body>
${reportHtml(markdown, overlays)}
</body></html>\n`;
  writeFileAtomic(join(out, 'index.html'), html);
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

/** The report as HTML: the markdown rendered by marked, the overlays gathered into one grid at the end. */
function reportHtml(markdown: string, overlays: readonly string[]): string {
  const isOverlay = (line: string): boolean => overlays.some((p) => line === `![overlay](${p})`);
  const body = marked.parse(markdown.split('\n').filter((line) => !isOverlay(line)).join('\n'), { async: false, gfm: true });
  const grid = overlays.length > 0
    ? `<h3>Heatmap overlays</h3>\n<div class="overlays">${overlays.map((p) => `<img src="${escapeHtml(p)}" alt="">`).join('')}</div>\n`
    : '';
  return body + grid;
}
