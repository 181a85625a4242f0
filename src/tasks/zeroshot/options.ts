/** The options both zero-shot tasks take: the model, the label file, batching, prompts and input handling. */
import type { ImageLoader } from '../../data/datasets/index.ts';
import type { NormalizeOptions } from '../../data/transforms/index.ts';
import type { ProgressStream } from '../../viz/index.ts';
import type { TextEncoder } from './books.ts';
import type { ModelSource } from './model.ts';

export interface ZeroshotRunOptions extends ModelSource {
  /** The label file: CXR14/RSNA/SIIM CSV (SIIM: png_images/ and png_masks/ beside it), or the COVIDx list file. */
  csv: string;
  /** See OpenDatasetOptions.imageRoot in zeroshot/data.ts. */
  imageRoot?: string;
  /** Output folder; nothing is written without it. */
  out?: string;
  /** Images per forward pass (default 64, the reference's test batch). */
  batchSize?: number;
  /** Class name → description: use that prompt instead of the class's observation query. */
  prompts?: Readonly<Record<string, string>>;
  /** Texts → (N, E) vectors in the books' space; needed for prompts (and COVID-19, which has no observation). */
  encodeText?: TextEncoder;
  /** Consider only the first `limit` rows of the label file. */
  limit?: number;
  /**
   * Model input side (default: the size the checkpoint was trained at, else 224; another size than the trained one
   * is an error); grounding compares heatmaps and masks at this size.
   */
  size?: number;
  /** Histogram equalisation before resizing (default: true for RSNA, as the reference; false otherwise). */
  equalize?: boolean;
  normalize?: NormalizeOptions;
  loadImage?: ImageLoader;
  /** Progress bar: false for none, or a stream (default stderr). */
  progress?: boolean | ProgressStream;
  /** Where the results table is printed (default console.log; pass () => {} for silence). */
  log?: (text: string) => void;
}
