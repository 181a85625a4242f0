/**
 * The words of the synthetic reports, as data: the location words of each landmark, the sentences each present
 * finding may get (`FINDING_PHRASES`, `UNSIDED_PHRASES`) and the negations of absent ones. src/synth/report.ts
 * plays these scripts; nothing here draws a random number itself.
 *
 * A finding's sentences are a `Script`, a list of steps played in order:
 *  - `say(section, text, ...statements)`: one sentence; a list of texts is one `rng.choice` among them;
 *  - `{ place: [...] }`: picks the finding's location among these landmarks (`ReportWriter.place`) and binds
 *    {at} (the landmark), {adjective} ("right lower lobe") and {locative} ("in the right lower lobe");
 *  - `{ pick: [...] }`: one `rng.choice` among sets of words, whose names it binds;
 *  - `{ int: [name, low, high] }`: binds a whole number drawn from [low, high];
 *  - `chance(p, then, otherwise)`: the `then` steps with probability p (one draw), else `otherwise`; with
 *    `{ if }`, a condition checked before drawing (false: no draw, `otherwise`);
 *  - `cases(...)`: one draw r, then the first case whose `below` exceeds r and whose `if` holds.
 * Conditions: `{ has: landmark }` (the finding lies in it) or `{ match: [name, pattern] }` (a bound word matches).
 * Texts and statement slots name bound words in braces: {side}, {size} (small/moderate/large), {degree}
 * (mild/moderate/severe), {adverb} (mildly/moderately/markedly), {mm} and {cm} (lesion sizes), {rib}
 * ("left sixth rib"), and what the steps above bind; "{a size}" is the word with its article ("a small",
 * "an 8"). The order of the steps is the order of the draws: the same seed gives the same report, byte for byte.
 */
import type { Landmark, Observation } from '../vocabulary.ts';
import type { FindingKind } from './findings.ts';
import { SIDES, type Side } from './geometry.ts';

export type StatementLabel = 'present' | 'absent' | 'uncertain';

/** Location words, each mapping to one landmark under the reference rules. */
export interface Place {
  /** before a noun: "right lower lobe consolidation" */
  adjective: string[];
  /** after a noun: "consolidation in the right lower lobe" */
  locative: string[];
}

