/**
 * RadGraph JSON → per-report anatomy × observation label matrices.
 *
 * Provenance: follows Shef-AIRE/MeDSLIP `radgraph_itemized.py`, `radgraph_parsed.py` and `adj_matrix.py`
 * (REFERENCE.md §1.1–1.3): one row per (entity, relation); per sentence, root anatomies (ANAT-DP entities without
 * relations) with one level of ANAT-DP modifiers make the anatomy string `root|mod|mod`; observations `located_at`
 * the root or a modifier attach to it; observations without relations go to `unspecified` (once per root); a root
 * with no observation gives an OBS-NA tuple; a sentence without roots gives its unattached observations at
 * `unspecified`. Labels: OBS-DP present, OBS-DA absent, OBS-U uncertain, missing OBS-NA.
 *
 * Deliberate differences:
 *  - Sentences are found on RadGraph's own space-separated tokens (a sentence ends at a "." / "?" / "!" token),
 *    so entity indices always agree with the words; the reference re-tokenises with NLTK, whose word count can
 *    disagree with RadGraph's indices and then puts entities in the wrong sentence or raises.
 *  - Reports are keyed by their full RadGraph key; `subjectId`/`studyId` are parsed from it when it has the MIMIC
 *    form `pXX/pSUBJECT/sSTUDY.txt`. Every report gets a matrix, in input order; the reference's matrix file has
 *    no row for a report without entities (it never reaches the itemised CSV), here that row is all −1.
 *  - Malformed input raises an error naming the file, report, entity and field instead of being skipped silently.
 *  - Also accepted: the spelled-out labels of the newer `radgraph` package ("Observation::definitely absent", ...)
 *    and RadGraph's test-split layout, whose reports hold `labeler_1`/`labeler_2` annotations (the first is used).
 */
import { readFileSync } from 'node:fs';
import type { Landmark, Observation } from '../../vocabulary.ts';
import { landmarkOf } from './landmarks.ts';
import { observationOf } from './observations.ts';
import { emptyLabelMatrix, applyMention, type MentionStatus } from './matrix.ts';

export type RadGraphLabel = 'ANAT-DP' | 'OBS-DP' | 'OBS-DA' | 'OBS-U';

/** RadGraph 1.0 labels, and the spelled-out labels of the newer `radgraph` package (RadGraph-XL) they stand for. */
const LABEL_ALIASES: Readonly<Record<string, RadGraphLabel>> = Object.freeze({
  'ANAT-DP': 'ANAT-DP', 'OBS-DP': 'OBS-DP', 'OBS-DA': 'OBS-DA', 'OBS-U': 'OBS-U',
  'Anatomy::definitely present': 'ANAT-DP', 'Observation::definitely present': 'OBS-DP',
  'Observation::definitely absent': 'OBS-DA', 'Observation::uncertain': 'OBS-U',
});
const OBS_LABELS: ReadonlySet<string> = new Set(['OBS-DP', 'OBS-DA', 'OBS-U']);

export interface RadGraphEntity {
  tokens: string;
  label: RadGraphLabel;
  start_ix: number;
  end_ix: number;
  relations: [string, string][];
}

export interface RadGraphReport { text: string; entities: Record<string, RadGraphEntity> }

/** One (anatomy, observation, label) tuple of a sentence, as `radgraph_parsed.py` writes it. */
export interface RadGraphTuple {
  sentence: number;
  /** `root|modifier|...`, lower case, or `unspecified`. */
  anatomy: string;
  landmark: Landmark;
  /** Observation tokens (lower case), or null for an anatomy without observation. */
  observation: string | null;
  /** Corrected lemma, or null. */
  lemma: string | null;
  /** Matrix column, or null when there is no observation. */
  group: Observation | null;
  label: RadGraphLabel | 'OBS-NA';
}

export interface RadGraphStudy {
  id: string;
  subjectId?: string;
  studyId?: string;
  tuples: RadGraphTuple[];
  /** 51 × 75 row-major label matrix. */
  matrix: Float64Array;
}

interface Row {
  source: string;
  token: string;
  label: RadGraphLabel;
  relation: string | null;
  target: string | null;
  sentence: number;
}

