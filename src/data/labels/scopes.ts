/**
 * Negation and uncertainty scopes: which cues of a sentence reach which observations. A cue reaches the
 * observations of its scope group (a clause, cut further at a comma or "and" that starts a new statement), forward
 * or backward as its direction says; alternatives joined by "or" outside a negation are uncertain.
 */
import { VERBS, DETERMINERS } from './lexicon.ts';
import { clauses, coordinatedWithPrevious, cueAt, ALTERNATIVES } from './clauses.ts';
import type { SentenceAnalysis } from './spans.ts';

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
  // A cue starts a new statement, unless it reaches back ("effusions, if present, are small").
  if (roles[k] === 'cue') return cueAt(a, k)?.direction !== 'post';
  // A verb, or a cue that reaches back ("tip not visualized"), makes the segment a statement of its own.
  for (let t = k; t < end; t++) {
    const w = tokens[t].word;
    if (roles[t] === 'word' && (w === ',' || w === 'and' || w === 'or')) break;
    if (roles[t] === 'punct' && w === ',') break;
    if (roles[t] === 'word' && VERBS.has(w)) return true;
    if (roles[t] === 'cue' && cueAt(a, t)?.direction === 'post') return true;
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

export interface Scopes {
  status: EntityStatus[];
  /** Per observation: the indices of the cues (`SentenceAnalysis.cues`) whose scope holds it, pseudo cues included. */
  cues: number[][];
  /** Per observation: whether it is one of two alternatives ("atelectasis or pneumonia"). */
  alternative: boolean[];
}

/**
 * The status of every observation of a sentence. A cue reaches the observations of its scope group that lie in its
 * direction (`flex`: forward when an observation follows it in the group, else backward); pseudo cues reach them
 * too but change nothing. Uncertainty wins over negation. Alternatives ("or", "versus", "and/or") outside a
 * negation are uncertain; a slash ("atelectasis/scarring") is one compound description and keeps the status.
 */
export function statuses(a: SentenceAnalysis): Scopes {
  const n = a.observations.length;
  const negated = new Uint8Array(n);
  const uncertain = new Uint8Array(n);
  const reached: number[][] = a.observations.map(() => []);
  const alternative = new Array<boolean>(n).fill(false);
  // Observations and cues are sorted by position and groups come in order: one pointer each keeps this linear.
  let nextObs = 0, nextCue = 0;
  for (const [cs, ce] of clauses(a.roles)) {
    for (const [gs, ge] of scopeGroups(a, cs, ce)) {
      const obsIdx: number[] = [];
      const groupCues: number[] = [];
      while (nextObs < n && a.observations[nextObs].start < gs) nextObs++;
      for (; nextObs < n && a.observations[nextObs].start < ge; nextObs++) {
        const o = a.observations[nextObs];
        if (o.end <= ge && !o.dropped) obsIdx.push(nextObs);
      }
      while (nextCue < a.cues.length && a.cues[nextCue].start < gs) nextCue++;
      for (; nextCue < a.cues.length && a.cues[nextCue].start < ge; nextCue++) {
        if (a.cues[nextCue].end <= ge) groupCues.push(nextCue);
      }
      for (const c of groupCues) {
        const { start, end, cue } = a.cues[c];
        let direction = cue.direction;
        if (direction === 'flex') direction = obsIdx.some((k) => a.observations[k].start >= end) ? 'pre' : 'post';
        for (const k of obsIdx) {
          const o = a.observations[k];
          const forward = (direction === 'pre' || direction === 'both') && o.start >= end;
          const backward = (direction === 'post' || direction === 'both') && o.end <= start;
          if (!forward && !backward) continue;
          reached[k].push(c);
          if (cue.kind === 'negation') negated[k] = 1;
          if (cue.kind === 'uncertainty') uncertain[k] = 1;
        }
      }
    }
  }
  for (let k = 0; k < n; k++) {
    if (a.observations[k].dropped) continue;
    const p = coordinatedWithPrevious(a, k);
    if (p < 0 || negated[k] || negated[p]) continue;
    const gap = a.tokens.slice(a.observations[p].end, a.observations[k].start);
    if (gap.some((t) => ALTERNATIVES.has(t.word))) {
      uncertain[k] = 1; uncertain[p] = 1;
      alternative[k] = true; alternative[p] = true;
    }
  }
  const status = a.observations.map((_, k): EntityStatus => (uncertain[k] ? 'uncertain' : negated[k] ? 'absent' : 'present'));
  return { status, cues: reached, alternative };
}
