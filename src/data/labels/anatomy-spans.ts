/**
 * Anatomy phrases of a tokenised sentence: runs of anatomy words (root + modifiers) become anatomy spans mapped to a
 * landmark with the reference's rules (`landmarks.ts`); elided coordinates ("right and left lower lobes") and
 * "base of the left lung" are resolved; modifier runs without a root become modifiers.
 */
import { landmarkOf } from './landmarks.ts';
import {
  ANATOMY_HEADS, ANATOMY_MODIFIERS, STANDALONE_SIDES, SIDE_WORDS, LEVEL_WORDS, ANATOMY_PHRASES, SINGULAR_HEAD, MODIFIERS,
  COORDINATORS,
} from './lexicon.ts';
import { longestPhrase, type Token, type Role, type AnatomySpan } from './spans.ts';

/** Heads that, after "in", say in what respect something is normal ("normal in contour"), not where. */
const RESPECT_HEADS = new Set(['contour', 'contours', 'configuration']);

/** Marks anatomy phrases: runs of anatomy words, elided coordinates, "base of the left lung". */
export function markAnatomy(tokens: Token[], roles: Role[], anatomies: AnatomySpan[]): void {
  const n = tokens.length;
  // "normal in contour", "normal in size and contour": a respect, not a place.
  for (let i = 0; i < n; i++) {
    const before = tokens.slice(Math.max(0, i - 3), i).map((t) => t.word).join(' ');
    if (roles[i] === 'word' && RESPECT_HEADS.has(tokens[i].word) && /(^| )in$|in size and$/.test(before)) roles[i] = 'mod';
  }
  // Multi-word anatomy names become their canonical token(s).
  const canonical = new Array<string[] | undefined>(n);
  for (let i = 0; i < n; i++) {
    if (roles[i] !== 'word') continue;
    const hit = longestPhrase(tokens, roles, i, ANATOMY_PHRASES);
    if (hit && (hit.length > 1 || hit.value !== tokens[i].word)) {
      const value = hit.value as string;
      canonical[i] = value.includes(' ') && !ANATOMY_HEADS.has(value) ? value.split(' ') : [value];
      for (let k = i + 1; k < i + hit.length; k++) canonical[k] = [];
    }
  }
  const isAnatomyWord = (i: number): boolean => roles[i] === 'word'
    && (canonical[i] !== undefined || ANATOMY_HEADS.has(tokens[i].word) || ANATOMY_MODIFIERS.has(tokens[i].word));

  interface Run { start: number; end: number; words: string[]; hasHead: boolean }
  const runs: Run[] = [];
  for (let i = 0; i < n;) {
    if (!isAnatomyWord(i)) { i++; continue; }
    const start = i;
    const words: string[] = [];
    while (i < n && isAnatomyWord(i)) {
      words.push(...(canonical[i] ?? [tokens[i].word]));
      i++;
    }
    runs.push({ start, end: i, words, hasHead: words.some((w) => ANATOMY_HEADS.has(w)) });
  }

  const spans: Run[] = [];
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const next = runs[r + 1];
    const between = next ? tokens.slice(run.end, next.start).map((t) => t.word) : [];
    if (!run.hasHead) {
      // Elided coordinate: "right [and] left lower lobes" → right lower lobe, left lower lobe.
      const coordinated = between.some((w) => COORDINATORS.has(w))
        && between.every((w) => COORDINATORS.has(w) || MODIFIERS.has(w));
      if (next && next.hasHead && between.length >= 1 && between.length <= 3 && coordinated) {
        const heads = next.words.filter((w) => ANATOMY_HEADS.has(w));
        const root = heads[heads.length - 1];
        const ownLevel = run.words.some((w) => LEVEL_WORDS.has(w));
        const borrowed = next.words.filter((w) => !ANATOMY_HEADS.has(w) && !SIDE_WORDS.has(w) && !ownLevel);
        spans.push({ ...run, words: [...run.words, ...borrowed, SINGULAR_HEAD[root] ?? root], hasHead: true });
        // The head is shared by both coordinates, so the second one names a single structure too; and a side said
        // once is said of both ("right upper and lower lobes").
        next.words = next.words.map((w) => (w === root ? SINGULAR_HEAD[root] ?? root : w));
        const sides = run.words.filter((w) => SIDE_WORDS.has(w));
        if (!next.words.some((w) => SIDE_WORDS.has(w))) next.words = [...sides, ...next.words];
      } else if (run.words.length === 1 && STANDALONE_SIDES.has(run.words[0])) {
        spans.push(run);
      } else {
        for (let k = run.start; k < run.end; k++) roles[k] = 'mod';
      }
      continue;
    }
    // "base of the left lung", "apex of the right lung": one anatomy.
    if (next && next.hasHead && between.length >= 1 && between.length <= 2 && between[0] === 'of'
      && (between.length === 1 || between[1] === 'the')) {
      spans.push({ start: run.start, end: next.end, words: [...run.words, ...next.words], hasHead: true });
      r++;
      continue;
    }
    spans.push(run);
  }

  for (const s of spans) {
    const heads = s.words.filter((w) => ANATOMY_HEADS.has(w));
    const root = heads.length > 0 ? heads[heads.length - 1] : s.words[0];
    const rootIndex = s.words.lastIndexOf(root);
    const ordered = [root, ...s.words.filter((_, k) => k !== rootIndex)];
    anatomies.push({ start: s.start, end: s.end, tokens: ordered, landmark: landmarkOf(ordered) });
    for (let k = s.start; k < s.end; k++) roles[k] = 'anat';
  }
}
