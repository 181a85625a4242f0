/**
 * Sentence → tokens → spans: the first stage of the free-text extractor (`extract.ts`). Each token gets a role;
 * observation spans (multi-word names, device names, single words: lemma → correction → group), negation and
 * uncertainty cue spans, clause breaks and anatomy spans (`anatomy-spans.ts`) are marked, longest match first, and
 * an observation adjective that only modifies another observation is dropped.
 */
import { OBSERVATIONS, type Landmark, type Observation } from '../../vocabulary.ts';
import { correctLemma, obsGroup, lemmatiseWord } from './observations.ts';
import { markAnatomy } from './anatomy-spans.ts';
import {
  OBSERVATION_PHRASES, OBSERVATION_SYNONYMS, DEVICE_NOUNS, DEVICE_PREFIXES, DEVICE_OBSERVATIONS, TAIL_FINDINGS,
  WEAK_HEADS, MODIFIERS, COPULAS, ADVERBS, CLAUSE_BREAKS, CUE_PHRASES, QUALIFIED_DEVICE_NOUNS, NON_DEVICE_LINE_WORDS,
  FINDING_ADJECTIVES, DETERMINERS, type Cue,
} from './lexicon.ts';

export interface Token { word: string; start: number; end: number }

export type Role = 'word' | 'punct' | 'break' | 'cue' | 'anat' | 'obs' | 'mod';

export interface AnatomySpan { start: number; end: number; tokens: string[]; landmark: Landmark }
export interface ObservationSpan {
  start: number; end: number; lemma: string; observation: Observation; adjectival: boolean; device: boolean;
  dropped: boolean;
  /**
   * A change word that only says something of an anatomy: in predicate position ("contours are unchanged") or the
   * noun "increase". Kept only when it is attached to an anatomy.
   */
  predicate: boolean;
  /** For a kept finding adjective ("calcified" in "calcified granuloma"): the index of the noun it modifies, else -1. */
  modifies: number;
}
export interface CueSpan { start: number; end: number; cue: Cue }

