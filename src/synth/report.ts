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

/** A finding as the report sees it: with every landmark whose mask contains it. */
export interface ReportedFinding extends Finding {
  landmarks: readonly Landmark[];
}

export type StatementLabel = 'present' | 'absent' | 'uncertain';

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

/** Location words, each mapping to one landmark under the reference rules. */
interface Place {
  /** before a noun: "right lower lobe consolidation" */
  adjective: string[];
  /** after a noun: "consolidation in the right lower lobe" */
  locative: string[];
}

const PLACES: Partial<Record<Landmark, Place>> = {
  upper_right_lobe: { adjective: ['right upper lobe'], locative: ['in the right upper lobe'] },
  middle_right_lobe: { adjective: ['right middle lobe'], locative: ['in the right middle lobe'] },
  lower_right_lobe: { adjective: ['right lower lobe'], locative: ['in the right lower lobe'] },
  upper_left_lobe: { adjective: ['left upper lobe'], locative: ['in the left upper lobe'] },
  lower_left_lobe: { adjective: ['left lower lobe'], locative: ['in the left lower lobe'] },
  right_upper_lung: { adjective: ['right upper lung'], locative: ['in the right upper lung'] },
  left_upper_lung: { adjective: ['left upper lung'], locative: ['in the left upper lung'] },
  right_mid_lung: { adjective: ['right mid lung'], locative: ['in the right mid lung'] },
  left_mid_lung: { adjective: ['left mid lung'], locative: ['in the left mid lung', 'in the left midlung'] },
  right_lower_lung: { adjective: ['right basilar', 'right lower lung'], locative: ['at the right base', 'at the right lung base', 'in the right lower lung'] },
  left_lower_lung: { adjective: ['left basilar', 'left lower lung'], locative: ['at the left base', 'at the left lung base', 'in the left lower lung'] },
  right_apical_lung: { adjective: ['right apical'], locative: ['at the right apex'] },
  left_apical_lung: { adjective: ['left apical'], locative: ['at the left apex'] },
  right_lung_unspec: { adjective: ['right'], locative: ['in the right lung'] },
  left_lung_unspec: { adjective: ['left'], locative: ['in the left lung'] },
  lung_bases: { adjective: ['bibasilar'], locative: ['at both bases', 'at the lung bases'] },
};

/** The five lobes and their words, for statements about one lobe. */
const LOBE_PLACES: ReadonlyArray<[Landmark, Place]> = (['upper_right_lobe', 'middle_right_lobe', 'lower_right_lobe', 'upper_left_lobe', 'lower_left_lobe'] as const)
  .map((lobe) => [lobe, PLACES[lobe] as Place]);

const LUNG_LOCATIONS: readonly Landmark[] = [
  'upper_right_lobe', 'middle_right_lobe', 'lower_right_lobe', 'upper_left_lobe', 'lower_left_lobe', 'right_upper_lung',
  'left_upper_lung', 'right_mid_lung', 'left_mid_lung', 'right_lower_lung', 'left_lower_lung',
];

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