const STATUS: Readonly<Record<RadGraphTuple['label'], MentionStatus>> = Object.freeze({
  'OBS-DP': 'present', 'OBS-DA': 'absent', 'OBS-U': 'uncertain', 'OBS-NA': 'none', 'ANAT-DP': 'none',
});

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sentence index of every space-separated word of a RadGraph text. */
function sentenceOfWords(text: string): Int32Array {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const out = new Int32Array(words.length);
  let sentence = 0;
  let wordsInSentence = 0;
  for (let i = 0; i < words.length; i++) {
    out[i] = sentence;
    wordsInSentence++;
    const w = words[i];
    if (w === '.' || w === '?' || w === '!') {
      // "1 ." at the start of a sentence is an enumerator, not a sentence of its own.
      const enumerator = wordsInSentence === 2 && /^\d{1,2}$/.test(words[i - 1]);
      if (!enumerator) { sentence++; wordsInSentence = 0; }
    }
  }
  return out;
}

function validateReport(id: string, raw: unknown, where: string): RadGraphReport {
  const at = `${where}: report "${id}"`;
  if (!isRecord(raw)) throw new Error(`${at}: expected an object with "text" and "entities" but received ${describe(raw)}`);
  // RadGraph's test split holds two annotations per report (labeler_1, labeler_2): the first is used.
  const report = raw.entities === undefined && isRecord(raw.labeler_1) ? { ...raw, entities: raw.labeler_1.entities } : raw;
  if (typeof report.text !== 'string') throw new Error(`${at}: expected field "text" to be a string but received ${describe(report.text)}`);
  if (!isRecord(report.entities)) throw new Error(`${at}: expected field "entities" to be an object but received ${describe(report.entities)}`);
  for (const [eid, e] of Object.entries(report.entities)) {
    const ent = `${at} entity "${eid}"`;
    if (!isRecord(e)) throw new Error(`${ent}: expected an object but received ${describe(e)}`);
    if (typeof e.tokens !== 'string') throw new Error(`${ent}: expected field "tokens" to be a string but received ${describe(e.tokens)}`);
    if (typeof e.label !== 'string' || LABEL_ALIASES[e.label] === undefined) {
      throw new Error(`${ent}: expected field "label" to be one of ANAT-DP, OBS-DP, OBS-DA, OBS-U (or the `
        + `"Anatomy::…"/"Observation::…" forms) but received ${JSON.stringify(e.label)}`);
    }
    for (const f of ['start_ix', 'end_ix'] as const) {
      if (!Number.isInteger(e[f]) || (e[f] as number) < 0) {
        throw new Error(`${ent}: expected field "${f}" to be a non-negative integer but received ${JSON.stringify(e[f])}`);
      }
    }
    if (!Array.isArray(e.relations)) throw new Error(`${ent}: expected field "relations" to be an array but received ${describe(e.relations)}`);
    e.relations.forEach((r, k) => {
      if (r === null) return; // the reference treats a null first relation as "no relations"
      if (!Array.isArray(r) || r.length < 2 || typeof r[0] !== 'string' || typeof r[1] !== 'string') {
        throw new Error(`${ent}: expected relations[${k}] to be [relation type, target entity id] but received ${JSON.stringify(r)}`);
      }
    });
  }
  return report as unknown as RadGraphReport;
}

/** Itemised rows of one report (`radgraph_itemized.py`): one per (entity, relation), in entity order. */
function itemise(report: RadGraphReport): Row[] {
  const sentenceOf = sentenceOfWords(report.text);
  const last = sentenceOf.length > 0 ? sentenceOf[sentenceOf.length - 1] : 0;
  const rows: Row[] = [];
  for (const [id, e] of Object.entries(report.entities)) {
    const sentence = e.start_ix < sentenceOf.length ? sentenceOf[e.start_ix] : last;
    const base = { source: id, token: e.tokens.toLowerCase(), label: LABEL_ALIASES[e.label], sentence };
    const relations = e.relations as ([string, string] | null)[];
    if (relations.length === 0 || relations[0] === null) {
      rows.push({ ...base, relation: null, target: null });
      continue;
    }
    for (const r of relations) if (r !== null) rows.push({ ...base, relation: r[0], target: r[1] });
  }
  return rows;
}

