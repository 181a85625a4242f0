/**
 * Anatomy phrase → one of the 51 MeDSLIP landmarks (the rows of the label matrix).
 *
 * Provenance: mirrors the first-match rule table of Shef-AIRE/MeDSLIP
 * `PreTrain_MeDSLIP/data_file/preprocessing/adj_matrix.py` (REFERENCE.md §1.3). An anatomy is written as RadGraph
 * builds it: the root anatomy token, then its modifier tokens, joined by `|` (`lobe|left|lower`). Most rules test
 * set membership, so token order matters only for the exact-string special cases (`lung|left|bases`,
 * `perihilar|right|left`, ...). Tokens are compared lower-cased, and not lemmatised (as in the reference).
 */
import { LANDMARKS, type Landmark } from '../../vocabulary.ts';

/** How the base terms `a` and the modifier sets `m1`, `m2` combine (REFERENCE.md §1.3). */
export type LandmarkRuleType = 'm0' | 'm1+' | 'm1-' | 'm1+m2+' | 'm1+m2-' | 'm1-m2+';

export interface LandmarkRule {
  readonly landmark: Landmark;
  readonly base: readonly string[];
  readonly m1: readonly string[];
  readonly m2: readonly string[];
  /** Whole anatomy strings (order-sensitive) that also select this landmark. */
  readonly specialCases: readonly string[];
  readonly type: LandmarkRuleType;
}

const HILAR = ['hilar', 'hilum', 'perihilar', 'infrahilar'];
const LOWER_LUNG = ['lower', 'base', 'basilar', 'basal', 'basis'];
const NOT_LEFT_UNSPEC = ['volume', 'volumes', 'right', 'lower', 'base', 'bases', 'basilar', 'basal', 'basis', 'middle',
  'mid', 'upper', 'apex', 'apical', 'perihilar'];
const NOT_RIGHT_UNSPEC = NOT_LEFT_UNSPEC.map((t) => (t === 'right' ? 'left' : t));

function rule(landmark: Landmark, base: string[], m1: string[], m2: string[], specialCases: string[],
  type: LandmarkRuleType): LandmarkRule {
  return Object.freeze({ landmark, base, m1, m2, specialCases, type });
}

/** The rule table, in the order in which rules are tried (first match wins); also the matrix row order. */
export const LANDMARK_RULES: readonly LandmarkRule[] = Object.freeze([
  rule('trachea', ['trachea', 'tracheal'], [], [], [], 'm0'),
  rule('left_hilar', HILAR, ['left'], ['right'], [], 'm1+m2-'),
  rule('right_hilar', HILAR, ['right'], ['left'], [], 'm1+m2-'),
  rule('hilar_unspec', HILAR, ['left', 'right'], [], ['hila', 'perihilar|right|left', 'perihilar|left|right'], 'm1-'),
  rule('left_pleural', ['pleural'], ['left'], ['right'], [], 'm1+m2-'),
  rule('right_pleural', ['pleural'], ['right'], ['left'], [], 'm1+m2-'),
  rule('pleural_unspec', ['pleural'], ['left', 'right'], [],
    ['pleural|left|right', 'pleural|right|left', 'pleural|bilateral|right|left', 'pleural|bilateral|left|right'], 'm1-'),
  rule('heart_size', ['heart', 'cardiac'], ['border', 'borders'], [], [], 'm1-'),
  rule('heart_border', ['heart', 'cardiac'], ['border', 'borders'], [], [], 'm1+'),
  rule('left_diaphragm', ['diaphragm', 'hemidiaphragm'], ['left'], ['right'], [], 'm1+m2-'),
  rule('right_diaphragm', ['diaphragm', 'hemidiaphragm'], ['right'], ['left'], [], 'm1+m2-'),
  rule('diaphragm_unspec', ['diaphragm', 'diaphragms', 'hemidiaphragms', 'hemidiaphragm'], ['left', 'right'], [],
    ['hemidiaphragm|left|right', 'hemidiaphragm|right|left'], 'm1-'),
  rule('retrocardiac', ['retrocardiac'], [], [], [], 'm0'),
  rule('lower_left_lobe', ['lobe'], ['left'], ['lower'], [], 'm1+m2+'),
  rule('upper_left_lobe', ['lobe'], ['left'], ['upper'], ['lingula', 'lingular'], 'm1+m2+'),
  rule('lower_right_lobe', ['lobe'], ['right'], ['lower'], [], 'm1+m2+'),
  rule('middle_right_lobe', ['lobe'], ['right'], ['middle'], [], 'm1+m2+'),
  rule('upper_right_lobe', ['lobe'], ['right'], ['upper'], [], 'm1+m2+'),
  rule('left_lower_lung', ['lung'], ['left'], LOWER_LUNG,
    ['base|left', 'basilar|left', 'basal|left', 'lung|left|bases'], 'm1+m2+'),
  rule('left_mid_lung', ['lung'], ['left'], ['middle', 'mid'], ['midlung|left'], 'm1+m2+'),
  rule('left_upper_lung', ['lung'], ['left'], ['upper'], [], 'm1+m2+'),
  rule('left_apical_lung', ['apex', 'apical', 'apicolateral'], ['left'], ['right'], [], 'm1+m2-'),
  rule('left_lung_unspec', ['lung', 'hemithorax'], ['left', 'left-sided'], NOT_LEFT_UNSPEC,
    ['left', 'left side', 'thorax|left|hemi'], 'm1+m2-'),
  rule('right_lower_lung', ['lung'], ['right'], LOWER_LUNG,
    ['base|right', 'basilar|right', 'basal|right', 'lung|right|bases'], 'm1+m2+'),
  rule('right_mid_lung', ['lung'], ['right'], ['middle', 'mid'], [], 'm1+m2+'),
  rule('right_upper_lung', ['lung'], ['right'], ['upper'], [], 'm1+m2+'),
  rule('right_apical_lung', ['apex', 'apical', 'apicolateral'], ['right'], ['left'], [], 'm1+m2-'),
  rule('right_lung_unspec', ['lung', 'hemithorax'], ['right', 'right-sided'], NOT_RIGHT_UNSPEC,
    ['right', 'right side', 'thorax|right|hemi'], 'm1+m2-'),
  rule('lung_apices', ['apices', 'apical'], ['left', 'right'], [], ['biapical', 'lungs|upper'], 'm1-'),
  rule('lung_bases', ['lung', 'lungs'], ['left', 'right'], ['bibasilar', 'basilar', 'base', 'bases', 'bibasal', 'basal'],
    ['lung|lower', 'lungs|lower', 'bibasilar', 'basilar', 'bases', 'bibasal', 'basal', 'basal|bilateral', 'lobe|lower',
      'lobes|lower', 'lobe|bilateral|lower', 'bases|both', 'bibasilar|left|right', 'bibasilar|right|left'], 'm1-m2+'),
  rule('left_costophrenic', ['costophrenic'], ['left'], ['right'], [], 'm1+m2-'),
  rule('right_costophrenic', ['costophrenic'], ['right'], ['left'], [], 'm1+m2-'),
  rule('costophrenic_unspec', ['costophrenic'], ['left', 'right'], [], [], 'm1-'),
  rule('cardiophrenic_sulcus', ['cardiophrenic'], [], [], [], 'm0'),
  rule('mediastinal', ['mediastinal', 'cardiomediastinal', 'mediastinum', 'cardiomediastinum'], [], [], [], 'm0'),
  rule('spine', ['spine', 'spinal'], [], [], [], 'm0'),
  rule('clavicle', ['clavicle', 'clavicles'], [], [], [], 'm0'),
  rule('rib', ['rib', 'ribs'], [], [], [], 'm0'),
  rule('stomach', ['stomach', 'abdomen', 'abdominal'], [], [], [], 'm0'),
  rule('right_atrium', ['atrium', 'atrial'], ['right'], ['left'], [], 'm1+m2-'),
  rule('right_ventricle', ['ventricle', 'ventricular'], ['right'], ['left'], [], 'm1+m2-'),
  rule('aorta', ['aorta', 'aortic'], [], [], [], 'm0'),
  rule('svc', ['svc'], [], [], [], 'm0'),
  rule('interstitium', ['interstitium', 'interstitial'], [], [], [], 'm0'),
  rule('parenchymal', ['parenchymal'], [], [], [], 'm0'),
  rule('cavoatrial_junction', ['cavoatrial junction'], [], [], [], 'm0'),
  rule('cardiopulmonary', ['cardiopulmonary'], [], [], [], 'm0'),
  rule('pulmonary', ['pulmonary'], [], [], [], 'm0'),
  rule('lung_volumes', ['lungs', 'lung', 'volume', 'volumes'],
    ['left', 'right', 'lower', 'base', 'bases', 'basilar', 'basal', 'basis', 'middle', 'mid', 'upper', 'apex', 'apical'],
    [], [], 'm1-'),
]);

