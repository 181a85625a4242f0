/**
 * Area under the ROC curve.
 *
 * Provenance: sklearn's `roc_auc_score` for a binary problem = trapezoidal area (`np.trapz`) under
 * `roc_curve(drop_intermediate=True)`. Computing it the same way (rather than by the equivalent rank statistic)
 * makes it equal the reference's number to the last bits, ties included (a tie contributes half).
 */
import { rocCurve } from './curves.ts';
import type { NumericArray } from './validate.ts';

/** Trapezoidal area under y(x), x monotonic (as `np.trapz`). */
export function trapezoid(x: NumericArray, y: NumericArray): number {
  let area = 0;
  for (let k = 1; k < x.length; k++) area += ((x[k] - x[k - 1]) * (y[k] + y[k - 1])) / 2;
  return area;
}

/**
 * Area under the ROC curve of `scores` against 0/1 `labels` (higher score = more likely positive).
 *
 * @example rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 * @throws {RangeError} when only one class is present (AUROC is undefined), labels are not 0/1, lengths differ,
 *   or a score is not finite.
 */
export function rocAuc(labels: NumericArray, scores: NumericArray): number {
  const { fpr, tpr } = rocCurve(labels, scores);
  return trapezoid(fpr, tpr);
}
