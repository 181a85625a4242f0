/**
 * Sentence structure shared by the scope and attachment stages: clauses (split at clause breaks) and coordination
 * between observations ("effusion or pneumothorax", "consolidation, consistent with pneumonia").
 */
import { COORDINATORS, DETERMINERS, VERBS } from './lexicon.ts';
import type { Cue } from './lexicon.ts';
import type { Role, SentenceAnalysis } from './spans.ts';

/** Clause ranges [start, end) of a sentence: split at break tokens. */
export function clauses(roles: Role[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i <= roles.length; i++) {
    if (i === roles.length || roles[i] === 'break') {
      if (i > start) out.push([start, i]);
      start = i + 1;
    }
  }
  return out;
}

/** The cue whose span holds token t, if any. */
export function cueAt(a: SentenceAnalysis, t: number): Cue | undefined {
  return a.cues.find((c) => c.start <= t && t < c.end)?.cue;
}

const APPOSITIVE_LINKS = new Set(['consistent', 'compatible', 'with', 'in', 'keeping', 'representing', 'reflecting',
  'due', 'to', 'from']);
/** Links that restate a finding without a comma: "consolidation consistent with pneumonia". */
const RESTATING_LINKS = new Set(['consistent', 'compatible', 'keeping', 'representing', 'reflecting']);

/** Words that join alternatives: "atelectasis or pneumonia", "atelectasis versus scarring". */
export const ALTERNATIVES: ReadonlySet<string> = new Set(['or', 'versus', 'vs', 'and/or']);

/**
 * The observation that observation k is coordinated with (the previous one, across a coordinator, modifiers,
 * anatomy words and forward-reaching cues), or -1. A verb or a cue that reaches back ends a statement: "the ET tube
 * has been removed, and the NG tube ..." are two statements.
 */
export function coordinatedWithPrevious(a: SentenceAnalysis, k: number): number {
  const o = a.observations[k];
  for (let p = k - 1; p >= 0; p--) {
    const prev = a.observations[p];
    if (prev.dropped || prev.modifies >= 0) continue;
    let sawCoordinator = false;
    for (let t = prev.end; t < o.start; t++) {
      const w = a.tokens[t].word;
      if (COORDINATORS.has(w) || ALTERNATIVES.has(w)) { sawCoordinator = true; continue; }
      if (a.roles[t] === 'word' && VERBS.has(w)) return -1;
      if (a.roles[t] === 'cue') {
        const cue = cueAt(a, t);
        if (cue && (cue.kind === 'negation' || cue.direction === 'post')) return -1;
        continue;
      }
      if (a.roles[t] === 'mod' || DETERMINERS.has(w) || a.anatomyAt[t] >= 0 || a.roles[t] === 'obs') continue;
      // An appositive restating the finding: "right lower lobe consolidation, consistent with pneumonia".
      if (APPOSITIVE_LINKS.has(w) && sawCoordinator) continue;
      if (RESTATING_LINKS.has(w)) { sawCoordinator = true; continue; }
      return -1;
    }
    return sawCoordinator ? p : -1;
  }
  return -1;
}
