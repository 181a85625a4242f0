/**
 * Radiology reports for synthetic radiographs, with their ground truth. Every sentence carries the
 * (landmark, observation, label) statements it makes, as the reference pre-processing would read them from a
 * RadGraph parse (Shef-AIRE/MeDSLIP `radgraph_parsed.py` + `adj_matrix.py`, REFERENCE.md §1.2–1.3):
 *  - the landmark is what the sentence's anatomy words map to under the §1.3 rules ("right lower lobe" →
 *    lower_right_lobe, "left base" → left_lower_lung, "bibasilar" → lung_bases, "pleural" → pleural_unspec,
 *    "pulmonary" → pulmonary, "lungs" → lung_volumes, no anatomy word → unspecified);
 *  - the observation is the lemma's column ("enlarged" → enlarge, "hyperinflated" → hyperinflate, "pacer" and
 *    "pacemaker" → pacemaker); size and severity words only modify and add nothing;
 *  - the label is present (1), negated (0) or uncertain ("possible", "concerning for": no effect).
 * The matrix is then built with the reference semantics (`labelMatrix`). A location is only named when the
 * finding's mask lies inside that landmark's mask.
 */
import type { Landmark, Observation } from '../vocabulary.ts';
import { applyMention, emptyLabelMatrix } from '../data/labels/matrix.ts';
import type { Random } from '../util/random.ts';
import { FILM_WIDTH_MM, type Finding, type FindingKind } from './findings.ts';
import { SIDES, type Side } from './geometry.ts';
import {
  CONTRALATERAL, FINDING_PHRASES, type Condition, type Group, NEGATIONS, type Option, PLACES, type Place, type Script,
  type StatementLabel, type StatementSlot, UNSIDED_PHRASES,
} from './phrases.ts';

export type { StatementLabel } from './phrases.ts';

/** A finding as the report sees it: with every landmark whose mask contains it. */
export interface ReportedFinding extends Finding {
  landmarks: readonly Landmark[];
}

export interface Statement {
  landmark: Landmark;
  observation: Observation;
  label: StatementLabel;
}

export interface Sentence {
  section: 'findings' | 'impression';
  text: string;
  statements: Statement[];
}

export interface Report {
  /** "FINDINGS: …\n\nIMPRESSION: …" */
  text: string;
  sentences: Sentence[];
  /** 51×75 row-major, values −1 / 0 / 1 with the reference semantics */
  matrix: Float64Array;
}

/**
 * The 51×75 matrix of a list of statements, by the one matrix rule (src/data/labels/matrix.ts): start at −1;
 * "present" sets 1; "absent" sets max(value, 0); "uncertain" changes nothing.
 */
