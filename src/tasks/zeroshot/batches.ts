/**
 * The evaluation loop shared by the zero-shot tasks: samples are decoded (asynchronously, one batch ahead of the
 * model) and each batch runs under inference mode inside a tensor scope, so native memory is released batch by
 * batch and a run over a large test set holds steady memory.
 */
import * as torch from '../../torch/index.ts';
import type { Dataset } from '../../data/datasets/index.ts';
import { progressBar, type ProgressStream } from '../../viz/index.ts';
import { checkInteger } from '../../util/check.ts';

export interface ProgressSetting {
  /** false: no progress output; a stream: write there (default process.stderr). */
  progress?: boolean | ProgressStream;
}

export interface BatchLoopOptions<S, P> extends ProgressSetting {
  dataset: Dataset<S>;
  /** Dataset indices to run, in order. */
  indices: readonly number[];
  batchSize: number;
  /** Turns a decoded sample into what the model step needs (runs before the batch's tensors exist). */
  prepare: (sample: S) => P;
  /** One batch: create tensors, run the model, copy results out to JS. Tensors made here are freed after it. */
  step: (items: P[]) => void;
  label: string;
}

/** Validates a batch size. */
export function checkBatchSize(batchSize: number): number {
  return checkInteger('batchSize', batchSize, 1, 4096);
}

/** Runs every batch; returns the seconds spent. */
export async function runBatches<S, P>(options: BatchLoopOptions<S, P>): Promise<number> {
  const { dataset, indices, batchSize, prepare, step } = options;
  checkBatchSize(batchSize);
  const started = performance.now();
  if (indices.length === 0) return 0;
  const setting = options.progress ?? true;
  const bar = progressBar({
    total: indices.length, label: options.label, silent: setting === false,
    stream: typeof setting === 'object' ? setting : process.stderr,
  });
  const load = (start: number): Promise<P[]> =>
    Promise.all(indices.slice(start, start + batchSize).map(async (i) => prepare(await dataset.get(i))));
  try {
    let next = load(0);
    for (let start = 0; start < indices.length; start += batchSize) {
      const items = await next;
      // Decode the next batch while this one runs; its failure surfaces when it is awaited.
      next = start + batchSize < indices.length ? load(start + batchSize) : Promise.resolve([]);
      next.catch(() => {});
      torch.inferenceMode(() => torch.scope(() => step(items)));
      bar.update(Math.min(start + batchSize, indices.length));
    }
  } finally {
    bar.stop();
  }
  return (performance.now() - started) / 1000;
}

/** Stacks equally long CHW inputs into one (B, 3, size, size) tensor on `device`. */
export function stackInputs(inputs: readonly Float32Array[], size: number, device: torch.Device): torch.Tensor {
  const plane = 3 * size * size;
  const data = new Float32Array(inputs.length * plane);
  inputs.forEach((input, b) => data.set(input, b * plane));
  return torch.fromTypedArray(data, [inputs.length, 3, size, size], { device });
}
