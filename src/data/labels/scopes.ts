/**
 * Negation and uncertainty scopes: which cues of a sentence reach which observations. A cue reaches the
 * observations of its scope group (a clause, cut further at a comma or "and" that starts a new statement), forward
 * or backward as its direction says; alternatives joined by "or" outside a negation are uncertain.
 */
import { VERBS, DETERMINERS } from './lexicon.ts';
import { clauses, coordinatedWithPrevious } from './clauses.ts';
import type { SentenceAnalysis, CueSpan } from './spans.ts';

export type EntityStatus = 'present' | 'absent' | 'uncertain';

/** Modifiers that start a new statement after a comma or "and". */
const STATEMENT_STARTERS = new Set(['small', 'moderate', 'large', 'mild', 'minimal', 'tiny', 'trace', 'severe',
  'new', 'persistent', 'stable', 'increased', 'decreased', 'unchanged', 'improved', 'improving', 'worsening',
  'worsened', 'residual', 'extensive', 'slight', 'subtle', 'marked', 'interval', 'overall', 'otherwise', 'also']);


/** Whether a comma or "and" at position i starts a new statement (ending the scope of cues before it). */
function startsStatement(a: SentenceAnalysis, i: number, end: number): boolean {
  const { tokens, roles } = a;
  let k = i + 1;
  if (k < end && (tokens[k].word === 'or' || tokens[k].word === 'nor')) return false;
  if (k < end && tokens[k].word === 'and' && tokens[i].word === ',') k++;
  if (k >= end) return false;
  const first = tokens[k].word;
  if (DETERMINERS.has(first) || STATEMENT_STARTERS.has(first)) return true;
  if (roles[k] === 'cue') return true;
  for (let t = k; t < end; t++) {
    const w = tokens[t].word;
    if (roles[t] === 'word' && (w === ',' || w === 'and' || w === 'or')) break;
    if (roles[t] === 'punct' && w === ',') break;
    if (roles[t] === 'word' && VERBS.has(w)) return true;
  }
  return false;
}

/** Scope groups inside a clause: ranges [start, end). */
function scopeGroups(a: SentenceAnalysis, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let groupStart = start;
  for (let i = start; i < end; i++) {
    const w = a.tokens[i].word;
    const separator = (w === ',' && a.roles[i] === 'punct') || (w === 'and' && a.roles[i] === 'word');
    if (separator && startsStatement(a, i, end)) {
      out.push([groupStart, i]);
      groupStart = i + 1;
    }
  }
  out.push([groupStart, end]);
  return out;
}

export function statuses(a: SentenceAnalysis): EntityStatus[] {
  const negated = new Uint8Array(a.observations.length);
  const uncertain = new Uint8Array(a.observations.length);
  // Observations and cues are sorted by position and groups come in order: one pointer each keeps this linear.
  let nextObs = 0, nextCue = 0;
  for (const [cs, ce] of clauses(a.roles)) {
    for (const [gs, ge] of scopeGroups(a, cs, ce)) {
      const obsIdx: number[] = [];
      const groupCues: CueSpan[] = [];
      while (nextObs < a.observations.length && a.observations[nextObs].start < gs) nextObs++;
      for (; nextObs < a.observations.length && a.observations[nextObs].start < ge; nextObs++) {
        const o = a.observations[nextObs];
        if (o.end <= ge && !o.dropped) obsIdx.push(nextObs);
      }
      while (nextCue < a.cues.length && a.cues[nextCue].start < gs) nextCue++;
      for (; nextCue < a.cues.length && a.cues[nextCue].start < ge; nextCue++) {
        if (a.cues[nextCue].end <= ge) groupCues.push(a.cues[nextCue]);
      }
      if (obsIdx.length === 0 || groupCues.length === 0) continue;
      // Sweep: the first forward-applying cue and the last backward-applying one bound the affected observations.
      let firstPre = { negation: Infinity, uncertainty: Infinity };
      let lastPost = { negation: -Infinity, uncertainty: -Infinity };
      for (const c of groupCues) {
        if (c.cue.kind === 'pseudo') continue;
        const kind = c.cue.kind;
        let direction = c.cue.direction;
        if (direction === 'flex') {
          direction = obsIdx.some((k) => a.observations[k].start >= c.end) ? 'pre' : 'post';
        }
        if (direction === 'pre' || direction === 'both') firstPre = { ...firstPre, [kind]: Math.min(firstPre[kind], c.end) };
        if (direction === 'post' || direction === 'both') lastPost = { ...lastPost, [kind]: Math.max(lastPost[kind], c.start) };
      }
      for (const k of obsIdx) {
        const o = a.observations[k];
        if (o.start >= firstPre.negation || o.end <= lastPost.negation) negated[k] = 1;
        if (o.start >= firstPre.uncertainty || o.end <= lastPost.uncertainty) uncertain[k] = 1;
      }
    }
  }
  // Alternatives outside a negation are a differential: "atelectasis or consolidation" states neither.
  for (let k = 0; k < a.observations.length; k++) {
    if (a.observations[k].dropped) continue;
    const p = coordinatedWithPrevious(a, k);
    if (p < 0 || negated[k] || negated[p]) continue;
    const gap = a.tokens.slice(a.observations[p].end, a.observations[k].start);
    if (gap.some((t) => t.word === 'or')) { uncertain[k] = 1; uncertain[p] = 1; }
  }
  return a.observations.map((_, k) => (uncertain[k] ? 'uncertain' : negated[k] ? 'absent' : 'present'));
}