// Ordinals ("6th rib") are one token; so are words joined by hyphens, apostrophes or slashes, which `tokenize` then
// splits at the slashes of slashed compounds ("atelectasis/scarring").
const TOKEN_RE = /\d+(?:st|nd|rd|th)(?![a-z])|\d+(?:\.\d+)?|[a-z][a-z0-9]*(?:['’/-][a-z0-9]+)*|[^\sa-z0-9]/g;
/** Slashed words that are one word, not a compound of two findings. */
const SLASHED_WORDS = new Set(['and/or', 's/p', 'r/o', 'w/o', 'w/']);
const PUNCT_BREAKS = new Set([';', ':', '(', ')', '[', ']', '?', '!', '.', '"']);
const MAX_PHRASE = 7;

function tokenize(sentence: string): Token[] {
  // "air space" is one modifier ("air space opacity"); the same-length rewrite keeps offsets into the sentence.
  // "vs." is a word, not a sentence end.
  const lower = sentence.toLowerCase().replace(/\bair space\b/g, 'airspace ').replace(/\bvs\./g, 'vs ');
  const out: Token[] = [];
  for (const m of lower.matchAll(TOKEN_RE)) {
    let start = m.index ?? 0;
    const word = m[0].replace(/’/g, "'");
    const parts = word.split('/');
    if (parts.length === 1 || SLASHED_WORDS.has(word) || parts.some((p) => p.length < 3)) {
      out.push({ word, start, end: start + word.length });
      continue;
    }
    // "atelectasis/scarring": two words and a "/" coordinator between them.
    parts.forEach((part, k) => {
      if (k > 0) { out.push({ word: '/', start, end: start + 1 }); start++; }
      out.push({ word: part, start, end: start + part.length });
      start += part.length;
    });
  }
  return out;
}

const BREAK_PHRASES: ReadonlySet<string> = new Set(CLAUSE_BREAKS);
const ADJECTIVE_WORDS = new Set(['normal', 'clear', 'sharp', 'intact', 'unremarkable', 'stable', 'free', 'low',
  'borderline', 'wide', 'tortuous', 'degenerative', 'sharply', 'top-normal', 'large', 'high', 'mass-like', 'masslike']);
const ADJECTIVE_RE = /(ed|al|ar|ive|ic|ous|ent|ant|ile)$/;
const KEPT_OBSERVATIONS: ReadonlySet<string> = new Set(OBSERVATIONS.slice(0, OBSERVATIONS.length - 2));

/**
 * Change and degree words that RadGraph annotates as an observation located at the anatomy they are said of
 * ("the mediastinal contours are unchanged", "heart size is increased"); before a noun they only modify it.
 */
const PREDICATE_MODIFIERS = new Set(['unchanged', 'increased', 'decreased', 'improved', 'worsened', 'similar', 'new',
  'changed']);

/** After a copula (and adverbs), at the end of the clause or before "in size", "compared", "since", "from". */
function isPredicatePosition(tokens: Token[], roles: Role[], i: number): boolean {
  let b = i - 1;
  // Back over adverbs and earlier predicate observations ("is normal and unchanged").
  while (b >= 0 && !COPULAS.has(tokens[b].word) && (ADVERBS.has(tokens[b].word) || roles[b] === 'obs'
    || tokens[b].word === 'and' || tokens[b].word === ',' || tokens[b].word === 'but')) b--;
  if (b < 0 || !COPULAS.has(tokens[b].word)) return false;
  const next = tokens[i + 1]?.word;
  return next === undefined || roles[i + 1] === 'break' || next === ',' || next === 'in' || next === 'compared'
    || next === 'since' || next === 'from' || next === 'and' || next === 'but';
}

/** Degree words that name a finding when said of a size: "the heart is large", "increased lung volumes". */
const SIZE_WORDS = new Set(['large', 'increased', 'high', 'enlarged']);

/** The finding a size word names for an anatomy: an enlarged heart, hyperinflated lungs; undefined otherwise. */
function sizeFinding(anatomy: AnatomySpan | undefined): string | undefined {
  if (!anatomy) return undefined;
  const words = new Set(anatomy.tokens);
  if (words.has('heart') || words.has('cardiac')) return 'enlarge';
  if ((words.has('volume') || words.has('volumes')) && (words.has('lung') || words.has('lungs'))) return 'hyperinflate';
  return undefined;
}

/** The anatomy a word at i is said of: the one right after it (a noun phrase), or the subject of its copula. */
function sizedAnatomy(tokens: Token[], roles: Role[], anatomies: AnatomySpan[], i: number): AnatomySpan | undefined {
  const after = anatomies.find((a) => a.start === i + 1);
  if (after) return after;
  if (!isPredicatePosition(tokens, roles, i)) return undefined;
  let b = i - 1;
  while (b >= 0 && !COPULAS.has(tokens[b].word)) b--;
  for (b--; b >= 0 && (roles[b] === 'anat' || DETERMINERS.has(tokens[b].word)); b--) {
    const span = anatomies.find((a) => a.start <= b && b < a.end);
    if (span) return span;
  }
  return undefined;
}

/** Devices that a number of leads qualifies ("dual lead pacemaker"). */
const PACEMAKER_WORDS = new Set(['pacemaker', 'pacer', 'aicd', 'icd', 'defibrillator']);

/** Words after which "stable" is said of a device's position, not of a finding ("leads in stable position"). */
const POSITION_WORDS = new Set(['position', 'positioning', 'location', 'alignment', 'placement', 'configuration']);

/** Inflections whose lemma is an observation name but whose meaning is not ("leading to"). */
const NOT_OBSERVATIONS = new Set(['leading', 'lowered', 'expanding', 'clearing', 'pressures', 'processing']);

function isMentionable(lemma: string): boolean {
  return KEPT_OBSERVATIONS.has(lemma) || TAIL_FINDINGS.has(lemma) || lemma === 'change';
}

/** Longest phrase of `dictionary` starting at token i (among tokens whose role is still `word`). */
export function longestPhrase<T>(tokens: Token[], roles: Role[], i: number, dictionary: ReadonlyMap<string, T> | ReadonlySet<string>):
  { length: number; value: T | true } | undefined {
  let phrase = '';
  let best: { length: number; value: T | true } | undefined;
  for (let k = 0; k < MAX_PHRASE && i + k < tokens.length; k++) {
    if (roles[i + k] !== 'word') break;
    phrase = k === 0 ? tokens[i].word : `${phrase} ${tokens[i + k].word}`;
    if ('get' in dictionary) {
      const v = dictionary.get(phrase);
      if (v !== undefined) best = { length: k + 1, value: v };
    } else if (dictionary.has(phrase)) {
      best = { length: k + 1, value: true };
    }
  }
  return best;
}

export interface SentenceAnalysis {
  tokens: Token[];
  roles: Role[];
  anatomies: AnatomySpan[];
  observations: ObservationSpan[];
  cues: CueSpan[];
  /** Per token: the anatomy span index or -1. */
  anatomyAt: Int32Array;
  /** Per token: the observation span index or -1. */
  observationAt: Int32Array;
}

export function analyseSentence(sentence: string): SentenceAnalysis {
  const tokens = tokenize(sentence);
  const n = tokens.length;
  const roles: Role[] = tokens.map((t) => (/^[a-z0-9]/.test(t.word) ? 'word' : PUNCT_BREAKS.has(t.word) ? 'break' : 'punct'));
  const observations: ObservationSpan[] = [];
  const anatomies: AnatomySpan[] = [];
  const cues: CueSpan[] = [];

  const addObservation = (start: number, end: number, lemma: string, deviceName = false, predicate = false): void => {
    const corrected = correctLemma(lemma);
    const device = deviceName || DEVICE_OBSERVATIONS.has(corrected);
    const surface = tokens[end - 1].word;
    const adjectival = ADJECTIVE_WORDS.has(surface) || (ADJECTIVE_RE.test(surface) && end - start === 1);
    observations.push({ start, end, lemma: corrected, observation: obsGroup(corrected), adjectival, device, dropped: false,
      predicate, modifies: -1 });
    for (let k = start; k < end; k++) roles[k] = 'obs';
  };

  // 1a. Multi-word observations, clause breaks and cues, longest match first at each position.
  for (let i = 0; i < n; i++) {
    if (roles[i] !== 'word') continue;
    const obs = longestPhrase(tokens, roles, i, OBSERVATION_PHRASES);
    const cue = longestPhrase(tokens, roles, i, CUE_PHRASES);
    const brk = longestPhrase(tokens, roles, i, BREAK_PHRASES);
    const lengths = [obs?.length ?? 0, cue?.length ?? 0, brk?.length ?? 0];
    const best = Math.max(...lengths);
    if (best === 0) continue;
    if (obs && obs.length === best) {
      addObservation(i, i + best, obs.value as string);
    } else if (brk && brk.length === best) {
      for (let k = i; k < i + best; k++) roles[k] = 'break';
    } else if (cue) {
      cues.push({ start: i, end: i + best, cue: cue.value as Cue });
      for (let k = i; k < i + best; k++) roles[k] = 'cue';
    }
    i += best - 1;
  }

  // 1b. Device names: a device noun with the words of its name before it ("nasogastric tube", "chest tube").
  for (let i = 0; i < n; i++) {
    if (roles[i] !== 'word') continue;
    const previous = i > 0 ? tokens[i - 1].word : '';
    const qualifiers = QUALIFIED_DEVICE_NOUNS.get(tokens[i].word);
    if (qualifiers ? !qualifiers.has(previous) : !DEVICE_NOUNS.has(tokens[i].word)) continue;
    // "a thin pleural line", "septal lines": a line on the image; "dual lead pacemaker": a kind of pacemaker.
    if (/^lines?$/.test(tokens[i].word) && NON_DEVICE_LINE_WORDS.has(previous)) { roles[i] = 'mod'; continue; }
    if (/^leads?$/.test(tokens[i].word) && PACEMAKER_WORDS.has(tokens[i + 1]?.word ?? '')) { roles[i] = 'mod'; continue; }
    // A name that is also a prefix ("Swan-Ganz catheter", "Dobhoff tube") is part of the noun that follows it.
    if (DEVICE_PREFIXES.has(tokens[i].word) && DEVICE_NOUNS.has(tokens[i + 1]?.word ?? '')) continue;
    let start = i;
    while (start > 0 && roles[start - 1] === 'word' && DEVICE_PREFIXES.has(tokens[start - 1].word)) start--;
    const w = tokens[i].word;
    addObservation(start, i + 1, OBSERVATION_SYNONYMS[w] ?? lemmatiseWord(w), true);
  }

  // 1c. Anatomy phrases.
  markAnatomy(tokens, roles, anatomies);

  // 1d. Single-word observations; modifiers are marked so that they are never read as observations.
  for (let i = 0; i < n; i++) {
    if (roles[i] !== 'word') continue;
    const w = tokens[i].word;
    const sized = SIZE_WORDS.has(w) ? sizeFinding(sizedAnatomy(tokens, roles, anatomies, i)) : undefined;
    if (sized) { addObservation(i, i + 1, sized); continue; }
    // "in stable position"; "cardiomegaly, stable.": said of a device's position or of the finding before.
    const next = tokens[i + 1]?.word ?? '';
    const closing = i + 1 >= n || roles[i + 1] === 'break';
    const changeWord = w === 'stable' || PREDICATE_MODIFIERS.has(w);
    if ((w === 'stable' && POSITION_WORDS.has(next)) || (changeWord && tokens[i - 1]?.word === ',' && closing)) {
      roles[i] = 'mod';
      continue;
    }
    // "unchanged appearance of the chest" says what "stable appearance" says.
    if (PREDICATE_MODIFIERS.has(w) && (next === 'appearance' || isPredicatePosition(tokens, roles, i))) {
      addObservation(i, i + 1, lemmatiseWord(w), false, true);
      continue;
    }
    if (MODIFIERS.has(w)) { roles[i] = 'mod'; continue; }
    if (NOT_OBSERVATIONS.has(w) || QUALIFIED_DEVICE_NOUNS.has(w)) continue;
    const lemma = correctLemma(OBSERVATION_SYNONYMS[w] ?? lemmatiseWord(w));
    // "increase in the right effusion" says the effusion grew; "increase in heart size" is an enlarged heart.
    if (isMentionable(lemma)) addObservation(i, i + 1, lemma, false, w === 'increase' || w === 'increases');
  }
  observations.sort((a, b) => a.start - b.start);

  const observationAt = new Int32Array(n).fill(-1);
  observations.forEach((o, k) => { for (let t = o.start; t < o.end; t++) observationAt[t] = k; });
  const anatomyAt = new Int32Array(n).fill(-1);
  anatomies.forEach((a, k) => { for (let t = a.start; t < a.end; t++) anatomyAt[t] = k; });

  // "clear of X" / "free of X": the lungs are clear, and X is absent.
  for (let k = 0; k < observations.length; k++) {
    const o = observations[k];
    if ((o.lemma === 'clear' || o.lemma === 'free') && o.end < n && tokens[o.end].word === 'of' && roles[o.end] === 'word') {
      roles[o.end] = 'cue';
      cues.push({ start: o.end, end: o.end + 1, cue: { kind: 'negation', direction: 'pre' } });
    }
  }
  cues.sort((a, b) => a.start - b.start);

  dropModifyingObservations(tokens, roles, observations, anatomyAt, observationAt);
  return { tokens, roles, anatomies, observations, cues, anatomyAt, observationAt };
}

/**
 * An adjectival observation followed, through modifiers and anatomy words only, by a nominal observation only
 * modifies it ("consolidative opacity", "stable left pleural effusion") and is dropped, unless the noun is a weak
 * head such as "changes" ("degenerative changes"), which is dropped instead. A finding adjective ("calcified") is
 * kept and marked as modifying the noun; other adjectives before it modify the same noun ("stable calcified
 * granuloma"). "Changes of emphysema": the weak head before "of" and a named finding is dropped.
 */
function dropModifyingObservations(tokens: Token[], roles: Role[], observations: ObservationSpan[],
  anatomyAt: Int32Array, observationAt: Int32Array): void {
  for (let k = 0; k < observations.length - 1; k++) {
    const o = observations[k];
    if (o.device || o.dropped) continue;
    if (WEAK_HEADS.has(tokens[o.end - 1].word)) {
      let t = o.end;
      if (tokens[t]?.word !== 'of') continue;
      for (t++; t < tokens.length && (roles[t] === 'mod' || DETERMINERS.has(tokens[t].word)); t++);
      const named = observationAt[t] >= 0 ? observations[observationAt[t]] : undefined;
      if (named && named.observation !== 'excluded_obs') o.dropped = true;
      continue;
    }
    if (!o.adjectival) continue;
    // "borderline enlarged": a degree of the adjective that follows.
    const following = observations[k + 1];
    if (o.lemma === 'borderline' && following.start === o.end && following.adjectival) { o.dropped = true; continue; }
    // The noun: through modifiers, anatomy words and further adjectives ("calcified atherosclerotic plaque").
    let t = o.end;
    let j = k + 1;
    for (;;) {
      while (t < tokens.length && (roles[t] === 'mod' || anatomyAt[t] >= 0)) t++;
      const between = observations[j];
      if (between && between.start === t && between.adjectival && !between.device) {
        t = between.end;
        j++;
      } else break;
    }
    const next = observations[j];
    // "stable calcified right hilar lymph node": a change word before another adjective modifies the phrase.
    if (o.lemma === 'stable' && j > k + 1) { o.dropped = true; continue; }
    if (!next || next.start !== t || next.adjectival) continue;
    if (WEAK_HEADS.has(tokens[next.end - 1].word) || next.lemma === 'change') next.dropped = true;
    else if (FINDING_ADJECTIVES.has(tokens[o.end - 1].word)) o.modifies = j;
    else o.dropped = true;
  }
}
