/**
 * Argument checks shared by the metric functions: they run before any arithmetic, so a bad call fails with a
 * message that names the argument instead of returning NaN.
 */

/** What the metric functions accept for a vector of numbers. */
export type NumericArray = ArrayLike<number>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  return `${String(value)} (${typeof value})`;
}

/** Throws TypeError unless `value` is an array or typed array of numbers (first element checked). */
export function checkNumericArray(value: unknown, name: string): asserts value is NumericArray {
  const isArrayLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!isArrayLike) throw new TypeError(`Expected an array of numbers for ${name} but received ${describe(value)}`);
  const items = value as ArrayLike<unknown>;
  if (items.length > 0 && typeof items[0] !== 'number') {
    throw new TypeError(`Expected an array of numbers for ${name} but element 0 is ${describe(items[0])}`);
  }
}

/** Throws RangeError unless every label is 0 or 1. */
export function checkBinaryLabels(labels: NumericArray, name = 'labels'): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1) {
      throw new RangeError(`Expected 0 or 1 for ${name}[${i}] but received ${String(label)}`);
    }
  }
}

/** Throws RangeError unless every value is finite (NaN would silently reorder a sort). */
export function checkFiniteArray(values: NumericArray, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`Expected a finite number for ${name}[${i}] but received ${String(values[i])}`);
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
  checkSameLength(labels, scores as NumericArray, 'labels', 'scores');
  if (labels.length === 0) throw new RangeError('Expected at least one sample but labels and scores are empty');
  checkBinaryLabels(labels);
  checkFiniteArray(scores as NumericArray, 'scores');
}

