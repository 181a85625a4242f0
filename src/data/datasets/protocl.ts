/**
 * Pre-training targets derived from one anatomy × observation matrix M (51 × 75, values 1 present, 0 absent,
 * −1 unknown), after Shef-AIRE/MeDSLIP `PreTrain_MeDSLIP/dataset/dataset.py`:
 * - existence labels of each observation and each landmark (1 if any entry is 1, else 0 if any is 0, else −1);
 * - the ProtoCL candidate lists: for each observation, 8 landmark indices; for each landmark, 8 observation
 *   indices. A present entity gets slot 0 = −1 (where the loss puts the positive prototype) and 7 distinct
 *   non-positive partners; any other entity gets 8 distinct non-positive partners (its whole column is then
 *   non-positive).
 *
 * Deliberate differences:
 * - Draws come from a seeded `Random` derived from (seed, epoch, sample index), so that a run is reproducible
 *   and a resumed run draws the same candidates; the reference uses unseeded `random.sample`.
 * - Fewer non-positive partners than needed (more than 44 present landmarks for one observation, or more than
 *   68 present observations for one landmark) crashes the reference's collation. Here every available partner
 *   is used once and the row is padded by drawing from them again with replacement; when no non-positive
 *   partner exists at all, the padding is drawn from all partners.
 */
import { MATRIX_SIZE, NUM_LANDMARKS, NUM_OBSERVATIONS } from '../../vocabulary.ts';
import { Random, hashSeed } from '../../util/random.ts';
import { checkInteger } from '../../util/check.ts';

/** Candidates per ProtoCL row (slot 0 plus 7 partners). */
export const PROTOCL_CANDIDATES = 8;
/** Number of entries of one label matrix (51 · 75). */

export interface EntityLabels {
  /** (75,): 1 present, 0 absent, −1 unknown. */
  labelPathology: Float64Array;
  /** (51,): same rule over each landmark's row. */
  labelAnatomy: Float64Array;
}

export interface ProtoclCandidates {
  /** (75 × 8) row-major: landmark indices per observation, −1 in slot 0 for a present observation. */
  indexPathology: Int32Array;
  /** (51 × 8) row-major: observation indices per landmark, −1 in slot 0 for a present landmark. */
  indexAnatomy: Int32Array;
}

/**
 * Existence labels of a (51 × 75) row-major matrix.
 * @example const { labelPathology } = entityLabels(matrix); labelPathology[20]; // 1 if pneumonia is present anywhere
 * @throws RangeError for a wrong length.
 */
export function entityLabels(matrix: ArrayLike<number>): EntityLabels {
  checkMatrix(matrix);
  const labelPathology = new Float64Array(NUM_OBSERVATIONS).fill(-1);
  const labelAnatomy = new Float64Array(NUM_LANDMARKS).fill(-1);
  for (let a = 0; a < NUM_LANDMARKS; a++) {
    for (let p = 0; p < NUM_OBSERVATIONS; p++) {
      const value = matrix[a * NUM_OBSERVATIONS + p];
      if (value === 1) {
        labelPathology[p] = 1;
        labelAnatomy[a] = 1;
      } else if (value === 0) {
        if (labelPathology[p] === -1) labelPathology[p] = 0;
        if (labelAnatomy[a] === -1) labelAnatomy[a] = 0;
      }
    }
  }
  return { labelPathology, labelAnatomy };
}

/**
 * Draws the ProtoCL candidates of one sample (see the module comment) from `random`.
 * @throws RangeError for a matrix of the wrong length.
 */
export function sampleProtoclCandidates(matrix: ArrayLike<number>, labels: EntityLabels, random: Random): ProtoclCandidates {
  checkMatrix(matrix);
  const indexPathology = new Int32Array(NUM_OBSERVATIONS * PROTOCL_CANDIDATES);
  for (let p = 0; p < NUM_OBSERVATIONS; p++) {
    const partners: number[] = [];
    for (let a = 0; a < NUM_LANDMARKS; a++) if (matrix[a * NUM_OBSERVATIONS + p] !== 1) partners.push(a);
    fillRow(indexPathology, p, labels.labelPathology[p] === 1, partners, NUM_LANDMARKS, random);
  }
  const indexAnatomy = new Int32Array(NUM_LANDMARKS * PROTOCL_CANDIDATES);
  for (let a = 0; a < NUM_LANDMARKS; a++) {
    const partners: number[] = [];
    for (let p = 0; p < NUM_OBSERVATIONS; p++) if (matrix[a * NUM_OBSERVATIONS + p] !== 1) partners.push(p);
    fillRow(indexAnatomy, a, labels.labelAnatomy[a] === 1, partners, NUM_OBSERVATIONS, random);
  }
  return { indexPathology, indexAnatomy };
}

function fillRow(out: Int32Array, row: number, present: boolean, partners: number[], partnerCount: number, random: Random): void {
  const start = row * PROTOCL_CANDIDATES;
  let slot = 0;
  if (present) out[start + slot++] = -1;
  const needed = PROTOCL_CANDIDATES - slot;
  if (partners.length >= needed) {
    for (const partner of random.sample(partners, needed)) out[start + slot++] = partner;
    return;
  }
  // Too few non-positive partners: each once, then padding drawn with replacement (see the module comment).
  for (const partner of random.shuffle(partners.slice())) out[start + slot++] = partner;
  while (slot < PROTOCL_CANDIDATES) {
    out[start + slot++] = partners.length > 0 ? random.choice(partners) : random.int(0, partnerCount - 1);
  }
}

/**
 * A 32-bit seed for the draws of one sample in one epoch: a hash of (seed, epoch, index), so each sample's
 * candidates depend on nothing else (not on worker count, order of access or resumption).
 * @throws TypeError / RangeError unless all three are non-negative safe integers.
 */
export function sampleSeed(seed: number, epoch: number, index: number): number {
  for (const [name, value] of [['seed', seed], ['epoch', epoch], ['index', index]] as const) checkInteger(name, value, 0);
  return hashSeed([seed, epoch, index], 0x2545f491);
}

/**
 * Labels and candidates of one sample, drawn with `sampleSeed(seed, epoch, index)`.
 * @example const { indexPathology } = pretrainTargets(matrix, 42, epoch, 17); // Int32Array(75 * 8)
 * @throws RangeError for a matrix of the wrong length; TypeError / RangeError as sampleSeed.
 */
export function pretrainTargets(matrix: ArrayLike<number>, seed: number, epoch: number, index: number): EntityLabels & ProtoclCandidates {
  const labels = entityLabels(matrix);
  return { ...labels, ...sampleProtoclCandidates(matrix, labels, new Random(sampleSeed(seed, epoch, index))) };
}


function checkMatrix(matrix: ArrayLike<number>): void {
  if (matrix.length !== MATRIX_SIZE) {
    throw new RangeError(`Expected a 51 × 75 matrix (${MATRIX_SIZE} values) but received ${matrix.length} values`);
  }
}
