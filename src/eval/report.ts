/**
 * A multi-label classification summary: per-class AUROC, max-F1, its threshold and the accuracy there, plus
 * the means the reference reports (average AUROC, mean max-F1, mean ACC over classes).
 *
 * Classes whose labels hold only one value have no AUROC; instead of averaging a NaN into the means (or
 * failing the whole report) they are left out of the means and listed in `skipped` with the reason.
 */
import { rocAuc } from './auc.ts';
import { maxF1 } from './thresholds.ts';
import { isArray } from '../util/check.ts';

/** Labels the report treats as unknown and leaves out of that class's metrics. */
export const UNKNOWN_LABEL = -1;

export interface ClassMetrics {
  name: string;
  auc: number;
  f1: number;
  threshold: number;
  accuracy: number;
  positives: number;
  negatives: number;
  /** Samples whose label was unknown (−1 or NaN) and left out. */
  unknown: number;
}

export interface SkippedClass {
  name: string;
  reason: string;
  positives: number;
  negatives: number;
}

export interface ClassificationReport {
  classes: ClassMetrics[];
  skipped: SkippedClass[];
  /** Means over `classes` (the evaluated ones); undefined when no class could be evaluated. */
  meanAuc: number | undefined;
  meanF1: number | undefined;
  meanAccuracy: number | undefined;
}

/**
 * Per-class metrics of a multi-label problem. `labels[i][c]` and `scores[i][c]` are sample i's label (1, 0, or
 * −1/NaN = unknown) and score for class `names[c]` — rows are samples, as model outputs (B, classes) are.
 *
 * @example classificationReport(['atelectasis', 'cardiomegaly'], [[1, 0], [0, 1], [0, 0]], [[.9, .2], [.1, .8], [.3, .4]])
 * @throws {TypeError} for non-array arguments; {RangeError} when rows differ in length from `names`, the label
 *   and score row counts differ, a label is not 1/0/−1/NaN, or a score is not finite.
 */
export function classificationReport(names: readonly string[], labels: readonly ArrayLike<number>[], scores: readonly ArrayLike<number>[]): ClassificationReport {
  if (!isArray(names) || names.some((name) => typeof name !== 'string')) throw new TypeError('Expected an array of class names for names');
  if (!isArray(labels) || !isArray(scores)) throw new TypeError('Expected arrays of rows (one per sample) for labels and scores');
  if (labels.length !== scores.length) {
    throw new RangeError(`Expected as many label rows as score rows but received ${labels.length} and ${scores.length}`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]?.length !== names.length || scores[i]?.length !== names.length) {
      throw new RangeError(`Expected ${names.length} values (one per class) in labels[${i}] and scores[${i}] but received ${labels[i]?.length} and ${scores[i]?.length}`);
    }
  }
  const classes: ClassMetrics[] = [];
  const skipped: SkippedClass[] = [];
  names.forEach((name, c) => {
    const known: number[] = [];
    const knownScores: number[] = [];
    let unknown = 0;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i][c];
      const score = scores[i][c];
      if (!Number.isFinite(score)) throw new RangeError(`Expected a finite number for scores[${i}][${c}] (${name}) but received ${score}`);
      if (label === UNKNOWN_LABEL || Number.isNaN(label)) {
        unknown++;
        continue;
      }
      if (label !== 0 && label !== 1) throw new RangeError(`Expected 1, 0 or −1 for labels[${i}][${c}] (${name}) but received ${label}`);
      known.push(label);
      knownScores.push(score);
    }
    const positives = known.reduce((sum, label) => sum + label, 0);
    const negatives = known.length - positives;
    if (positives === 0 || negatives === 0) {
      const reason = known.length === 0 ? 'no known labels' : `only ${positives === 0 ? 'negative' : 'positive'} labels (AUROC undefined)`;
      skipped.push({ name, reason, positives, negatives });
      return;
    }
    const operatingPoint = maxF1(known, knownScores);
    classes.push({
      name,
      auc: rocAuc(known, knownScores),
      f1: operatingPoint.f1,
      threshold: operatingPoint.threshold,
      accuracy: operatingPoint.accuracy,
      positives,
      negatives,
      unknown,
    });
  });
  const mean = (pick: (metrics: ClassMetrics) => number): number | undefined =>
    classes.length === 0 ? undefined : classes.reduce((sum, metrics) => sum + pick(metrics), 0) / classes.length;
  return { classes, skipped, meanAuc: mean((m) => m.auc), meanF1: mean((m) => m.f1), meanAccuracy: mean((m) => m.accuracy) };
}