/** Sentences about one present finding (findings section, then impression). */
function describe(w: ReportWriter, f: ReportedFinding): void {
  const { rng } = w;
  const side = f.laterality === 'left' || f.laterality === 'right' ? f.laterality : undefined;
  if (describeUnsided(w, f)) return;
  switch (f.kind) {
    case 'effusion': {
      const size = SEVERITY_ADJECTIVE[f.severity];
      if (!side) {
        const bases = f.landmarks.includes('lung_bases');
        if (bases && rng.next() < 0.3) w.say('findings', `${capitalise(size)} amount of fluid at both bases.`, ['lung_bases', 'fluid', 'present']);
        else w.say('findings', rng.choice([`${size} bilateral pleural effusions.`, `there are ${size} bilateral pleural effusions.`]), ['pleural_unspec', 'effusion', 'present']);
        if (rng.next() < 0.8) w.say('impression', `${size} bilateral pleural effusions.`, ['pleural_unspec', 'effusion', 'present']);
        return;
      }
      const pleural: Landmark = `${side}_pleural`;
      const choice = rng.next();
      if (choice < 0.6) {
        w.say('findings', rng.choice([`there is ${article(size)} ${size} ${side} pleural effusion.`, `${size} ${side} pleural effusion.`]), [pleural, 'effusion', 'present']);
      } else if (choice < 0.8 && f.landmarks.includes(`${side}_lung_unspec`)) {
        w.say('findings', `${size} ${side} effusion.`, [`${side}_lung_unspec`, 'effusion', 'present']);
      } else if (f.landmarks.includes(`${side}_lower_lung`)) {
        w.say('findings', `${size} amount of fluid at the ${side} base.`, [`${side}_lower_lung`, 'fluid', 'present']);
      } else {
        w.say('findings', `there is ${article(size)} ${size} ${side} pleural effusion.`, [pleural, 'effusion', 'present']);
      }
      if (f.landmarks.includes(`${side}_costophrenic`) && rng.next() < 0.5) {
        w.say('findings', `there is blunting of the ${side} costophrenic angle.`, [`${side}_costophrenic`, 'blunt', 'present']);
      }
      if (rng.next() < 0.85) w.say('impression', `${size} ${side} pleural effusion.`, [pleural, 'effusion', 'present']);
      return;
    }
    case 'pneumothorax': {
      const size = SEVERITY_ADJECTIVE[f.severity];
      const s = side as 'left' | 'right';
      const apical: Landmark = `${s}_apical_lung`;
      if (f.landmarks.includes(apical) && rng.next() < 0.7) {
        const text = rng.choice([
          `there is ${article(size)} ${size} ${s} apical pneumothorax.`, `${size} pneumothorax at the ${s} apex.`,
          `${article(size)} ${size} ${s} apical pneumothorax is present.`,
        ]);
        w.say('findings', text, [apical, 'pneumothorax', 'present']);
        if (rng.next() < 0.85) w.say('impression', `${size} ${s} apical pneumothorax.`, [apical, 'pneumothorax', 'present']);
      } else {
        w.say('findings', rng.choice([`there is ${article(size)} ${size} ${s} pneumothorax.`, `${size} ${s} pneumothorax.`]), [`${s}_lung_unspec`, 'pneumothorax', 'present']);
        if (rng.next() < 0.85) w.say('impression', `${size} ${s} pneumothorax.`, [`${s}_lung_unspec`, 'pneumothorax', 'present']);
      }
      return;
    }
    case 'consolidation': {
      const at = w.place(f, LUNG_LOCATIONS);
      if (f.uncertain) {
        w.say('findings', `possible subtle opacity ${at.locative}.`, [at.landmark, 'opacity', 'uncertain']);
        if (rng.next() < 0.7) w.say('impression', `possible early ${at.adjective} pneumonia.`, [at.landmark, 'pneumonia', 'uncertain']);
        return;
      }
      const noun = rng.choice(['consolidation', 'consolidation', 'focal consolidation', 'opacity', 'patchy opacity'] as const);
      const observation: Observation = noun.endsWith('opacity') ? 'opacity' : 'consolidation';
      if (rng.next() < 0.5) w.say('findings', `there is ${noun === 'opacity' ? 'an opacity' : noun} ${at.locative}.`, [at.landmark, observation, 'present']);
      else w.say('findings', `${at.adjective} ${noun}.`, [at.landmark, observation, 'present']);
      const r = rng.next();
      if (r < 0.45) w.say('impression', `${at.adjective} pneumonia.`, [at.landmark, 'pneumonia', 'present']);
      else if (r < 0.75) w.say('impression', `${at.adjective} ${observation}, concerning for pneumonia.`, [at.landmark, observation, 'present'], [at.landmark, 'pneumonia', 'uncertain']);
      else w.say('impression', `${at.adjective} ${observation}, consistent with pneumonia.`, [at.landmark, observation, 'present'], [at.landmark, 'pneumonia', 'present']);
      return;
    }
    case 'atelectasis': {
      if (f.laterality === 'bilateral') {
        const at = w.place(f, ['lung_bases']);
        if (rng.next() < 0.6) w.say('findings', `${rng.choice(['mild', 'minimal', 'linear'])} bibasilar atelectasis.`, ['lung_bases', 'atelectasis', 'present']);
        else w.say('findings', `${rng.choice(['linear', 'plate-like', 'subsegmental'])} atelectasis ${at.locative}.`, ['lung_bases', 'atelectasis', 'present']);
        if (rng.next() < 0.6) w.say('impression', 'bibasilar atelectasis.', ['lung_bases', 'atelectasis', 'present']);
        return;
      }
      const at = w.place(f, [`${side as 'left' | 'right'}_lower_lung`]);
      if (f.uncertain) {
        if (rng.next() < 0.5) w.say('findings', `possible atelectasis ${at.locative}.`, [at.landmark, 'atelectasis', 'uncertain']);
        else w.say('findings', `linear opacity ${at.locative}, likely atelectasis.`, [at.landmark, 'opacity', 'present'], ['unspecified', 'atelectasis', 'uncertain']);
        return;
      }
      w.say('findings', `${rng.choice(['linear', 'plate-like', 'subsegmental', 'mild'])} atelectasis ${at.locative}.`, [at.landmark, 'atelectasis', 'present']);
      if (rng.next() < 0.6) w.say('impression', `${at.adjective} atelectasis.`, [at.landmark, 'atelectasis', 'present']);
      return;
    }
    case 'cardiomegaly': {
      const degree = SEVERITY_DEGREE[f.severity];
      const r = rng.next();
      if (r < 0.3) w.say('findings', `the heart is ${SEVERITY_ADVERB[f.severity]} enlarged.`, ['heart_size', 'enlarge', 'present']);
      else if (r < 0.5) w.say('findings', `the cardiac silhouette is ${rng.choice(['', `${SEVERITY_ADVERB[f.severity]} `])}enlarged.`, ['heart_size', 'enlarge', 'present']);
      else if (r < 0.7) w.say('findings', `heart size is ${SEVERITY_ADVERB[f.severity]} enlarged.`, ['heart_size', 'enlarge', 'present']);
      else w.say('findings', `there is ${degree} cardiomegaly.`, ['unspecified', 'cardiomegaly', 'present']);
      if (rng.next() < 0.8) w.say('impression', `${degree} cardiomegaly.`, ['unspecified', 'cardiomegaly', 'present']);
      else w.say('impression', 'cardiac enlargement.', ['heart_size', 'enlarge', 'present']);
      return;
    }
    case 'edema': {
      const degree = SEVERITY_DEGREE[f.severity];
      const r = rng.next();
      if (r < 0.35) w.say('findings', `${degree} pulmonary edema.`, ['pulmonary', 'edema', 'present']);
      else if (r < 0.55) w.say('findings', `there is ${degree} interstitial edema.`, ['interstitium', 'edema', 'present']);
      else if (r < 0.8 && f.landmarks.includes('hilar_unspec')) {
        w.say('findings', 'bilateral perihilar opacities consistent with pulmonary edema.', ['hilar_unspec', 'opacity', 'present'], ['pulmonary', 'edema', 'present']);
      } else w.say('findings', `pulmonary vascular congestion and ${degree} pulmonary edema.`, ['pulmonary', 'congestion', 'present'], ['pulmonary', 'edema', 'present']);
      if (rng.next() < 0.85) w.say('impression', `${degree} pulmonary edema.`, ['pulmonary', 'edema', 'present']);
      return;
    }
    case 'nodule': {
      const at = w.place(f, LUNG_LOCATIONS);
      const mm = Math.max(4, Math.round(2 * (f.radius ?? 0.03) * FILM_WIDTH_MM));
      if (f.uncertain) {
        w.say('findings', rng.choice([`possible small nodule ${at.locative}.`, `there is a questionable nodule ${at.locative}.`]), [at.landmark, 'nodule', 'uncertain']);
        if (rng.next() < 0.6) w.say('impression', `possible ${at.adjective} nodule.`, [at.landmark, 'nodule', 'uncertain']);
        return;
      }
      const r = rng.next();
      if (r < 0.45) w.say('findings', `there is ${article(String(mm))} ${mm} mm nodule ${at.locative}.`, [at.landmark, 'nodule', 'present']);
      else if (r < 0.65 && /(lobe|lung)$/.test(at.adjective)) w.say('findings', `${article(String(mm))} ${mm} mm nodule projects over the ${at.adjective}.`, [at.landmark, 'nodule', 'present']);
      else w.say('findings', `${mm} mm ${at.adjective} nodule.`, [at.landmark, 'nodule', 'present']);
      if (rng.next() < 0.8) w.say('impression', `${at.adjective} nodule.`, [at.landmark, 'nodule', 'present']);
      return;
    }
    case 'mass': {
      const at = w.place(f, LUNG_LOCATIONS);
      const cm = (2 * (f.radius ?? 0.045) * FILM_WIDTH_MM / 10).toFixed(1);
      if (rng.next() < 0.6) w.say('findings', `there is ${article(cm)} ${cm} cm mass ${at.locative}.`, [at.landmark, 'mass', 'present']);
      else w.say('findings', `${at.adjective} mass measuring ${cm} cm.`, [at.landmark, 'mass', 'present']);
      // "malignancy" is a rare finding (tail_abnorm_obs), hedged: no effect on the matrix
      w.say('impression', `${at.adjective} mass, concerning for malignancy.`, [at.landmark, 'mass', 'present'], [at.landmark, 'tail_abnorm_obs', 'uncertain']);
      return;
    }
    case 'endotracheal_tube': {
      const cm = rng.int(3, 6);
      w.say('findings', rng.choice([`endotracheal tube terminates in the trachea, ${cm} cm above the carina.`, 'an endotracheal tube is in place in the trachea.']), ['trachea', 'tube', 'present']);
      return;
    }
    case 'nasogastric_tube':
      w.say('findings', rng.choice(['a nasogastric tube extends into the stomach.', 'enteric tube terminates in the stomach.', 'nasogastric tube terminates in the stomach.']), ['stomach', 'tube', 'present']);
      return;
    case 'central_line':
      if (rng.next() < 0.5) w.say('findings', rng.choice(['a right-sided central venous catheter terminates in the SVC.', 'central venous catheter terminates in the SVC.']), ['svc', 'catheter', 'present']);
      else w.say('findings', rng.choice(['a central venous line terminates in the SVC.', 'central line terminates in the SVC.']), ['svc', 'line', 'present']);
      return;
    case 'pacemaker':
      w.say('findings', rng.choice(['a pacemaker is present with leads in the right atrium and right ventricle.', 'dual-chamber pacemaker with leads terminating in the right atrium and right ventricle.']),
        ['unspecified', 'pacemaker', 'present'], ['right_atrium', 'lead', 'present'], ['right_ventricle', 'lead', 'present']);
      if (rng.next() < 0.4) w.say('impression', 'pacemaker in place.', ['unspecified', 'pacemaker', 'present']);
      return;
    case 'fracture': {
      const rib = `${side as string} ${ORDINALS[(f.ribBreak?.rib ?? 4) + 2]} rib`;
      if (f.uncertain) {
        w.say('findings', `possible nondisplaced fracture of the ${rib}.`, ['rib', 'fracture', 'uncertain']);
        return;
      }
      w.say('findings', rng.choice([`there is an acute fracture of the ${rib}.`, `nondisplaced fracture of the ${rib}.`, `acute ${rib} fracture.`]), ['rib', 'fracture', 'present']);
      if (rng.next() < 0.6) w.say('impression', `acute ${rib} fracture.`, ['rib', 'fracture', 'present']);
      return;
    }
    case 'emphysema':
      if (rng.next() < 0.6) {
        w.say('findings', 'the lungs are hyperinflated, consistent with emphysema.', ['lung_volumes', 'hyperinflate', 'present'], ['unspecified', 'emphysema', 'present']);
      } else {
        w.say('findings', 'hyperinflated lungs.', ['lung_volumes', 'hyperinflate', 'present']);
      }
      w.say('impression', 'emphysema.', ['unspecified', 'emphysema', 'present']);
      return;
  }
}

