/**
 * Free-text report → anatomy × observation mentions → label matrix, without RadGraph.
 *
 * The reference builds its labels from RadGraph annotations (REFERENCE.md §1.1–1.3). For reports that have no
 * annotation (user data, the synthetic generator) medslip reads the text with rules that produce what RadGraph
 * would: observations (lemmatised, corrected and grouped as in `observations.ts`), each located at an anatomy phrase
 * mapped with the reference's landmark rules (`landmarks.ts`), or at `unspecified`, and stated as present, absent
 * or uncertain. Per sentence:
 *  1. tokens; then spans, longest match first: multi-word observations, negation/uncertainty cues, device names,
 *     anatomy phrases (root + modifiers, with "right and left lower lobes" and "base of the left lung" resolved),
 *     single-word observations (lemma → correction → group);
 *  2. an observation adjective that only modifies another observation ("consolidative opacity", "stable
 *     cardiomegaly") is dropped, as the reference drops RadGraph observations that only modify another;
 *  3. clauses end at ; : ( ) and at "but", "however", "which", ...; inside a clause, a comma or "and" ends the
 *     scope of a cue when what follows is a new statement (starts with a determiner, a modifier, a cue, or holds a
 *     verb), so "no effusion, pneumothorax, or consolidation" shares the negation and "no pneumothorax, small left
 *     effusion" does not;
 *  4. anatomy of an observation: the anatomy right before it ("left pleural effusion"), the one after an adjective
 *     ("enlarged cardiac silhouette"), one reached through a preposition ("opacity in the right lower lobe"), the
 *     subject of a copula ("the lungs are clear"); coordinated observations share it ("no pleural effusion or
 *     pneumothorax"); otherwise `unspecified`.
 *
 * Where medslip reads more than the reference's RadGraph path would (deliberately, so that user reports get
 * useful labels): coordinated observations share an anatomy (RadGraph often leaves the second one unattached);
 * elided coordinates become separate singular anatomies ("right and left lower lobes" → lower_right_lobe and
 * lower_left_lobe, where one RadGraph anatomy `lobes|right|left|lower` would map to `other`); "pleura" reads as
 * "pleural", "superior vena cava" as "svc", "CP angle" as "costophrenic angle"; a few synonyms and common
 * misspellings map to the observation a reader means (`lexicon.ts`: "hyperexpanded" → hyperinflate, "opacified" →
 * opacity, "emphysematous" → emphysema, ...); alternatives joined by "or" outside a negation ("atelectasis or
 * consolidation") and "no definite X" are uncertain.
 */
import { OBSERVATIONS, type Landmark, type Observation } from '../../vocabulary.ts';
import { landmarkOf } from './landmarks.ts';
import { correctLemma, obsGroup, lemmatiseWord } from './observations.ts';
import { emptyLabelMatrix, applyMention } from './matrix.ts';
import { cleanReportText, splitSections, selectSections, splitSentences, DEFAULT_LABEL_SECTIONS } from './sections.ts';
import {
  ANATOMY_HEADS, ANATOMY_MODIFIERS, STANDALONE_SIDES, SIDE_WORDS, LEVEL_WORDS, ANATOMY_PHRASES, SINGULAR_HEAD,
  OBSERVATION_PHRASES, OBSERVATION_SYNONYMS, DEVICE_NOUNS, DEVICE_PREFIXES, DEVICE_OBSERVATIONS, TAIL_FINDINGS,
  WEAK_HEADS, MODIFIERS, COPULAS, VERBS, PREPOSITIONS, DETERMINERS, ADVERBS, COORDINATORS, CLAUSE_BREAKS, CUE_PHRASES,
  type Cue,
} from './lexicon.ts';

export type EntityStatus = 'present' | 'absent' | 'uncertain';

export interface ReportEntity {
  observation: Observation;
  anatomy: Landmark;
  status: EntityStatus;
  /** The observation as written. */
  text: string;
  /** The anatomy phrase as written (`''` for `unspecified`). */
  anatomyText: string;
  /** Index of the sentence among the labelled sentences. */
  sentence: number;
}

export interface ExtractOptions {
  /** Sections to read (canonical names, see `sections.ts`) or `'all'`; default FINDINGS and IMPRESSION. */
  sections?: readonly string[] | 'all';
}

