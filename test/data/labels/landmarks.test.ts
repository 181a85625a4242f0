import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANDMARKS } from '../../../src/vocabulary.ts';
import { landmarkOf, LANDMARK_RULES } from '../../../src/data/labels/landmarks.ts';

// One or more positive examples for every row of the rule table (REFERENCE.md §1.3), written as RadGraph builds
// anatomy strings: root token, then modifier tokens.
const POSITIVE: Record<string, string[]> = {
  trachea: ['trachea', 'tracheal|mid'],
  left_hilar: ['hilum|left', 'perihilar|left', 'infrahilar|left'],
  right_hilar: ['hilar|right', 'hilum|right'],
  hilar_unspec: ['hila', 'hilar', 'perihilar|bilateral', 'perihilar|right|left', 'perihilar|left|right'],
  left_pleural: ['pleural|left'],
  right_pleural: ['pleural|right'],
  pleural_unspec: ['pleural', 'pleural|bilateral', 'pleural|left|right', 'pleural|bilateral|right|left'],
  heart_size: ['heart', 'silhouette|cardiac', 'size|heart'],
  heart_border: ['border|heart|left', 'borders|cardiac'],
  left_diaphragm: ['hemidiaphragm|left', 'diaphragm|left'],
  right_diaphragm: ['hemidiaphragm|right'],
  diaphragm_unspec: ['hemidiaphragms', 'diaphragms', 'hemidiaphragm|left|right', 'hemidiaphragm|right|left'],
  retrocardiac: ['retrocardiac', 'region|retrocardiac'],
  lower_left_lobe: ['lobe|left|lower'],
  upper_left_lobe: ['lobe|left|upper', 'lingula', 'lingular'],
  lower_right_lobe: ['lobe|right|lower'],
  middle_right_lobe: ['lobe|right|middle'],
  upper_right_lobe: ['lobe|right|upper'],
  left_lower_lung: ['lung|left|lower', 'base|left|lung', 'base|left', 'basilar|left', 'basal|left', 'lung|left|bases'],
  left_mid_lung: ['lung|left|mid', 'midlung|left'],
  left_upper_lung: ['lung|left|upper', 'zone|left|upper|lung'],
  left_apical_lung: ['apex|left', 'apical|left'],
  left_lung_unspec: ['lung|left', 'hemithorax|left', 'left', 'left side', 'thorax|left|hemi'],
  right_lower_lung: ['lung|right|base', 'base|right', 'basilar|right', 'basal|right', 'lung|right|bases'],
  right_mid_lung: ['lung|right|middle'],
  right_upper_lung: ['lung|right|upper'],
  right_apical_lung: ['apex|right', 'apicolateral|right'],
  right_lung_unspec: ['lung|right', 'hemithorax|right-sided', 'right', 'right side', 'thorax|right|hemi'],
  lung_apices: ['apices', 'apices|lung', 'biapical', 'lungs|upper', 'apical'],
  lung_bases: ['bases|lung', 'bibasilar', 'basilar', 'bases', 'lung|lower', 'lungs|lower', 'lobe|lower', 'lobes|lower',
    'bases|both', 'bibasilar|left|right', 'basal|bilateral'],
  left_costophrenic: ['angle|left|costophrenic'],
  right_costophrenic: ['angle|right|costophrenic'],
  costophrenic_unspec: ['angles|costophrenic'],
  cardiophrenic_sulcus: ['cardiophrenic'],
  mediastinal: ['mediastinum', 'silhouette|cardiomediastinal', 'contours|mediastinal', 'cardiomediastinum'],
  spine: ['spine|thoracic', 'spinal'],
  clavicle: ['clavicle|left', 'clavicles'],
  rib: ['rib|left', 'ribs|right|posterior'],
  stomach: ['stomach', 'abdomen|upper', 'abdominal'],
  right_atrium: ['atrium|right', 'atrial|right'],
  right_ventricle: ['ventricle|right'],
  aorta: ['aorta', 'knob|aortic'],
  svc: ['svc', 'svc|mid'],
  interstitium: ['interstitial', 'interstitium'],
  parenchymal: ['parenchymal'],
  cavoatrial_junction: ['cavoatrial junction'],
  cardiopulmonary: ['cardiopulmonary'],
  pulmonary: ['pulmonary', 'vasculature|pulmonary'],
  lung_volumes: ['lungs', 'lung', 'volumes|lung', 'volumes'],
  unspecified: ['unspecified'],
  other: ['structures|osseous', 'chest', 'carina', 'tissues|soft', 'lungs|mid'],
};

test('every landmark row has a positive example that maps to it', () => {
  assert.deepEqual(Object.keys(POSITIVE).sort(), [...LANDMARKS].sort());
  for (const [landmark, examples] of Object.entries(POSITIVE)) {
    for (const anatomy of examples) assert.equal(landmarkOf(anatomy), landmark, `landmarkOf("${anatomy}")`);
  }
});

test('the rule table is in matrix row order and covers rows 0..48', () => {
  assert.equal(LANDMARK_RULES.length, 49);
  LANDMARK_RULES.forEach((r, i) => assert.equal(r.landmark, LANDMARKS[i]));
});

test('first match wins and special cases are order-sensitive', () => {
  assert.equal(landmarkOf('lobe|left|lower'), 'lower_left_lobe');
  assert.equal(landmarkOf('lobe|lower|left'), 'lower_left_lobe'); // set rule: order does not matter
  assert.equal(landmarkOf('lung|left|bases'), 'left_lower_lung'); // special case
  assert.equal(landmarkOf('lung|bases|left'), 'other'); // "bases" is not an m2 term, and no special case matches
  assert.equal(landmarkOf('left'), 'left_lung_unspec');
  assert.equal(landmarkOf('perihilar|right|left'), 'hilar_unspec');
  assert.equal(landmarkOf('perihilar|right'), 'right_hilar');
  assert.equal(landmarkOf('bibasilar'), 'lung_bases');
  assert.equal(landmarkOf('pleural|left|right'), 'pleural_unspec');
  assert.equal(landmarkOf('pleural|right|bilateral|left'), 'other'); // neither a set rule nor a special case
  assert.equal(landmarkOf('apex|left|right'), 'other');
  // Tried before lung_volumes: a lower-lung rule catches "lung|left|lower"; "lungs" with "mid" falls through to other.
  assert.equal(landmarkOf('lung|right|lower'), 'right_lower_lung');
  // heart_size precedes heart_border, and border terms are what tells them apart.
  assert.equal(landmarkOf('heart|border'), 'heart_border');
  // An apex with "lung" is still an apex rule (rows 21/26 come before the lung_unspec rows).
  assert.equal(landmarkOf('apex|right|lung'), 'right_apical_lung');
  assert.equal(landmarkOf('lung|left|apex'), 'left_apical_lung');
});

test('arrays and strings are equivalent, tokens are lower-cased, bad types are rejected', () => {
  assert.equal(landmarkOf(['Lobe', 'RIGHT', 'middle']), 'middle_right_lobe');
  assert.equal(landmarkOf(['lung', 'left', 'bases']), 'left_lower_lung');
  assert.equal(landmarkOf(''), 'other');
  assert.throws(() => landmarkOf(42 as unknown as string), TypeError);
  assert.throws(() => landmarkOf([1] as unknown as string[]), TypeError);
});
