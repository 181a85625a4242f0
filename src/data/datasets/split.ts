/**
 * Training subsets for the fine-tuning protocol of 1 %, 10 % and 100 % of the labelled data (Shef-AIRE/MeDSLIP
 * `Sample_Finetuning_SIIMACR`, config `percentage`): int(p·N) samples drawn without replacement.
 * Deliberate differences: the draw is seeded (the reference uses unseeded `np.random.choice`, so its subsets
 * cannot be reproduced), at least one sample is always kept, and indices come back sorted. A stratified draw
 * keeps each stratum's share (largest-remainder rounding) and, when the subset is large enough, at least one
 * sample of every stratum — so a 1 % subset of a dataset with rare positives still has positives.
 */
import { Random } from '../../util/random.ts';

export interface SubsetOptions {
  /** One key per sample (e.g. its label): sampling is done within each group of equal keys. */
  strata?: ArrayLike<number | string>;
}

/**
 * Sorted indices of a seeded random subset of `max(1, int(fraction · n))` of `0 … n−1`.
 * @example const train1pc = subsetFraction(dataset.length, 0.01, 42, { strata: labels });
 * @throws TypeError for non-numbers, RangeError for n < 1, fraction outside (0, 1] or strata of the wrong length.
 */
export function subsetFraction(n: number, fraction: number, seed: number, options: SubsetOptions = {}): number[] {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`Expected an integer for n but received ${String(n)}`);
  if (n < 1) throw new RangeError(`Expected n ≥ 1 (a non-empty dataset) but received ${n}`);
  if (typeof fraction !== 'number' || Number.isNaN(fraction)) throw new TypeError(`Expected a number for fraction but received ${String(fraction)}`);
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`Expected fraction in (0, 1] (0.01, 0.1 or 1 for the paper's settings) but received ${fraction}`);
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new TypeError(`Expected an integer for seed but received ${String(seed)}`);
  // Math.floor equals Python's int() here: both truncate the same float64 product.
  const count = Math.max(1, Math.floor(fraction * n));
  const random = new Random(seed);
  const all = Array.from({ length: n }, (_, i) => i);
  if (options.strata === undefined) return random.sample(all, count).sort((a, b) => a - b);

  const { strata } = options;
  if (strata.length !== n) throw new RangeError(`Expected ${n} strata keys (one per sample) but received ${strata.length}`);
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = strata[i];
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  }
  const members = [...groups.values()];
  const allocation = allocate(members.map((g) => g.length), count);
  const chosen: number[] = [];
  members.forEach((group, s) => chosen.push(...random.sample(group, allocation[s])));
  return chosen.sort((a, b) => a - b);
}

/**
 * Splits `count` over groups of the given sizes in proportion (largest remainder, earlier group first on
 * ties), giving every group at least one when count ≥ the number of groups.
 */
export function allocate(sizes: readonly number[], count: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const quotas = sizes.map((size) => (count * size) / total);
  const allocation = quotas.map(Math.floor);
  if (count >= sizes.length) for (let s = 0; s < sizes.length; s++) allocation[s] = Math.max(1, allocation[s]);
  let assigned = allocation.reduce((a, b) => a + b, 0);
  // Minimums can overshoot: take back from the groups that exceed their quota most.
  while (assigned > count) {
    let worst = -1;
    for (let s = 0; s < sizes.length; s++) {
      if (allocation[s] > 1 && (worst < 0 || allocation[s] - quotas[s] > allocation[worst] - quotas[worst])) worst = s;
    }
    allocation[worst]--;
    assigned--;
  }
  while (assigned < count) {
    let best = -1;
    for (let s = 0; s < sizes.length; s++) {
      if (allocation[s] < sizes[s] && (best < 0 || quotas[s] - allocation[s] > quotas[best] - allocation[best])) best = s;
    }
    allocation[best]++;
    assigned++;
  }
  return allocation;
}

/** Strata keys from label vectors: one label column (`column`) or, by default, the whole vector; NaN is its own key. */
export function strataFromLabels(labels: readonly Float64Array[], column?: number): string[] {
  return labels.map((vector) => (column === undefined ? Array.from(vector, String).join(',') : String(vector[column])));
}
