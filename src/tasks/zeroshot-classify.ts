/**
 * `medslip zeroshot classify`: zero-shot classification of a labelled chest X-ray test set. The score of a class
 * is P(present) — softmax class 1 — of its pathology query (zeroshot/targets.ts has the class → query mapping),
 * and each class gets AUROC, max-F1 with its threshold, ACC at that threshold, and bootstrap 95 % intervals.
 *
 * Provenance: Shef-AIRE/MeDSLIP Sample_zero-shot_Classification_CXR14 and _RSNA test.py (REFERENCE.md §5.1–5.2):
 * test transform Resize(224, bilinear) + ImageNet normalisation, RSNA images histogram-equalised first, metrics as
 * the reference's sklearn helpers (src/eval). Deliberate differences: the CXR14 labels are read by column name (the
 * reference's `iloc[:, 2:]` shifts them by one); classes with one label value only are listed as skipped instead
 * of averaging a NaN AUROC; bootstrap intervals and the ROC plot are additions.
 *
 * Outputs in `out`: results.csv (one row per class + the mean), results.json, scores.csv (per image: labels and
 * scores), roc.png. The table is printed through `log` and returned.
 */
import {
  rocAuc, rocCurve, maxF1, bootstrapCi, classificationReport, type BinaryMetric, type BootstrapInterval, type ClassificationReport,
} from '../eval/index.ts';
import { rocCurvesPng } from '../viz/index.ts';
import { checkBatchSize, runBatches, stackInputs } from './zeroshot/batches.ts';
import { checkInputSize, firstRows, inputImage, inputTensorData, openZeroshotDataset, type ZeroshotDatasetKind } from './zeroshot/data.ts';
import { inputSizeFor, resolveModel } from './zeroshot/model.ts';
import { prepareOutputFolder } from '../io/output-folder.ts';
import type { ZeroshotRunOptions } from './zeroshot/options.ts';
import { csvText, fixed, formatTable, writeOutputs } from './zeroshot/output.ts';
import { planQueries } from './zeroshot/queries.ts';
import { classTargets, describeQuery, type ClassTarget, type Query } from './zeroshot/targets.ts';
import { checkInteger } from '../util/check.ts';

// What a caller (the CLI) needs besides the task itself: dataset names, prompt encoders matching a books file.
export { ZEROSHOT_DATASETS, type ZeroshotDatasetKind } from './zeroshot/data.ts';
export { bertTextEncoder, offlineTextEncoder, textEncoderForBooks, type TextEncoder } from './zeroshot/books.ts';
export { DEFAULT_COVID_PROMPT, type Query } from './zeroshot/targets.ts';
export type { ModelSource } from './zeroshot/model.ts';
export type { ZeroshotRunOptions } from './zeroshot/options.ts';

export interface ZeroshotClassifyOptions extends ZeroshotRunOptions {
  dataset: ZeroshotDatasetKind;
  /** Bootstrap resamples for the 95 % intervals (default 1000; 0 = none). */
  bootstrap?: number;
  /** Seed of the bootstrap resampling (default 0). */
  seed?: number;
}

export interface ClassResult {
  name: string;
  query: Query;
  positives: number;
  negatives: number;
  unknown: number;
  auc: number;
  f1: number;
  threshold: number;
  accuracy: number;
  /** 95 % (by default) percentile-bootstrap intervals; absent with bootstrap 0. */
  intervals?: { auc: BootstrapInterval; f1: BootstrapInterval; accuracy: BootstrapInterval };
}

export interface ZeroshotClassifyResult {
  dataset: ZeroshotDatasetKind;
  images: number;
  classes: ClassResult[];
  /** Classes with a query but without both label values (no AUROC). */
  skipped: ClassificationReport['skipped'];
  /** Dataset classes that no query scores (e.g. COVIDx "normal" without a prompt). */
  unscored: string[];
  meanAuc: number | undefined;
  meanF1: number | undefined;
  meanAccuracy: number | undefined;
  /** Per image: the scored classes' P(present), row-major (images, targets). */
  scores: Float32Array;
  targets: ClassTarget[];
  imagePaths: string[];
  seconds: number;
  imagesPerSecond: number;
  table: string;
  /** Paths written (empty without `out`). */
  files: string[];
}

/**
 * Runs zero-shot classification and writes its results.
 * @example
 *   const result = await runZeroshotClassify({ checkpoint: 'runs/r50/best', books: 'books.safetensors',
 *     dataset: 'cxr14', csv: 'cxr14/test.csv', out: 'eval/cxr14' });
 *   console.log(result.meanAuc);
 * @throws TypeError/RangeError for bad options; Error naming the file for unreadable checkpoints, books or data.
 */
