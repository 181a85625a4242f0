/**
 * Collation: the items of one batch → tensors, in the main thread. The tensors are created outside any
 * `torch.scope` (the loop awaits between batches), so they belong to the caller: dispose them with
 * `disposeBatch` once the step is done, or a long run holds every batch's native memory until GC.
 */
import * as torch from '../../torch/index.ts';
import type { PretrainBatch } from '../../models/medslip.ts';
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../../vocabulary.ts';
import { PROTOCL_CANDIDATES } from '../datasets/protocl.ts';
import type { ClassificationItem, LoaderItem, PretrainItem } from './items.ts';

/** A batch of a classification source. */
export interface ClassificationBatch {
  /** (B, 3, H, W) float32, normalised. */
  images: torch.Tensor;
  /** (B, C) float32: 1 present, 0 absent, NaN unknown. */
  labels: torch.Tensor;
  /** The dataset position of each row. */
  positions: number[];
}

/** A pre-training batch as `MeDSLIP.losses` takes it, plus the dataset position of each row. */
export interface PretrainLoaderBatch extends PretrainBatch {
  positions: number[];
}

/**
 * Pre-training items → images (B,3,H,W) float32; labelPathology (B,75), labelAnatomy (B,51), matrix (B,51,75),
 * indexPathology (B,75,8) and indexAnatomy (B,51,8), all int64 (the dtypes of the reference's default
 * collation, which the model's losses expect).
 * @example
 *   const loader = await BatchLoader.open({ source: { kind: 'pretrain', args: { jsonPath, npyPath } },
 *     transform: { kind: 'train' }, collate: collatePretrain, batchSize: 64, workers: 2 });
 *   for await (const batch of loader.epoch(0)) { const { loss } = model.losses(batch, books); … disposeBatch(batch); }
 * @throws TypeError for an empty batch or items that are not pre-training items of one image size.
 */
export function collatePretrain(items: PretrainItem[]): PretrainLoaderBatch {
  const imageShape = checkItems(items, 'pretrain');
  const b = items.length;
  return build((make) => ({
    images: make(concat(items.map((item) => item.image), Float32Array), [b, ...imageShape]),
    labelPathology: make(concat(items.map((item) => item.labelPathology), Int8Array), [b, NUM_OBSERVATIONS], 'int64'),
    labelAnatomy: make(concat(items.map((item) => item.labelAnatomy), Int8Array), [b, NUM_LANDMARKS], 'int64'),
    matrix: make(concat(items.map((item) => item.matrix), Int8Array), [b, NUM_LANDMARKS, NUM_OBSERVATIONS], 'int64'),
    indexPathology: make(concat(items.map((item) => item.indexPathology), Int32Array), [b, NUM_OBSERVATIONS, PROTOCL_CANDIDATES], 'int64'),
    indexAnatomy: make(concat(items.map((item) => item.indexAnatomy), Int32Array), [b, NUM_LANDMARKS, PROTOCL_CANDIDATES], 'int64'),
    positions: items.map((item) => item.index),
  }));
}

/**
 * Classification items → images (B,3,H,W) float32 and labels (B,C) float32 with NaN for unknown.
 * @example
 *   const loader = await BatchLoader.open({ source: { kind: 'cxr14', args: { csvPath: 'cxr14/test.csv' } },
 *     transform: { kind: 'test', size: 224 }, collate: collateClassification, batchSize: 32, shuffle: false });
 * @throws TypeError for an empty batch, items that are not classification items, or mixed sizes.
 */
export function collateClassification(items: ClassificationItem[]): ClassificationBatch {
  const imageShape = checkItems(items, 'classification');
  const classes = items[0].labels.length;
  if (items.some((item) => item.labels.length !== classes)) throw new TypeError('Expected the same number of labels in every item of a batch');
  const b = items.length;
  return build((make) => ({
    images: make(concat(items.map((item) => item.image), Float32Array), [b, ...imageShape]),
    labels: make(concat(items.map((item) => item.labels), Float32Array), [b, classes]),
    positions: items.map((item) => item.index),
  }));
}

/**
 * Disposes every tensor of a batch (its top-level fields).
 * @example for await (const batch of loader.epoch(e)) { try { step(batch); } finally { disposeBatch(batch); } }
 */
export function disposeBatch(batch: object): void {
  for (const value of Object.values(batch)) if (value instanceof torch.Tensor) value.dispose();
}

type Make = (data: ArrayBufferView, shape: number[], dtype?: torch.DType) => torch.Tensor;

// Builds a batch; if one tensor cannot be made, those made before it are released.
function build<T>(fill: (make: Make) => T): T {
  const made: torch.Tensor[] = [];
  try {
    return fill((data, shape, dtype) => {
      const tensor = torch.fromTypedArray(data, shape, dtype === undefined ? {} : { dtype });
      made.push(tensor);
      return tensor;
    });
  } catch (error) {
    for (const tensor of made) tensor.dispose();
    throw error;
  }
}

type ArrayConstructor<A> = { new (length: number): A };

function concat<A extends Float32Array | Int8Array | Int32Array>(parts: A[], Type: ArrayConstructor<A>): A {
  const out = new Type(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function checkItems(items: LoaderItem[], kind: LoaderItem['kind']): [number, number, number] {
  if (!Array.isArray(items) || items.length === 0) throw new TypeError('Expected a non-empty array of loader items to collate');
  const wrong = items.find((item) => item?.kind !== kind);
  if (wrong !== undefined) {
    throw new TypeError(`Expected ${kind} items but received a ${wrong?.kind} item (use the collate function of the source's kind)`);
  }
  const shape = items[0].imageShape;
  const mismatch = items.find((item) => item.imageShape.some((d, k) => d !== shape[k]));
  if (mismatch !== undefined) {
    throw new TypeError(`Expected images of one size in a batch but item ${mismatch.index} is ${mismatch.imageShape.join('×')} and item ${items[0].index} is ${shape.join('×')}`);
  }
  return [...shape];
}
