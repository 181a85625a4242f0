/**
 * An offline text encoder that needs no weights: deterministic feature hashing of words, word pairs and
 * character trigrams, projected to `dim` dimensions by fixed pseudo-random ±1 vectors.
 *
 * STRUCTURE ONLY, NO MEDICAL LANGUAGE KNOWLEDGE. Texts that share words or word fragments get similar vectors,
 * unrelated texts get nearly orthogonal ones; nothing is known about meaning ("effusion" is no closer to "fluid"
 * than to "clip"). It exists so that MeDSLIP can run (demo, tests, machines without a pretrained BERT) with query
 * vectors that are distinct and stable. A model trained on these vectors must be used with them; they cannot
 * stand in for Bio_ClinicalBERT vectors of a released checkpoint.
 *
 * The encoder is a pure function of each text (no statistics over a book), so one prompt's vector never changes
 * when another prompt is added. Words shared by whole books (the anatomy template "It is located at … . ", the
 * pathology descriptions' "X is …" / "X means …") are removed by a fixed stop-list instead.
 */
import { Random } from '../util/random.ts';

/** Name and version of this encoder, for cache metadata (`bookHash`). Changing the features changes the name. */
export const OFFLINE_ENCODER_NAME = 'medslip-hash-v1';

export interface OfflineEncoderOptions {
  /** Output dimension (768, BERT-base's hidden size, by default). */
  dim?: number;
  /** Seed of the projection; the default is fixed so that vectors are the same on every machine. */
  seed?: number;
}

const DEFAULT_SEED = 0x6d656473; // "meds"

// English function words and the books' template words ("It is located at", "X means / describes / refers to").
// Location words (left, upper, above, beneath, …) are deliberately kept: they are what anatomy prompts differ by.
const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'it', 'its', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'located', 'at', 'of', 'in',
  'on', 'to', 'and', 'or', 'nor', 'with', 'by', 'as', 'for', 'from', 'into', 'this', 'that', 'these', 'those',
  'which', 'who', 'whose', 'what', 'there', 'here', 'than', 'then', 'so', 'such', 'may', 'might', 'can', 'could',
  'would', 'should', 'will', 'shall', 'do', 'does', 'has', 'have', 'had', 'not', 'no', 'any', 'some', 'all',
  'each', 'one', 'also', 'usually', 'often', 'typically', 'commonly', 'generally', 'mostly', 'means', 'mean',
  'refers', 'refer', 'describes', 'describe', 'indicates', 'word', 'term', 'called', 'known', 'e', 'g', 'i', 'eg',
  'ie', 'etc', 'when', 'where', 'whether', 'because', 'while', 'whereas', 'how', 'both', 'either', 'neither',
]);

// Relative weights of the feature families. Word identity dominates; pairs keep a little order; the whole
// phrase separates prompts that differ in one word; character trigrams link inflections ("effusion" /
// "effusions") and word parts ("costophrenic" / "cardiophrenic").
const WORD_WEIGHT = 1.0;
const PAIR_WEIGHT = 0.6;
const PHRASE_WEIGHT = 1.5;
/** Weight of one word's trigrams together: each of its k trigrams gets this / √k, so long words do not dominate. */
const TRIGRAM_WEIGHT_PER_WORD = 0.7;

/**
 * The weighted features of one text (for inspection and tests): keys `w:word`, `p:word word`, `s:whole phrase`,
 * `c:tri`.
 * Text is NFKD-normalised, accent-stripped and lower-cased; words are runs of letters and digits (so
 * "left_lower_lung" gives left, lower, lung). A repeated word or pair grows as 1 + ln(count); trigram weights add.
 */
export function offlineFeatures(text: string): Map<string, number> {
  if (typeof text !== 'string') throw new TypeError(`Expected a string for text but received ${typeof text}`);
  const words = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  const content = words.filter((w) => !STOP_WORDS.has(w));
  // A text of stop words only still deserves a vector of its own.
  const kept = content.length > 0 ? content : words;
  // Word, pair and phrase features: base weight and number of occurrences.
  const counted = new Map<string, { weight: number; count: number }>();
  const count = (key: string, weight: number): void => {
    const entry = counted.get(key);
    if (entry) entry.count += 1;
    else counted.set(key, { weight, count: 1 });
  };
  // Trigram features: per-word shares, added up over the words.
  const trigrams = new Map<string, number>();
  if (kept.length === 0) count('w:', WORD_WEIGHT);
  // The whole content phrase as one feature: near-identical prompts ("left_mid_lung" / "right_mid_lung") still
  // get a sizeable private component.
  count(`s:${kept.join(' ')}`, PHRASE_WEIGHT);
  kept.forEach((word, i) => {
    count(`w:${word}`, WORD_WEIGHT);
    if (i > 0) count(`p:${kept[i - 1]} ${word}`, PAIR_WEIGHT);
    const chars = Array.from(`<${word}>`); // code points
    const share = TRIGRAM_WEIGHT_PER_WORD / Math.sqrt(chars.length - 2);
    for (let c = 0; c + 3 <= chars.length; c++) {
      const key = `c:${chars[c]}${chars[c + 1]}${chars[c + 2]}`;
      trigrams.set(key, (trigrams.get(key) ?? 0) + share);
    }
  });
  const features = new Map<string, number>(trigrams);
  for (const [key, { weight, count: n }] of counted) features.set(key, weight * (1 + Math.log(n)));
  return features;
}

/** 32-bit FNV-1a of a string mixed with the seed, then murmur3's finaliser for avalanche. */
function hashFeature(key: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Encodes texts to row-major (N, dim) vectors of norm √dim (unit RMS per component, the scale of a LayerNorm
 * output such as BERT's last hidden state).
 *
 * @example
 *   const anatomyBook = encodeOffline(ANATOMY_BOOK); // Float32Array of 51 · 768
 * @throws TypeError when texts is not an array of strings or dim/seed are not integers.
 * @throws RangeError when dim is not in [1, 65536].
 */
export function encodeOffline(texts: readonly string[], options: OfflineEncoderOptions = {}): Float32Array {
  if (!Array.isArray(texts)) throw new TypeError(`Expected an array of strings for texts but received ${typeof texts}`);
  const dim = options.dim ?? 768;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(dim)) throw new TypeError(`Expected integer for dim but received ${String(dim)} (${typeof dim})`);
  if (dim < 1 || dim > 65536) throw new RangeError(`Expected integer in [1, 65536] for dim but received ${dim}`);
  if (!Number.isInteger(seed)) throw new TypeError(`Expected integer for seed but received ${String(seed)} (${typeof seed})`);
  const out = new Float32Array(texts.length * dim);
  const row = new Float64Array(dim);
  texts.forEach((text, n) => {
    if (typeof text !== 'string') throw new TypeError(`Expected a string for texts[${n}] but received ${typeof text}`);
    row.fill(0);
    for (const [key, weight] of offlineFeatures(text)) {
      // The feature's ±1 direction: 32 signs per draw of a generator seeded by the feature's hash.
      const rng = new Random(hashFeature(key, seed));
      let bits = 0;
      for (let d = 0; d < dim; d++) {
        if ((d & 31) === 0) bits = rng.nextUint32();
        row[d] += (bits & 1) === 1 ? weight : -weight;
        bits >>>= 1;
      }
    }
    let sumSq = 0;
    for (let d = 0; d < dim; d++) sumSq += row[d] * row[d];
    const scale = Math.sqrt(dim) / Math.sqrt(sumSq);
    for (let d = 0; d < dim; d++) out[n * dim + d] = row[d] * scale;
  });
  return out;
}