export async function runZeroshotClassify(options: ZeroshotClassifyOptions): Promise<ZeroshotClassifyResult> {
  const batchSize = checkBatchSize(options.batchSize ?? 64);
  const requestedSize = options.size === undefined ? undefined : checkInputSize(options.size);
  const resamples = options.bootstrap ?? 1000;
  checkInteger('bootstrap', resamples, 0);
  if (options.out !== undefined) prepareOutputFolder(options.out); // before any work: a bad --out fails now, not after the evaluation
  const dataset = await openZeroshotDataset(options.dataset, options.csv, { imageRoot: options.imageRoot, loadImage: options.loadImage });
  const indices = firstRows(dataset.length, options.limit);
  const { targets, unscored } = classTargets(options.dataset, dataset.pathologies, options.prompts);
  if (targets.length === 0) throw new Error(`${options.csv}: no class of this ${options.dataset} file can be scored (${unscored.join(', ')}); pass prompts for them`);
  const equalize = options.equalize ?? options.dataset === 'rsna';

  const resolved = resolveModel(options);
  const log = options.log ?? console.log;
  try {
    const size = inputSizeFor(resolved, requestedSize, options.checkpoint);
    const plan = await planQueries(targets.map((t) => t.query), resolved.books, options.encodeText);
    const scores = new Float32Array(indices.length * targets.length);
    const labels: Float64Array[] = [];
    const imagePaths: string[] = [];
    let seconds: number;
    try {
      seconds = await runBatches({
        dataset, indices, batchSize, label: `zero-shot ${options.dataset}`, progress: options.progress,
        prepare: (sample) => ({
          input: inputTensorData(inputImage(sample.image, size, equalize), options.normalize),
          labels: sample.labels, path: sample.imagePath,
        }),
        step: (items) => {
          const images = stackInputs(items.map((item) => item.input), size, resolved.device);
          scores.set(plan.presence(resolved.model, images), labels.length * targets.length);
          for (const item of items) {
            labels.push(item.labels);
            imagePaths.push(item.path);
          }
        },
      });
    } finally {
      plan.release();
    }

    const names = targets.map((t) => t.name);
    const labelRows = labels.map((row) => Float64Array.from(targets, (t) => row[t.column]));
    const scoreRows = labels.map((_, i) => scores.subarray(i * targets.length, (i + 1) * targets.length));
    const report = classificationReport(names, labelRows, scoreRows);
    const classes: ClassResult[] = report.classes.map((metrics) => {
      const k = names.indexOf(metrics.name);
      const { known, knownScores } = knownColumn(labelRows, scoreRows, k);
      const result: ClassResult = { ...metrics, query: targets[k].query };
      if (resamples > 0) {
        const ci = (metric: BinaryMetric): BootstrapInterval =>
          bootstrapCi(known, knownScores, metric, { samples: resamples, seed: options.seed ?? 0 });
        const operatingPoint = sharedMaxF1();
        try {
          result.intervals = { auc: ci(rocAuc), f1: ci(operatingPoint.f1), accuracy: ci(operatingPoint.accuracy) };
        } catch (error) {
          // Too few samples of one label for resampling (every resample single-class): report no interval.
          if (!(error instanceof RangeError)) throw error;
        }
      }
      return result;
    });
    const result: ZeroshotClassifyResult = {
      dataset: options.dataset, images: labels.length, classes, skipped: report.skipped, unscored,
      meanAuc: report.meanAuc, meanF1: report.meanF1, meanAccuracy: report.meanAccuracy,
      scores, targets, imagePaths, seconds, imagesPerSecond: seconds > 0 ? labels.length / seconds : 0,
      table: '', files: [],
    };
    result.table = classifyTable(result);
    log(result.table);
    if (options.out !== undefined) result.files = await writeClassifyOutputs(options.out, result, labelRows, options);
    return result;
  } finally {
    resolved.release();
  }
}

/**
 * Max-F1 and the ACC at its threshold as two bootstrap metrics that share one maxF1 call per resample: with
 * the same seed, bootstrapCi draws the same resamples in the same order, so the accuracy run replays the values
 * (and the failures) recorded by the F1 run instead of sorting every resample again.
 * Call `f1`'s bootstrap first.
 */
function sharedMaxF1(): { f1: BinaryMetric; accuracy: BinaryMetric } {
  const recorded: (number | RangeError)[] = [];
  let replayed = 0;
  return {
    f1: (labels, scores) => {
      try {
        const point = maxF1(labels, scores);
        recorded.push(point.accuracy);
        return point.f1;
      } catch (error) {
        if (error instanceof RangeError) recorded.push(error);
        throw error;
      }
    },
    accuracy: (labels, scores) => {
      const value = replayed < recorded.length ? recorded[replayed++] : maxF1(labels, scores).accuracy;
      if (value instanceof RangeError) throw value;
      return value;
    },
  };
}

