/**
 * COVIDx list files (Wang, Lin & Wong, "COVID-Net", Sci. Rep. 2020; github.com/lindawangg/COVID-Net). The format
 * accepted here, one image per line, fields separated by spaces or tabs:
 *
 *     <patient id> <file name> <label> [<source>]
 *
 * - `label` is either binary — `positive` / `negative` (COVIDx 9 and later) — or three-class — `normal`,
 *   `pneumonia`, `COVID-19` (COVIDx 1–8), case-insensitive. One file must not mix the two vocabularies.
 * - `source` (e.g. `rsna`, `cohen`, `sirm`) is optional and kept as metadata.
 * - Blank lines and lines starting with `#` are skipped. Fields cannot contain spaces.
 * - Images live in `imageDir`; by default the folder named after the list file beside it (`train.txt` →
 *   `train/`, the COVIDx layout), or the list file's own folder when there is no such folder.
 *
 * Labels: binary files give `pathologies = ['COVID-19']`; three-class files give one-hot labels over
 * `['normal', 'pneumonia', 'COVID-19']`. With `labels: 'binary'` a three-class file is read as COVID-19
 * positive versus the rest.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import {
  FileDataset, requireFileSync, resolveFrom,
  type ImageOptions, type LabeledSample,
} from './dataset.ts';

export const COVIDX_BINARY_PATHOLOGIES = Object.freeze(['COVID-19'] as const);
export const COVIDX_THREE_CLASS_PATHOLOGIES = Object.freeze(['normal', 'pneumonia', 'COVID-19'] as const);

const BINARY_LABELS = new Map([['negative', 0], ['positive', 1]]);
const THREE_CLASS_LABELS = new Map([['normal', 0], ['pneumonia', 1], ['covid-19', 2]]);

export interface CovidxSample extends LabeledSample {
  patientId: string;
  /** The label as written in the list file. */
  label: string;
  /** The `source` field, or "" when absent. */
  source: string;
}

export interface CovidxOptions extends ImageOptions {
  /** Folder of the images; default: see the module comment. */
  imageDir?: string;
  /** 'auto' (default) follows the file's vocabulary; 'binary' reads three-class files as COVID-19 vs rest. */
  labels?: 'auto' | 'binary' | 'three-class';
}

interface CovidxRow {
  patientId: string;
  imagePath: string;
  label: string;
  source: string;
  labels: Float64Array;
  origin: string;
}

export class CovidxDataset extends FileDataset<CovidxRow, CovidxSample> {
  readonly name = 'covidx';
  private constructor(readonly listPath: string, readonly pathologies: readonly string[], rows: CovidxRow[], options: CovidxOptions) {
    super(rows, options);
  }

  /**
   * Reads a COVIDx list file.
   * @example const test = await CovidxDataset.open('covidx/test.txt'); // images in covidx/test/
   * @throws Error naming the file, line and field for a line with the wrong number of fields, an unknown
   *   label, mixed label vocabularies, or (with checkFiles) a missing image.
   */
  static async open(listPath: string, options: CovidxOptions = {}): Promise<CovidxDataset> {
    let text: string;
    try {
      text = await readFile(listPath, 'utf8');
    } catch (error) {
      throw new Error(`${listPath}: cannot read the COVIDx list file (${(error as Error).message})`);
    }
    const mode = options.labels ?? 'auto';
    if (!['auto', 'binary', 'three-class'].includes(mode)) {
      throw new RangeError(`Expected "auto", "binary" or "three-class" for labels but received ${mode}`);
    }
    const imageDir = options.imageDir === undefined ? defaultImageDir(listPath) : resolveFrom(dirname(listPath), options.imageDir);

    const parsed: { line: number; patientId: string; file: string; label: string; source: string; vocabulary: 'binary' | 'three-class' }[] = [];
    text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
      const line = i + 1;
      const content = raw.trim();
      if (content === '' || content.startsWith('#')) return;
      const fields = content.split(/[ \t]+/);
      if (fields.length !== 3 && fields.length !== 4) {
        throw new Error(`${listPath} line ${line}: expected 3 or 4 fields "<patient id> <file name> <label> [<source>]" but found ${fields.length}`);
      }
      const [patientId, file, label, source = ''] = fields;
      const key = label.toLowerCase();
      const vocabulary = BINARY_LABELS.has(key) ? 'binary' : THREE_CLASS_LABELS.has(key) ? 'three-class' : undefined;
      if (vocabulary === undefined) {
        throw new Error(`${listPath} line ${line}: field 3 (label) must be positive/negative or normal/pneumonia/COVID-19 but is "${label}"`);
      }
      if (parsed.length > 0 && parsed[0].vocabulary !== vocabulary) {
        throw new Error(
          `${listPath} line ${line}: field 3 (label) "${label}" is ${vocabulary} but line ${parsed[0].line} has the ${parsed[0].vocabulary} label "${parsed[0].label}"; one file must use one vocabulary`,
        );
      }
      parsed.push({ line, patientId, file, label, source, vocabulary });
    });
    const fileVocabulary = parsed[0]?.vocabulary ?? 'binary';
    if (mode === 'three-class' && fileVocabulary === 'binary' && parsed.length > 0) {
      throw new Error(`${listPath} line ${parsed[0].line}: labels "three-class" was asked for but the file uses positive/negative`);
    }
    const threeClass = fileVocabulary === 'three-class' && mode !== 'binary';
    const pathologies = threeClass ? COVIDX_THREE_CLASS_PATHOLOGIES : COVIDX_BINARY_PATHOLOGIES;

    const rows = parsed.map((p) => {
      const key = p.label.toLowerCase();
      let labels: Float64Array;
      if (threeClass) {
        labels = new Float64Array(3);
        labels[THREE_CLASS_LABELS.get(key)!] = 1;
      } else {
        labels = Float64Array.of(p.vocabulary === 'binary' ? BINARY_LABELS.get(key)! : key === 'covid-19' ? 1 : 0);
      }
      return {
        patientId: p.patientId,
        imagePath: join(imageDir, p.file),
        label: p.label,
        source: p.source,
        labels,
        origin: `${listPath} line ${p.line}: field 2 (file name)`,
      };
    });
    if (options.checkFiles ?? true) for (const row of rows) requireFileSync(row.imagePath, row.origin);
    return new CovidxDataset(listPath, pathologies, rows, options);
  }

  async labelsOf(index: number): Promise<Float64Array> {
    return this.row(index).labels.slice();
  }

  async get(index: number): Promise<CovidxSample> {
    const row = this.row(index);
    const image = await this.imageOf(row);
    return {
      index, imagePath: row.imagePath, image, labels: row.labels.slice(), patientId: row.patientId, label: row.label, source: row.source,
    };
  }
}

function defaultImageDir(listPath: string): string {
  const folder = join(dirname(listPath), basename(listPath, extname(listPath)));
  return existsSync(folder) && statSync(folder).isDirectory() ? resolveFrom('.', folder) : resolveFrom('.', dirname(listPath));
}
