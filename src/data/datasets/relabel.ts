/**
 * Aligns a dataset's label vectors to another list of pathologies (after torchxrayvision's `relabel_dataset`),
 * so that datasets with different label sets can be evaluated, or merged, against one list: columns are
 * reordered, columns not asked for are dropped, and pathologies the dataset does not have are filled with NaN —
 * the dataset contract's "unknown", which metrics and losses must skip.
 *
 * Names match exactly, or else ignoring case, blanks and the difference between `_` and a space.
 */
import type { LabeledDataset, LabeledSample } from './dataset.ts';
import { isArray } from '../../util/check.ts';

export class RelabeledDataset<S extends LabeledSample> implements LabeledDataset<S> {
  readonly pathologies: readonly string[];
  /** The requested pathologies the source does not have (their labels are NaN). */
  readonly missing: readonly string[];
  /** For each requested pathology, its column in the source, or −1. */
  readonly sourceColumns: readonly number[];

  constructor(readonly source: LabeledDataset<S>, pathologies: readonly string[]) {
    if (!isArray(pathologies) || pathologies.some((p) => typeof p !== 'string')) {
      throw new TypeError('Expected an array of pathology names for pathologies');
    }
    const seen = new Set<string>();
    for (const name of pathologies) {
      if (seen.has(name)) throw new RangeError(`Pathology "${name}" appears twice in the requested list`);
      seen.add(name);
    }
    this.pathologies = Object.freeze(pathologies.slice());
    this.sourceColumns = Object.freeze(pathologies.map((name) => findPathology(source.pathologies, name)));
    this.missing = Object.freeze(pathologies.filter((_, k) => this.sourceColumns[k] < 0));
  }

  get name(): string {
    return this.source.name;
  }

  get length(): number {
    return this.source.length;
  }

  async labelsOf(index: number): Promise<Float64Array> {
    return this.map(await this.source.labelsOf(index));
  }

  async get(index: number): Promise<S> {
    const sample = await this.source.get(index);
    return { ...sample, labels: this.map(sample.labels) };
  }

  private map(labels: Float64Array): Float64Array {
    return Float64Array.from(this.sourceColumns, (column) => (column < 0 ? Number.NaN : labels[column]));
  }
}

/**
 * A view of `dataset` whose labels follow `pathologies`; see the module comment.
 * @example const rsnaAsCxr14 = relabel(rsna, CXR14_CLASSES); // 'pneumonia' kept, the other 13 NaN
 * @throws TypeError for a non-array, RangeError for a name listed twice.
 */
export function relabel<S extends LabeledSample>(dataset: LabeledDataset<S>, pathologies: readonly string[]): RelabeledDataset<S> {
  return new RelabeledDataset(dataset, pathologies);
}

function findPathology(available: readonly string[], name: string): number {
  const exact = available.indexOf(name);
  if (exact >= 0) return exact;
  const key = normalize(name);
  return available.findIndex((p) => normalize(p) === key);
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, ' ');
}