export interface ExtractedReport {
  entities: ReportEntity[];
  /** 51 × 75 row-major label matrix (landmarks × observations). */
  matrix: Float64Array;
  /** The labelled sentences, in order. */
  sentences: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens and spans
// ---------------------------------------------------------------------------------------------------------------

interface Token { word: string; start: number; end: number }

type Role = 'word' | 'punct' | 'break' | 'cue' | 'anat' | 'obs' | 'mod';

interface AnatomySpan { start: number; end: number; tokens: string[]; landmark: Landmark }
interface ObservationSpan {
  start: number; end: number; lemma: string; observation: Observation; adjectival: boolean; device: boolean;
  dropped: boolean;
  /**
   * A change word that only says something of an anatomy: in predicate position ("contours are unchanged") or the
   * noun "increase". Kept only when it is attached to an anatomy.
   */
  predicate: boolean;
}
interface CueSpan { start: number; end: number; cue: Cue }

const TOKEN_RE = /\d+(?:\.\d+)?|[a-z][a-z0-9]*(?:['’/-][a-z0-9]+)*|[^\sa-z0-9]/g;
const PUNCT_BREAKS = new Set([';', ':', '(', ')', '[', ']', '?', '!', '.', '"']);
const MAX_PHRASE = 7;

function tokenize(sentence: string): Token[] {
  // "air space" is one modifier ("air space opacity"); the same-length rewrite keeps offsets into the sentence.
  const lower = sentence.toLowerCase().replace(/\bair space\b/g, 'airspace ');
  const out: Token[] = [];
  for (const m of lower.matchAll(TOKEN_RE)) {
    const start = m.index ?? 0;
    out.push({ word: m[0].replace(/’/g, "'"), start, end: start + m[0].length });
  }
  return out;
}

const BREAK_PHRASES: ReadonlySet<string> = new Set(CLAUSE_BREAKS);
const ADJECTIVE_WORDS = new Set(['normal', 'clear', 'sharp', 'intact', 'unremarkable', 'stable', 'free', 'low',
  'borderline', 'wide', 'tortuous', 'degenerative', 'sharply', 'top-normal']);
const ADJECTIVE_RE = /(ed|al|ar|ive|ic|ous|ent|ant|ile)$/;
const KEPT_OBSERVATIONS: ReadonlySet<string> = new Set(OBSERVATIONS.slice(0, OBSERVATIONS.length - 2));
/** Modifiers that start a new statement after a comma or "and". */
const STATEMENT_STARTERS = new Set(['small', 'moderate', 'large', 'mild', 'minimal', 'tiny', 'trace', 'severe',
  'new', 'persistent', 'stable', 'increased', 'decreased', 'unchanged', 'improved', 'improving', 'worsening',
  'worsened', 'residual', 'extensive', 'slight', 'subtle', 'marked', 'interval', 'overall', 'otherwise', 'also']);

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
    || tokens[b].word === 'and' || tokens[b].word === ',')) b--;
  if (b < 0 || !COPULAS.has(tokens[b].word)) return false;
  const next = tokens[i + 1]?.word;
  return next === undefined || roles[i + 1] === 'break' || next === ',' || next === 'in' || next === 'compared'
    || next === 'since' || next === 'from' || next === 'and' || next === 'but';
}

/** Inflections whose lemma is an observation name but whose meaning is not ("leading to"). */
const NOT_OBSERVATIONS = new Set(['leading', 'lowered', 'expanding', 'clearing', 'pressures', 'processing']);

function isMentionable(lemma: string): boolean {
  return KEPT_OBSERVATIONS.has(lemma) || TAIL_FINDINGS.has(lemma) || lemma === 'change';
}

/** Longest phrase of `dictionary` starting at token i (among tokens whose role is still `word`). */
function longestPhrase<T>(tokens: Token[], roles: Role[], i: number, dictionary: ReadonlyMap<string, T> | ReadonlySet<string>):
  { length: number; value: T | true } | undefined {
  let phrase = '';
  let best: { length: number; value: T | true } | undefined;
  for (let k = 0; k < MAX_PHRASE && i + k < tokens.length; k++) {
    if (roles[i + k] !== 'word') break;
    phrase = k === 0 ? tokens[i].word : `${phrase} ${tokens[i + k].word}`;
    if (dictionary instanceof Map) {
      const v = dictionary.get(phrase);
      if (v !== undefined) best = { length: k + 1, value: v };
    } else if ((dictionary as ReadonlySet<string>).has(phrase)) {
      best = { length: k + 1, value: true };
    }
  }
  return best;
}

