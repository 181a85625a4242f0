/**
 * The per-report anatomy × observation label matrix: 51 landmarks (rows) × 75 observations (columns), row-major
 * Float64Array, values 1 (mentioned as present), 0 (only mentioned as absent), −1 (not mentioned, or only uncertain).
 *
 * Provenance: the matrix rule of Shef-AIRE/MeDSLIP `adj_matrix.py` and the existence labels of `dataset.py`
 * (REFERENCE.md §1.3 and §2.1).
 */
import { MATRIX_SIZE, NUM_LANDMARKS, NUM_OBSERVATIONS, landmarkIndex, observationIndex, type Landmark, type Observation }
  from '../../vocabulary.ts';

export { MATRIX_SIZE };

/** How a mention states its observation; `none` is a RadGraph anatomy with no observation (OBS-NA). */
export type MentionStatus = 'present' | 'absent' | 'uncertain' | 'none';

/** A new matrix, every entry −1. */
export function emptyLabelMatrix(): Float64Array {
  return new Float64Array(MATRIX_SIZE).fill(-1);
}

/**
 * Applies one (landmark, observation, status) mention: present sets 1 (present wins), absent sets max(current, 0),
 * uncertain and none change nothing.
 */
export function applyMention(matrix: Float64Array, landmark: Landmark, observation: Observation,
  status: MentionStatus): void {
  const i = landmarkIndex(landmark) * NUM_OBSERVATIONS + observationIndex(observation);
  if (status === 'present') matrix[i] = 1;
  else if (status === 'absent') matrix[i] = Math.max(matrix[i], 0);
}

/** The value one mention states: present 1, absent 0, uncertain −1 (the entry it would leave unset). */
export function mentionValue(status: 'present' | 'absent' | 'uncertain'): 1 | 0 | -1 {
  return status === 'present' ? 1 : status === 'absent' ? 0 : -1;
}

function checkMatrix(matrix: Float64Array): void {
  if (!(matrix instanceof Float64Array)) throw new TypeError('Expected a Float64Array for matrix');
  if (matrix.length !== MATRIX_SIZE) {
    throw new RangeError(`Expected a matrix of ${NUM_LANDMARKS}×${NUM_OBSERVATIONS} = ${MATRIX_SIZE} entries but received ${matrix.length}`);
  }
}

/** 1 if any entry is 1, else 0 if any entry is 0, else −1. */
function existence(matrix: Float64Array, start: number, stride: number, count: number): number {
  let label = -1;
  for (let k = 0; k < count; k++) {
    const v = matrix[start + k * stride];
    if (v === 1) return 1;
    if (v === 0) label = 0;
  }
  return label;
}

/**
 * Existence label of each of the 75 observations (REFERENCE.md §2.1, `label_pathology`).
 * @throws TypeError / RangeError when the matrix is not a 3825-entry Float64Array
 */
export function pathologyLabels(matrix: Float64Array): Float64Array {
  checkMatrix(matrix);
  const out = new Float64Array(NUM_OBSERVATIONS);
  for (let o = 0; o < NUM_OBSERVATIONS; o++) out[o] = existence(matrix, o, NUM_OBSERVATIONS, NUM_LANDMARKS);
  return out;
}

/**
 * Existence label of each of the 51 landmarks (REFERENCE.md §2.1, `label_anatomy`); "normal" observations count.
 * @throws TypeError / RangeError when the matrix is not a 3825-entry Float64Array
 */
export function anatomyLabels(matrix: Float64Array): Float64Array {
  checkMatrix(matrix);
  const out = new Float64Array(NUM_LANDMARKS);
  for (let a = 0; a < NUM_LANDMARKS; a++) out[a] = existence(matrix, a * NUM_OBSERVATIONS, 1, NUM_OBSERVATIONS);
  return out;
}

/** True when the array is a 3825-entry matrix whose entries are all −1, 0 or 1. */
export function isValidLabelMatrix(matrix: unknown): boolean {
  if (!(matrix instanceof Float64Array) || matrix.length !== MATRIX_SIZE) return false;
  for (const v of matrix) if (v !== -1 && v !== 0 && v !== 1) return false;
  return true;
}

/** The entry at (landmark, observation). */
export function matrixValue(matrix: Float64Array, landmark: Landmark, observation: Observation): number {
  return matrix[landmarkIndex(landmark) * NUM_OBSERVATIONS + observationIndex(observation)];
}
