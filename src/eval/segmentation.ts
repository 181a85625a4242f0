/**
 * Segmentation metrics for fine-tuned models (per image, then averaged).
 *
 * Provenance: the reference segmentation fine-tuning evaluation (Sample_Finetuning_SIIMACR I2_segmentation):
 * p = prediction > 0.5, t = target > 0.5;
 * - Dice: when t is empty, 1 if p is empty else 0; otherwise 2|p∧t| / (|p| + |t|);
 * - IoU: (|p∧t| + 1) / (|p∨t| + 1) (smoothing 1, so empty/empty = 1);
 * the score is the mean over all images, and Dice is also averaged separately over images with a non-empty
 * target (positive) and with an empty one (negative).
 */
import { checkFinite, checkNumber, checkNumericArray, checkSameLength, type NumericArray } from './validate.ts';

function counts(prediction: NumericArray, target: NumericArray, threshold: number): { p: number; t: number; both: number } {
  checkNumericArray(prediction, 'prediction');
  checkNumericArray(target, 'target');
  checkSameLength(prediction, target, 'prediction', 'target');
  checkFinite(prediction, 'prediction');
  checkNumber(threshold, 'threshold');
  let p = 0;
  let t = 0;
  let both = 0;
  for (let i = 0; i < prediction.length; i++) {
    const isP = prediction[i] > threshold;
    const isT = target[i] > 0.5;
    if (isP) p++;
    if (isT) t++;
    if (isP && isT) both++;
  }
  return { p, t, both };
}

/**
 * Dice of `prediction > threshold` against `target > 0.5` for one image, with the reference's empty-target rule.
 * @example segmentationDice(probabilities, mask) // 1 for an empty mask predicted empty
 */
export function segmentationDice(prediction: NumericArray, target: NumericArray, threshold = 0.5): number {
  const { p, t, both } = counts(prediction, target, threshold);
  if (t === 0) return p === 0 ? 1 : 0;
  return (2 * both) / (p + t);
}

/** Smoothed IoU (|p∧t| + 1) / (|p∨t| + 1) for one image. */
export function segmentationIou(prediction: NumericArray, target: NumericArray, threshold = 0.5): number {
  const { p, t, both } = counts(prediction, target, threshold);
  return (both + 1) / (p + t - both + 1);
}

export interface SegmentationSummary {
  images: number;
  /** Mean Dice over all images. */
  dice: number;
  /** Mean Dice over images with a non-empty target (NaN-free: undefined when there are none). */
  dicePositive: number | undefined;
  /** Mean Dice over images with an empty target (undefined when there are none). */
  diceNegative: number | undefined;
  positives: number;
  negatives: number;
  /** Mean smoothed IoU over all images. */
  miou: number;
}

/**
 * Per-image Dice and IoU averaged over a set of images (each a flat array of probabilities and a target mask).
 * @throws {RangeError} when the lists are empty or differ in length.
 */
export function segmentationScores(predictions: readonly NumericArray[], targets: readonly NumericArray[], threshold = 0.5): SegmentationSummary {
  if (!Array.isArray(predictions) || !Array.isArray(targets)) throw new TypeError('Expected arrays of images for predictions and targets');
  if (predictions.length !== targets.length) {
    throw new RangeError(`Expected as many targets as predictions but received ${targets.length} and ${predictions.length}`);
  }
  if (predictions.length === 0) throw new RangeError('Expected at least one image but received none');
  let diceSum = 0, positiveSum = 0, negativeSum = 0, iouSum = 0, positives = 0;
  for (let k = 0; k < predictions.length; k++) {
    const { p, t, both } = counts(predictions[k], targets[k], threshold);
    const imageDice = t === 0 ? (p === 0 ? 1 : 0) : (2 * both) / (p + t);
    diceSum += imageDice;
    if (t === 0) negativeSum += imageDice;
    else {
      positiveSum += imageDice;
      positives++;
    }
    iouSum += (both + 1) / (p + t - both + 1);
  }
  const n = predictions.length;
  const negatives = n - positives;
  return {
    images: n,
    dice: diceSum / n,
    dicePositive: positives > 0 ? positiveSum / positives : undefined,
    diceNegative: negatives > 0 ? negativeSum / negatives : undefined,
    positives,
    negatives,
    miou: iouSum / n,
  };
}
