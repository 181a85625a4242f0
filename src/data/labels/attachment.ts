/**
 * Anatomy attachment: the landmark(s) each observation of a sentence is located at. Rules, in order: the anatomy
 * right before the observation, the one after an adjective, one reached through a preposition, sharing along a
 * coordination, the subject of a copula, and a device's tip.
 */
import { ADVERBS, COORDINATORS, COPULAS, DETERMINERS, PREPOSITIONS } from './lexicon.ts';
import { clauses, coordinatedWithPrevious } from './clauses.ts';
import type { ObservationSpan, SentenceAnalysis } from './spans.ts';

const WINDOW = 14;
const PREDICATE_CUE_WORDS = new Set(['not', 'no', 'longer', 'possibly', 'probably', 'likely', 'may', 'might', 'could',
  'be', 'questionably', 'perhaps', 'potentially']);

/** Anatomy spans coordinated with span k ("right and left", "cardiac and mediastinal"), in a direction. */
function coordinatedAnatomies(a: SentenceAnalysis, k: number, direction: 1 | -1, lo: number, hi: number): number[] {
  const found = [k];
  let current = a.anatomies[k];
  for (;;) {
    let t = direction === 1 ? current.end : current.start - 1;
    let sawCoordinator = false;
    while (t >= lo && t < hi && (COORDINATORS.has(a.tokens[t].word) || DETERMINERS.has(a.tokens[t].word)
      || a.roles[t] === 'mod')) {
      if (COORDINATORS.has(a.tokens[t].word)) sawCoordinator = true;
      t += direction;
    }
    if (!sawCoordinator || t < lo || t >= hi || a.anatomyAt[t] < 0) return found;
    const other = a.anatomyAt[t];
    if (direction === 1 && ownedBy(a, other, hi) >= 0) return found;
    found.push(other);
    current = a.anatomies[other];
  }
}

/** The observation an anatomy span directly pre-modifies (through modifiers only), or -1. */
function ownedBy(a: SentenceAnalysis, k: number, hi: number): number {
  let t = a.anatomies[k].end;
  while (t < hi && a.roles[t] === 'mod') t++;
  if (t < hi && a.observationAt[t] >= 0 && !a.observations[a.observationAt[t]].dropped) return a.observationAt[t];
  return -1;
}


/** Rule a: anatomy right before the observation. */
function preModifier(a: SentenceAnalysis, o: ObservationSpan, lo: number): number[] {
  let t = o.start - 1;
  // A telegraphic predicate ("heart not enlarged", "lungs otherwise clear") may have adverbs between.
  const skipsAdverbs = o.adjectival;
  while (t >= lo && (a.roles[t] === 'mod' || (a.observationAt[t] >= 0 && a.observations[a.observationAt[t]].dropped)
    || (skipsAdverbs && (ADVERBS.has(a.tokens[t].word) && a.tokens[t].word !== 'the')))) t--;
  if (t < lo || a.anatomyAt[t] < 0) return [];
  return coordinatedAnatomies(a, a.anatomyAt[t], -1, lo, o.start);
}

/** Rule b: an adjective directly before an anatomy ("enlarged cardiac silhouette", "low lung volumes"). */
function followingNoun(a: SentenceAnalysis, o: ObservationSpan, hi: number): number[] {
  if (!o.adjectival) return [];
  let t = o.end;
  while (t < hi && (a.roles[t] === 'mod' || a.tokens[t].word === 'the')) t++;
  if (t >= hi || a.anatomyAt[t] < 0) return [];
  const k = a.anatomyAt[t];
  if (ownedBy(a, k, hi) >= 0) return [];
  return coordinatedAnatomies(a, k, 1, o.end, hi);
}

/** Rule c: an anatomy reached through a preposition ("opacity in the right lower lobe"). */
function prepositional(a: SentenceAnalysis, o: ObservationSpan, hi: number): number[] {
  let sawPreposition = false;
  for (let t = o.end; t < hi && t < o.end + WINDOW; t++) {
    const w = a.tokens[t].word;
    if (a.anatomyAt[t] >= 0) {
      const k = a.anatomyAt[t];
      if (!sawPreposition || ownedBy(a, k, hi) >= 0) return [];
      return coordinatedAnatomies(a, k, 1, t, hi);
    }
    if (a.observationAt[t] >= 0) {
      const k = a.observationAt[t];
      const other = a.observations[k];
      if (other.dropped || coordinatedWithPrevious(a, k) >= 0) { t = other.end - 1; continue; }
      return [];
    }
    if (w === 'with' || w === 'without' || w === 'and' && sawPreposition) return [];
    if (PREPOSITIONS.has(w)) sawPreposition = true;
  }
  return [];
}

