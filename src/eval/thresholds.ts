/**
 * The reference's operating-point metrics: the maximum F1 over the precision–recall curve, its threshold, and
 * the accuracy of `score > threshold` there.
 *
 * Provenance: the shared metric helpers of the MeDSLIP evaluation scripts (sklearn 1.0.2
 * `precision_recall_curve`, F1 = 2PR/(P+R) with 0 where P+R = 0, first arg-max on ties, then
 * `accuracy_score(labels, score > threshold)`). The strict `>` is the reference's: the curve's own points use
 * `≥`, so the accuracy is that of a slightly different classifier when scores tie with the threshold. We keep
 * it so that reported accuracies are comparable with the paper's.
 */
import { precisionRecallCurve } from './curves.ts';
import { checkBinaryProblem, type NumericArray } from './validate.ts';
import { checkFinite } from '../util/check.ts';

/** The max-F1 operating point of one binary problem. */
export interface MaxF1 {
  /** The largest F1 over the precision–recall curve. */
  f1: number;
  /** The curve threshold where it is reached (first one, in increasing-threshold order, on ties). */
  threshold: number;
  /** Accuracy of predicting positive for score > threshold (strict). */
  accuracy: number;
  precision: number;
  recall: number;
}

/**
 * Fraction of samples where `(score > threshold)` equals the label.
 * @throws {RangeError} for non-0/1 labels, non-finite scores or a length mismatch.
 */
export function accuracyAbove(labels: NumericArray, scores: NumericArray, threshold: number): number {
  checkBinaryProblem(labels, scores);
  checkFinite('threshold', threshold);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if ((scores[i] > threshold ? 1 : 0) === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * The maximum F1 over the precision–recall curve, its threshold, and the accuracy of `score > threshold`.
 *
 * @example maxF1([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // { f1: 0.8, threshold: 0.35, accuracy: 0.5, … }
 * @throws {RangeError} when there is no positive label, labels are not 0/1, or a score is not finite.
 */
export function maxF1(labels: NumericArray, scores: NumericArray): MaxF1 {
  const { precision, recall, thresholds } = precisionRecallCurve(labels, scores);
  let best = -1;
  let bestIndex = 0;
  // The last point (P = 1, R = 0) has F1 = 0 and no threshold; positives exist, so some earlier point has F1 > 0.
  for (let k = 0; k < thresholds.length; k++) {
    const sum = precision[k] + recall[k];
    const f1 = sum === 0 ? 0 : (2 * recall[k] * precision[k]) / sum;
    if (f1 > best) {
      best = f1;
      bestIndex = k;
    }
  }
  const threshold = thresholds[bestIndex];
  return {
    f1: best,
    threshold,
    accuracy: accuracyAbove(labels, scores, threshold),
    precision: precision[bestIndex],
    recall: recall[bestIndex],
  };
}