/**
 * A one-sided lung or pleural finding, reported without its side with probability UNSIDED_RATE: the sentences
 * name no landmark ("unspecified", or the landmark of a generic word such as "pleural" or "pulmonary").
 * Returns false (and says nothing) otherwise.
 */
function describeUnsided(w: ReportWriter, f: ReportedFinding): boolean {
  const { rng } = w;
  if (f.uncertain || (f.laterality !== 'left' && f.laterality !== 'right')) return false;
  if (!['effusion', 'pneumothorax', 'consolidation', 'atelectasis', 'nodule', 'mass'].includes(f.kind)) return false;
  if (rng.next() >= UNSIDED_RATE) return false;
  const size = SEVERITY_ADJECTIVE[f.severity];
  switch (f.kind) {
    case 'effusion':
      w.say('findings', rng.choice([`${size} pleural effusion.`, `there is ${article(size)} ${size} pleural effusion.`]), ['pleural_unspec', 'effusion', 'present']);
      if (rng.next() < 0.7) w.say('impression', `${size} pleural effusion.`, ['pleural_unspec', 'effusion', 'present']);
      return true;
    case 'pneumothorax':
      w.say('findings', rng.choice([`there is ${article(size)} ${size} pneumothorax.`, `${size} pneumothorax.`]), ['unspecified', 'pneumothorax', 'present']);
      if (rng.next() < 0.8) w.say('impression', `${size} pneumothorax.`, ['unspecified', 'pneumothorax', 'present']);
      return true;
    case 'consolidation':
      w.say('findings', rng.choice(['there is focal consolidation.', 'focal consolidation.']), ['unspecified', 'consolidation', 'present']);
      if (rng.next() < 0.6) w.say('impression', 'pneumonia.', ['unspecified', 'pneumonia', 'present']);
      else w.say('impression', 'consolidation, consistent with pneumonia.', ['unspecified', 'consolidation', 'present'], ['unspecified', 'pneumonia', 'present']);
      return true;
    case 'atelectasis':
      w.say('findings', rng.choice(['mild atelectasis.', 'there is subsegmental atelectasis.']), ['unspecified', 'atelectasis', 'present']);
      return true;
    case 'nodule': {
      const mm = Math.max(4, Math.round(2 * (f.radius ?? 0.03) * FILM_WIDTH_MM));
      w.say('findings', `there is ${article(String(mm))} ${mm} mm pulmonary nodule.`, ['pulmonary', 'nodule', 'present']);
      if (rng.next() < 0.7) w.say('impression', 'pulmonary nodule.', ['pulmonary', 'nodule', 'present']);
      return true;
    }
    case 'mass': {
      const cm = (2 * (f.radius ?? 0.05) * FILM_WIDTH_MM / 10).toFixed(1);
      w.say('findings', `there is ${article(cm)} ${cm} cm lung mass.`, ['lung_volumes', 'mass', 'present']);
      w.say('impression', 'lung mass, concerning for malignancy.', ['lung_volumes', 'mass', 'present'], ['lung_volumes', 'tail_abnorm_obs', 'uncertain']);
      return true;
    }
  }
  return false;
}

