/** A small MeDSLIP with random weights, saved as a checkpoint + books and exported to ONNX, for the serve tests. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { MeDSLIP } from '../../src/models/medslip.ts';
import { saveCheckpoint } from '../../src/io/checkpoint.ts';
import { encodeBooks, saveBooks } from '../../src/text/encode-books.ts';
import { runExport } from '../../src/tasks/export.ts';

export async function makeServedModel(dir: string, options: { size: number; dModel: number; layers: number; seed?: number }): Promise<{
  checkpoint: string; books: string; modelFile: string;
}> {
  mkdirSync(dir, { recursive: true });
  torch.manualSeed(options.seed ?? 2);
  // 'pytorch' init: sharper attention than the reference init, so heatmaps differ between findings
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: options.dModel, heads: 4, layers: options.layers, init: 'pytorch' });
  const checkpoint = join(dir, 'best'), books = join(dir, 'books.safetensors'), modelFile = join(dir, 'model.onnx');
  saveCheckpoint(checkpoint, { model, modelConfig: model.config });
  model.dispose();
  saveBooks(books, encodeBooks());
  await runExport({ checkpoint, books, out: modelFile, size: options.size, verify: false });
  return { checkpoint, books, modelFile };
}
