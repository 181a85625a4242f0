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
import { countOverlap, type OverlapCounts } from './overlap.ts';
import type { NumericArray } from './validate.ts';
import { isArray } from '../util/check.ts';

/** Masks are probabilities or 0/1 (PNG / 255): the reference binarises them at 0.5. */
const TARGET_THRESHOLD = 0.5;
const NAMES = ['prediction', 'target'] as const;

function imageDice({ predicted, target, intersection }: OverlapCounts): number {
  if (target === 0) return predicted === 0 ? 1 : 0;
  return (2 * intersection) / (predicted + target);
}

function imageIou({ predicted, target, intersection }: OverlapCounts): number {
  return (intersection + 1) / (predicted + target - intersection + 1);
}

/**
 * Dice of `prediction > threshold` against `target > 0.5` for one image, with the reference's empty-target rule.
 * @example segmentationDice(probabilities, mask) // 1 for an empty mask predicted empty
 */
export function segmentationDice(prediction: NumericArray, target: NumericArray, threshold = 0.5): number {
  return imageDice(countOverlap(prediction, target, threshold, TARGET_THRESHOLD, NAMES));
}

/** Smoothed IoU (|p∧t| + 1) / (|p∨t| + 1) for one image. */
export function segmentationIou(prediction: NumericArray, target: NumericArray, threshold = 0.5): number {
  return imageIou(countOverlap(prediction, target, threshold, TARGET_THRESHOLD, NAMES));
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
  if (!isArray(predictions) || !isArray(targets)) throw new TypeError('Expected arrays of images for predictions and targets');
  if (predictions.length !== targets.length) {
    throw new RangeError(`Expected as many targets as predictions but received ${targets.length} and ${predictions.length}`);
  }
  if (predictions.length === 0) throw new RangeError('Expected at least one image but received none');
  let diceSum = 0, positiveSum = 0, negativeSum = 0, iouSum = 0, positives = 0;
  for (let k = 0; k < predictions.length; k++) {
    const counts = countOverlap(predictions[k], targets[k], threshold, TARGET_THRESHOLD, NAMES);
    const dice = imageDice(counts);
    diceSum += dice;
    if (counts.target === 0) negativeSum += dice;
    else {
      positiveSum += dice;
      positives++;
    }
    iouSum += imageIou(counts);
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