export function labelMatrix(statements: readonly Statement[]): Float64Array {
  const matrix = emptyLabelMatrix();
  for (const s of statements) applyMention(matrix, s.landmark, s.observation, s.label);
  return matrix;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function article(word: string): string {
  // "an" before a vowel sound: "an opacity", "an 8 mm", "an 11 mm", "an 18 mm" (but "a 28 mm")
  return /^[aeiou]/i.test(word) || /^8/.test(word) || /^1[18](\D|$)/.test(word) ? 'an' : 'a';
}

class ReportWriter {
  readonly sentences: Sentence[] = [];
  constructor(readonly rng: Random) {}

  say(section: Sentence['section'], text: string, ...statements: Array<[Landmark, Observation, StatementLabel]>): void {
    this.sentences.push({
      section,
      text: capitalise(text.trim()),
      statements: statements.map(([landmark, observation, label]) => ({ landmark, observation, label })),
    });
  }

  /** A location landmark of the finding among `allowed` (first those it was drawn in), and its words. */
  place(f: ReportedFinding, allowed: readonly Landmark[]): { landmark: Landmark; adjective: string; locative: string } {
    const options = allowed.filter((l) => f.landmarks.includes(l) && PLACES[l]);
    const preferred = options.includes(f.site) && this.rng.next() < 0.6 ? f.site : undefined;
    const landmark = preferred ?? (options.length > 0 ? this.rng.choice(options) : undefined);
    if (!landmark) throw new Error(`No reportable location for ${f.kind} at ${f.site}`);
    const words = PLACES[landmark] as Place;
    return { landmark, adjective: this.rng.choice(words.adjective), locative: this.rng.choice(words.locative) };
  }
}

const SEVERITY_ADJECTIVE = { small: 'small', moderate: 'moderate', large: 'large' } as const;
const SEVERITY_DEGREE = { small: 'mild', moderate: 'moderate', large: 'severe' } as const;
const SEVERITY_ADVERB = { small: 'mildly', moderate: 'moderately', large: 'markedly' } as const;

/**
 * How often a one-sided finding is reported without its side or place ("small pleural effusion", "there is a
 * pneumothorax"): the text then says that the finding is there but not where, and only the image can tell.
 */
const UNSIDED_RATE = 0.25;

/** The words a finding's phrases may name (src/synth/phrases.ts), before its script binds more. */
function wordsOf(f: ReportedFinding, side: Side | undefined): Record<string, string> {
  const words: Record<string, string> = {
    size: SEVERITY_ADJECTIVE[f.severity], degree: SEVERITY_DEGREE[f.severity], adverb: SEVERITY_ADVERB[f.severity],
    mm: String(Math.max(4, Math.round(2 * (f.radius ?? 0.03) * FILM_WIDTH_MM))),
    cm: (2 * (f.radius ?? 0.045) * FILM_WIDTH_MM / 10).toFixed(1),
  };
  if (side) Object.assign(words, { side, rib: `${side} ${ORDINALS[(f.ribBreak?.rib ?? 4) + 2]} rib` });
  return words;
}

/** A phrase with its {names} filled in ("{a size}": the word after its article). */
function fill(template: string, words: Readonly<Record<string, string>>): string {
  return template.replace(/\{(a )?(\w+)\}/g, (_, a: string | undefined, name: string) => {
    const word = words[name];
    if (word === undefined) throw new Error(`Report phrase "${template}" names {${name}}, which is not bound here`);
    return a ? `${article(word)} ${word}` : word;
  });
}

/** Plays a script of src/synth/phrases.ts for one finding: its draws, in order, and its sentences. */
function play(w: ReportWriter, f: ReportedFinding, script: Script, words: Record<string, string>): void {
  const holds = (c: Condition | undefined) => c === undefined
    || ('has' in c ? f.landmarks.includes(fill(c.has, words) as Landmark) : c.match[1].test(words[c.match[0]] ?? ''));
  const statement = ([l, o, label]: StatementSlot): [Landmark, Observation, StatementLabel] => [fill(l, words) as Landmark, fill(o, words) as Observation, label];
  for (const step of script) {
    if ('say' in step) {
      const text = typeof step.text === 'string' ? step.text : w.rng.choice(step.text);
      w.say(step.say, fill(text, words), ...step.statements.map(statement));
    } else if ('place' in step) {
      const { landmark, adjective, locative } = w.place(f, step.place.map((l) => fill(l, words) as Landmark));
      Object.assign(words, { at: landmark, adjective, locative });
    } else if ('pick' in step) {
      Object.assign(words, w.rng.choice(step.pick));
    } else if ('int' in step) {
      words[step.int[0]] = String(w.rng.int(step.int[1], step.int[2]));
    } else if ('chance' in step) {
      play(w, f, holds(step.if) && w.rng.next() < step.chance ? step.then : step.otherwise, words);
    } else {
      const r = w.rng.next();
      play(w, f, step.cases.find((c) => (c.below === undefined || r < c.below) && holds(c.if))?.then ?? [], words);
    }
  }
}

/**
 * Sentences about one present finding (findings section, then impression): a one-sided lung or pleural finding
 * is reported without its side with probability UNSIDED_RATE (UNSIDED_PHRASES), otherwise by its own script.
 */
function describe(w: ReportWriter, f: ReportedFinding): void {
  const side = f.laterality === 'left' || f.laterality === 'right' ? f.laterality : undefined;
  const unsided = UNSIDED_PHRASES[f.kind];
  if (!f.uncertain && side && unsided && w.rng.next() < UNSIDED_RATE) {
    play(w, f, unsided, wordsOf(f, side));
    return;
  }
  const phrases = FINDING_PHRASES[f.kind];
  const script = (!side && phrases.bilateral) || (f.uncertain && phrases.uncertain) || phrases.usual;
  play(w, f, script, wordsOf(f, side));
}

/**
 * What a report may say of the other side when a one-sided finding is present (CONTRALATERAL), at this rate.
 */
const CONTRALATERAL_RATE = 0.5;

/** Findings that make a lung (or its pleura) abnormal: a side is "clear" when none of them is on it. */
const LUNG_FINDINGS: ReadonlySet<FindingKind> = new Set(['effusion', 'pneumothorax', 'consolidation', 'atelectasis', 'nodule', 'mass', 'edema', 'emphysema']);

/**
 * Writes the report of a sample with the given findings (an empty list gives a normal report).
 * @example const { text, matrix } = writeReport([], new Random(1)); // "FINDINGS: The lungs are clear. …"
 */
export function writeReport(findings: readonly ReportedFinding[], rng: Random): Report {
  const w = new ReportWriter(rng);
  const present = new Set(findings.map((f) => f.kind));
  const devices = findings.filter((f) => ['endotracheal_tube', 'nasogastric_tube', 'central_line', 'pacemaker'].includes(f.kind));
  const clinical = findings.filter((f) => !devices.includes(f));
  for (const f of devices) describe(w, f);
  for (const f of clinical) describe(w, f);

  // normal statements and negations after the positive findings, in the usual reading order (lungs, pleura,
  // heart and mediastinum, bones)
  const groups: Option[][] = [[], [], [], []];
  const [lungs, pleura, heart, bones] = groups;
  const has = (...kinds: FindingKind[]) => kinds.some((k) => present.has(k));
  const add = (group: Option[], p: number, options: Option[]) => { if (rng.next() < p) group.push(rng.choice(options)); };
  if (!has('consolidation', 'atelectasis', 'edema', 'nodule', 'mass', 'emphysema', 'effusion', 'pneumothorax')) {
    add(lungs, 0.8, [
      ['the lungs are clear.', ['lung_volumes', 'clear', 'present']],
      ['the lungs are clear without focal consolidation.', ['lung_volumes', 'clear', 'present'], ['unspecified', 'consolidation', 'absent']],
      ['lungs are clear.', ['lung_volumes', 'clear', 'present']],
      ['the lungs are well expanded and clear.', ['lung_volumes', 'expand', 'present'], ['lung_volumes', 'clear', 'present']],
    ]);
  }
  if (!has('cardiomegaly')) {
    add(heart, 0.7, [
      ['heart size is normal.', ['heart_size', 'normal', 'present']],
      ['heart size is within normal limits.', ['heart_size', 'normal', 'present']],
      ['the heart size is normal.', ['heart_size', 'normal', 'present']],
      ['the cardiac silhouette is normal in size.', ['heart_size', 'normal', 'present']],
    ]);
    add(heart, 0.4, [
      ['the cardiomediastinal silhouette is normal.', ['mediastinal', 'normal', 'present']],
      ['the mediastinal contours are normal.', ['mediastinal', 'normal', 'present']],
    ]);
  }
  if (!has('edema', 'mass')) add(heart, 0.2, [['the hila are normal.', ['hilar_unspec', 'normal', 'present']]]);
  if (!has('effusion')) add(pleura, 0.3, [['the costophrenic angles are sharp.', ['costophrenic_unspec', 'sharp', 'present']]]);
  // normal statements about one side, as often when the other side is abnormal as when both are normal
  const onSide = (side: Side, kinds: ReadonlySet<FindingKind>) => findings.some((f) => kinds.has(f.kind) && (f.laterality === side || f.laterality === 'bilateral'));
  for (const side of SIDES) {
    if (!onSide(side, LUNG_FINDINGS)) add(lungs, 0.25, [[`the ${side} lung is clear.`, [`${side}_lung_unspec`, 'clear', 'present']]]);
    if (!onSide(side, new Set(['effusion']))) add(pleura, 0.2, [[`the ${side} costophrenic angle is sharp.`, [`${side}_costophrenic`, 'sharp', 'present']]]);
  }
  if (!has('fracture')) add(bones, 0.2, [['the ribs are intact.', ['rib', 'intact', 'present']]]);
  // within a group, the normal statements first, then the negations in a random order
  const denials: Record<Group, Option[]> = { lungs: [], pleura: [], heart: [], bones: [] };
  // nodules and masses are often denied together
  const bothLesionsAbsent = !has('nodule', 'mass') && rng.next() < 0.3;
  if (bothLesionsAbsent) denials.lungs.push(['no pulmonary nodules or masses.', ['pulmonary', 'nodule', 'absent'], ['pulmonary', 'mass', 'absent']]);
  for (const { absent, rate, group, options } of NEGATIONS) {
    if (bothLesionsAbsent && (absent === 'nodule' || absent === 'mass')) continue;
    if (!has(absent)) add(denials[group], rate, options);
  }
  for (const f of clinical) { // a sample has at most one finding of each kind
    const deny = CONTRALATERAL[f.kind];
    if (!deny || (f.laterality !== 'left' && f.laterality !== 'right') || f.uncertain) continue;
    const other: Side = f.laterality === 'left' ? 'right' : 'left';
    add(denials[f.kind === 'effusion' || f.kind === 'pneumothorax' ? 'pleura' : 'lungs'], CONTRALATERAL_RATE, [deny(other)]);
  }
  (['lungs', 'pleura', 'heart', 'bones'] as const).forEach((group, k) => groups[k].push(...rng.shuffle(denials[group])));
  for (const group of groups) for (const [text, ...statements] of group) w.say('findings', text, ...statements);

  if (clinical.length === 0) {
    const [text, ...statements] = rng.choice<Option>([
      ['no acute cardiopulmonary process.', ['cardiopulmonary', 'process', 'absent']],
      ['no acute cardiopulmonary abnormality.', ['cardiopulmonary', 'abnormality', 'absent']],
    ]);
    w.say('impression', text, ...statements);
  }
  if (!w.sentences.some((s) => s.section === 'impression')) {
    // every clinical finding skipped its impression line: restate the first finding sentence
    const first = w.sentences.find((s) => s.section === 'findings') as Sentence;
    w.sentences.push({ ...first, section: 'impression' });
  }
  const sentences = [...w.sentences.filter((s) => s.section === 'findings'), ...w.sentences.filter((s) => s.section === 'impression')];
  const findingsText = sentences.filter((s) => s.section === 'findings').map((s) => s.text).join(' ');
  const impressionText = sentences.filter((s) => s.section === 'impression').map((s) => s.text).join(' ');
  return {
    text: `FINDINGS: ${findingsText}\n\nIMPRESSION: ${impressionText}`,
    sentences,
    matrix: labelMatrix(sentences.flatMap((s) => s.statements)),
  };
}
