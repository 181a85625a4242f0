/**
 * NIH ChestX-ray14 in the layout of the MeDSLIP CXR14 test CSV (Shef-AIRE/MeDSLIP
 * `Sample_zero-shot_Classification_CXR14/data_sample/test.csv`): `img_path`, `Image Index`, `Finding Label`,
 * then 14 binary label columns.
 *
 * What the dataset is: 112,120 frontal chest X-rays of 30,805 NIH Clinical Center patients with 14 image-level
 * labels text-mined from the reports (Wang et al., "ChestX-ray8", CVPR 2017); download from the NIH Clinical
 * Center (nihcc.app.box.com/v/ChestXray-NIHCC). The official test split has 25,596 images.
 *
 * Deliberate differences from the reference:
 * - The 14 label columns are found **by name**. The reference takes `iloc[:, 2:]`, which includes the text
 *   column `Finding Label` and shifts every label by one. Accepted names: the reference headers
 *   ("pleural effusion", "lung mass", "pleural thicken"), the NIH names ("Effusion", "Mass",
 *   "Pleural_Thickening"), case-insensitive, `_` = space.
 * - A CSV without label columns but with NIH's `Finding Labels` (`Data_Entry_2017.csv`) is accepted: the
 *   labels come from that "A|B" string, and `Image Index` gives the file name when there is no `img_path`.
 * - `img_path` is resolved against `imageRoot` (default: the CSV's folder), not the working directory.
 */
import { dirname } from 'node:path';
import { observationIndex } from '../../vocabulary.ts';
import { readCsv, type CsvOptions, type CsvTable } from './csv.ts';
import {
  FileDataset, requireFileSync, resolveFrom,
  type ImageOptions, type LabeledSample,
} from './dataset.ts';

/** The 14 CXR14 classes, in the column order of the reference CSV (and its header spelling). */
export const CXR14_CLASSES = Object.freeze([
  'atelectasis', 'cardiomegaly', 'pleural effusion', 'infiltration', 'lung mass', 'lung nodule', 'pneumonia',
  'pneumothorax', 'consolidation', 'edema', 'emphysema', 'fibrosis', 'pleural thicken', 'hernia',
] as const);
export type Cxr14Class = (typeof CXR14_CLASSES)[number];

/** Other accepted header spellings of each class (NIH's `Finding Labels` names among them). */
const CXR14_ALIASES: Readonly<Record<Cxr14Class, readonly string[]>> = {
  'atelectasis': ['Atelectasis'],
  'cardiomegaly': ['Cardiomegaly'],
  'pleural effusion': ['Effusion'],
  'infiltration': ['Infiltration', 'Infiltrate'],
  'lung mass': ['Mass'],
  'lung nodule': ['Nodule'],
  'pneumonia': ['Pneumonia'],
  'pneumothorax': ['Pneumothorax'],
  'consolidation': ['Consolidation'],
  'edema': ['Edema'],
  'emphysema': ['Emphysema'],
  'fibrosis': ['Fibrosis'],
  'pleural thicken': ['Pleural_Thickening', 'Pleural Thickening'],
  'hernia': ['Hernia'],
};

/**
 * CXR14 class → MeDSLIP observation (index into OBSERVATIONS), for zero-shot classification: the score of a
 * class is P(present) of that observation's pathology query. From the reference CXR14 test script; fibrosis
 * has no observation of its own and maps to `tail_abnorm_obs`, pleural thickening to `thicken`.
 */
export const CXR14_OBSERVATION_INDEX: Readonly<Record<Cxr14Class, number>> = Object.freeze({
  'atelectasis': observationIndex('atelectasis'), // 12
  'cardiomegaly': observationIndex('cardiomegaly'), // 24
  'pleural effusion': observationIndex('effusion'), // 8
  'infiltration': observationIndex('infiltrate'), // 56
  'lung mass': observationIndex('mass'), // 54
  'lung nodule': observationIndex('nodule'), // 38
  'pneumonia': observationIndex('pneumonia'), // 20
  'pneumothorax': observationIndex('pneumothorax'), // 10
  'consolidation': observationIndex('consolidation'), // 14
  'edema': observationIndex('edema'), // 11
  'emphysema': observationIndex('emphysema'), // 52
  'fibrosis': observationIndex('tail_abnorm_obs'), // 73
  'pleural thicken': observationIndex('thicken'), // 43
  'hernia': observationIndex('hernia'), // 59
});

/** The observation indices of CXR14_CLASSES, in class order. */
export const CXR14_OBSERVATION_INDICES: readonly number[] = Object.freeze(CXR14_CLASSES.map((c) => CXR14_OBSERVATION_INDEX[c]));

