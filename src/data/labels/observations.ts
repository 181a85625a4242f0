/**
 * Observation lemma → one of the 75 MeDSLIP observations (the columns of the label matrix).
 *
 * Provenance: mirrors the manual lemma corrections and the NORM/ABNORM/EXCLUDED grouping of Shef-AIRE/MeDSLIP
 * `PreTrain_MeDSLIP/data_file/preprocessing/adj_matrix.py` (REFERENCE.md §1.3). Lemmas come from `lemmatise.ts`,
 * medslip's replacement for the spaCy lemmatiser the reference runs first.
 */
import { OBSERVATIONS, NORMAL_OBSERVATION_COUNT, type Observation } from '../../vocabulary.ts';
import { lemmatisePhrase, lemmatiseWord } from './lemmatise.ts';

export { lemmatisePhrase, lemmatiseWord };

/** The reference's manual corrections; the whole lemma string must match. */
export const LEMMA_CORRECTIONS: ReadonlyMap<string, string> = new Map([
  ...pairs(['enlargement', 'increase'], 'enlarge'),
  ...pairs(['engorge'], 'engorgement'),
  ...pairs(['opacification', 'opacity-'], 'opacity'),
  ...pairs(['calcify'], 'calcification'),
  ...pairs(['effusion ;'], 'effusion'),
  ...pairs(['atelectatic', 'atelectasis ;', 'atelectase'], 'atelectasis'),
  ...pairs(['aeration'], 'aerate'),
  ...pairs(['distend', 'distension'], 'distention'),
  ...pairs(['wide'], 'widen'),
  ...pairs(['prominent'], 'prominence'),
  ...pairs(['haze'], 'haziness'),
  ...pairs(['masse'], 'mass'),
  ...pairs(['kyphotic'], 'kyphosis'),
  ...pairs(['degenerate'], 'degenerative'),
  ...pairs(['obscuration'], 'obscure'),
  ...pairs(['fibrotic'], 'fibrosis'),
  ...pairs(['nodular', 'nodularity'], 'nodule'),
  ...pairs(['ventilate'], 'ventilation'),
  ...pairs(['tortuosity'], 'tortuous'),
  ...pairs(['elongate'], 'elongation'),
  ...pairs(['elevate'], 'elevation'),
  ...pairs(['drain'], 'drainage'),
  ...pairs(['deviate'], 'deviation'),
  ...pairs(['consolidative', 'consolidate'], 'consolidation'),
  ...pairs(['dilate', 'dilatation'], 'dilation'),
  ...pairs(['hydropneumothorax', 'pneumothoraces', 'pneumothorace'], 'pneumothorax'),
  ...pairs(['improvement', 'improved'], 'improve'),
  ...pairs(['can not be assess', 'can not be evaluate', 'not well see', 'not well assess',
    'can not be accurately assess', 'not well evaluate', 'not well visualize', 'difficult to evaluate', 'poorly see'],
  'difficult to assess'),
  ...pairs(['pacer'], 'pacemaker'),
  ...pairs(['infection', 'infectious', 'infectious process'], 'pneumonia'),
]);

function pairs(inputs: string[], output: string): [string, string][] {
  return inputs.map((i) => [i, output]);
}

/** Lemmas that are grouped as `excluded_obs`: severity, change and status words rather than findings. */
export const EXCLUDED_OBS: ReadonlySet<string> = new Set(['none', 'unchanged', 'change', 'great', 'similar', 'large',
  'small', 'moderate', 'mild', 'median', 'decrease', 'bad', 'more', 'constant', 'worsen', 'new', 'improve', 'status',
  'position', 'sternotomy', 'cabg', 'replacement', 'postoperative', 'assessment', 'patient']);

/** The 73 observations kept as themselves: NORM_OBS (0–7) and ABNORM_OBS (8–72). */
const KEPT: ReadonlySet<string> = new Set(OBSERVATIONS.slice(0, OBSERVATIONS.length - 2));

/** The corrected lemma (the correction table applied to the whole string); unknown lemmas pass through. */
export function correctLemma(lemma: string): string {
  return LEMMA_CORRECTIONS.get(lemma) ?? lemma;
}

/**
 * The observation column of a lemma: kept if it is one of the 73 named observations, `excluded_obs` for the
 * EXCLUDED_OBS words, `tail_abnorm_obs` for everything else. The correction table is applied first (it is
 * idempotent: no corrected lemma is itself corrected again).
 *
 * @example obsGroup('calcify') // 'calcification'
 * @example obsGroup('small') // 'excluded_obs'
 * @example obsGroup('fibrosis') // 'tail_abnorm_obs'
 * @throws TypeError when the lemma is not a string
 */
export function obsGroup(lemma: string): Observation {
  if (typeof lemma !== 'string') throw new TypeError(`Expected a string for lemma but received ${typeof lemma}`);
  const corrected = correctLemma(lemma);
  if (KEPT.has(corrected)) return corrected as Observation;
  if (EXCLUDED_OBS.has(corrected)) return 'excluded_obs';
  return 'tail_abnorm_obs';
}

/** Lemma (spaCy-style, corrected) and group of a RadGraph observation token string. */
export function observationOf(tokens: string): { lemma: string; observation: Observation } {
  const lemma = correctLemma(lemmatisePhrase(tokens));
  return { lemma, observation: obsGroup(lemma) };
}

/** True for the 8 "normal" observations (normal, clear, sharp, ...). */
export function isNormalObservation(observation: Observation): boolean {
  return OBSERVATIONS.indexOf(observation) < NORMAL_OBSERVATION_COUNT;
}