/** Tuples of one sentence (`radgraph_parsed.py`). */
function sentenceTuples(rows: Row[], sentence: number): Omit<RadGraphTuple, 'landmark' | 'lemma' | 'group'>[] {
  const out: Omit<RadGraphTuple, 'landmark' | 'lemma' | 'group'>[] = [];
  const obsRows = rows.filter((r) => OBS_LABELS.has(r.label));
  const unattached = obsRows.filter((r) => r.target === null && r.relation === null);
  const roots = rows.filter((r) => r.label === 'ANAT-DP' && r.target === null);
  if (roots.length === 0) {
    if (unattached.length === 0) out.push({ sentence, anatomy: 'unspecified', observation: null, label: 'OBS-NA' });
    for (const o of unattached) out.push({ sentence, anatomy: 'unspecified', observation: o.token, label: o.label });
    return dedupe(out);
  }
  for (const root of roots) {
    const modifiers = rows.filter((r) => r.label === 'ANAT-DP' && r.target === root.source);
    const anatomy = [root.token, ...modifiers.map((m) => m.token)].join('|');
    const keys = new Set([root.source, ...modifiers.map((m) => m.source)]);
    const perRoot: Omit<RadGraphTuple, 'landmark' | 'lemma' | 'group'>[] = [];
    const attached = obsRows.filter((r) => r.relation === 'located_at' && r.target !== null && keys.has(r.target));
    for (const o of attached) perRoot.push({ sentence, anatomy, observation: o.token, label: o.label });
    if (attached.length === 0) perRoot.push({ sentence, anatomy, observation: null, label: 'OBS-NA' });
    for (const o of unattached) perRoot.push({ sentence, anatomy: 'unspecified', observation: o.token, label: o.label });
    out.push(...dedupe(perRoot));
  }
  return out;
}

function dedupe<T extends { anatomy: string; observation: string | null; label: string }>(tuples: T[]): T[] {
  const seen = new Set<string>();
  return tuples.filter((t) => {
    const key = `${t.anatomy}\u0000${t.observation ?? '\u0001'}\u0000${t.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Subject and study ids of a MIMIC-CXR RadGraph key such as "p18/p18004941/s58821758.txt". */
export function parseMimicKey(key: string): { subjectId: string; studyId: string } | undefined {
  const parts = key.split('/');
  if (parts.length < 3 || !/^p\d+$/.test(parts[1]) || !/^s\d+(\.txt)?$/.test(parts[2])) return undefined;
  return { subjectId: parts[1].slice(1), studyId: parts[2].replace(/\.txt$/, '').slice(1) };
}

/**
 * Label matrices of every report of a parsed RadGraph JSON object, in key order.
 *
 * @param source names the input in error messages (a file path)
 * @throws Error naming the report, entity and field when the document does not have the RadGraph layout
 */
export function parseRadGraph(document: unknown, source = 'RadGraph JSON'): RadGraphStudy[] {
  if (!isRecord(document)) throw new Error(`${source}: expected an object mapping report ids to reports but received ${describe(document)}`);
  const studies: RadGraphStudy[] = [];
  for (const [id, raw] of Object.entries(document)) {
    const report = validateReport(id, raw, source);
    const rows = itemise(report);
    const bySentence = new Map<number, Row[]>();
    for (const r of rows) {
      const list = bySentence.get(r.sentence);
      if (list) list.push(r); else bySentence.set(r.sentence, [r]);
    }
    const tuples: RadGraphTuple[] = [];
    const matrix = emptyLabelMatrix();
    for (const sentence of [...bySentence.keys()].sort((a, b) => a - b)) {
      for (const t of sentenceTuples(bySentence.get(sentence) ?? [], sentence)) {
        const landmark = landmarkOf(t.anatomy);
        const obs = t.observation === null ? null : observationOf(t.observation);
        const tuple: RadGraphTuple = { ...t, landmark, lemma: obs?.lemma ?? null, group: obs?.observation ?? null };
        tuples.push(tuple);
        if (tuple.group !== null) applyMention(matrix, landmark, tuple.group, STATUS[tuple.label]);
      }
    }
    studies.push({ id, ...parseMimicKey(id), tuples, matrix });
  }
  return studies;
}

/**
 * Reads a RadGraph JSON file (e.g. RadGraph 1.0.0 `MIMIC-CXR_graphs.json`) and labels every report.
 * @throws Error naming the file when it cannot be read or parsed, or does not have the RadGraph layout
 */
export function readRadGraphFile(path: string): RadGraphStudy[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the RadGraph file (${(err as Error).message})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: expected RadGraph JSON but the file does not parse (${(err as Error).message})`);
  }
  return parseRadGraph(document, path);
}