export const PLACES: Partial<Record<Landmark, Place>> = {
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

/** "{side}_pleural" for left_pleural / right_pleural: a landmark on the finding's side. */
type SidedLandmark = Landmark extends infer L ? (L extends `left_${infer Rest}` ? `{side}_${Rest}` : never) : never;
/** A statement's landmark: a fixed one, the picked location {at}, or one on the finding's side. */
export type LandmarkSlot = Landmark | '{at}' | SidedLandmark;
/** A statement's observation: a fixed one, or {obs} bound by a `pick`. */
export type ObservationSlot = Observation | '{obs}';
export type StatementSlot = readonly [LandmarkSlot, ObservationSlot, StatementLabel];

export type Condition = { has: LandmarkSlot } | { match: readonly [string, RegExp] };

export type Step =
  | { say: 'findings' | 'impression'; text: string | readonly string[]; statements: readonly StatementSlot[] }
  | { place: readonly LandmarkSlot[] }
  | { pick: ReadonlyArray<Readonly<Record<string, string>>> }
  | { int: readonly [string, number, number] }
  | { chance: number; if?: Condition; then: Script; otherwise: Script }
  | { cases: ReadonlyArray<{ below?: number; if?: Condition; then: Script }> };
export type Script = readonly Step[];

/** The scripts of one finding kind: `usual`, or `uncertain` for a hedged finding, `bilateral` for one without a side. */
export interface FindingPhrases {
  usual: Script;
  uncertain?: Script;
  bilateral?: Script;
}

const say = (section: 'findings' | 'impression') => (text: string | readonly string[], ...statements: StatementSlot[]): Step => ({ say: section, text, statements });
const finding = say('findings');
const impression = say('impression');
const chance = (p: number, then: Step | Script, otherwise: Step | Script = [], condition?: Condition): Step => ({
  chance: p, ...(condition ? { if: condition } : {}), then: 'length' in then ? then : [then], otherwise: 'length' in otherwise ? otherwise : [otherwise],
});
const cases = (...list: Array<[below: number | undefined, condition: Condition | undefined, ...then: Step[]]>): Step => ({
  cases: list.map(([below, condition, ...then]) => ({ ...(below !== undefined ? { below } : {}), ...(condition ? { if: condition } : {}), then })),
});

/** Sentences about each present finding (findings section, then impression). */
export const FINDING_PHRASES: Readonly<Record<FindingKind, FindingPhrases>> = {
  effusion: {
    bilateral: [
      chance(0.3, finding('{size} amount of fluid at both bases.', ['lung_bases', 'fluid', 'present']),
        finding(['{size} bilateral pleural effusions.', 'there are {size} bilateral pleural effusions.'], ['pleural_unspec', 'effusion', 'present']),
        { has: 'lung_bases' }),
      chance(0.8, impression('{size} bilateral pleural effusions.', ['pleural_unspec', 'effusion', 'present'])),
    ],
    usual: [
      cases(
        [0.6, undefined, finding(['there is {a size} {side} pleural effusion.', '{size} {side} pleural effusion.'], ['{side}_pleural', 'effusion', 'present'])],
        [0.8, { has: '{side}_lung_unspec' }, finding('{size} {side} effusion.', ['{side}_lung_unspec', 'effusion', 'present'])],
        [undefined, { has: '{side}_lower_lung' }, finding('{size} amount of fluid at the {side} base.', ['{side}_lower_lung', 'fluid', 'present'])],
        [undefined, undefined, finding('there is {a size} {side} pleural effusion.', ['{side}_pleural', 'effusion', 'present'])],
      ),
      chance(0.5, finding('there is blunting of the {side} costophrenic angle.', ['{side}_costophrenic', 'blunt', 'present']), [], { has: '{side}_costophrenic' }),
      chance(0.85, impression('{size} {side} pleural effusion.', ['{side}_pleural', 'effusion', 'present'])),
    ],
  },
  pneumothorax: {
    usual: [
      chance(0.7, [
        finding(['there is {a size} {side} apical pneumothorax.', '{size} pneumothorax at the {side} apex.', '{a size} {side} apical pneumothorax is present.'],
          ['{side}_apical_lung', 'pneumothorax', 'present']),
        chance(0.85, impression('{size} {side} apical pneumothorax.', ['{side}_apical_lung', 'pneumothorax', 'present'])),
      ], [
        finding(['there is {a size} {side} pneumothorax.', '{size} {side} pneumothorax.'], ['{side}_lung_unspec', 'pneumothorax', 'present']),
        chance(0.85, impression('{size} {side} pneumothorax.', ['{side}_lung_unspec', 'pneumothorax', 'present'])),
      ], { has: '{side}_apical_lung' }),
    ],
  },
  consolidation: {
    uncertain: [
      { place: LUNG_LOCATIONS },
      finding('possible subtle opacity {locative}.', ['{at}', 'opacity', 'uncertain']),
      chance(0.7, impression('possible early {adjective} pneumonia.', ['{at}', 'pneumonia', 'uncertain'])),
    ],
    usual: [
      { place: LUNG_LOCATIONS },
      { pick: [
        { noun: 'consolidation', obs: 'consolidation', thereIs: 'consolidation' },
        { noun: 'consolidation', obs: 'consolidation', thereIs: 'consolidation' },
        { noun: 'focal consolidation', obs: 'consolidation', thereIs: 'focal consolidation' },
        { noun: 'opacity', obs: 'opacity', thereIs: 'an opacity' },
        { noun: 'patchy opacity', obs: 'opacity', thereIs: 'patchy opacity' },
      ] },
      chance(0.5, finding('there is {thereIs} {locative}.', ['{at}', '{obs}', 'present']), finding('{adjective} {noun}.', ['{at}', '{obs}', 'present'])),
      cases(
        [0.45, undefined, impression('{adjective} pneumonia.', ['{at}', 'pneumonia', 'present'])],
        [0.75, undefined, impression('{adjective} {obs}, concerning for pneumonia.', ['{at}', '{obs}', 'present'], ['{at}', 'pneumonia', 'uncertain'])],
        [undefined, undefined, impression('{adjective} {obs}, consistent with pneumonia.', ['{at}', '{obs}', 'present'], ['{at}', 'pneumonia', 'present'])],
      ),
    ],
  },
  atelectasis: {
    bilateral: [
      { place: ['lung_bases'] },
      chance(0.6, finding(['mild bibasilar atelectasis.', 'minimal bibasilar atelectasis.', 'linear bibasilar atelectasis.'], ['lung_bases', 'atelectasis', 'present']),
        finding(['linear atelectasis {locative}.', 'plate-like atelectasis {locative}.', 'subsegmental atelectasis {locative}.'], ['lung_bases', 'atelectasis', 'present'])),
      chance(0.6, impression('bibasilar atelectasis.', ['lung_bases', 'atelectasis', 'present'])),
    ],
    uncertain: [
      { place: ['{side}_lower_lung'] },
      chance(0.5, finding('possible atelectasis {locative}.', ['{at}', 'atelectasis', 'uncertain']),
        finding('linear opacity {locative}, likely atelectasis.', ['{at}', 'opacity', 'present'], ['unspecified', 'atelectasis', 'uncertain'])),
    ],
    usual: [
      { place: ['{side}_lower_lung'] },
      finding(['linear atelectasis {locative}.', 'plate-like atelectasis {locative}.', 'subsegmental atelectasis {locative}.', 'mild atelectasis {locative}.'],
        ['{at}', 'atelectasis', 'present']),
      chance(0.6, impression('{adjective} atelectasis.', ['{at}', 'atelectasis', 'present'])),
    ],
  },
  cardiomegaly: {
    usual: [
      cases(
        [0.3, undefined, finding('the heart is {adverb} enlarged.', ['heart_size', 'enlarge', 'present'])],
        [0.5, undefined, finding(['the cardiac silhouette is enlarged.', 'the cardiac silhouette is {adverb} enlarged.'], ['heart_size', 'enlarge', 'present'])],
        [0.7, undefined, finding('heart size is {adverb} enlarged.', ['heart_size', 'enlarge', 'present'])],
        [undefined, undefined, finding('there is {degree} cardiomegaly.', ['unspecified', 'cardiomegaly', 'present'])],
      ),
      chance(0.8, impression('{degree} cardiomegaly.', ['unspecified', 'cardiomegaly', 'present']), impression('cardiac enlargement.', ['heart_size', 'enlarge', 'present'])),
    ],
  },
  edema: {
    usual: [
      cases(
        [0.35, undefined, finding('{degree} pulmonary edema.', ['pulmonary', 'edema', 'present'])],
        [0.55, undefined, finding('there is {degree} interstitial edema.', ['interstitium', 'edema', 'present'])],
        [0.8, { has: 'hilar_unspec' }, finding('bilateral perihilar opacities consistent with pulmonary edema.', ['hilar_unspec', 'opacity', 'present'], ['pulmonary', 'edema', 'present'])],
        [undefined, undefined, finding('pulmonary vascular congestion and {degree} pulmonary edema.', ['pulmonary', 'congestion', 'present'], ['pulmonary', 'edema', 'present'])],
      ),
      chance(0.85, impression('{degree} pulmonary edema.', ['pulmonary', 'edema', 'present'])),
    ],
  },
  nodule: {
    uncertain: [
      { place: LUNG_LOCATIONS },
      finding(['possible small nodule {locative}.', 'there is a questionable nodule {locative}.'], ['{at}', 'nodule', 'uncertain']),
      chance(0.6, impression('possible {adjective} nodule.', ['{at}', 'nodule', 'uncertain'])),
    ],
    usual: [
      { place: LUNG_LOCATIONS },
      cases(
        [0.45, undefined, finding('there is {a mm} mm nodule {locative}.', ['{at}', 'nodule', 'present'])],
        [0.65, { match: ['adjective', /(lobe|lung)$/] }, finding('{a mm} mm nodule projects over the {adjective}.', ['{at}', 'nodule', 'present'])],
        [undefined, undefined, finding('{mm} mm {adjective} nodule.', ['{at}', 'nodule', 'present'])],
      ),
      chance(0.8, impression('{adjective} nodule.', ['{at}', 'nodule', 'present'])),
    ],
  },
  mass: {
    usual: [
      { place: LUNG_LOCATIONS },
      chance(0.6, finding('there is {a cm} cm mass {locative}.', ['{at}', 'mass', 'present']), finding('{adjective} mass measuring {cm} cm.', ['{at}', 'mass', 'present'])),
      // "malignancy" is a rare finding (tail_abnorm_obs), hedged: no effect on the matrix
      impression('{adjective} mass, concerning for malignancy.', ['{at}', 'mass', 'present'], ['{at}', 'tail_abnorm_obs', 'uncertain']),
    ],
  },
  endotracheal_tube: {
    usual: [
      { int: ['depth', 3, 6] },
      finding(['endotracheal tube terminates in the trachea, {depth} cm above the carina.', 'an endotracheal tube is in place in the trachea.'], ['trachea', 'tube', 'present']),
    ],
  },
  nasogastric_tube: {
    usual: [
      finding(['a nasogastric tube extends into the stomach.', 'enteric tube terminates in the stomach.', 'nasogastric tube terminates in the stomach.'], ['stomach', 'tube', 'present']),
    ],
  },
  central_line: {
    usual: [
      chance(0.5, finding(['a right-sided central venous catheter terminates in the SVC.', 'central venous catheter terminates in the SVC.'], ['svc', 'catheter', 'present']),
        finding(['a central venous line terminates in the SVC.', 'central line terminates in the SVC.'], ['svc', 'line', 'present'])),
    ],
  },
  pacemaker: {
    usual: [
      finding(['a pacemaker is present with leads in the right atrium and right ventricle.', 'dual-chamber pacemaker with leads terminating in the right atrium and right ventricle.'],
        ['unspecified', 'pacemaker', 'present'], ['right_atrium', 'lead', 'present'], ['right_ventricle', 'lead', 'present']),
      chance(0.4, impression('pacemaker in place.', ['unspecified', 'pacemaker', 'present'])),
    ],
  },
  fracture: {
    uncertain: [finding('possible nondisplaced fracture of the {rib}.', ['rib', 'fracture', 'uncertain'])],
    usual: [
      finding(['there is an acute fracture of the {rib}.', 'nondisplaced fracture of the {rib}.', 'acute {rib} fracture.'], ['rib', 'fracture', 'present']),
      chance(0.6, impression('acute {rib} fracture.', ['rib', 'fracture', 'present'])),
    ],
  },
  emphysema: {
    usual: [
      chance(0.6, finding('the lungs are hyperinflated, consistent with emphysema.', ['lung_volumes', 'hyperinflate', 'present'], ['unspecified', 'emphysema', 'present']),
        finding('hyperinflated lungs.', ['lung_volumes', 'hyperinflate', 'present'])),
      impression('emphysema.', ['unspecified', 'emphysema', 'present']),
    ],
  },
};

/**
 * A one-sided lung or pleural finding reported without its side (report.ts's UNSIDED_RATE): the sentences name
 * no landmark ("unspecified", or the landmark of a generic word such as "pleural" or "pulmonary").
 */
export const UNSIDED_PHRASES: Readonly<Partial<Record<FindingKind, Script>>> = {
  effusion: [
    finding(['{size} pleural effusion.', 'there is {a size} pleural effusion.'], ['pleural_unspec', 'effusion', 'present']),
    chance(0.7, impression('{size} pleural effusion.', ['pleural_unspec', 'effusion', 'present'])),
  ],
  pneumothorax: [
    finding(['there is {a size} pneumothorax.', '{size} pneumothorax.'], ['unspecified', 'pneumothorax', 'present']),
    chance(0.8, impression('{size} pneumothorax.', ['unspecified', 'pneumothorax', 'present'])),
  ],
  consolidation: [
    finding(['there is focal consolidation.', 'focal consolidation.'], ['unspecified', 'consolidation', 'present']),
    chance(0.6, impression('pneumonia.', ['unspecified', 'pneumonia', 'present']),
      impression('consolidation, consistent with pneumonia.', ['unspecified', 'consolidation', 'present'], ['unspecified', 'pneumonia', 'present'])),
  ],
  atelectasis: [finding(['mild atelectasis.', 'there is subsegmental atelectasis.'], ['unspecified', 'atelectasis', 'present'])],
  nodule: [
    finding('there is {a mm} mm pulmonary nodule.', ['pulmonary', 'nodule', 'present']),
    chance(0.7, impression('pulmonary nodule.', ['pulmonary', 'nodule', 'present'])),
  ],
  mass: [
    finding('there is {a cm} cm lung mass.', ['lung_volumes', 'mass', 'present']),
    impression('lung mass, concerning for malignancy.', ['lung_volumes', 'mass', 'present'], ['lung_volumes', 'tail_abnorm_obs', 'uncertain']),
  ],
};

/** A sentence with its statements. */
export type Option = [string, ...Array<[Landmark, Observation, StatementLabel]>];

export type Group = 'lungs' | 'pleura' | 'heart' | 'bones';

/**
 * Negations of absent findings: the finding whose absence they state, how often a report states it, where in
 * the report it goes, and its phrasings. The rates are high enough that every observation the demo evaluates
 * (the CXR14 classes, pneumonia) gets explicit negatives to learn from, not only "not mentioned".
 */
export const NEGATIONS: ReadonlyArray<{ absent: FindingKind; rate: number; group: Group; options: Option[] }> = [
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
 * a right one): the matrix then holds the finding at one landmark and its denial at the mirrored one, and only
 * the image tells which is which.
 */
export const CONTRALATERAL: Partial<Record<FindingKind, (other: Side) => Option>> = {
  effusion: (other) => [`no ${other} pleural effusion.`, [`${other}_pleural`, 'effusion', 'absent']],
  pneumothorax: (other) => [`no ${other} pneumothorax.`, [`${other}_lung_unspec`, 'pneumothorax', 'absent']],
  consolidation: (other) => [`no consolidation in the ${other} lung.`, [`${other}_lung_unspec`, 'consolidation', 'absent']],
  atelectasis: (other) => [`no atelectasis at the ${other} base.`, [`${other}_lower_lung`, 'atelectasis', 'absent']],
  nodule: (other) => [`no nodule in the ${other} lung.`, [`${other}_lung_unspec`, 'nodule', 'absent']],
  mass: (other) => [`no mass in the ${other} lung.`, [`${other}_lung_unspec`, 'mass', 'absent']],
};
