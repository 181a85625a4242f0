/**
 * Anatomy attachment: the landmark(s) each observation of a sentence is located at. Inside a clause, in order:
 *  a. the anatomy right before the observation ("left pleural effusion"); for a device, first the one its name or
 *     tip is reached at ("catheter tip in the SVC");
 *  b. the anatomy after an adjective ("enlarged cardiac silhouette");
 *  c. an anatomy reached through a preposition ("opacity in the right lower lobe"), not a direction ("shift to
 *     the left");
 *  d. coordinated observations share a pre-modifier forward ("no pleural effusion or pneumothorax") unless the
 *     second has its own modifiers ("vascular congestion and small effusions"), and a prepositional anatomy or the
 *     noun after an adjective backward ("tortuous and calcified aorta"); an appositive that restates a finding
 *     shares its pre-modifier ("retrocardiac opacity, likely atelectasis") but not an anatomy reached through a
 *     preposition ("opacity in the left midlung, likely atelectasis": atelectasis stays unspecified), as
 *     RadGraph's located_at relation belongs to the first finding only;
 *  e. a kept finding adjective is located with its noun ("calcified granuloma in the right upper lobe"), and the
 *     first noun of a compound with the second ("fracture deformity of the right clavicle");
 *  f. the subject of a copula ("the lungs are clear"), also across "but" ("hyperlucent but clear"); a predicate
 *     said of an observation rather than of an anatomy ("the opacity in the left lower lobe is unchanged") only
 *     modifies that observation and is dropped;
 *  g. a label that opens the sentence ("Lungs: clear.") or an anatomy that closes the clause after the
 *     observation ("Atelectasis, left lung base.", "Calcified granuloma right upper lobe.");
 *  h. a device and its tip are in the same place ("NG tube tip is in the stomach").
 */
import {
  ADVERBS, COORDINATORS, COPULAS, DETERMINERS, FINDING_ADJECTIVES, PREPOSITIONS, STANDALONE_SIDES,
} from './lexicon.ts';
import { clauses, coordinatedWithPrevious } from './clauses.ts';
import type { ObservationSpan, SentenceAnalysis } from './spans.ts';

export type AttachmentRule = 'pre-modifier' | 'following noun' | 'preposition' | 'coordination' | 'modified noun'
  | 'compound noun' | 'copula subject' | 'sentence label' | 'trailing anatomy' | 'device tip' | 'none';

export interface Attachment {
  /** Indices into the sentence's anatomy spans; empty for `unspecified`. */
  anatomies: number[];
  rule: AttachmentRule;
  /** A predicate that only modifies another observation: no entity. */
  dropped: boolean;
}

/** How many tokens the rules look across for a preposition's anatomy or a copula's predicate. */
const WINDOW = 14;
const PREDICATE_CUE_WORDS = new Set(['not', 'no', 'longer', 'possibly', 'probably', 'likely', 'may', 'might', 'could',
  'be', 'questionably', 'perhaps', 'potentially', 'most', 'is']);
const SUBJECT_PREPOSITIONS = new Set(['in', 'at', 'of', 'within', 'involving', 'along', 'on']);
const JOINING_WORDS = new Set(['and', 'or', 'nor', 'and/or', 'versus', 'vs', 'with']);

