/**
 * Small on-disk datasets for the loader tests, in a temp folder: eight real NIH images (256 × 256 PNG) in the
 * CXR14 layout and in the pre-training layout (split JSON + (N, 51, 75) matrix .npy), and the same CSV with a
 * truncated PNG at one row.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../src/io/npy.ts';
import { Random } from '../../../src/util/random.ts';
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../../../src/vocabulary.ts';
import { dataDir } from '../../helpers.ts';

export const SAMPLE_COUNT = 8;
/** Row of the corrupt image in `corruptCsv`. */
export const CORRUPT_POSITION = 5;

export interface LoaderFixture {
  dir: string;
  imagePaths: string[];
  /** CXR14 layout, SAMPLE_COUNT rows. */
  csvPath: string;
  /** The same rows, but row CORRUPT_POSITION names a truncated PNG. */
  corruptCsv: string;
  corruptImage: string;
  /** Pre-training split JSON and its matrices. */
  jsonPath: string;
  npyPath: string;
  remove(): void;
}

const CLASSES = ['atelectasis', 'cardiomegaly', 'pleural effusion', 'infiltration', 'lung mass', 'lung nodule', 'pneumonia',
  'pneumothorax', 'consolidation', 'edema', 'emphysema', 'fibrosis', 'pleural thicken', 'hernia'];

export function makeLoaderFixture(): LoaderFixture {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-loader-'));
  const source = join(dataDir, 'nih-cxr14-sample', 'images');
  const names = readdirSync(source).sort().slice(0, SAMPLE_COUNT);
  const imagePaths = names.map((name) => {
    const path = join(dir, name);
    copyFileSync(join(source, name), path);
    return path;
  });
  const corruptImage = join(dir, 'truncated.png');
  writeFileSync(corruptImage, readFileSync(imagePaths[0]).subarray(0, 200));

  const header = `img_path,Image Index,Finding Label,${CLASSES.join(',')}`;
  const row = (path: string, k: number): string => {
    const labels = CLASSES.map((_, c) => ((k + c) % 3 === 0 ? 1 : 0));
    return `${path},${names[k]},x,${labels.join(',')}`;
  };
  const csvPath = join(dir, 'labels.csv');
  writeFileSync(csvPath, [header, ...imagePaths.map(row)].join('\n') + '\n');
  const corruptCsv = join(dir, 'corrupt.csv');
  writeFileSync(corruptCsv, [header, ...imagePaths.map((path, k) => row(k === CORRUPT_POSITION ? corruptImage : path, k))].join('\n') + '\n');

  // Matrices mostly unknown, with some present / absent entries, as reports give them.
  const random = new Random(7);
  const matrices = new Float64Array(SAMPLE_COUNT * NUM_LANDMARKS * NUM_OBSERVATIONS).map(() => {
    const u = random.next();
    return u < 0.02 ? 1 : u < 0.06 ? 0 : -1;
  });
  const npyPath = join(dir, 'matrices.npy');
  writeNpy(npyPath, { dtype: 'float64', shape: [SAMPLE_COUNT, NUM_LANDMARKS, NUM_OBSERVATIONS], data: matrices });
  const jsonPath = join(dir, 'train.json');
  // Rows in reverse, so that a loader confusing sample position and matrix row would be caught.
  writeFileSync(jsonPath, JSON.stringify(Object.fromEntries(names.map((name, k) => [name, { labels_id: SAMPLE_COUNT - 1 - k }]))));

  return { dir, imagePaths, csvPath, corruptCsv, corruptImage, jsonPath, npyPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
