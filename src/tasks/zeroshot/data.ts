/**
 * Opening the evaluation datasets by name and turning their images into model inputs, as the reference's
 * zero-shot scripts do: 8-bit → [RSNA protocol: skimage histogram equalisation] → PIL-bilinear resize to
 * size × size → ImageNet normalisation.
 */
import { join } from 'node:path';
import { to8Bit, type Image } from '../../io/image.ts';
import { CovidxDataset, Cxr14Dataset, RsnaDataset, SiimDataset, type ImageLoader, type LabeledDataset } from '../../data/datasets/index.ts';
import { equalizeHistogram, normalize, resize, type NormalizeOptions } from '../../data/transforms/index.ts';
import { equalizeHistogramValues } from '../../data/transforms/equalize-histogram.ts';
import { checkInteger } from '../../util/check.ts';

export type ZeroshotDatasetKind = 'cxr14' | 'rsna' | 'siim' | 'covidx';
export const ZEROSHOT_DATASETS: readonly ZeroshotDatasetKind[] = Object.freeze(['cxr14', 'rsna', 'siim', 'covidx']);

export interface OpenDatasetOptions {
  /**
   * Where image paths start. CXR14/RSNA: the folder `img_path` is relative to (default: the CSV's folder);
   * SIIM: the folder holding `png_images/` and `png_masks/` (default: the CSV's folder); COVIDx: the image
   * folder (default: the list file's `<name>/` folder, as COVIDx lays it out).
   */
  imageRoot?: string;
  /** Image decoder (tests may replace it); default readImage. */
  loadImage?: ImageLoader;
}

/**
 * Opens `csv` (for COVIDx: the list file) in the layout of `kind`.
 * @throws RangeError for an unknown kind; the dataset's Error naming the file, line and column for bad input.
 */
export async function openZeroshotDataset(kind: ZeroshotDatasetKind, csv: string, options: OpenDatasetOptions = {}): Promise<LabeledDataset> {
  if (typeof csv !== 'string' || csv === '') throw new TypeError(`Expected the path of the ${kind} label file for csv but received ${JSON.stringify(csv)}`);
  const { imageRoot, loadImage } = options;
  switch (kind) {
    case 'cxr14': return Cxr14Dataset.open(csv, { imageRoot, loadImage });
    case 'rsna': return RsnaDataset.open(csv, { imageRoot, loadImage });
    case 'siim': return SiimDataset.open(csv, imageRoot === undefined ? { loadImage }
      : { loadImage, imageDir: join(imageRoot, 'png_images'), maskDir: join(imageRoot, 'png_masks') });
    case 'covidx': return CovidxDataset.open(csv, { imageDir: imageRoot, loadImage });
    default: throw new RangeError(`Expected one of ${ZEROSHOT_DATASETS.join(', ')} for dataset but received ${JSON.stringify(kind)}`);
  }
}

export interface InputOptions extends NormalizeOptions {
  /** Side of the square model input (default 224, the reference's). */
  size?: number;
  /** Histogram-equalise before resizing (the reference's RSNA protocol; default: true for RSNA only). */
  equalize?: boolean;
}

/** The 8-bit size × size image the model sees before normalisation (also what overlays are drawn on). */
export function inputImage(image: Image, size: number, equalize: boolean): Image {
  return resize(equalize ? equalizeToEightBit(image) : to8Bit(image), size, size, 'bilinear');
}

/**
 * The RSNA protocol's `(equalize_hist(pixels / 255) * 255).astype(uint8)`, per channel. A 16-bit image (e.g. a
 * 12-bit DICOM) is equalised at full precision, as the reference does, not after reduction to 8 bits.
 */
export function equalizeToEightBit(image: Image): Image {
  if (image.bitDepth === 8) return equalizeHistogram(image);
  const { channels } = image;
  const pixels = image.width * image.height;
  const data = new Uint8Array(pixels * channels);
  const values = new Float64Array(pixels);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < pixels; p++) values[p] = image.data[p * channels + c] / 255;
    const equalised = equalizeHistogramValues(values);
    for (let p = 0; p < pixels; p++) data[p * channels + c] = Math.trunc(equalised[p] * 255);
  }
  return { ...image, data, bitDepth: 8 };
}

/** The normalised CHW model input of a resized image. */
export function inputTensorData(resized: Image, options: NormalizeOptions = {}): Float32Array {
  return normalize(resized, options);
}

/** Validates an input side. */
export function checkInputSize(size: number): number {
  return checkInteger('size', size, 32, 4096);
}

/** Indices 0 … min(length, limit) − 1. */
export function firstRows(length: number, limit: number | undefined): number[] {
  if (limit !== undefined) checkInteger('limit', limit, 1);
  return Array.from({ length: Math.min(length, limit ?? length) }, (_, i) => i);
}
