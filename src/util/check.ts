/**
 * The one argument checker: every public function checks its arguments here before any work (and before
 * anything reaches the addon). Engine-free, so data, text, synth and eval use it as well as torch.
 *
 * One message style: "Expected integer in [1, ∞) for batchSize but received 0 (number)" — what was expected,
 * for which argument, what came and its type. A value of the wrong type throws TypeError; a value of the right
 * type outside its range throws RangeError. test/util/check.test.ts lists the exact messages.
 */

/** How a received value is printed: `3 (number)`, `[1, 2] (array)`, `null`, the class name of an object. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}] (array)`;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${String(value)} (${typeof value})`;
}

/**
 * `Array.isArray` for arguments declared as arrays: a `readonly T[]` stays `readonly T[]` where Array.isArray
 * would narrow it to `any[]` (so the element type survives the run-time check for JavaScript callers).
 */
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/** The error for `name`: TypeError, or RangeError when `range` (the type was right, the value was not). */
export function invalidArgument(name: string, expected: string, received: unknown, range = false): Error {
  const message = `Expected ${expected} for ${name} but received ${describe(received)}`;
  return range ? new RangeError(message) : new TypeError(message);
}

/** Which ends of a range belong to it: '[]' both, '[)' the lower only, '(]' the upper only, '()' neither. */
export type Bounds = '[]' | '[)' | '(]' | '()';

/** `[1, 10]`, `[0, 1)`, `(0, ∞)`, `(-∞, 5]`: the range as written in messages; an infinite end is always open. */
export function formatRange(min: number, max: number, bounds: Bounds = '[]'): string {
  const low = min === -Infinity ? '(-∞' : `${bounds[0]}${min}`;
  const high = max === Infinity ? '∞)' : `${max}${bounds[1]}`;
  return `${low}, ${high}`;
}

/** Whether `value` lies in the range (NaN never does). */
function inRange(value: number, min: number, max: number, bounds: Bounds): boolean {
  return (bounds[0] === '[' ? value >= min : value > min) && (bounds[1] === ']' ? value <= max : value < max);
}

/** A safe integer in [min, max]. A fraction is the wrong type (TypeError), as a string is. */
export function checkInteger(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  const bounded = min !== -Infinity || max !== Infinity;
  const expected = bounded ? `integer in ${formatRange(min, max)}` : 'integer';
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidArgument(name, expected, value);
  if (value < min || value > max) throw invalidArgument(name, expected, value, true);
  return value;
}

/** A number (not NaN) in the range (closed by default); infinities pass only where the range admits them. */
export function checkNumber(name: string, value: unknown, min = -Infinity, max = Infinity, bounds: Bounds = '[]'): number {
  const bounded = min !== -Infinity || max !== Infinity;
  const expected = bounded ? `number in ${formatRange(min, max, bounds)}` : 'number';
  if (typeof value !== 'number') throw invalidArgument(name, expected, value);
  if (Number.isNaN(value) || !inRange(value, min, max, bounds)) throw invalidArgument(name, expected, value, true);
  return value;
}

/** A finite number in the range (closed by default; no NaN, no infinity even where the range is unbounded). */
export function checkFinite(name: string, value: unknown, min = -Infinity, max = Infinity, bounds: Bounds = '[]'): number {
  const bounded = min !== -Infinity || max !== Infinity;
  const expected = bounded ? `finite number in ${formatRange(min, max, bounds)}` : 'finite number';
  if (typeof value !== 'number') throw invalidArgument(name, expected, value);
  if (!Number.isFinite(value) || !inRange(value, min, max, bounds)) throw invalidArgument(name, expected, value, true);
  return value;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw invalidArgument(name, `one of ${choices.join(', ')}`, value, typeof value === 'string');
  }
  return value as T;
}

/** A non-empty string (a path, a name). */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidArgument(name, 'non-empty string', value);
  if (value === '') throw invalidArgument(name, 'non-empty string', value, true);
  return value;
}

/** A boolean. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(name, 'boolean', value);
  return value;
}

/** A tensor shape: an array of non-negative integers. */
export function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalidArgument(name, 'array of non-negative integers', shape);
  }
  return shape as number[];
}

/** One option of a {@link checkOptions} spec. */
export type OptionRule =
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'finite'; min?: number; max?: number }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'oneOf'; choices: readonly string[] };

/**
 * Checks every present option of an options object against its rule, in the spec's order; absent (undefined)
 * options are left to the caller's defaults. Names in messages are the option's key, prefixed by `where`.
 *
 * @example
 *   checkOptions({ steps: { kind: 'integer', min: 1 }, lr: { kind: 'finite', min: 0 } }, options);
 */
export function checkOptions<O extends object>(spec: Readonly<Record<string, OptionRule>>, options: O, where = ''): O {
  if (options === null || typeof options !== 'object') throw invalidArgument(where === '' ? 'options' : where, 'object', options);
  for (const [key, rule] of Object.entries(spec)) {
    const value: unknown = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const name = where === '' ? key : `${where}.${key}`;
    switch (rule.kind) {
      case 'integer': checkInteger(name, value, rule.min, rule.max); break;
      case 'number': checkNumber(name, value, rule.min, rule.max); break;
      case 'finite': checkFinite(name, value, rule.min, rule.max); break;
      case 'string': checkString(name, value); break;
      case 'boolean': checkBoolean(name, value); break;
      case 'oneOf': checkOneOf(name, value, rule.choices); break;
    }
  }
  return options;
}

// ---- arrays of numbers (the metric functions' inputs) ----------------------------------------------------------

/** What the metric functions accept for a vector of numbers. */
export type NumericArray = ArrayLike<number>;

function describeArray(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  return `${String(value)} (${typeof value})`;
}

/** Throws TypeError unless `value` is an array or typed array of numbers (first element checked). */
export function checkNumericArray(value: unknown, name: string): asserts value is NumericArray {
  const isArrayLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!isArrayLike) throw new TypeError(`Expected an array of numbers for ${name} but received ${describeArray(value)}`);
  const items = value as ArrayLike<unknown>;
  if (items.length > 0 && typeof items[0] !== 'number') {
    throw new TypeError(`Expected an array of numbers for ${name} but element 0 is ${describeArray(items[0])}`);
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

