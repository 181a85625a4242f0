/**
 * The label space of MeDSLIP: 75 observations (the pathology stream's queries, columns of the
 * anatomy × observation matrix) and 51 anatomical landmarks (the anatomy stream's queries, rows of the
 * matrix), in the reference order (Shef-AIRE/MeDSLIP `adj_matrix.py`). Every file format, checkpoint and
 * book depends on these indices: never reorder them.
 *
 * This module imports nothing so that every layer may use it.
 */

/** The 75 observations, column order of the label matrix. 0–7 are "normal" observations. */
export const OBSERVATIONS = Object.freeze([
  'normal', 'clear', 'sharp', 'sharply', 'unremarkable', 'intact', 'stable', 'free', 'effusion', 'opacity',
  'pneumothorax', 'edema', 'atelectasis', 'tube', 'consolidation', 'process', 'abnormality', 'enlarge',
  'tip', 'low', 'pneumonia', 'line', 'congestion', 'catheter', 'cardiomegaly', 'fracture', 'air',
  'tortuous', 'lead', 'disease', 'calcification', 'prominence', 'device', 'engorgement', 'picc', 'clip',
  'elevation', 'expand', 'nodule', 'wire', 'fluid', 'degenerative', 'pacemaker', 'thicken', 'marking',
  'scar', 'hyperinflate', 'blunt', 'loss', 'widen', 'collapse', 'density', 'emphysema', 'aerate', 'mass',
  'crowd', 'infiltrate', 'obscure', 'deformity', 'hernia', 'drainage', 'distention', 'shift', 'stent',
  'pressure', 'lesion', 'finding', 'borderline', 'hardware', 'dilation', 'chf', 'redistribution',
  'aspiration', 'tail_abnorm_obs', 'excluded_obs',
] as const);

/** The 51 anatomical landmarks, row order of the label matrix. */
export const LANDMARKS = Object.freeze([
  'trachea', 'left_hilar', 'right_hilar', 'hilar_unspec', 'left_pleural', 'right_pleural', 'pleural_unspec',
  'heart_size', 'heart_border', 'left_diaphragm', 'right_diaphragm', 'diaphragm_unspec', 'retrocardiac',
  'lower_left_lobe', 'upper_left_lobe', 'lower_right_lobe', 'middle_right_lobe', 'upper_right_lobe',
  'left_lower_lung', 'left_mid_lung', 'left_upper_lung', 'left_apical_lung', 'left_lung_unspec',
  'right_lower_lung', 'right_mid_lung', 'right_upper_lung', 'right_apical_lung', 'right_lung_unspec',
  'lung_apices', 'lung_bases', 'left_costophrenic', 'right_costophrenic', 'costophrenic_unspec',
  'cardiophrenic_sulcus', 'mediastinal', 'spine', 'clavicle', 'rib', 'stomach', 'right_atrium',
  'right_ventricle', 'aorta', 'svc', 'interstitium', 'parenchymal', 'cavoatrial_junction',
  'cardiopulmonary', 'pulmonary', 'lung_volumes', 'unspecified', 'other',
] as const);

export type Observation = (typeof OBSERVATIONS)[number];
export type Landmark = (typeof LANDMARKS)[number];

/** Observations 0–7 describe normal findings ("lungs are clear", "heart size is normal"). */
export const NORMAL_OBSERVATION_COUNT = 8;

export const NUM_OBSERVATIONS = OBSERVATIONS.length; // 75
export const NUM_LANDMARKS = LANDMARKS.length; // 51
/** Entries of one anatomy × observation label matrix (51 × 75, row-major: landmark, then observation). */
export const MATRIX_SIZE = NUM_LANDMARKS * NUM_OBSERVATIONS; // 3825

/** Index of an observation by name; throws a RangeError naming the unknown observation. */
export function observationIndex(name: string): number {
  const i = (OBSERVATIONS as readonly string[]).indexOf(name);
  if (i < 0) throw new RangeError(`Unknown observation "${name}"; expected one of the 75 MeDSLIP observations`);
  return i;
}

/** Index of a landmark by name; throws a RangeError naming the unknown landmark. */
export function landmarkIndex(name: string): number {
  const i = (LANDMARKS as readonly string[]).indexOf(name);
  if (i < 0) throw new RangeError(`Unknown landmark "${name}"; expected one of the 51 MeDSLIP landmarks`);
  return i;
}
