/**
 * Argument validation before anything reaches the addon. Messages follow one pattern:
 * "Expected integer in [1, 65536] for kernelSize but received -1 (number)". Wrong types throw TypeError,
 * values out of range throw RangeError.
 */

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}] (array)`;
  if (typeof value === 'object') return `${(value as object).constructor?.name ?? 'object'}`;
  return `${String(value)} (${typeof value})`;
}

export function invalidArgument(name: string, expected: string, received: unknown, range = false): Error {
  const message = `Expected ${expected} for ${name} but received ${describe(received)}`;
  return range ? new RangeError(message) : new TypeError(message);
}

export function checkInteger(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidArgument(name, 'integer', value);
  if (value < min || value > max) {
    throw invalidArgument(name, `integer in [${min}, ${max}]`, value, true);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw invalidArgument(name, 'number', value);
  if (value < min || value > max) throw invalidArgument(name, `number in [${min}, ${max}]`, value, true);
  return value;
}

export function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalidArgument(name, 'array of non-negative integers', shape);
  }
  return shape as number[];
}

export function checkOneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw invalidArgument(name, `one of ${choices.join(', ')}`, value, typeof value === 'string');
  }
  return value as T;
}