interface SentenceAnalysis {
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

function analyse(sentence: string): SentenceAnalysis {
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
    observations.push({ start, end, lemma: corrected, observation: obsGroup(corrected), adjectival, device, dropped: false, predicate });
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
    if (roles[i] !== 'word' || !DEVICE_NOUNS.has(tokens[i].word)) continue;
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
    if (PREDICATE_MODIFIERS.has(w) && isPredicatePosition(tokens, roles, i)) {
      addObservation(i, i + 1, lemmatiseWord(w), false, true);
      continue;
    }
    if (MODIFIERS.has(w)) { roles[i] = 'mod'; continue; }
    if (NOT_OBSERVATIONS.has(w)) continue;
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

  dropModifyingObservations(tokens, roles, observations, anatomyAt);
  return { tokens, roles, anatomies, observations, cues, anatomyAt, observationAt };
}

/** Marks anatomy phrases: runs of anatomy words, elided coordinates, "base of the left lung". */
function markAnatomy(tokens: Token[], roles: Role[], anatomies: AnatomySpan[]): void {
  const n = tokens.length;
  // Multi-word anatomy names become their canonical token(s).
  const canonical: (string[] | undefined)[] = new Array(n);
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
        // The head is shared by both coordinates, so the second one names a single structure too.
        next.words = next.words.map((w) => (w === root ? SINGULAR_HEAD[root] ?? root : w));
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

/**
 * An adjectival observation followed, through modifiers and anatomy words only, by a nominal observation only
 * modifies it ("consolidative opacity", "stable left pleural effusion") and is dropped, unless the noun is a weak
 * head such as "changes" ("degenerative changes"), which is dropped instead.
 */
function dropModifyingObservations(tokens: Token[], roles: Role[], observations: ObservationSpan[],
  anatomyAt: Int32Array): void {
  for (let k = 0; k < observations.length - 1; k++) {
    const o = observations[k];
    if (!o.adjectival || o.device) continue;
    let t = o.end;
    while (t < tokens.length && (roles[t] === 'mod' || anatomyAt[t] >= 0)) t++;
    const next = observations[k + 1];
    if (next.start !== t) continue;
    // "borderline enlarged": a degree of the adjective that follows.
    if (next.adjectival) { if (o.lemma === 'borderline' && t === o.end) o.dropped = true; continue; }
    if (WEAK_HEADS.has(tokens[next.end - 1].word) || next.lemma === 'change') next.dropped = true;
    else o.dropped = true;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scopes and statuses
// ---------------------------------------------------------------------------------------------------------------

/** Clause ranges [start, end) of a sentence: split at break tokens. */
function clauses(roles: Role[]): [number, number][] {
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

function statuses(a: SentenceAnalysis): EntityStatus[] {
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

// ---------------------------------------------------------------------------------------------------------------
// Anatomy attachment
// ---------------------------------------------------------------------------------------------------------------

const WINDOW = 14;
const APPOSITIVE_LINKS = new Set(['consistent', 'compatible', 'with', 'in', 'keeping', 'representing', 'reflecting',
  'due', 'to', 'from']);
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

/** Whether the observation at index k follows a coordinator after the previous observation. */
function coordinatedWithPrevious(a: SentenceAnalysis, k: number): number {
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

function attach(a: SentenceAnalysis): number[][] {
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

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

/** Entities of one sentence (no section handling). */
export function extractSentence(sentence: string, sentenceIndex = 0): ReportEntity[] {
  const a = analyse(sentence);
  if (a.observations.length === 0) return [];
  const status = statuses(a);
  const anatomy = attach(a);
  const entities: ReportEntity[] = [];
  const textOf = (s: number, e: number): string => sentence.slice(a.tokens[s].start, a.tokens[e - 1].end);
  a.observations.forEach((o, k) => {
    if (o.dropped) return;
    const text = textOf(o.start, o.end);
    if (o.predicate && anatomy[k].length === 0) return; // "the effusion is unchanged": only modifies the finding
    if (anatomy[k].length === 0) {
      entities.push({ observation: o.observation, anatomy: 'unspecified', status: status[k], text, anatomyText: '', sentence: sentenceIndex });
      return;
    }
    for (const s of anatomy[k]) {
      const span = a.anatomies[s];
      entities.push({
        observation: o.observation, anatomy: span.landmark, status: status[k], text,
        anatomyText: textOf(span.start, span.end), sentence: sentenceIndex,
      });
    }
  });
  return entities;
}

/** The label matrix of a list of entities (present → 1, absent → max(·, 0), uncertain → unchanged). */
export function entitiesToMatrix(entities: readonly ReportEntity[]): Float64Array {
  const matrix = emptyLabelMatrix();
  for (const e of entities) applyMention(matrix, e.anatomy, e.observation, e.status);
  return matrix;
}

/**
 * Reads a free-text chest radiograph report: the FINDINGS and IMPRESSION sections (or the whole text when it has
 * no headers), sentence by sentence. Never throws on text content: empty, de-identified (XXXX, ___), garbled or
 * very long text gives whatever entities can be read, possibly none (an all −1 matrix).
 *
 * @example extractReport('FINDINGS: No pleural effusion or pneumothorax. The lungs are clear.').entities
 *   // effusion absent at pleural_unspec, pneumothorax absent at pleural_unspec, clear present at lung_volumes
 * @throws TypeError when text is not a string
 */
export function extractReport(text: string, options: ExtractOptions = {}): ExtractedReport {
  if (typeof text !== 'string') throw new TypeError(`Expected a string for report text but received ${typeof text}`);
  const include = options.sections ?? DEFAULT_LABEL_SECTIONS;
  const body = selectSections(splitSections(cleanReportText(text)), include);
  const sentences = splitSentences(body);
  const entities: ReportEntity[] = [];
  sentences.forEach((s, i) => { for (const e of extractSentence(s, i)) entities.push(e); });
  return { entities, matrix: entitiesToMatrix(entities), sentences };
}
