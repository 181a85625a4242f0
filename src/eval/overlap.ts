/** The pixel counting shared by the grounding and segmentation metrics. */
import { checkFiniteArray, checkNumericArray, checkSameLength, type NumericArray } from './validate.ts';
import { checkFinite } from '../util/check.ts';

/** Pixel counts of a thresholded map against a target mask. */
export interface OverlapCounts {
  predicted: number;
  target: number;
  intersection: number;
}

/**
 * Counts pixels with values > threshold (predicted), mask > targetThreshold (target) and both. `names` label the
 * two arrays in error messages.
 */
export function countOverlap(
  values: NumericArray, mask: NumericArray, threshold: number, targetThreshold: number, names: readonly [string, string],
): OverlapCounts {
  const [valuesName, maskName] = names;
  checkNumericArray(values, valuesName);
  checkNumericArray(mask, maskName);
  checkSameLength(values, mask, valuesName, maskName);
  checkFiniteArray(values, valuesName);
  checkFinite('threshold', threshold);
  let predicted = 0;
  let target = 0;
  let intersection = 0;
  for (let i = 0; i < values.length; i++) {
    const isPredicted = values[i] > threshold;
    const isTarget = mask[i] > targetThreshold;
    if (isPredicted) predicted++;
    if (isTarget) target++;
    if (isPredicted && isTarget) intersection++;
  }
  return { predicted, target, intersection };
}
