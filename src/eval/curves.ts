/**
 * ROC and precision–recall curves of a binary problem.
 *
 * Provenance: mirrors scikit-learn's `_binary_clf_curve`, `roc_curve` (drop_intermediate=True) and
 * `precision_recall_curve` (1.0.2, the version the reference evaluation uses), so that every point, and the
 * AUROC and max-F1 computed from them, equal the reference's numbers. Tied scores form one point: all samples
 * sharing a score cross the threshold together.
 */
import { checkBinaryProblem, type NumericArray } from './validate.ts';

/** Cumulative counts at each distinct score, from the highest score down. */
export interface ThresholdCounts {
  /** True positives when predicting positive for score ≥ thresholds[k]. */
  truePositives: Float64Array;
  /** False positives at the same thresholds. */
  falsePositives: Float64Array;
  /** The distinct scores, decreasing. */
  thresholds: Float64Array;
}

/** sklearn's `_binary_clf_curve`: one entry per distinct score, thresholds decreasing. */
export function thresholdCounts(labels: NumericArray, scores: NumericArray): ThresholdCounts {
  checkBinaryProblem(labels, scores);
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let truePositives = 0;
  for (let k = 0; k < n; k++) {
    truePositives += labels[order[k]];
    // The last sample of a run of equal scores closes that threshold's point.
    if (k === n - 1 || scores[order[k + 1]] !== scores[order[k]]) {
      tps.push(truePositives);
      fps.push(k + 1 - truePositives);
      thresholds.push(scores[order[k]]);
    }
  }
  return { truePositives: Float64Array.from(tps), falsePositives: Float64Array.from(fps), thresholds: Float64Array.from(thresholds) };
}

/** A receiver operating characteristic curve, points in order of increasing false-positive rate. */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Decreasing; thresholds[0] is +Infinity (the point (0, 0) where nothing is predicted positive). */
  thresholds: Float64Array;
}

/**
 * The ROC curve, with collinear intermediate points dropped as sklearn's `roc_curve` does by default.
 *
 * Deliberate difference: thresholds[0] is +Infinity (scikit-learn ≥ 1.3) rather than 1.0.2's `max(score) + 1`,
 * which looks like a real score but is not one.
 *
 * @example rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // fpr [0,0,0.5,0.5,1], tpr [0,0.5,0.5,1,1]
 * @throws {RangeError} when only one class is present (the curve is undefined), labels are not 0/1, or a
 *   score is not finite.
 */
export function rocCurve(labels: NumericArray, scores: NumericArray, options: { dropIntermediate?: boolean } = {}): RocCurve {
  const counts = thresholdCounts(labels, scores);
  let tps = Array.from(counts.truePositives);
  let fps = Array.from(counts.falsePositives);
  let thresholds = Array.from(counts.thresholds);
  const positives = tps[tps.length - 1];
  const negatives = fps[fps.length - 1];
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`Expected both classes in labels but received only ${positives === 0 ? 'negatives' : 'positives'} (ROC curve is undefined)`);
  }
  if ((options.dropIntermediate ?? true) && tps.length > 2) {
    // Keep a point only where the second difference of fps or tps is non-zero (a corner of the curve).
    const keep: number[] = [0];
    for (let k = 1; k < tps.length - 1; k++) {
      const fpsBend = fps[k + 1] - 2 * fps[k] + fps[k - 1];
      const tpsBend = tps[k + 1] - 2 * tps[k] + tps[k - 1];
      if (fpsBend !== 0 || tpsBend !== 0) keep.push(k);
    }
    keep.push(tps.length - 1);
    tps = keep.map((k) => tps[k]);
    fps = keep.map((k) => fps[k]);
    thresholds = keep.map((k) => thresholds[k]);
  }
  const size = tps.length + 1;
  const fpr = new Float64Array(size);
  const tpr = new Float64Array(size);
  const outThresholds = new Float64Array(size);
  outThresholds[0] = Number.POSITIVE_INFINITY;
  for (let k = 0; k < tps.length; k++) {
    fpr[k + 1] = fps[k] / negatives;
    tpr[k + 1] = tps[k] / positives;
    outThresholds[k + 1] = thresholds[k];
  }
  return { fpr, tpr, thresholds: outThresholds };
}

/** A precision–recall curve: thresholds increasing; precision/recall have one more point (P = 1, R = 0). */
export interface PrecisionRecallCurve {
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
}

/**
 * sklearn's `precision_recall_curve`: precision[k] and recall[k] are those of predicting positive for
 * score ≥ thresholds[k]; thresholds increase; the final point (precision 1, recall 0) has no threshold.
 *
 * As sklearn 1.0.2 does, the curve starts at the highest threshold that reaches full recall (lower thresholds
 * only add false positives); `{ full: true }` keeps those points too (sklearn ≥ 1.1). Neither choice changes
 * the maximum F1 or its threshold.
 *
 * @example precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
 *   // precision [0.667, 0.5, 1, 1], recall [1, 0.5, 0.5, 0], thresholds [0.35, 0.4, 0.8]
 * @throws {RangeError} when there is no positive label (recall is undefined), labels are not 0/1, or a score is
 *   not finite.
 */
export function precisionRecallCurve(labels: NumericArray, scores: NumericArray, options: { full?: boolean } = {}): PrecisionRecallCurve {
  const counts = thresholdCounts(labels, scores);
  const { truePositives: tps, falsePositives: fps } = counts;
  const last = tps.length - 1;
  const positives = tps[last];
  if (positives === 0) throw new RangeError('Expected at least one positive label (recall is undefined without positives)');
  // First index reaching full recall (np.searchsorted(tps, tps[-1]), tps being non-decreasing).
  let start = last;
  if (!options.full) {
    start = 0;
    while (tps[start] < positives) start++;
  }
  const size = start + 1;
  const precision = new Float64Array(size + 1);
  const recall = new Float64Array(size + 1);
  const thresholds = new Float64Array(size);
  for (let k = start, j = 0; k >= 0; k--, j++) {
    precision[j] = tps[k] / (tps[k] + fps[k]);
    recall[j] = tps[k] / positives;
    thresholds[j] = counts.thresholds[k];
  }
  precision[size] = 1;
  recall[size] = 0;
  return { precision, recall, thresholds };
}
