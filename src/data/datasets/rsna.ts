/**
 * RSNA Pneumonia Detection Challenge 2018 in the layout of the MeDSLIP RSNA test CSV (Shef-AIRE/MeDSLIP
 * `Sample_zero-Shot_Classification_RSNA/data_sample/test_example.csv`): `ID`, `img_path`, `boxes`, `classes`.
 * `boxes` is "x;y;w;h" in the original image's pixel coordinates, several boxes joined by "|", or "nan".
 *
 * What the dataset is: 26,684 chest X-rays (DICOM, 1024 × 1024) from NIH ChestX-ray14, relabelled by
 * radiologists of the RSNA and STR with pneumonia-like opacity boxes (Shih et al., Radiology: AI 2019); download
 * from the RSNA challenge page on Kaggle ("rsna-pneumonia-detection-challenge").
 *
 * Samples carry the boxes in original coordinates; `boxMask` rasterises them at any output size. The reference's
 * image pre-processing (histogram equalisation of the DICOM pixels) is a transform the caller applies.
 * Deliberate differences: `img_path` is resolved against `imageRoot` (default: the CSV's folder) rather than the
 * working directory, and a row whose `classes` and `boxes` disagree is an error rather than a crash later.
 */
import { dirname } from 'node:path';
import { readCsv, type CsvOptions, type CsvTable } from './csv.ts';
import {
  FileDataset, requireFileSync, resolveFrom,
  type ImageOptions, type LabeledSample,
} from './dataset.ts';
import { checkInteger } from '../../util/check.ts';
import { nearestSourceIndices } from '../../util/resample.ts';

/** A box in pixel coordinates of the original image: top-left corner, width, height. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const RSNA_PATHOLOGIES = Object.freeze(['pneumonia'] as const);

export interface RsnaSample extends LabeledSample {
  /** The RSNA patientId. */
  id: string;
  /** Pneumonia boxes in original pixel coordinates; empty for a negative image. */
  boxes: Box[];
}

export interface RsnaOptions extends ImageOptions, CsvOptions {
  /** Folder that relative image paths start from; default: the CSV's folder. */
  imageRoot?: string;
}

interface RsnaRow {
  id: string;
  imagePath: string;
  label: 0 | 1;
  boxes: Box[];
  origin: string;
}

export class RsnaDataset extends FileDataset<RsnaRow, RsnaSample> {
  readonly name = 'rsna-pneumonia';
  readonly pathologies: readonly string[] = RSNA_PATHOLOGIES;
  private constructor(readonly csvPath: string, rows: RsnaRow[], options: RsnaOptions) {
    super(rows, options);
  }

  /**
   * Reads an RSNA CSV.
   * @example const rsna = await RsnaDataset.open('rsna/test.csv'); const { image, boxes } = await rsna.get(0);
   * @throws Error naming the CSV, line and column for a missing column, a malformed box, `classes` not 0/1,
   *   a positive row without boxes (or a negative with boxes), or (with checkFiles) a missing image.
   */
  static async open(csvPath: string, options: RsnaOptions = {}): Promise<RsnaDataset> {
    const table = await readCsv(csvPath, options);
    const rows = parseRsna(table, options.imageRoot ?? dirname(csvPath));
    if (options.checkFiles ?? true) for (const row of rows) requireFileSync(row.imagePath, row.origin);
    return new RsnaDataset(csvPath, rows, options);
  }

  async labelsOf(index: number): Promise<Float64Array> {
    return Float64Array.of(this.row(index).label);
  }

  /** Boxes of one sample without decoding its image. */
  boxesOf(index: number): Box[] {
    return this.row(index).boxes.map((b) => ({ ...b }));
  }

  async get(index: number): Promise<RsnaSample> {
    const row = this.row(index);
    const image = await this.imageOf(row);
    return {
      index, imagePath: row.imagePath, image, labels: Float64Array.of(row.label), id: row.id,
      boxes: row.boxes.map((b) => ({ ...b })),
    };
  }
}

