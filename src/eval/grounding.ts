/**
 * Zero-shot grounding metrics: how well a heatmap (e.g. a pathology query's cross-attention, upsampled to the
 * image) locates a ground-truth region (a box or segmentation mask, > 0 = inside).
 *
 * Provenance: the reference grounding evaluation (Sample_Zero-Shot_Grounding_RSNA): pred = heat > threshold,
 * IoU = |seg∧pred| / (|seg| + |pred| − |seg∧pred|), Dice = 2|seg∧pred| / (|seg| + |pred|), and the pointing
 * game hits when a pixel equal to the maximum heat lies in the mask (so with ties, ANY maximal pixel counts).
 * Deliberate difference: where mask and prediction are both empty the reference divides 0 by 0; here IoU and
 * Dice are 1 (they agree), so a mean over images is never NaN. The reference's default threshold 0 makes every
 * pixel positive (attention is > 0): pass a real threshold.
 */
import { countOverlap, type OverlapCounts } from './overlap.ts';
import { checkFiniteArray, checkNumericArray, checkSameLength, type NumericArray } from './validate.ts';
import { checkInteger, isArray } from '../util/check.ts';
export { normalizeByMax } from '../models/grounding.ts';

export type { OverlapCounts } from './overlap.ts';

/**
 * Pointing game: true when a pixel holding the heatmap's maximum lies inside the mask (row-major, width × height).
 *
 * @example pointingGame(heat, boxMask, 224, 224) // true if the hottest pixel is in the box
 * @throws {RangeError} when heat or mask does not hold width × height values, or heat has a non-finite value.
 */
export function pointingGame(heat: NumericArray, mask: NumericArray, width: number, height: number): boolean {
  checkNumericArray(heat, 'heat');
  checkNumericArray(mask, 'mask');
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  if (heat.length !== width * height) {
    throw new RangeError(`Expected width × height = ${width * height} values in heat but received ${heat.length}`);
  }
  checkSameLength(heat, mask, 'heat', 'mask');
  checkFiniteArray(heat, 'heat');
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < heat.length; i++) if (heat[i] > max) max = heat[i];
  for (let i = 0; i < heat.length; i++) if (heat[i] === max && mask[i] > 0) return true;
  return false;
}

/** Counts of predicted (heat > threshold), target (mask > 0) and both. */
export function overlapCounts(heat: NumericArray, mask: NumericArray, threshold: number): OverlapCounts {
  if (heat?.length === 0) throw new RangeError('Expected a non-empty heatmap but heat is empty');
  return countOverlap(heat, mask, threshold, 0, ['heat', 'mask']);
}

/**
 * Intersection over union of `heat > threshold` and the mask (1 when both are empty).
 * @example iou(heat, mask, 0.5)
 */
export function iou(heat: NumericArray, mask: NumericArray, threshold: number): number {
  const { predicted, target, intersection } = overlapCounts(heat, mask, threshold);
  const union = target + predicted - intersection;
  return union === 0 ? 1 : intersection / union;
}

/**
 * Dice coefficient of `heat > threshold` and the mask (1 when both are empty).
 * @example dice(heat, mask, 0.5)
 */
export function dice(heat: NumericArray, mask: NumericArray, threshold: number): number {
  const { predicted, target, intersection } = overlapCounts(heat, mask, threshold);
  const total = target + predicted;
  return total === 0 ? 1 : (2 * intersection) / total;
}

/** One image's grounding result. */
export interface GroundingScores {
  hit: boolean;
  iou: number;
  dice: number;
}

/** Pointing game, IoU and Dice of one heatmap against its mask. */
export function groundingScores(heat: NumericArray, mask: NumericArray, width: number, height: number, threshold: number): GroundingScores {
  return { hit: pointingGame(heat, mask, width, height), iou: iou(heat, mask, threshold), dice: dice(heat, mask, threshold) };
}

/** Means over images, as the reference reports them: pointing accuracy = hits / images. */
export interface GroundingSummary {
  images: number;
  pointingAccuracy: number;
  meanIou: number;
  meanDice: number;
}

/** Averages per-image grounding scores (the reference averages over positive images only: pass only those). */
export function summarizeGrounding(scores: readonly GroundingScores[]): GroundingSummary {
  if (!isArray(scores)) throw new TypeError('Expected an array of grounding scores for scores');
  if (scores.length === 0) throw new RangeError('Expected at least one image in scores but received none');
  let hits = 0;
  let iouSum = 0;
  let diceSum = 0;
  for (const score of scores) {
    if (score.hit) hits++;
    iouSum += score.iou;
    diceSum += score.dice;
  }
  const n = scores.length;
  return { images: n, pointingAccuracy: hits / n, meanIou: iouSum / n, meanDice: diceSum / n };
}
