/**
 * The pre-training dataset in the reference's file format (Shef-AIRE/MeDSLIP `PreTrain_MeDSLIP/dataset/dataset.py`):
 * a split JSON `{ "<image path>": { "labels_id": <row>, ... }, ... }` whose `labels_id` indexes the first axis of
 * an `.npy` array of shape (N, 51, 75) holding each study's anatomy × observation matrix (1 present, 0 absent,
 * −1 unknown). Several images of one study share a row. Other keys of the JSON values are ignored. Sample order
 * is the JSON's key order (JavaScript puts integer-like keys such as "17" first; image paths never are).
 *
 * The reference's files for MIMIC-CXR (the split JSONs and `landmark_observation_adj_mtx.npy`) are published on
 * Hugging Face (`pykale/MeDSLIP`); the images are MIMIC-CXR-JPG (PhysioNet, credentialed access).
 *
 * Each sample carries the matrix, the existence labels and the ProtoCL candidates (see protocl.ts), drawn for
 * the current epoch (`setEpoch`) with a seed derived from (seed, epoch, index).
 * Deliberate differences: relative image paths are resolved against `imageRoot` (default: the JSON's folder)
 * rather than the working directory; the matrix is read row by row instead of loaded whole; a matrix value
 * outside {−1, 0, 1} is an error.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NUM_LANDMARKS, NUM_OBSERVATIONS, OBSERVATIONS } from '../../vocabulary.ts';
import {
  checkChannels, checkIndex, loadImageFrom, readImageLazily, requireFileSync, resolveFrom,
  type ImageLoader, type ImageOptions, type LabeledDataset, type LabeledSample,
} from './dataset.ts';
import { NpyRows } from './npy-rows.ts';
import { entityLabels, pretrainTargets, type EntityLabels, type ProtoclCandidates } from './protocl.ts';
import { checkInteger } from '../../util/check.ts';

export interface PretrainSample extends LabeledSample, EntityLabels, ProtoclCandidates {
  /** (51 × 75) row-major anatomy × observation matrix. */
  matrix: Float64Array;
  /** The epoch whose candidates these are. */
  epoch: number;
}

/** Seed and starting epoch of the ProtoCL draws. */
export interface SamplingOptions {
  /** Default 0. */
  seed?: number;
  /** Default 0; change with `setEpoch`. */
  epoch?: number;
}

export interface PretrainOptions extends ImageOptions, SamplingOptions {
  /** Folder that relative image paths start from; default: the JSON's folder. */
  imageRoot?: string;
}

interface PretrainEntry {
  key: string;
  imagePath: string;
  row: number;
  origin: string;
}

/** Shared by the pre-training datasets: epoch bookkeeping and the assembly of one sample. */
export abstract class MatrixDataset implements LabeledDataset<PretrainSample> {
  abstract readonly name: string;
  readonly pathologies: readonly string[] = OBSERVATIONS;
  readonly seed: number;
  private currentEpoch: number;
  protected readonly loadImage: ImageLoader;
  protected readonly channels: 1 | 3;

  protected constructor(options: ImageOptions & SamplingOptions) {
    this.seed = checkInteger('seed', options.seed ?? 0, 0);
    this.currentEpoch = checkInteger('epoch', options.epoch ?? 0, 0);
    this.loadImage = options.loadImage ?? readImageLazily;
    this.channels = checkChannels(options.channels);
  }

  abstract get length(): number;
  /** Reads the matrix of a valid index. */
  protected abstract readMatrix(index: number): Promise<Float64Array>;
  protected abstract imageOf(index: number): { imagePath: string; origin: string };

  get epoch(): number {
    return this.currentEpoch;
  }

  /** Selects the epoch whose ProtoCL candidates `get` draws (call at the start of each epoch). */
  setEpoch(epoch: number): void {
    this.currentEpoch = checkInteger('epoch', epoch, 0);
  }

  /** The (51 × 75) row-major matrix of sample `index`. */
  async matrixOf(index: number): Promise<Float64Array> {
    checkIndex(index, this.length, this.name);
    return this.readMatrix(index);
  }

  /** The 75 observation labels, with unknown (−1) as NaN, as the dataset contract has it. */
  async labelsOf(index: number): Promise<Float64Array> {
    return toContractLabels(entityLabels(await this.matrixOf(index)).labelPathology);
  }

