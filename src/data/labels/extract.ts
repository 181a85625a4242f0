/**
 * Free-text report → anatomy × observation mentions → label matrix, without RadGraph.
 *
 * The reference builds its labels from RadGraph annotations (REFERENCE.md §1.1–1.3). For reports that have no
 * annotation (user data, the synthetic generator) medslip reads the text with rules that produce what RadGraph
 * would: observations (lemmatised, corrected and grouped as in `observations.ts`), each located at an anatomy phrase
 * mapped with the reference's landmark rules (`landmarks.ts`), or at `unspecified`, and stated as present, absent
 * or uncertain; the matrix rule is the reference's (`matrix.ts`: present → 1, absent → 0, uncertain → −1). Per
 * sentence, in stages (`explain.ts` shows each one for a report):
 *  1. `spans.ts`: tokens, then spans, longest match first: multi-word observations, negation/uncertainty cues and
 *     clause breaks (`lexicon.ts`), device names, anatomy phrases (`anatomy-spans.ts`), single-word observations;
 *     an observation adjective that only modifies another observation is dropped ("consolidative opacity");
 *  2. `scopes.ts`: a cue reaches the observations of its scope group (a clause, cut at a comma or "and" that starts
 *     a new statement) in its direction; alternatives ("or", "versus") are uncertain;
 *  3. `attachment.ts`: the anatomy of each observation (pre-modifier, adjective + noun, preposition, coordination,
 *     copula subject, ...).
 *
 * Where medslip reads more than the reference's RadGraph path would, or reads it differently (deliberately, so
 * that real reports get the labels a reader gives them; each is a sentence of test/data/fixtures/
 * label-sentences.jsonl):
 *  - coordinated observations share an anatomy (RadGraph often leaves the second one unattached); elided
 *    coordinates become separate singular anatomies ("right and left lower lobes" → lower_right_lobe and
 *    lower_left_lobe, where one RadGraph anatomy `lobes|right|left|lower` would map to `other`); "pleura" reads as
 *    "pleural", "superior vena cava" as "svc", "CP angle" as "costophrenic angle", "RLL" as "right lower lobe";
 *  - synonyms and misspellings map to the observation a reader means (`lexicon.ts`: "hyperexpanded" →
 *    hyperinflate, "congestive" → congestion, "port-a-cath" → catheter, ...), and "the heart is large" or
 *    "increased heart size" is enlarge, "increased lung volumes" hyperinflate;
 *  - "calcified" and "calcific" before a noun stay a calcification, located with the noun ("calcified granuloma":
 *    calcification and granuloma), where RadGraph's modify relation would drop them;
 *  - a slashed compound ("atelectasis/scarring") states both findings;
 *  - hedges follow the CheXpert labeler that made the MIMIC-CXR labels: "likely X" and "probably X" assert X, "no
 *    definite X" denies it; "possible", "may", "suspicious for", "is a concern", "X or Y", "X versus Y" and
 *    "X and/or Y" are uncertain; "history of X" and "evaluation for X" are uncertain.
 */
import type { Landmark, Observation } from '../../vocabulary.ts';
import { emptyLabelMatrix, applyMention } from './matrix.ts';
import { cleanReportText, splitSections, selectSections, splitSentences, DEFAULT_LABEL_SECTIONS } from './sections.ts';
import { analyseSentence, type SentenceAnalysis } from './spans.ts';
import { statuses, type EntityStatus, type Scopes } from './scopes.ts';
import { attach, type Attachment } from './attachment.ts';

export type { EntityStatus };

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

/** One sentence read by every stage: its spans, scopes, attachments and the entities they give. */
export interface SentenceReading {
  analysis: SentenceAnalysis;
  scopes: Scopes;
  attachments: Attachment[];
  entities: ReportEntity[];
  /** For each entity, the index of its observation span in `analysis.observations`. */
  sources: number[];
}

/** Reads one sentence (no section handling); `explain.ts` shows the stages. */
export function readSentence(sentence: string, sentenceIndex = 0): SentenceReading {
  const analysis = analyseSentence(sentence);
  const scopes = statuses(analysis);
  const attachments = attach(analysis);
  const entities: ReportEntity[] = [];
  const sources: number[] = [];
  const textOf = (s: number, e: number): string => sentence.slice(analysis.tokens[s].start, analysis.tokens[e - 1].end);
  analysis.observations.forEach((o, k) => {
    const { anatomies, dropped } = attachments[k];
    if (o.dropped || dropped) return;
    // "the effusion is unchanged": a change word that only modifies the finding.
    if (o.predicate && anatomies.length === 0) return;
    const base = { observation: o.observation, status: scopes.status[k], text: textOf(o.start, o.end), sentence: sentenceIndex };
    if (anatomies.length === 0) {
      entities.push({ ...base, anatomy: 'unspecified', anatomyText: '' });
      sources.push(k);
      return;
    }
    for (const s of anatomies) {
      const span = analysis.anatomies[s];
      entities.push({ ...base, anatomy: span.landmark, anatomyText: textOf(span.start, span.end) });
      sources.push(k);
    }
  });
  return { analysis, scopes, attachments, entities, sources };
}

/** Entities of one sentence (no section handling). */
export function extractSentence(sentence: string, sentenceIndex = 0): ReportEntity[] {
  return readSentence(sentence, sentenceIndex).entities;
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
  const sentences = reportSentences(text, options);
  const entities: ReportEntity[] = [];
  sentences.forEach((s, i) => { for (const e of extractSentence(s, i)) entities.push(e); });
  return { entities, matrix: entitiesToMatrix(entities), sentences };
}

/**
 * The sentences `extractReport` labels: those of the chosen sections (FINDINGS and IMPRESSION by default, the whole
 * text when the report has no headers).
 * @throws TypeError when text is not a string
 */
export function reportSentences(text: string, options: ExtractOptions = {}): string[] {
  if (typeof text !== 'string') throw new TypeError(`Expected a string for report text but received ${typeof text}`);
  return splitSentences(selectSections(splitSections(cleanReportText(text)), options.sections ?? DEFAULT_LABEL_SECTIONS));
}
