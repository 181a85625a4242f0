/**
 * The one contract every medslip dataset follows, whatever its file format (after torchxrayvision's Dataset):
 * a `name`, the `pathologies` its label vectors refer to, a `length`, and `get(i)` returning a sample with the
 * decoded image — not yet transformed: resizing, augmentation and normalisation belong to the caller.
 *
 * Label vectors are Float64Array with one entry per pathology: 1 present, 0 absent, NaN unknown (a column the
 * source does not have, see relabel.ts).
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';

/** A decoded image, as `readImage` in src/io/image.ts returns it (row-major, channels interleaved). */
export type { Image } from '../../io/image.ts';
import type { Image } from '../../io/image.ts';

/** The signature of `readImage` from src/io/image.ts; datasets take it as an option so tests can replace it. */
export type ImageLoader = (path: string, options?: { channels?: 1 | 3 }) => Promise<Image>;

export interface Dataset<S> {
  readonly name: string;
  readonly pathologies: readonly string[];
  readonly length: number;
  get(index: number): Promise<S>;
}

/** What every labelled sample carries. */
export interface LabeledSample {
  /** Position in the dataset. */
  index: number;
  /** Absolute path of the image file. */
  imagePath: string;
  image: Image;
  /** One entry per `pathologies` name: 1, 0, or NaN for unknown. */
  labels: Float64Array;
}

/** A dataset whose labels can be read without decoding its image (for splits, statistics, relabelling). */
export interface LabeledDataset<S extends LabeledSample = LabeledSample> extends Dataset<S> {
  labelsOf(index: number): Promise<Float64Array>;
}

/** Options shared by the file-backed datasets. */
export interface ImageOptions {
  /** Image decoder; default: `readImage` from src/io/image.ts, imported on first use. */
  loadImage?: ImageLoader;
  /** Channels to decode to; default 3 (the reference opens every image as RGB). */
  channels?: 1 | 3;
  /** Check at open time that every image file exists, so a missing file fails now and not mid-epoch; default true. */
  checkFiles?: boolean;
}

let defaultLoader: ImageLoader | undefined;

/**
 * `readImage` from src/io/image.ts, imported lazily: a dataset used with its own loader (or only for its labels)
 * does not need the image decoder and its native dependencies.
 */
export const readImageLazily: ImageLoader = async (path, options) => {
  if (defaultLoader === undefined) {
    const specifier = new URL('../../io/image.ts', import.meta.url).href;
    const module = (await import(specifier)) as { readImage?: ImageLoader };
    if (typeof module.readImage !== 'function') {
      throw new Error('src/io/image.ts does not export readImage(path, { channels }); pass loadImage to the dataset');
    }
    defaultLoader = module.readImage;
  }
  return defaultLoader(path, options);
};

/** Validates a sample index: TypeError for a non-integer, RangeError outside [0, length). */
export function checkIndex(index: number, length: number, dataset: string): void {
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    throw new TypeError(`Expected an integer index for ${dataset} but received ${String(index)} (${typeof index})`);
  }
  if (index < 0 || index >= length) {
    throw new RangeError(`Expected index in [0, ${length - 1}] for ${dataset} but received ${index}`);
  }
}

/** A path from a data file, resolved against `root` unless it is absolute. */
export function resolveFrom(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path);
}

/** Where an image path came from, for error messages: `labels.csv line 5: column "img_path"`. */
export type Origin = string;

/**
 * Throws `<origin>: image file "<path>" does not exist` unless the file exists (synchronous, for open-time
 * checks of many files).
 */
export function requireFileSync(path: string, origin: Origin, what = 'image file'): void {
  if (!existsSync(path)) throw new Error(`${origin}: ${what} "${path}" does not exist`);
}

/** Decodes one image, turning a missing file or a decoding failure into an error that names its origin. */
export async function loadImageFrom(
  loader: ImageLoader,
  path: string,
  channels: 1 | 3,
  origin: Origin,
  what = 'image file',
): Promise<Image> {
  try {
    await stat(path);
  } catch {
    throw new Error(`${origin}: ${what} "${path}" does not exist`);
  }
  try {
    return await loader(path, { channels });
  } catch (error) {
    throw new Error(`${origin}: cannot decode ${what} "${path}": ${(error as Error).message}`);
  }
}

/** Validates the `channels` option. */
export function checkChannels(channels: unknown): 1 | 3 {
  if (channels === undefined) return 3;
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`Expected 1 or 3 for channels but received ${String(channels)}`);
  }
  return channels;
}

/** What every file-backed dataset keeps per sample: its image and where the path came from. */
export interface FileRow {
  imagePath: string;
  origin: Origin;
}

/**
 * The skeleton the file-backed datasets share (CXR14, RSNA, SIIM, COVIDx): rows parsed once at open time, the
 * image decoder and channel count, `length`, index checks and decoding of a row's image with errors that name
 * its file and line. Each format adds its parser (a static `open`), `labelsOf` and `get`.
 */
export abstract class FileDataset<Row extends FileRow, S extends LabeledSample> implements LabeledDataset<S> {
  abstract readonly name: string;
  abstract readonly pathologies: readonly string[];
  protected readonly rows: readonly Row[];
  protected readonly loadImage: ImageLoader;
  protected readonly channels: 1 | 3;

  protected constructor(rows: readonly Row[], options: ImageOptions) {
    this.rows = rows;
    this.loadImage = options.loadImage ?? readImageLazily;
    this.channels = checkChannels(options.channels);
  }

  get length(): number {
    return this.rows.length;
  }

  /** The row of a sample, after checking the index. */
  protected row(index: number): Row {
    checkIndex(index, this.rows.length, this.name);
    return this.rows[index];
  }

  /** Decodes a row's image at the dataset's channel count. */
  protected imageOf(row: Row): Promise<Image> {
    return loadImageFrom(this.loadImage, row.imagePath, this.channels, row.origin);
  }

  abstract labelsOf(index: number): Promise<Float64Array>;
  abstract get(index: number): Promise<S>;
}
