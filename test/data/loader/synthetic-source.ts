/** A `module` source for loader.test.ts: noise images made from the sample index, no files. */
import { imagePipeline, type SourceModuleOpener } from '../../../src/data/loader/sources.ts';
import type { ClassificationItem } from '../../../src/data/loader/items.ts';
import { Random } from '../../../src/util/random.ts';

/** Loads started in this thread, for the prefetch test. */
export const startedLoads: number[] = [];

export const openSource: SourceModuleOpener = (options, { transform, seed }) => {
  const { length, side } = options as { length: number; side: number };
  const pipeline = imagePipeline(transform, seed);
  return {
    name: 'synthetic-noise',
    pathologies: ['odd'],
    length,
    load: async (index: number, epoch: number): Promise<ClassificationItem> => {
      startedLoads.push(index);
      const random = new Random(index);
      const data = Uint8Array.from({ length: side * side }, () => random.int(0, 255));
      const image = { data, width: side, height: side, channels: 1 as const, bitDepth: 8 as const };
      return { kind: 'classification', index, ...pipeline(image, epoch, index), labels: Float32Array.of(index % 2) };
    },
  };
};

/** Not an opener. */
export const notAnOpener = 42;