// The rule table must cover rows 0..48 in matrix order; 49 and 50 are the fallbacks.
for (let i = 0; i < LANDMARK_RULES.length; i++) {
  if (LANDMARK_RULES[i].landmark !== LANDMARKS[i]) throw new Error(`landmark rule ${i} is out of matrix order`);
}

function shares(tokens: ReadonlySet<string>, terms: readonly string[]): boolean {
  for (const t of terms) if (tokens.has(t)) return true;
  return false;
}

function ruleMatches(r: LandmarkRule, tokens: ReadonlySet<string>, joined: string): boolean {
  if (r.specialCases.includes(joined)) return true;
  if (!shares(tokens, r.base)) return false;
  switch (r.type) {
    case 'm0': return true;
    case 'm1+': return shares(tokens, r.m1);
    case 'm1-': return !shares(tokens, r.m1);
    case 'm1+m2+': return shares(tokens, r.m1) && shares(tokens, r.m2);
    case 'm1+m2-': return shares(tokens, r.m1) && !shares(tokens, r.m2);
    case 'm1-m2+': return !shares(tokens, r.m1) && shares(tokens, r.m2);
  }
}

/**
 * The landmark of an anatomy: its root token followed by its modifier tokens, as an array or `|`-joined.
 *
 * @example landmarkOf('lobe|left|lower') // 'lower_left_lobe'
 * @example landmarkOf(['lung', 'left', 'bases']) // 'left_lower_lung' (an exact special case)
 * @example landmarkOf('unspecified') // 'unspecified'; anything no rule matches gives 'other'
 * @throws TypeError when the anatomy is neither a string nor an array of strings
 */
export function landmarkOf(anatomy: readonly string[] | string): Landmark {
  let tokens: string[];
  if (typeof anatomy === 'string') tokens = anatomy.split('|');
  else if (Array.isArray(anatomy) && anatomy.every((t) => typeof t === 'string')) tokens = anatomy.slice();
  else throw new TypeError(`Expected a string or an array of strings for anatomy but received ${typeof anatomy}`);
  tokens = tokens.map((t) => t.toLowerCase());
  const joined = tokens.join('|');
  const set = new Set(tokens);
  for (const r of LANDMARK_RULES) if (ruleMatches(r, set, joined)) return r.landmark;
  return joined === 'unspecified' ? 'unspecified' : 'other';
}
