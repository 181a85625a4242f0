/**
 * SIIM-ACR Pneumothorax Segmentation in the layout of the MeDSLIP fine-tuning scripts (Shef-AIRE/MeDSLIP
 * `Sample_Finetuning_SIIMACR/I1_classification` and `I2_segmentation` datasets): a CSV whose `image_path`
 * column names each image (only its file name is used), the images as PNGs in `png_images/` and the
 * pneumothorax masks, same file name, in `png_masks/`, both folders beside the CSV by default.
 *
 * What the dataset is: 12,047 chest X-rays (DICOM, converted to PNG by the user) with pneumothorax masks drawn
 * by radiologists, from the 2019 SIIM-ACR challenge (Kaggle "siim-acr-pneumothorax-segmentation"; the masks come
 * as run-length encodings that must be rendered to PNG first).
 *
 * The label is 1 when any mask pixel is > 0. Deliberate difference: the reference decides this after resizing
 * the mask to 224 × 224 with nearest sampling, where tiny masks can vanish; here the full-resolution mask decides.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readCsv, type CsvOptions } from './csv.ts';
import {
  FileDataset, loadImageFrom, requireFileSync, resolveFrom,
  type Image, type ImageOptions, type LabeledSample,
} from './dataset.ts';

export const SIIM_PATHOLOGIES = Object.freeze(['pneumothorax'] as const);

export interface SiimSample extends LabeledSample {
  /** Absolute path of the mask file. */
  maskPath: string;
  /** The decoded mask, one channel, at the image's own resolution. */
  mask: Image;
}

export interface SiimOptions extends ImageOptions, CsvOptions {
  /** Folder of the images; default `png_images` beside the CSV. */
  imageDir?: string;
  /** Folder of the masks; default `png_masks` beside the CSV. */
  maskDir?: string;
  /** Column naming the images; default `image_path`. */
  imageColumn?: string;
}

interface SiimRow {
  imagePath: string;
  maskPath: string;
  origin: string;
}

export class SiimDataset extends FileDataset<SiimRow, SiimSample> {
  readonly name = 'siim-acr-pneumothorax';
  readonly pathologies: readonly string[] = SIIM_PATHOLOGIES;
  /** Labels found so far (deciding one means decoding its mask). */
  private readonly labelCache = new Map<number, 0 | 1>();

  private constructor(readonly csvPath: string, rows: SiimRow[], options: SiimOptions) {
    super(rows, options);
  }

  /**
   * Reads a SIIM CSV.
   * @example const train = await SiimDataset.open('siim/stage_1_train_images.csv');
   * @throws Error naming the CSV, line and column for a missing `image_path` column or empty cell, and (with
   *   checkFiles) a missing image or mask.
   */
  static async open(csvPath: string, options: SiimOptions = {}): Promise<SiimDataset> {
    const table = await readCsv(csvPath, options);
    const root = dirname(csvPath);
    // The reference's layout is png_images/ + png_masks/ beside the CSV; medslip's synthetic sets keep all images in
    // images/ and the masks in masks/ — used when the reference folders are absent and those exist.
    const synthetic = options.imageDir === undefined && options.maskDir === undefined && !existsSync(join(root, 'png_images'))
      && existsSync(join(root, 'images')) && existsSync(join(root, 'masks'));
    const imageDir = resolveFrom(root, options.imageDir ?? (synthetic ? 'images' : 'png_images'));
    const maskDir = resolveFrom(root, options.maskDir ?? (synthetic ? 'masks' : 'png_masks'));
    const column = table.requireColumn([options.imageColumn ?? 'image_path']);
    const rows = table.rows.map((row) => {
      // Only the file name counts, as in the reference: the CSV's paths point at the original DICOM tree.
      const name = basename(table.text(row, column).replace(/\\/g, '/'));
      return {
        imagePath: join(imageDir, name),
        maskPath: join(maskDir, name),
        origin: `${table.file} line ${row.line}: column "${table.header[column]}"`,
      };
    });
    if (options.checkFiles ?? true) {
      for (const row of rows) {
        requireFileSync(row.imagePath, row.origin);
        requireFileSync(row.maskPath, row.origin, 'mask file');
      }
    }
    return new SiimDataset(csvPath, rows, options);
  }

  /** Decodes the mask (once per index) to decide the label. */
  async labelsOf(index: number): Promise<Float64Array> {
    const row = this.row(index);
    let label = this.labelCache.get(index);
    if (label === undefined) {
      label = maskLabel(await loadImageFrom(this.loadImage, row.maskPath, 1, row.origin, 'mask file'));
      this.labelCache.set(index, label);
    }
    return Float64Array.of(label);
  }

  async get(index: number): Promise<SiimSample> {
    const row = this.row(index);
    const [image, mask] = await Promise.all([
      this.imageOf(row),
      loadImageFrom(this.loadImage, row.maskPath, 1, row.origin, 'mask file'),
    ]);
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new Error(`${row.origin}: mask "${row.maskPath}" is ${mask.width} × ${mask.height} but its image is ${image.width} × ${image.height}`);
    }
    const label = maskLabel(mask);
    this.labelCache.set(index, label);
    return { index, imagePath: row.imagePath, image, labels: Float64Array.of(label), maskPath: row.maskPath, mask };
  }
}

/** 1 when any mask value is > 0. */
export function maskLabel(mask: Image): 0 | 1 {
  return mask.data.some((v) => v > 0) ? 1 : 0;
}
