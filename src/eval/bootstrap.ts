/**
 * Bootstrap confidence intervals for any metric of (labels, scores): resample the samples with replacement,
 * recompute the metric, and take percentiles of the results. Seeded, so a report is reproducible.
 */
import { Random } from '../util/random.ts';
import { checkBinaryProblem, type NumericArray } from './validate.ts';
import { checkFinite, checkInteger } from '../util/check.ts';

/** A metric of one binary problem, e.g. `rocAuc` or `(l, s) => maxF1(l, s).f1`. */
export type BinaryMetric = (labels: Float64Array, scores: Float64Array) => number;

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  samples?: number;
  /** Seed of the `Random` that draws the resamples (default 0). */
  seed?: number;
  /** Coverage of the interval (default 0.95: the 2.5th and 97.5th percentiles). */
  level?: number;
}

export interface BootstrapInterval {
  /** The metric on the original samples. */
  estimate: number;
  low: number;
  high: number;
  level: number;
  /** Resamples that entered the percentiles. */
  used: number;
  /** Resamples where the metric was undefined (for AUROC: one class only) — redrawn, not counted. */
  skipped: number;
}

/** Linear-interpolation percentile of sorted values (numpy's default 'linear' method), q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * Percentile bootstrap interval of `metric`. A resample on which the metric throws a RangeError or returns NaN
 * (e.g. AUROC of a resample with a single class) is counted in `skipped` and redrawn.
 *
 * @example bootstrapCi(labels, scores, rocAuc, { samples: 1000, seed: 7 }) // { estimate, low, high, … }
 * @throws {RangeError} for bad labels/scores/options, or when more than `samples` resamples in a row are undefined.
 */
export function bootstrapCi(labels: NumericArray, scores: NumericArray, metric: BinaryMetric, options: BootstrapOptions = {}): BootstrapInterval {
  checkBinaryProblem(labels, scores);
  if (typeof metric !== 'function') throw new TypeError(`Expected a function for metric but received ${typeof metric}`);
  const samples = options.samples ?? 1000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  checkInteger('samples', samples, 1);
  checkFinite('seed', seed);
  checkFinite('level', level);
  if (!(level > 0 && level < 1)) throw new RangeError(`Expected level in (0, 1) for level but received ${level}`);

  const n = labels.length;
  const estimate = metric(Float64Array.from(labels), Float64Array.from(scores));
  const random = new Random(seed);
  const results = new Float64Array(samples);
  const resampledLabels = new Float64Array(n);
  const resampledScores = new Float64Array(n);
  let used = 0;
  let skipped = 0;
  let failuresInRow = 0;
  while (used < samples) {
    for (let i = 0; i < n; i++) {
      const j = random.int(0, n - 1);
      resampledLabels[i] = labels[j];
      resampledScores[i] = scores[j];
    }
    let value: number;
    try {
      value = metric(resampledLabels, resampledScores);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      value = Number.NaN;
    }
    if (Number.isNaN(value)) {
      skipped++;
      if (++failuresInRow > samples) {
        throw new RangeError(`The metric was undefined on ${failuresInRow} resamples in a row: too few samples of one class?`);
      }
      continue;
    }
    failuresInRow = 0;
    results[used++] = value;
  }
  results.sort();
  const tail = (1 - level) / 2;
  return { estimate, low: quantileSorted(results, tail), high: quantileSorted(results, 1 - tail), level, used, skipped };
}
