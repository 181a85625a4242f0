/**
 * Argument checks shared by the metric functions: they run before any arithmetic, so a bad call fails with a
 * message that names the argument instead of returning NaN.
 */

export { checkFiniteArray, checkNumericArray, type NumericArray } from '../util/check.ts';
import { checkFiniteArray, checkNumericArray, type NumericArray } from '../util/check.ts';

/** Throws RangeError unless every label is 0 or 1. */
export function checkBinaryLabels(labels: NumericArray, name = 'labels'): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1) {
      throw new RangeError(`Expected 0 or 1 for ${name}[${i}] but received ${String(label)}`);
    }
  }
}

/** Throws RangeError unless the two arrays are equally long. */
export function checkSameLength(a: NumericArray, b: NumericArray, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`Expected ${nameA} and ${nameB} to have the same length but received ${a.length} and ${b.length}`);
  }
}

/** Labels and scores of a binary problem, validated together. */
export function checkBinaryProblem(labels: unknown, scores: unknown): asserts labels is NumericArray {
  checkNumericArray(labels, 'labels');
  checkNumericArray(scores, 'scores');
  checkSameLength(labels, scores, 'labels', 'scores');
  if (labels.length === 0) throw new RangeError('Expected at least one sample but labels and scores are empty');
  checkBinaryLabels(labels);
  checkFiniteArray(scores, 'scores');
}