function parseRsna(table: CsvTable, imageRoot: string): RsnaRow[] {
  const idColumn = table.requireColumn(['ID', 'patientId']);
  const pathColumn = table.requireColumn(['img_path', 'image_path']);
  const boxesColumn = table.requireColumn(['boxes']);
  const classColumn = table.requireColumn(['classes', 'Target']);
  return table.rows.map((row) => {
    const label = table.binary(row, classColumn);
    const cell = row.values[boxesColumn].trim();
    const boxes: Box[] = [];
    if (cell !== '' && cell.toLowerCase() !== 'nan') {
      for (const part of cell.split('|')) {
        const numbers = part.split(';').map((s) => s.trim());
        const values = numbers.map(Number);
        if (numbers.length !== 4 || numbers.some((s) => s === '') || values.some((v) => !Number.isFinite(v))) {
          throw table.cellError(row, boxesColumn, `must hold boxes "x;y;w;h" joined by "|" (or "nan") but has "${part}"`);
        }
        const [x, y, w, h] = values;
        if (w < 0 || h < 0) throw table.cellError(row, boxesColumn, `has a box with negative width or height: "${part}"`);
        boxes.push({ x, y, w, h });
      }
    }
    if (label === 1 && boxes.length === 0) throw table.cellError(row, boxesColumn, 'must hold at least one box when "classes" is 1 but is empty');
    if (label === 0 && boxes.length > 0) throw table.cellError(row, boxesColumn, 'must be "nan" when "classes" is 0');
    const relativePath = table.text(row, pathColumn);
    return {
      id: table.text(row, idColumn),
      imagePath: resolveFrom(imageRoot, relativePath),
      label,
      boxes,
      origin: `${table.file} line ${row.line}: column "${table.header[pathColumn]}"`,
    };
  });
}

/**
 * Rasterises boxes into a 0/1 mask of `outWidth × outHeight` (row-major), as the reference builds its
 * segmentation target: each box fills rows int(y)…int(y)+int(h)−1 and columns int(x)…int(x)+int(w)−1 of an
 * `originalWidth × originalHeight` grid (int() truncates toward zero), which is then resized with PyTorch's
 * nearest rule (source index floor(i · in/out) in float32, clamped to in − 1).
 * Deliberate difference: the reference's grid is always 1024 × 1024 and a negative corner would wrap around
 * (NumPy slicing); here the grid is the given original size and boxes are clipped to it.
 * @example const mask = boxMask(sample.boxes, 1024, 1024, 224, 224); // Uint8Array(224 * 224)
 * @throws TypeError / RangeError for sizes that are not positive integers.
 */
export function boxMask(
  boxes: readonly Box[],
  originalWidth: number,
  originalHeight: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  for (const [name, value] of [['originalWidth', originalWidth], ['originalHeight', originalHeight], ['outWidth', outWidth], ['outHeight', outHeight]] as const) {
    checkInteger(name, value, 1, 65536);
  }
  // Fill in original coordinates, as one row-span per box row (the grid itself is never materialised).
  const covered = new Uint8Array(originalWidth * originalHeight);
  for (const box of boxes) {
    const x0 = Math.min(originalWidth, Math.max(0, Math.trunc(box.x)));
    const y0 = Math.max(0, Math.trunc(box.y));
    const x1 = Math.min(originalWidth, Math.trunc(box.x) + Math.trunc(box.w));
    const y1 = Math.min(originalHeight, Math.trunc(box.y) + Math.trunc(box.h));
    for (let y = y0; y < y1; y++) covered.fill(1, y * originalWidth + x0, y * originalWidth + Math.max(x0, x1));
  }
  const sourceColumns = nearestSourceIndices(originalWidth, outWidth);
  const sourceRows = nearestSourceIndices(originalHeight, outHeight);
  const mask = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const rowStart = sourceRows[y] * originalWidth;
    for (let x = 0; x < outWidth; x++) mask[y * outWidth + x] = covered[rowStart + sourceColumns[x]];
  }
  return mask;
}
