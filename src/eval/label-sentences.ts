/**
 * Scores a report-label extractor on sentences with hand-written expected entries: the (landmark, observation,
 * value) triples a reader gives each sentence under the reference's conventions (REFERENCE.md §1.3), with value 1
 * (present), 0 (absent) or −1 (mentioned as uncertain: the matrix entry stays −1).
 *
 * The corpus file is JSON lines, one sentence per line:
 *   {"topic": "effusion", "text": "Small left pleural effusion.", "expected": [["left_pleural", "effusion", 1]]}
 * Precision and recall are counted per observation over triples: a triple read but not expected is a false
 * positive of its observation, one expected but not read a miss. The "finding" view ignores the landmark (what a
 * per-report finding label sees).
 */
import { readFileSync } from 'node:fs';
import { LANDMARKS, OBSERVATIONS, type Landmark, type Observation } from '../vocabulary.ts';
import type { ReportEntity } from '../data/labels/extract.ts';
import { mentionValue } from '../data/labels/matrix.ts';

export type LabelValue = 1 | 0 | -1;
export type LabelTriple = readonly [Landmark, Observation, LabelValue];

export interface LabelSentence {
  topic: string;
  text: string;
  expected: LabelTriple[];
}

export interface ObservationCounts { observation: Observation; tp: number; fp: number; fn: number }

export interface LabelSentenceScore {
  sentences: number;
  /** Sentences whose triples are exactly the expected ones. */
  exact: number;
  /** Per observation, over (landmark, observation, value) triples; observations never expected nor read are left out. */
  perObservation: ObservationCounts[];
  micro: { tp: number; fp: number; fn: number };
  /** The same counts over (observation, value) pairs: landmarks ignored. */
  findings: { tp: number; fp: number; fn: number };
  failures: { text: string; missing: string[]; extra: string[] }[];
}

const LANDMARK_SET: ReadonlySet<string> = new Set(LANDMARKS);
const OBSERVATION_SET: ReadonlySet<string> = new Set(OBSERVATIONS);

/**
 * Reads a corpus file (JSON lines; blank lines are skipped).
 *
 * @example readLabelSentences('test/data/fixtures/label-sentences.jsonl')[0].expected // [['lung_volumes', 'clear', 1]]
 * @throws Error naming the file, the line and the field when a line is not a valid entry
 */
export function readLabelSentences(path: string): LabelSentence[] {
  const out: LabelSentence[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not JSON (${(error as Error).message})`);
    }
    out.push(checkEntry(entry, where));
  });
  return out;
}

function checkEntry(entry: unknown, where: string): LabelSentence {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${where}: expected an object { topic, text, expected }`);
  const { topic, text, expected } = entry as Record<string, unknown>;
  if (typeof topic !== 'string') throw new Error(`${where}: field "topic" must be a string`);
  if (typeof text !== 'string' || text.trim() === '') throw new Error(`${where}: field "text" must be a non-empty string`);
  if (!Array.isArray(expected)) throw new Error(`${where}: field "expected" must be an array of [landmark, observation, value]`);
  const triples = expected.map((t, k): LabelTriple => {
    const field = `${where}: expected[${k}]`;
    if (!Array.isArray(t) || t.length !== 3) throw new Error(`${field} must be [landmark, observation, value]`);
    const [landmark, observation, value] = t as unknown[];
    if (typeof landmark !== 'string' || !LANDMARK_SET.has(landmark)) throw new Error(`${field}: unknown landmark ${JSON.stringify(landmark)}`);
    if (typeof observation !== 'string' || !OBSERVATION_SET.has(observation)) throw new Error(`${field}: unknown observation ${JSON.stringify(observation)}`);
    if (value !== 1 && value !== 0 && value !== -1) throw new Error(`${field}: value must be 1, 0 or -1 but is ${JSON.stringify(value)}`);
    return [landmark as Landmark, observation as Observation, value];
  });
  return { topic, text, expected: triples };
}