/** Whether observation k is out of the attachment stage: dropped, or a finding adjective located with its noun. */
const passive = (o: ObservationSpan): boolean => o.dropped || o.modifies >= 0;

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
  while (t >= lo && (a.roles[t] === 'mod' || (a.observationAt[t] >= 0 && passive(a.observations[a.observationAt[t]]))
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
  let preposition = '';
  for (let t = o.end; t < hi && t < o.end + WINDOW; t++) {
    const w = a.tokens[t].word;
    if (a.anatomyAt[t] >= 0) {
      const k = a.anatomyAt[t];
      if (preposition === '' || ownedBy(a, k, hi) >= 0) return [];
      // "shift to the left", "deviated to the right": a direction, not a place.
      const span = a.anatomies[k];
      if (preposition === 'to' && span.tokens.length === 1 && STANDALONE_SIDES.has(span.tokens[0])) return [];
      return coordinatedAnatomies(a, k, 1, t, hi);
    }
    if (a.observationAt[t] >= 0) {
      const k = a.observationAt[t];
      const other = a.observations[k];
      if (other.dropped || coordinatedWithPrevious(a, k) >= 0) { t = other.end - 1; continue; }
      return [];
    }
    if (w === 'with' || w === 'without' || (w === 'and' && preposition !== '')) return [];
    // "opacities, worse on the right": a comment after the comma, unless a preposition follows it directly.
    if (w === ',' && !PREPOSITIONS.has(a.tokens[t + 1]?.word ?? '')) return [];
    if (PREPOSITIONS.has(w)) preposition = w;
  }
  return [];
}

/**
 * Rule d, forward: whether observation k, joined to p by a word ("and", "or", "with", ...), has modifiers or a
 * determiner of its own ("vascular congestion and small effusions"): then it is a noun phrase of its own. An
 * appositive after a comma ("bibasilar opacities, probably subsegmental atelectasis") restates p and shares its
 * anatomy.
 */
function ownNounPhrase(a: SentenceAnalysis, p: number, k: number): boolean {
  const gap = a.tokens.slice(a.observations[p].end, a.observations[k].start);
  if (!gap.some((t) => JOINING_WORDS.has(t.word))) return false;
  for (let t = a.observations[k].start - 1; t >= a.observations[p].end; t--) {
    const w = a.tokens[t].word;
    if (JOINING_WORDS.has(w) || COORDINATORS.has(w)) return false;
    if (a.roles[t] === 'mod' || DETERMINERS.has(w)) return true;
  }
  return false;
}

interface Subject { anatomies: number[]; ofObservation: boolean }

/**
 * Rule f: the subject anatomy of a copula whose predicate is the observation ("the lungs are clear"), and whether
 * that anatomy only completes an observation ("the opacity in the left lower lobe is unchanged").
 */
function copularSubject(a: SentenceAnalysis, k: number, lo: number): Subject {
  const none: Subject = { anatomies: [], ofObservation: false };
  const o = a.observations[k];
  let t = o.start - 1;
  // Back over the predicate: adverbs, cues, modifiers, coordinated predicate observations, "but".
  for (; t >= lo && t > o.start - WINDOW; t--) {
    const w = a.tokens[t].word;
    if (COPULAS.has(w) && a.roles[t] === 'word') break;
    if (a.observationAt[t] >= 0 || a.roles[t] === 'mod' || ADVERBS.has(w) || COORDINATORS.has(w)) continue;
    if (a.roles[t] === 'break' && w === 'but') continue;
    // Adverbial cues ("not", "possibly") stay in the predicate; prepositional ones ("without") leave it.
    if (a.roles[t] === 'cue' && PREDICATE_CUE_WORDS.has(w)) continue;
    return none;
  }
  if (t < lo || !COPULAS.has(a.tokens[t].word)) return none;
  // "Cardiomegaly is stable": the subject is an observation.
  let head = t - 1;
  const auxiliary = (x: number): boolean => COPULAS.has(a.tokens[x].word) || (ADVERBS.has(a.tokens[x].word) && a.roles[x] !== 'obs');
  while (head >= lo && auxiliary(head)) head--;
  if (head >= lo && a.observationAt[head] >= 0) return { anatomies: [], ofObservation: true };
  // Back over the subject: anatomy phrases, determiners, coordinators, auxiliaries, "of".
  const found: number[] = [];
  let sawPreposition = false;
  for (t--; t >= lo && t > o.start - 3 * WINDOW; t--) {
    const w = a.tokens[t].word;
    if (a.anatomyAt[t] >= 0) {
      const s = a.anatomyAt[t];
      if (!found.includes(s)) found.push(s);
      continue;
    }
    if (SUBJECT_PREPOSITIONS.has(w)) sawPreposition = true;
    if (DETERMINERS.has(w) || COORDINATORS.has(w) || COPULAS.has(w) || ADVERBS.has(w) || a.roles[t] === 'mod'
      || w === 'of' || w === 'again') continue;
    break;
  }
  // "Airspace opacity in the right upper lobe is new", "elevation of the left hemidiaphragm is unchanged": the
  // subject is the observation, the anatomy only completes it.
  for (; t >= lo && SUBJECT_PREPOSITIONS.has(a.tokens[t].word); t--) sawPreposition = true;
  const ofObservation = found.length > 0 && sawPreposition && t >= lo && a.observationAt[t] >= 0;
  return { anatomies: found.reverse(), ofObservation };
}

/** Rule g: the anatomy of a sentence that opens with "<anatomy>:" ("Lungs: clear."), or -1. */
function sentenceLabel(a: SentenceAnalysis): number {
  let t = 0;
  while (t < a.tokens.length && (DETERMINERS.has(a.tokens[t].word) || a.roles[t] === 'mod')) t++;
  const k = a.anatomyAt[t] ?? -1;
  if (k < 0) return -1;
  const after = a.anatomies[k].end;
  return a.tokens[after]?.word === ':' ? k : -1;
}

/**
 * Rule g: an anatomy closing the clause right after the observation, or after a comma ("Atelectasis, left lung
 * base.", "Calcified granuloma right upper lobe.").
 */
function trailingAnatomy(a: SentenceAnalysis, o: ObservationSpan, hi: number): number[] {
  let t = o.end;
  if (a.tokens[t]?.word === ',') t++;
  for (; t < hi && (DETERMINERS.has(a.tokens[t].word) || a.roles[t] === 'mod'); t++);
  if (t >= hi || a.anatomyAt[t] < 0) return [];
  const found = coordinatedAnatomies(a, a.anatomyAt[t], 1, t, hi);
  const last = a.anatomies[found[found.length - 1]];
  return last.end === hi ? found : [];
}

export function attach(a: SentenceAnalysis): Attachment[] {
  const result: Attachment[] = a.observations.map(() => ({ anatomies: [], rule: 'none', dropped: false }));
  const set = (k: number, anatomies: number[], rule: AttachmentRule): void => {
    if (anatomies.length > 0) result[k] = { anatomies, rule, dropped: false };
  };
  const empty = (k: number): boolean => result[k].anatomies.length === 0;
  const label = sentenceLabel(a);
  const clauseList = clauses(a.roles);
  let nextObs = 0;
  clauseList.forEach(([cs, ce], clauseIndex) => {
    const inClause: number[] = [];
    while (nextObs < a.observations.length && a.observations[nextObs].start < cs) nextObs++;
    for (; nextObs < a.observations.length && a.observations[nextObs].start < ce; nextObs++) {
      const o = a.observations[nextObs];
      if (o.end <= ce && !o.dropped) inClause.push(nextObs);
    }
    // Rules a–c; "shared" is what a coordinated observation may take over (rule d).
    const shared: number[][] = [];
    for (const k of inClause) {
      const o = a.observations[k];
      const pre = preModifier(a, o, cs);
      const post = prepositional(a, o, ce);
      shared[k] = pre;
      if (o.device && post.length) set(k, post, 'preposition');
      else if (pre.length) set(k, pre, 'pre-modifier');
      else if (!o.device) set(k, followingNoun(a, o, ce), 'following noun');
      if (empty(k)) set(k, post, 'preposition');
    }
    // Rule d.
    for (const k of inClause) {
      const p = coordinatedWithPrevious(a, k);
      if (!empty(k) || p < 0 || !shared[p]?.length || ownNounPhrase(a, p, k)) continue;
      set(k, shared[p], 'coordination');
      shared[k] = shared[p];
    }
    for (let idx = inClause.length - 1; idx >= 0; idx--) {
      const k = inClause[idx];
      const nextIdx = inClause[idx + 1];
      if (empty(k) && nextIdx !== undefined && coordinatedWithPrevious(a, nextIdx) === k
        && (result[nextIdx].rule === 'preposition' || result[nextIdx].rule === 'following noun')) {
        set(k, result[nextIdx].anatomies, 'coordination');
      }
    }
    // Rule e (a finding adjective again after rule g, which may place its noun).
    const locateWithNoun = (k: number): void => {
      const head = a.observations[k].modifies;
      if (head >= 0 && !empty(head)) set(k, result[head].anatomies, 'modified noun');
    };
    for (const k of inClause) {
      const o = a.observations[k];
      locateWithNoun(k);
      // A compound of two nouns ("fracture deformity"): the one without an anatomy takes the other's.
      const next = o.end < a.tokens.length ? a.observationAt[o.end] : -1;
      if (next < 0 || o.device) continue;
      if (empty(k) && !empty(next) && !a.observations[next].device) set(k, result[next].anatomies, 'compound noun');
      else if (empty(next) && !empty(k)) set(next, result[k].anatomies, 'compound noun');
    }
    // Rule f; across "but" the subject is in the clause before.
    const subjectFrom = a.tokens[cs - 1]?.word === 'but' && clauseIndex > 0 ? clauseList[clauseIndex - 1][0] : cs;
    for (const k of inClause) {
      if (!empty(k)) continue;
      const subject = copularSubject(a, k, subjectFrom);
      const o = a.observations[k];
      // A predicate of an observation only modifies it ("cardiomegaly is stable", "the opacity is less prominent"),
      // unless it states a finding of its own ("the nodule in the right upper lobe is calcified").
      const modifiesSubject = (o.adjectival || o.predicate) && !FINDING_ADJECTIVES.has(a.tokens[o.end - 1].word);
      if (subject.ofObservation && modifiesSubject) result[k].dropped = true;
      else set(k, subject.anatomies, 'copula subject');
    }
    // Rule g.
    for (const k of inClause) {
      if (!empty(k)) continue;
      set(k, trailingAnatomy(a, a.observations[k], ce), 'trailing anatomy');
      if (empty(k) && label >= 0 && cs > a.anatomies[label].end) set(k, [label], 'sentence label');
    }
    for (const k of inClause) locateWithNoun(k);
    // Rule h: "NG tube tip is in the stomach", "tip of the right IJ line projects over the SVC".
    for (let idx = 0; idx + 1 < inClause.length; idx++) {
      const k = inClause[idx], next = inClause[idx + 1];
      const first = a.observations[k], second = a.observations[next];
      const gap = a.tokens.slice(first.end, second.start).map((t) => t.word);
      const tipOfDevice = first.device && second.lemma === 'tip';
      // "catheter with tip in the right atrium": a device placed nowhere else is where its tip is.
      if (tipOfDevice && gap.join(' ') === 'with' && empty(k)) set(k, result[next].anatomies, 'device tip');
      const close = gap.length <= 5 && gap.every((w, g) => w === 'of' || w === 'the' || a.anatomyAt[first.end + g] >= 0
        || a.roles[first.end + g] === 'mod');
      if (!close) continue;
      if (tipOfDevice && gap.length === 0) set(k, result[next].anatomies, 'device tip');
      if (first.lemma === 'tip' && second.device && gap[0] === 'of' && empty(k)) set(k, result[next].anatomies, 'device tip');
    }
  });
  return result;
}
