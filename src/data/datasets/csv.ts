/**
 * CSV tables for the dataset readers: RFC 4180 parsing (quoted fields, CRLF, a UTF-8 BOM) by the maintained
 * `csv-parse` package, plus the bookkeeping every reader needs to report bad input precisely — the 1-based line
 * on which each record starts and the header name of each column. Error messages have one shape:
 * `labels.csv line 17: column "Cardiomegaly" must be 0 or 1 but is "x"`.
 */
import { readFile } from 'node:fs/promises';
import { parse, CsvError } from 'csv-parse/sync';

/** One data record and the line of the file on which it starts (1-based; the header is line 1 of a plain file). */
export interface CsvRow {
  readonly line: number;
  readonly values: readonly string[];
}

/** Column names are matched ignoring case, surrounding blanks and the difference between `_` and a space. */
export function normalizeColumnName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, ' ');
}

export class CsvTable {
  /** `file` is the path (or name) used in every error message. */
  constructor(
    readonly file: string,
    readonly header: readonly string[],
    readonly rows: readonly CsvRow[],
  ) {}

  /** Index of the first column whose normalised name is one of `names`, or −1. */
  findColumn(names: readonly string[]): number {
    const wanted = new Set(names.map(normalizeColumnName));
    return this.header.findIndex((h) => wanted.has(normalizeColumnName(h)));
  }

  /**
   * Index of a required column, accepting any of `names` (the first is the one quoted in the error).
   * @throws Error naming the file and listing the header when no such column exists.
   */
  requireColumn(names: readonly string[]): number {
    const index = this.findColumn(names);
    if (index < 0) {
      const also = names.length > 1 ? ` (or ${names.slice(1).map((n) => `"${n}"`).join(', ')})` : '';
      throw new Error(
        `${this.file} line 1: missing column "${names[0]}"${also}; the header has ${this.header.map((h) => `"${h}"`).join(', ')}`,
      );
    }
    return index;
  }

  /** An Error for a bad cell: `<file> line <n>: column "<name>" <problem>`. */
  cellError(row: CsvRow, column: number, problem: string): Error {
    return new Error(`${this.file} line ${row.line}: column "${this.header[column]}" ${problem}`);
  }

  /** A non-empty cell (after trimming). */
  text(row: CsvRow, column: number): string {
    const value = row.values[column].trim();
    if (value === '') throw this.cellError(row, column, 'must not be empty');
    return value;
  }

  /** A 0/1 cell ("0", "1", and the float spellings "0.0", "1.0" that pandas writes). */
  binary(row: CsvRow, column: number): 0 | 1 {
    const value = row.values[column].trim();
    if (value === '0' || value === '0.0') return 0;
    if (value === '1' || value === '1.0') return 1;
    throw this.cellError(row, column, `must be 0 or 1 but is "${row.values[column]}"`);
  }
}

export interface CsvOptions {
  /** Field separator; default ",". */
  delimiter?: string;
}

/**
 * Parses CSV text whose first record is the header. Empty lines are skipped; every record must have as many
 * fields as the header.
 * @example
 * const table = parseCsv('img_path,hernia\nimages/a.png,1\n', 'labels.csv');
 * const hernia = table.requireColumn(['hernia', 'Hernia']);
 * table.binary(table.rows[0], hernia); // 1; "x" would throw 'labels.csv line 2: column "hernia" must be 0 or 1 but is "x"'
 * @throws Error naming `file` and the line for malformed quoting, a short or long record, or an empty file.
 */
export function parseCsv(text: string | Buffer, file: string, options: CsvOptions = {}): CsvTable {
  // A Buffer makes csv-parse's `info.bytes` a byte offset into `bytes`, from which start lines are counted.
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(bytes, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      // Both endings, even mixed in one file (files edited on different systems).
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      delimiter: options.delimiter ?? ',',
    }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? ` line ${error.lines}` : '';
      throw new Error(`${file}${line}: ${error.message}`);
    }
    throw error;
  }
  if (records.length === 0) throw new Error(`${file}: the file is empty; expected a header line`);

  // Line of each record's first character: newlines before its start offset, skipping the blank lines
  // csv-parse passed over. Counted incrementally, so the whole pass is linear in the file size.
  const startLines: number[] = [];
  let offset = 0;
  let line = 1;
  for (const { info } of records) {
    while (offset < bytes.length && (bytes[offset] === 0x0a || bytes[offset] === 0x0d)) {
      if (bytes[offset] === 0x0a) line++;
      offset++;
    }
    startLines.push(line);
    for (; offset < info.bytes; offset++) if (bytes[offset] === 0x0a) line++;
  }

  const header = records[0].record;
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const key = normalizeColumnName(name);
    if (key !== '' && seen.has(key)) {
      throw new Error(`${file} line ${startLines[0]}: column "${name}" appears twice (columns ${seen.get(key)! + 1} and ${i + 1})`);
    }
    seen.set(key, i);
  });
  const rows: CsvRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const values = records[r].record;
    if (values.length !== header.length) {
      throw new Error(
        `${file} line ${startLines[r]}: expected ${header.length} fields as in the header but found ${values.length}`,
      );
    }
    rows.push({ line: startLines[r], values });
  }
  return new CsvTable(file, header, rows);
}

/**
 * Reads and parses a CSV file; see {@link parseCsv}.
 * @example const table = await readCsv('data/cxr14/test.csv'); table.rows.length; // 25596
 * @throws Error naming the file when it cannot be read, and parseCsv's errors.
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the CSV file (${(error as Error).message})`);
  }
  return parseCsv(bytes, path, options);
}