export interface Cxr14Sample extends LabeledSample {
  /** `Image Index` (the NIH file name), or the file name of `img_path` when that column is absent. */
  imageIndex: string;
  /** NIH's finding string ("Effusion|Infiltration", "No Finding"), or "" when the CSV has none. */
  findings: string;
}

export interface Cxr14Options extends ImageOptions, CsvOptions {
  /** Folder that relative image paths start from; default: the CSV's folder. */
  imageRoot?: string;
}

interface Cxr14Row {
  line: number;
  imagePath: string;
  imageIndex: string;
  findings: string;
  labels: Float64Array;
  origin: string;
}

export class Cxr14Dataset extends FileDataset<Cxr14Row, Cxr14Sample> {
  readonly name = 'cxr14';
  readonly pathologies: readonly string[] = CXR14_CLASSES;

  private constructor(readonly csvPath: string, rows: Cxr14Row[], options: Cxr14Options) {
    super(rows, options);
  }

  /**
   * Reads a CXR14 CSV.
   * @example const test = await Cxr14Dataset.open('data/cxr14/test.csv', { imageRoot: 'data/cxr14' });
   * @throws Error naming the CSV, line and column for a missing column, a label that is not 0/1, an unknown
   *   finding name, or (with checkFiles) a missing image.
   */
  static async open(csvPath: string, options: Cxr14Options = {}): Promise<Cxr14Dataset> {
    const table = await readCsv(csvPath, options);
    const rows = parseCxr14(table, options.imageRoot ?? dirname(csvPath));
    if (options.checkFiles ?? true) for (const row of rows) requireFileSync(row.imagePath, row.origin);
    return new Cxr14Dataset(csvPath, rows, options);
  }

  async labelsOf(index: number): Promise<Float64Array> {
    return this.row(index).labels.slice();
  }

  async get(index: number): Promise<Cxr14Sample> {
    const row = this.row(index);
    const image = await this.imageOf(row);
    return {
      index, imagePath: row.imagePath, image, labels: row.labels.slice(), imageIndex: row.imageIndex, findings: row.findings,
    };
  }
}

function parseCxr14(table: CsvTable, imageRoot: string): Cxr14Row[] {
  const pathColumn = table.findColumn(['img_path', 'image_path', 'path']);
  const indexColumn = table.findColumn(['Image Index']);
  const findingsColumn = table.findColumn(['Finding Label', 'Finding Labels']);
  if (pathColumn < 0 && indexColumn < 0) table.requireColumn(['img_path', 'Image Index']);

  const labelColumns = CXR14_CLASSES.map((c) => table.findColumn([c, ...CXR14_ALIASES[c]]));
  const found = labelColumns.filter((c) => c >= 0).length;
  const fromFindings = found === 0 && findingsColumn >= 0;
  if (!fromFindings && found < CXR14_CLASSES.length) {
    const missing = CXR14_CLASSES.filter((_, k) => labelColumns[k] < 0);
    throw new Error(
      `${table.file} line 1: missing label column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}` +
        ` (expected the 14 CXR14 columns, or a "Finding Labels" column)`,
    );
  }
  const classOfFinding = new Map<string, number>();
  CXR14_CLASSES.forEach((c, k) => {
    for (const name of [c, ...CXR14_ALIASES[c]]) classOfFinding.set(normalizeFinding(name), k);
  });

  return table.rows.map((row) => {
    const pathCell = pathColumn >= 0 ? pathColumn : indexColumn;
    const relativePath = table.text(row, pathCell);
    const imagePath = resolveFrom(imageRoot, relativePath);
    const findings = findingsColumn >= 0 ? row.values[findingsColumn].trim() : '';
    const labels = new Float64Array(CXR14_CLASSES.length);
    if (fromFindings) {
      if (findings === '') throw table.cellError(row, findingsColumn, 'must not be empty (write "No Finding")');
      if (normalizeFinding(findings) !== 'no finding') {
        for (const finding of findings.split('|')) {
          const k = classOfFinding.get(normalizeFinding(finding));
          if (k === undefined) {
            throw table.cellError(row, findingsColumn, `has the unknown finding "${finding}"; expected NIH names such as "Effusion|Mass" or "No Finding"`);
          }
          labels[k] = 1;
        }
      }
    } else {
      labelColumns.forEach((column, k) => { labels[k] = table.binary(row, column); });
    }
    return {
      line: row.line,
      imagePath,
      imageIndex: indexColumn >= 0 ? row.values[indexColumn].trim() : relativePath.split(/[\\/]/).pop()!,
      findings,
      labels,
      origin: `${table.file} line ${row.line}: column "${table.header[pathCell]}"`,
    };
  });
}

function normalizeFinding(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, ' ');
}