function knownColumn(labels: readonly Float64Array[], scores: readonly ArrayLike<number>[], k: number): { known: Float64Array; knownScores: Float64Array } {
  const keep = labels.flatMap((row, i) => (row[k] === 0 || row[k] === 1 ? [i] : []));
  return { known: Float64Array.from(keep, (i) => labels[i][k]), knownScores: Float64Array.from(keep, (i) => scores[i][k]) };
}

const withInterval = (value: number, interval: BootstrapInterval | undefined): string =>
  interval ? `${fixed(value)} [${fixed(interval.low)}, ${fixed(interval.high)}]` : fixed(value);

/** The printed results table: one row per class, then the means (and the skipped/unscored classes). */
export function classifyTable(result: Pick<ZeroshotClassifyResult, 'dataset' | 'images' | 'classes' | 'skipped' | 'unscored' | 'meanAuc' | 'meanF1' | 'meanAccuracy' | 'seconds'>): string {
  const rows = result.classes.map((c) => [
    c.name, describeQuery(c.query), String(c.positives), String(c.negatives),
    withInterval(c.auc, c.intervals?.auc), withInterval(c.f1, c.intervals?.f1), fixed(c.threshold, 4), withInterval(c.accuracy, c.intervals?.accuracy),
  ]);
  rows.push(['mean', '', '', '', fixed(result.meanAuc), fixed(result.meanF1), '', fixed(result.meanAccuracy)]);
  const lines = [
    `Zero-shot classification, ${result.dataset}: ${result.images} images in ${result.seconds.toFixed(1)} s`,
    formatTable(['class', 'query', 'pos', 'neg', 'AUROC [95% CI]', 'max-F1 [95% CI]', 'threshold', 'ACC [95% CI]'], rows),
  ];
  for (const s of result.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  for (const name of result.unscored) lines.push(`not scored: ${name} (no observation query; pass a prompt)`);
  return lines.join('\n');
}

async function writeClassifyOutputs(out: string, result: ZeroshotClassifyResult, labelRows: readonly Float64Array[], options: ZeroshotClassifyOptions): Promise<string[]> {
  const interval = (i: BootstrapInterval | undefined): [number | undefined, number | undefined] => [i?.low, i?.high];
  const resultsCsv = csvText(
    ['class', 'query', 'positives', 'negatives', 'unknown', 'auc', 'auc_low', 'auc_high', 'f1', 'f1_low', 'f1_high', 'threshold', 'accuracy', 'accuracy_low', 'accuracy_high'],
    [
      ...result.classes.map((c) => [c.name, describeQuery(c.query), c.positives, c.negatives, c.unknown,
        c.auc, ...interval(c.intervals?.auc), c.f1, ...interval(c.intervals?.f1), c.threshold, c.accuracy, ...interval(c.intervals?.accuracy)]),
      ['mean', '', '', '', '', result.meanAuc, '', '', result.meanF1, '', '', '', result.meanAccuracy, '', ''],
    ],
  );
  const k = result.targets.length;
  const scoresCsv = csvText(
    ['image', ...result.targets.flatMap((t) => [`label_${t.name}`, `score_${t.name}`])],
    result.imagePaths.map((path, i) => [path, ...result.targets.flatMap((_, j) => [labelRows[i][j], result.scores[i * k + j]])]),
  );
  const json = {
    dataset: result.dataset, csv: options.csv, checkpoint: options.checkpoint ?? null, images: result.images,
    classes: result.classes, skipped: result.skipped, unscored: result.unscored,
    meanAuc: result.meanAuc ?? null, meanF1: result.meanF1 ?? null, meanAccuracy: result.meanAccuracy ?? null,
    bootstrap: { samples: options.bootstrap ?? 1000, seed: options.seed ?? 0, level: 0.95 },
    seconds: result.seconds, imagesPerSecond: result.imagesPerSecond,
  };
  const files: Record<string, string | Uint8Array> = {
    'results.csv': resultsCsv,
    'results.json': `${JSON.stringify(json, null, 1)}\n`,
    'scores.csv': scoresCsv,
  };
  if (result.classes.length > 0) {
    const curves = result.classes.map((c) => {
      const j = result.targets.findIndex((t) => t.name === c.name);
      const { known, knownScores } = knownColumn(labelRows, labelRows.map((_, i) => result.scores.subarray(i * k, (i + 1) * k)), j);
      return { name: c.name, ...rocCurve(known, knownScores), auc: c.auc };
    });
    files['roc.png'] = await rocCurvesPng(curves, { title: `Zero-shot ROC, ${result.dataset}` });
  }
  return writeOutputs(out, files);
}