type Option = [string, ...Array<[Landmark, Observation, StatementLabel]>];

type Group = 'lungs' | 'pleura' | 'heart' | 'bones';

/**
 * Negations of absent findings: the finding whose absence they state, how often a report states it, where in
 * the report it goes, and its phrasings. The rates are high enough that every observation the demo evaluates
 * (the CXR14 classes, pneumonia) gets explicit negatives to learn from, not only "not mentioned".
 */
const NEGATIONS: ReadonlyArray<{ absent: FindingKind; rate: number; group: Group; options: Option[] }> = [
  { absent: 'effusion', rate: 0.4, group: 'pleura', options: [
    ['no pleural effusion.', ['pleural_unspec', 'effusion', 'absent']],
    ['there is no pleural effusion.', ['pleural_unspec', 'effusion', 'absent']],
    ['no pleural effusions.', ['pleural_unspec', 'effusion', 'absent']],
    ['no effusion.', ['unspecified', 'effusion', 'absent']],
  ] },
  { absent: 'pneumothorax', rate: 0.4, group: 'pleura', options: [
    ['no pneumothorax.', ['unspecified', 'pneumothorax', 'absent']],
    ['there is no pneumothorax.', ['unspecified', 'pneumothorax', 'absent']],
    ['no evidence of pneumothorax.', ['unspecified', 'pneumothorax', 'absent']],
  ] },
  { absent: 'consolidation', rate: 0.3, group: 'lungs', options: [
    ['no focal consolidation.', ['unspecified', 'consolidation', 'absent']],
    ['there is no focal consolidation.', ['unspecified', 'consolidation', 'absent']],
    ['no consolidation.', ['unspecified', 'consolidation', 'absent']],
  ] },
  { absent: 'consolidation', rate: 0.35, group: 'lungs', options: [['no evidence of pneumonia.', ['unspecified', 'pneumonia', 'absent']]] },
  { absent: 'edema', rate: 0.45, group: 'lungs', options: [
    ['no pulmonary edema.', ['pulmonary', 'edema', 'absent']],
    ['there is no pulmonary edema.', ['pulmonary', 'edema', 'absent']],
    ['no edema.', ['unspecified', 'edema', 'absent']],
  ] },
  { absent: 'cardiomegaly', rate: 0.35, group: 'heart', options: [
    ['no cardiomegaly.', ['unspecified', 'cardiomegaly', 'absent']],
    ['there is no cardiomegaly.', ['unspecified', 'cardiomegaly', 'absent']],
  ] },
  { absent: 'cardiomegaly', rate: 0.15, group: 'heart', options: [['the heart is not enlarged.', ['heart_size', 'enlarge', 'absent']]] },
  { absent: 'atelectasis', rate: 0.2, group: 'lungs', options: [
    ['no atelectasis.', ['unspecified', 'atelectasis', 'absent']],
    ['there is no atelectasis.', ['unspecified', 'atelectasis', 'absent']],
  ] },
  { absent: 'nodule', rate: 0.2, group: 'lungs', options: [['no pulmonary nodule.', ['pulmonary', 'nodule', 'absent']]] },
  { absent: 'mass', rate: 0.15, group: 'lungs', options: [
    ['no mass.', ['unspecified', 'mass', 'absent']],
    ['no lung mass.', ['lung_volumes', 'mass', 'absent']],
  ] },
  { absent: 'fracture', rate: 0.3, group: 'bones', options: [
    ['no acute fracture.', ['unspecified', 'fracture', 'absent']],
    ['no displaced rib fracture.', ['rib', 'fracture', 'absent']],
  ] },
  { absent: 'emphysema', rate: 0.3, group: 'lungs', options: [
    ['no emphysema.', ['unspecified', 'emphysema', 'absent']],
    ['no evidence of emphysema.', ['unspecified', 'emphysema', 'absent']],
  ] },
  { absent: 'emphysema', rate: 0.1, group: 'lungs', options: [['the lungs are not hyperinflated.', ['lung_volumes', 'hyperinflate', 'absent']]] },
  // Negations that name a side or a place, as often as positives do: a location word in the text then says
  // nothing about whether the finding is there.
  { absent: 'effusion', rate: 0.6, group: 'pleura', options: SIDES.map((side): Option => [`no ${side} pleural effusion.`, [`${side}_pleural`, 'effusion', 'absent']]) },
  { absent: 'pneumothorax', rate: 0.6, group: 'pleura', options: SIDES.flatMap((side): Option[] => [
    [`no ${side} pneumothorax.`, [`${side}_lung_unspec`, 'pneumothorax', 'absent']],
    [`no ${side} apical pneumothorax.`, [`${side}_apical_lung`, 'pneumothorax', 'absent']],
  ]) },
  { absent: 'consolidation', rate: 0.5, group: 'lungs', options: LOBE_PLACES.map(([lobe, words]): Option => [`no consolidation ${words.locative[0]}.`, [lobe, 'consolidation', 'absent']]) },
  { absent: 'atelectasis', rate: 0.4, group: 'lungs', options: SIDES.map((side): Option => [`no atelectasis at the ${side} base.`, [`${side}_lower_lung`, 'atelectasis', 'absent']]) },
  { absent: 'nodule', rate: 0.4, group: 'lungs', options: LOBE_PLACES.map(([lobe, words]): Option => [`no nodule ${words.locative[0]}.`, [lobe, 'nodule', 'absent']]) },
  { absent: 'mass', rate: 0.35, group: 'lungs', options: LOBE_PLACES.map(([lobe, words]): Option => [`no mass ${words.locative[0]}.`, [lobe, 'mass', 'absent']]) },
];

/**
 * What a report may say of the other side when a one-sided finding is present ("no left pleural effusion" beside
 * a right one), at this rate: the matrix then holds the finding at one landmark and its denial at the mirrored
 * one, and only the image tells which is which.
 */
const CONTRALATERAL_RATE = 0.5;
const CONTRALATERAL: Partial<Record<FindingKind, (other: Side) => Option>> = {
  effusion: (other) => [`no ${other} pleural effusion.`, [`${other}_pleural`, 'effusion', 'absent']],
  pneumothorax: (other) => [`no ${other} pneumothorax.`, [`${other}_lung_unspec`, 'pneumothorax', 'absent']],
  consolidation: (other) => [`no consolidation in the ${other} lung.`, [`${other}_lung_unspec`, 'consolidation', 'absent']],
  atelectasis: (other) => [`no atelectasis at the ${other} base.`, [`${other}_lower_lung`, 'atelectasis', 'absent']],
  nodule: (other) => [`no nodule in the ${other} lung.`, [`${other}_lung_unspec`, 'nodule', 'absent']],
  mass: (other) => [`no mass in the ${other} lung.`, [`${other}_lung_unspec`, 'mass', 'absent']],
};

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
