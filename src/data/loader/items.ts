/**
 * What one loaded sample becomes before collation: plain typed arrays only, so that a worker can hand it to the
 * main thread by transferring the buffers (no copy) and nothing in it needs a class instance.
 */
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../../vocabulary.ts';
import { PROTOCL_CANDIDATES } from '../datasets/protocl.ts';

/** A transformed image with image-level labels (CXR14, RSNA, SIIM, COVIDx). */
export interface ClassificationItem {
  kind: 'classification';
  /** Position in the dataset. */
  index: number;
  /** Float32 CHW, normalised; `imageShape` gives [C, H, W]. */
  image: Float32Array;
  imageShape: [number, number, number];
  /** One entry per pathology of the source: 1, 0, or NaN for unknown. */
  labels: Float32Array;
}

/** A transformed image with the pre-training targets of one epoch (see src/data/datasets/protocl.ts). */
export interface PretrainItem {
  kind: 'pretrain';
  index: number;
  image: Float32Array;
  imageShape: [number, number, number];
  /** (75,) in {1, 0, −1}. */
  labelPathology: Int8Array;
  /** (51,) in {1, 0, −1}. */
  labelAnatomy: Int8Array;
  /** (51 × 75) row-major, in {1, 0, −1}. */
  matrix: Int8Array;
  /** (75 × 8) landmark candidates per observation, −1 in slot 0 for a present observation. */
  indexPathology: Int32Array;
  /** (51 × 8) observation candidates per landmark. */
  indexAnatomy: Int32Array;
}

export type LoaderItem = ClassificationItem | PretrainItem;

/** Lengths of the fixed-size fields of a PretrainItem. */
export const PRETRAIN_FIELD_LENGTHS = Object.freeze({
  labelPathology: NUM_OBSERVATIONS,
  labelAnatomy: NUM_LANDMARKS,
  matrix: NUM_LANDMARKS * NUM_OBSERVATIONS,
  indexPathology: NUM_OBSERVATIONS * PROTOCL_CANDIDATES,
  indexAnatomy: NUM_LANDMARKS * PROTOCL_CANDIDATES,
});

/**
 * The buffers to transfer with `item`. A typed array that is a view into a larger buffer (a Node Buffer pool
 * slice, a subarray) would carry — and detach — memory that is not its own: such fields are replaced by copies
 * first, so the item stays valid and only its own bytes move.
 */
export function transferListOf(item: LoaderItem): ArrayBuffer[] {
  const record = item as unknown as Record<string, unknown>;
  const buffers: ArrayBuffer[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (!ArrayBuffer.isView(value)) continue;
    let view = value as ArrayBufferView & { slice(): ArrayBufferView };
    if (!(view.buffer instanceof ArrayBuffer) || view.byteOffset !== 0 || view.byteLength !== view.buffer.byteLength
      || buffers.includes(view.buffer)) {
      view = view.slice() as ArrayBufferView & { slice(): ArrayBufferView };
      record[key] = view;
    }
    buffers.push(view.buffer as ArrayBuffer);
  }
  return buffers;
}