  /** Sample `index` with the candidates of `epoch` (default: the current epoch). */
  async get(index: number, epoch: number = this.currentEpoch): Promise<PretrainSample> {
    checkIndex(index, this.length, this.name);
    checkInteger('epoch', epoch, 0);
    const { imagePath, origin } = this.imageOf(index);
    const [matrix, image] = await Promise.all([
      this.readMatrix(index),
      loadImageFrom(this.loadImage, imagePath, this.channels, origin),
    ]);
    const targets = pretrainTargets(matrix, this.seed, epoch, index);
    return { index, imagePath, image, labels: toContractLabels(targets.labelPathology), matrix, epoch, ...targets };
  }
}

export class PretrainDataset extends MatrixDataset {
  readonly name = 'pretrain';
  readonly jsonPath: string;
  readonly npyPath: string;
  private readonly entries: readonly PretrainEntry[];
  private readonly matrices: NpyRows;

  private constructor(jsonPath: string, npyPath: string, entries: PretrainEntry[], matrices: NpyRows, options: PretrainOptions) {
    super(options);
    this.jsonPath = jsonPath;
    this.npyPath = npyPath;
    this.entries = entries;
    this.matrices = matrices;
  }

  /**
   * Opens a split JSON and its matrix file.
   * @example
   * const train = await PretrainDataset.open('mimic/train.json', 'mimic/landmark_observation_adj_mtx.npy', { seed: 42 });
   * train.setEpoch(3); const { image, indexPathology } = await train.get(0);
   * @throws Error naming the JSON file and key for a value without an integer `labels_id` or with one out of
   *   range; naming the .npy for a shape other than (N, 51, 75); and (with checkFiles) for a missing image.
   */
  static async open(jsonPath: string, npyPath: string, options: PretrainOptions = {}): Promise<PretrainDataset> {
    const matrices = await NpyRows.open(npyPath);
    if (matrices.shape.length !== 3 || matrices.shape[1] !== NUM_LANDMARKS || matrices.shape[2] !== NUM_OBSERVATIONS) {
      throw new Error(`${npyPath}: expected shape (N, ${NUM_LANDMARKS}, ${NUM_OBSERVATIONS}) but the file has (${matrices.shape.join(', ')})`);
    }
    let split: unknown;
    try {
      split = JSON.parse(await readFile(jsonPath, 'utf8'));
    } catch (error) {
      throw new Error(`${jsonPath}: cannot read the split JSON (${(error as Error).message})`);
    }
    if (typeof split !== 'object' || split === null || Array.isArray(split)) {
      throw new Error(`${jsonPath}: expected a JSON object mapping image paths to { "labels_id": <row> }`);
    }
    const root = options.imageRoot ?? dirname(jsonPath);
    const entries = Object.entries(split as Record<string, unknown>).map(([key, value]) => {
      const row = (value as { labels_id?: unknown } | null)?.labels_id;
      if (typeof value !== 'object' || value === null || typeof row !== 'number' || !Number.isInteger(row)) {
        throw new Error(`${jsonPath}: key "${key}": expected an object with an integer "labels_id" but found ${JSON.stringify(value)}`);
      }
      if (row < 0 || row >= matrices.rows) {
        throw new Error(`${jsonPath}: key "${key}": labels_id ${row} is out of range; ${npyPath} has rows 0 to ${matrices.rows - 1}`);
      }
      return { key, imagePath: resolveFrom(root, key), row, origin: `${jsonPath}: key "${key}"` };
    });
    if (options.checkFiles ?? true) for (const entry of entries) requireFileSync(entry.imagePath, entry.origin);
    return new PretrainDataset(jsonPath, npyPath, entries, matrices, options);
  }

  get length(): number {
    return this.entries.length;
  }

  /** The matrix row of sample `index` (its `labels_id`). */
  rowOf(index: number): number {
    checkIndex(index, this.entries.length, this.name);
    return this.entries[index].row;
  }

  protected async readMatrix(index: number): Promise<Float64Array> {
    const entry = this.entries[index];
    const matrix = await this.matrices.readRow(entry.row);
    const bad = matrix.findIndex((v) => v !== 1 && v !== 0 && v !== -1);
    if (bad >= 0) {
      const landmark = Math.floor(bad / NUM_OBSERVATIONS);
      throw new Error(
        `${this.npyPath}: row ${entry.row} (labels_id of ${this.jsonPath} key "${entry.key}")` +
          ` has ${matrix[bad]} at [${landmark}, ${bad % NUM_OBSERVATIONS}]; expected -1, 0 or 1`,
      );
    }
    return matrix;
  }

  protected imageOf(index: number): { imagePath: string; origin: string } {
    return this.entries[index];
  }
}

/** −1 (unknown) becomes NaN, the dataset contract's unknown. */
export function toContractLabels(labels: Float64Array): Float64Array {
  return labels.map((v) => (v === -1 ? Number.NaN : v));
}

