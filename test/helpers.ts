/** Shared test helpers: where the reference fixtures live, and numeric comparison with tolerances. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * ../shared beside the checkout (read-only; never written by tests), or MEDSLIP_SHARED_DIR where the fixtures and
 * data sit elsewhere (a GPU machine that was sent a copy, scripts/gpu-check.sh).
 */
export const sharedDir = process.env.MEDSLIP_SHARED_DIR || join(repoRoot, '..', 'shared');
export const fixturesDir = join(sharedDir, 'fixtures');
export const dataDir = join(sharedDir, 'data');

type Numeric = ArrayLike<number> | ArrayLike<bigint>;

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(actual: Numeric, expected: Numeric): number {
  assert.equal(actual.length, expected.length, `length ${actual.length} != expected ${expected.length}`);
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(Number(actual[i]) - Number(expected[i]));
    if (Number.isNaN(d)) return Number.NaN;
    if (d > max) max = d;
  }
  return max;
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise and returns the max absolute error (so tests
 * can print it). The message names the first offending index.
 */
export function compare(actual: Numeric, expected: Numeric, atol = 1e-4, rtol = 0, what = 'values'): number {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != expected ${expected.length}`);
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = Number(actual[i]), e = Number(expected[i]);
    const d = Math.abs(a - e);
    if (!(d <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e} (|Δ| ${d.toExponential(3)} > ${atol} + ${rtol}·|e|)`);
    }
    if (d > max) max = d;
  }
  return max;
}
