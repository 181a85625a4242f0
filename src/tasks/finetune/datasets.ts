/**
 * Opening the fine-tuning datasets by kind, and the seeded training subset of the 1 % / 10 % / 100 % protocol.
 */
import { Cxr14Dataset } from '../../data/datasets/cxr14.ts';
import { RsnaDataset } from '../../data/datasets/rsna.ts';
import { SiimDataset } from '../../data/datasets/siim.ts';
import { CovidxDataset } from '../../data/datasets/covidx.ts';
import { subsetFraction } from '../../data/datasets/split.ts';
import type { ImageLoader, LabeledDataset } from '../../data/datasets/dataset.ts';
import { CLASSIFICATION_DATASETS, type ClassificationDatasetKind, type FinetunePercent } from './table.ts';

export { CLASSIFICATION_DATASETS, type ClassificationDatasetKind };

/**
 * Opens `path` as a dataset of the given kind (images decoded to RGB, as the reference does).
 * @throws RangeError for an unknown kind; the dataset's own Error (naming file, line and column) for bad files.
 */
export async function openClassificationDataset(kind: ClassificationDatasetKind, path: string, loadImage?: ImageLoader): Promise<LabeledDataset> {
  const options = { channels: 3 as const, loadImage };
  switch (kind) {
    case 'cxr14': return Cxr14Dataset.open(path, options);
    case 'rsna': return RsnaDataset.open(path, options);
    case 'siim': return SiimDataset.open(path, options);
    case 'covidx': return CovidxDataset.open(path, options);
    default: throw new RangeError(`Expected one of ${CLASSIFICATION_DATASETS.join(', ')} for dataset but received ${String(kind)}`);
  }
}

/**
 * Sorted indices of the training subset: `percent` % of `dataset`, drawn with `seed`. With one pathology the
 * draw is stratified by its label, so that small subsets keep positives (this reads every training label: for
 * SIIM that decodes every mask once). Multi-label datasets are drawn unstratified, as the reference does.
 */
export async function trainingSubset(dataset: LabeledDataset, percent: FinetunePercent, seed: number): Promise<number[]> {
  if (percent === 100) return Array.from({ length: dataset.length }, (_, i) => i);
  if (dataset.pathologies.length !== 1) return subsetFraction(dataset.length, percent / 100, seed);
  const strata: string[] = [];
  for (let i = 0; i < dataset.length; i++) strata.push(String((await dataset.labelsOf(i))[0]));
  return subsetFraction(dataset.length, percent / 100, seed, { strata });
}