/** Rule d: the subject anatomy of a copula whose predicate is the observation ("the lungs are clear"). */
function copularSubject(a: SentenceAnalysis, k: number, lo: number): number[] {
  const o = a.observations[k];
  let t = o.start - 1;
  // Back over the predicate: adverbs, cues, modifiers, coordinated predicate observations.
  for (; t >= lo && t > o.start - WINDOW; t--) {
    const w = a.tokens[t].word;
    if (COPULAS.has(w) && a.roles[t] === 'word') break;
    if (a.observationAt[t] >= 0 || a.roles[t] === 'mod' || ADVERBS.has(w) || COORDINATORS.has(w)) continue;
    // Adverbial cues ("not", "possibly") stay in the predicate; prepositional ones ("without") leave it.
    if (a.roles[t] === 'cue' && (PREDICATE_CUE_WORDS.has(w))) continue;
    return [];
  }
  if (t < lo || !COPULAS.has(a.tokens[t].word)) return [];
  // Back over the subject: anatomy phrases, determiners, coordinators, auxiliaries, "of".
  const found: number[] = [];
  for (t--; t >= lo && t > o.start - 3 * WINDOW; t--) {
    const w = a.tokens[t].word;
    if (a.anatomyAt[t] >= 0) {
      const s = a.anatomyAt[t];
      if (!found.includes(s)) found.push(s);
      continue;
    }
    if (DETERMINERS.has(w) || COORDINATORS.has(w) || COPULAS.has(w) || ADVERBS.has(w) || a.roles[t] === 'mod'
      || w === 'of' || w === 'again') continue;
    break;
  }
  return found.reverse();
}

export function attach(a: SentenceAnalysis): number[][] {
  const result: number[][] = a.observations.map(() => []);
  let nextObs = 0;
  for (const [cs, ce] of clauses(a.roles)) {
    const inClause: number[] = [];
    while (nextObs < a.observations.length && a.observations[nextObs].start < cs) nextObs++;
    for (; nextObs < a.observations.length && a.observations[nextObs].start < ce; nextObs++) {
      const o = a.observations[nextObs];
      if (o.end <= ce && !o.dropped) inClause.push(nextObs);
    }
    const premod: number[][] = [];
    for (const k of inClause) {
      const o = a.observations[k];
      const pre = preModifier(a, o, cs);
      const post = prepositional(a, o, ce);
      premod[k] = pre;
      result[k] = o.device ? (post.length ? post : pre) : (pre.length ? pre : followingNoun(a, o, ce));
      if (result[k].length === 0) result[k] = post;
    }
    // Coordinated observations share a pre-modifier forward and a prepositional anatomy backward.
    for (const k of inClause) {
      if (result[k].length > 0) continue;
      const p = coordinatedWithPrevious(a, k);
      if (p >= 0 && premod[p]?.length) result[k] = premod[p];
    }
    for (let idx = inClause.length - 1; idx >= 0; idx--) {
      const k = inClause[idx];
      if (result[k].length > 0) continue;
      const nextIdx = inClause[idx + 1];
      if (nextIdx !== undefined && coordinatedWithPrevious(a, nextIdx) === k && result[nextIdx].length > 0
        && (premod[nextIdx]?.length ?? 0) === 0) {
        result[k] = result[nextIdx];
      }
    }
    for (const k of inClause) {
      if (result[k].length === 0) result[k] = copularSubject(a, k, cs);
    }
    // "NG tube tip is in the stomach", "tip of the right IJ line projects over the SVC": a device and its tip are
    // in the same place.
    for (let idx = 0; idx + 1 < inClause.length; idx++) {
      const k = inClause[idx], next = inClause[idx + 1];
      const first = a.observations[k], second = a.observations[next];
      const gap = a.tokens.slice(first.end, second.start).map((t) => t.word);
      const close = gap.length <= 5 && gap.every((w, g) => w === 'of' || w === 'the' || a.anatomyAt[first.end + g] >= 0
        || a.roles[first.end + g] === 'mod');
      if (!close) continue;
      if (first.device && second.lemma === 'tip' && gap.length === 0 && result[k].length === 0) result[k] = result[next];
      if (first.lemma === 'tip' && second.device && gap[0] === 'of' && result[k].length === 0) result[k] = result[next];
    }
  }
  return result;
}
