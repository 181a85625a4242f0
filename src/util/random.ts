/**
 * Seeded pseudo-random numbers for everything that is not a tensor op (data sampling, augmentation, synthetic
 * images): the same seed gives the same stream on every machine. Tensor randomness (init, dropout) comes from
 * libtorch's generator instead (`torch.manualSeed`).
 *
 * The generator is splitmix32-seeded xoshiro128**: fast, 2^128 − 1 period, good statistical quality.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`Expected a finite number for seed but received ${String(seed)}`);
    let state = Math.floor(seed) >>> 0;
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0; this.s1 >>>= 0; this.s2 >>>= 0; this.s3 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high] (both inclusive). */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller), times std plus mean. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** One element drawn uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Cannot choose from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** k distinct elements drawn without replacement (like Python's random.sample). */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length) throw new RangeError(`Cannot sample ${k} distinct items from ${items.length}`);
    const pool = items.slice();
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.next() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }

  /** A new generator whose stream is independent of this one's (for workers, per-epoch streams). */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A 32-bit hash of non-negative safe integers (MurmurHash3's finaliser over each 32-bit half), for seeding one
 * stream per (seed, epoch, index, …) tuple. `salt` keeps streams of different purposes apart.
 * @throws TypeError for a non-integer, RangeError for a negative value (naming its position).
 */
export function hashSeed(values: readonly number[], salt = 0x1b873593): number {
  let h = salt >>> 0;
  values.forEach((value, k) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new TypeError(`Expected a safe integer for seed component ${k} but received ${String(value)} (${typeof value})`);
    }
    if (value < 0) throw new RangeError(`Expected a non-negative integer for seed component ${k} but received ${value}`);
    h = fmix32((h ^ (value >>> 0)) >>> 0);
    h = fmix32((h ^ Math.floor(value / 4294967296)) + 0x9e3779b9);
  });
  return h;
}

// MurmurHash3's 32-bit finaliser: every input bit affects every output bit.
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
