/**
 * Sentence structure shared by the scope and attachment stages: clauses (split at clause breaks) and coordination
 * between observations ("effusion or pneumothorax", "consolidation, consistent with pneumonia").
 */
import { COORDINATORS, DETERMINERS } from './lexicon.ts';
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

const APPOSITIVE_LINKS = new Set(['consistent', 'compatible', 'with', 'in', 'keeping', 'representing', 'reflecting',
  'due', 'to', 'from']);

/** Whether the observation at index k follows a coordinator after the previous observation. */
export function coordinatedWithPrevious(a: SentenceAnalysis, k: number): number {
  const o = a.observations[k];
  for (let p = k - 1; p >= 0; p--) {
    const prev = a.observations[p];
    if (prev.dropped) continue;
    let sawCoordinator = false;
    for (let t = prev.end; t < o.start; t++) {
      const w = a.tokens[t].word;
      if (COORDINATORS.has(w) || w === 'versus' || w === 'vs') { sawCoordinator = true; continue; }
      if (a.roles[t] === 'mod' || a.roles[t] === 'cue' || DETERMINERS.has(w) || a.anatomyAt[t] >= 0 || a.roles[t] === 'obs') continue;
      // An appositive restating the finding: "right lower lobe consolidation, consistent with pneumonia".
      if (APPOSITIVE_LINKS.has(w) && sawCoordinator) continue;
      return -1;
    }
    return sawCoordinator ? p : -1;
  }
  return -1;
}
