/**
 * Pre-training on a user's own data: a CSV with one image and its free-text report per row (columns `image`
 * and `report` by default), e.g.
 *
 *     image,report
 *     scans/0001.png,"Heart size is normal. Small left pleural effusion."
 *
 * Each report becomes a (51 × 75) anatomy × observation matrix through `labelReport` (the report labeller of
 * src/data/labels, or any function with its signature), and samples are then exactly those of the
 * pre-training dataset (pretrain.ts): matrix, existence labels and ProtoCL candidates per epoch.
 * Reports are labelled when a sample is read, not at open time, so opening a large CSV stays cheap.
 */
import { dirname } from 'node:path';
import { readCsv, type CsvOptions } from './csv.ts';
import { checkIndex, requireFileSync, resolveFrom } from './dataset.ts';
import { MatrixDataset, type PretrainOptions } from './pretrain.ts';
import { MATRIX_SIZE } from '../../vocabulary.ts';

/** Turns one report into a row-major (51 × 75) matrix of 1 / 0 / −1. */
export type ReportLabeller = (report: string) => Float64Array;

export interface ReportCsvOptions extends PretrainOptions, CsvOptions {
  labelReport: ReportLabeller;
  /** Column of the image paths; default "image". */
  imageColumn?: string;
  /** Column of the reports; default "report". */
  reportColumn?: string;
}

interface ReportRow {
  imagePath: string;
  report: string;
  origin: string;
  reportOrigin: string;
}

export class ReportCsvDataset extends MatrixDataset {
  readonly name = 'image-report-csv';
  readonly csvPath: string;
  private readonly rows: readonly ReportRow[];
  private readonly labelReport: ReportLabeller;

  private constructor(csvPath: string, rows: ReportRow[], options: ReportCsvOptions) {
    super(options);
    this.csvPath = csvPath;
    this.rows = rows;
    this.labelReport = options.labelReport;
  }

  /**
   * Reads an image/report CSV.
   * @example const data = await ReportCsvDataset.open('my-data/reports.csv', { labelReport, seed: 1 });
   * @throws TypeError without a `labelReport` function; Error naming the CSV, line and column for a missing
   *   column, an empty cell, or (with checkFiles) a missing image.
   */
  static async open(csvPath: string, options: ReportCsvOptions): Promise<ReportCsvDataset> {
    if (typeof options?.labelReport !== 'function') {
      throw new TypeError(`Expected a function (report: string) => Float64Array for labelReport but received ${typeof options?.labelReport}`);
    }
    const table = await readCsv(csvPath, options);
    const imageColumn = table.requireColumn([options.imageColumn ?? 'image']);
    const reportColumn = table.requireColumn([options.reportColumn ?? 'report']);
    const root = options.imageRoot ?? dirname(csvPath);
    const rows = table.rows.map((row) => ({
      imagePath: resolveFrom(root, table.text(row, imageColumn)),
      report: table.text(row, reportColumn),
      origin: `${table.file} line ${row.line}: column "${table.header[imageColumn]}"`,
      reportOrigin: `${table.file} line ${row.line}: column "${table.header[reportColumn]}"`,
    }));
    if (options.checkFiles ?? true) for (const row of rows) requireFileSync(row.imagePath, row.origin);
    return new ReportCsvDataset(csvPath, rows, options);
  }

  get length(): number {
    return this.rows.length;
  }

  /** The report text of sample `index`. */
  reportOf(index: number): string {
    checkIndex(index, this.rows.length, this.name);
    return this.rows[index].report;
  }

  protected async readMatrix(index: number): Promise<Float64Array> {
    const row = this.rows[index];
    const matrix = this.labelReport(row.report);
    if (!(matrix instanceof Float64Array) || matrix.length !== MATRIX_SIZE) {
      throw new Error(`${row.reportOrigin}: labelReport returned ${describe(matrix)}; expected a Float64Array of ${MATRIX_SIZE} (51 × 75) values`);
    }
    const bad = matrix.findIndex((v) => v !== 1 && v !== 0 && v !== -1);
    if (bad >= 0) throw new Error(`${row.reportOrigin}: labelReport returned ${matrix[bad]} at index ${bad}; expected -1, 0 or 1`);
    return matrix;
  }

  protected imageOf(index: number): { imagePath: string; origin: string } {
    return this.rows[index];
  }
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length} values`;
  return value === null ? 'null' : typeof value;
}
