// The one argument checker: every message in one style, the error class by kind (wrong type: TypeError; right
// type, wrong value: RangeError). The table is the contract the rest of the library's messages follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkBoolean, checkFinite, checkInteger, checkNumber, checkOneOf, checkOptions, checkShape, checkString, formatRange,
} from '../../src/util/check.ts';

const rejected: [string, () => unknown, 'TypeError' | 'RangeError', string][] = [
  ['integer, wrong type', () => checkInteger('steps', '3'), 'TypeError', 'Expected integer for steps but received 3 (string)'],
  ['integer, a fraction', () => checkInteger('steps', 1.5, 1), 'TypeError', 'Expected integer in [1, ∞) for steps but received 1.5 (number)'],
  ['integer, below', () => checkInteger('batchSize', 0, 1), 'RangeError', 'Expected integer in [1, ∞) for batchSize but received 0 (number)'],
  ['integer, above', () => checkInteger('kernelSize', 70000, 1, 65536), 'RangeError', 'Expected integer in [1, 65536] for kernelSize but received 70000 (number)'],
  ['integer, unsafe', () => checkInteger('seed', 2 ** 60), 'TypeError', `Expected integer for seed but received ${2 ** 60} (number)`],
  ['number, NaN', () => checkNumber('lr', Number.NaN), 'RangeError', 'Expected number for lr but received NaN (number)'],
  ['number, range', () => checkNumber('dropout', 1.5, 0, 1), 'RangeError', 'Expected number in [0, 1] for dropout but received 1.5 (number)'],
  ['number, upper bound only', () => checkNumber('x', 6, -Infinity, 5), 'RangeError', 'Expected number in (-∞, 5] for x but received 6 (number)'],
  ['number, null', () => checkNumber('lr', null), 'TypeError', 'Expected number for lr but received null'],
  ['number, half-open, at the open end', () => checkNumber('threshold', 1, 0, 1, '[)'), 'RangeError', 'Expected number in [0, 1) for threshold but received 1 (number)'],
  ['finite, open at zero', () => checkFinite('tInitial', 0, 0, Infinity, '()'), 'RangeError', 'Expected finite number in (0, ∞) for tInitial but received 0 (number)'],
  ['finite, infinity', () => checkFinite('factor', Infinity), 'RangeError', 'Expected finite number for factor but received Infinity (number)'],
  ['finite, below', () => checkFinite('baseLr', -1, 0), 'RangeError', 'Expected finite number in [0, ∞) for baseLr but received -1 (number)'],
  ['one of', () => checkOneOf('mode', 'max', ['mean', 'sum']), 'RangeError', 'Expected one of mean, sum for mode but received max (string)'],
  ['one of, wrong type', () => checkOneOf('mode', 3, ['mean', 'sum']), 'TypeError', 'Expected one of mean, sum for mode but received 3 (number)'],
  ['string, empty', () => checkString('out', ''), 'RangeError', 'Expected non-empty string for out but received  (string)'],
  ['string, object', () => checkString('out', {}), 'TypeError', 'Expected non-empty string for out but received Object'],
  ['boolean', () => checkBoolean('quiet', 'yes'), 'TypeError', 'Expected boolean for quiet but received yes (string)'],
  ['shape', () => checkShape('shape', [2, -1]), 'TypeError', 'Expected array of non-negative integers for shape but received [2, -1] (array)'],
];

for (const [what, call, name, message] of rejected) {
  test(`rejects: ${what}`, () => assert.throws(call, { name, message }));
}

test('accepted values come back unchanged', () => {
  assert.equal(checkInteger('n', 0, 0), 0);
  assert.equal(checkNumber('x', -Infinity), -Infinity);
  assert.equal(checkFinite('x', 0.25, 0, 1), 0.25);
  assert.equal(checkNumber('threshold', 0, 0, 1, '[)'), 0);
  assert.equal(checkNumber('x', 1, 0, 1, '(]'), 1);
  assert.throws(() => checkNumber('x', 0, 0, 1, '(]'), RangeError);
  assert.equal(checkOneOf('mode', 'sum', ['mean', 'sum']), 'sum');
  assert.equal(checkString('out', 'a'), 'a');
  assert.equal(checkBoolean('quiet', false), false);
  assert.deepEqual(checkShape('shape', [0, 3]), [0, 3]);
});

test('ranges print closed where bounded, open at infinity', () => {
  assert.equal(formatRange(1, 10), '[1, 10]');
  assert.equal(formatRange(0, Infinity), '[0, ∞)');
  assert.equal(formatRange(-Infinity, 5), '(-∞, 5]');
  assert.equal(formatRange(0, 1, '[)'), '[0, 1)');
  assert.equal(formatRange(0, Infinity, '()'), '(0, ∞)');
});

test('checkOptions checks present options in the spec, naming each with its prefix', () => {
  const spec = { steps: { kind: 'integer', min: 1 }, lr: { kind: 'finite', min: 0 }, mode: { kind: 'oneOf', choices: ['a', 'b'] } } as const;
  const options: { steps?: number; lr?: number; mode?: string } = { steps: 3, mode: 'b' };
  assert.equal(checkOptions(spec, options), options);
  assert.throws(() => checkOptions(spec, { steps: 0 }, 'ceiling'), { name: 'RangeError', message: 'Expected integer in [1, ∞) for ceiling.steps but received 0 (number)' });
  assert.throws(() => checkOptions(spec, { lr: -1 }), { name: 'RangeError', message: 'Expected finite number in [0, ∞) for lr but received -1 (number)' });
  assert.throws(() => checkOptions(spec, { mode: 'c' }), { name: 'RangeError', message: 'Expected one of a, b for mode but received c (string)' });
  assert.throws(() => checkOptions(spec, null as never), { name: 'TypeError', message: 'Expected object for options but received null' });
});
