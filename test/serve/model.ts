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
  const model = new MeDSLIP({ backbone: 'resnet18', dModel: options.dModel, heads: 4, layers: options.layers, init: 'pytorch' });
  // Random weights attend almost uniformly (each heatmap's minimum ≈ 0.9 × its maximum); larger query projections
  // sharpen the cross-attention, so that findings get distinct heatmaps that a threshold can cut, as trained ones.
  torch.noGrad(() => torch.scope(() => {
    for (const decoder of [model.decoderPathology, model.decoderAnatomy]) {
      for (const layer of decoder.layers.items) layer.crossAttn.inProjWeight.narrow(0, 0, options.dModel).mul_(8);
    }
  }));
  const checkpoint = join(dir, 'best'), books = join(dir, 'books.safetensors'), modelFile = join(dir, 'model.onnx');
  saveCheckpoint(checkpoint, { model, modelConfig: model.config });
  model.dispose();
  saveBooks(books, encodeBooks());
  await runExport({ checkpoint, books, out: modelFile, size: options.size, verify: false });
  return { checkpoint, books, modelFile };
}