/** The distinct triples of a list of entities. */
export function entityTriples(entities: readonly ReportEntity[]): LabelTriple[] {
  const seen = new Map<string, LabelTriple>();
  for (const e of entities) {
    const value = mentionValue(e.status);
    seen.set(`${e.anatomy} ${e.observation} ${value}`, [e.anatomy, e.observation, value]);
  }
  return [...seen.values()];
}

const key = (t: LabelTriple): string => `${t[0]} ${t[1]} ${t[2]}`;

/** Counts of `read` (text → triples) against every sentence's expected triples. */
export function scoreLabelSentences(sentences: readonly LabelSentence[], read: (text: string) => LabelTriple[]): LabelSentenceScore {
  const counts = new Map<Observation, ObservationCounts>();
  const countsOf = (o: Observation): ObservationCounts => {
    let c = counts.get(o);
    if (!c) counts.set(o, c = { observation: o, tp: 0, fp: 0, fn: 0 });
    return c;
  };
  const findings = { tp: 0, fp: 0, fn: 0 };
  const failures: LabelSentenceScore['failures'] = [];
  for (const s of sentences) {
    const want = new Map(s.expected.map((t) => [key(t), t]));
    const got = new Map(read(s.text).map((t) => [key(t), t]));
    const missing = [...want.keys()].filter((k) => !got.has(k));
    const extra = [...got.keys()].filter((k) => !want.has(k));
    for (const [k, t] of got) countsOf(t[1])[want.has(k) ? 'tp' : 'fp']++;
    for (const k of missing) countsOf(want.get(k)![1]).fn++;
    const pairs = (m: Map<string, LabelTriple>) => new Set([...m.values()].map((t) => `${t[1]} ${t[2]}`));
    const wantPairs = pairs(want), gotPairs = pairs(got);
    for (const p of gotPairs) findings[wantPairs.has(p) ? 'tp' : 'fp']++;
    for (const p of wantPairs) if (!gotPairs.has(p)) findings.fn++;
    if (missing.length > 0 || extra.length > 0) failures.push({ text: s.text, missing, extra });
  }
  const perObservation = OBSERVATIONS.filter((o) => counts.has(o)).map((o) => counts.get(o)!);
  const micro = perObservation.reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  return { sentences: sentences.length, exact: sentences.length - failures.length, perObservation, micro, findings, failures };
}

export const precisionOf = (c: { tp: number; fp: number }): number => (c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp));
export const recallOf = (c: { tp: number; fn: number }): number => (c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn));
export const f1Of = (c: { tp: number; fp: number; fn: number }): number =>
  (2 * c.tp + c.fp + c.fn === 0 ? 1 : (2 * c.tp) / (2 * c.tp + c.fp + c.fn));

/** A table of precision and recall per observation, then the micro averages and the exact-sentence count. */
export function formatLabelScore(score: LabelSentenceScore): string {
  const lines = [`${'observation'.padEnd(16)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F1'.padStart(6)}   tp / fp / fn`];
  for (const c of score.perObservation) {
    lines.push(`${c.observation.padEnd(16)} ${precisionOf(c).toFixed(3).padStart(9)} ${recallOf(c).toFixed(3).padStart(7)} `
      + `${f1Of(c).toFixed(3).padStart(6)}   ${c.tp} / ${c.fp} / ${c.fn}`);
  }
  const m = score.micro, f = score.findings;
  lines.push(`micro (landmark, observation, value): precision ${precisionOf(m).toFixed(3)} recall ${recallOf(m).toFixed(3)} F1 ${f1Of(m).toFixed(3)}`);
  lines.push(`micro (observation, value), landmark ignored: precision ${precisionOf(f).toFixed(3)} recall ${recallOf(f).toFixed(3)} F1 ${f1Of(f).toFixed(3)}`);
  lines.push(`sentences read exactly: ${score.exact} / ${score.sentences}`);
  return lines.join('\n');
}
