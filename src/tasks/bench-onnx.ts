/**
 * The ONNX Runtime row of `medslip bench`: the benchmark's model exported (src/export) and run by
 * onnxruntime-node on the same input batch with the same thread count, median after warm-up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../util/stats.ts';
import type { Books, MeDSLIP } from '../models/medslip.ts';
import type * as torch from '../torch/index.ts';
import { exportMedslip, OnnxMedslip } from '../export/index.ts';

export interface OnnxBenchResult {
  inferMs: number;
  inferImagesPerSec: number;
  /** Export and session start, not part of inference. */
  exportSeconds: number;
}

export async function onnxInferenceBench(model: MeDSLIP, books: Books, images: torch.Tensor, options: { runs: number; threads: number; log: (line: string) => void }): Promise<OnnxBenchResult> {
  const [batch, , size] = images.shape;
  const dir = mkdtempSync(join(tmpdir(), 'medslip-bench-onnx-'));
  try {
    const started = performance.now();
    const { bytes } = exportMedslip(model, { pathology: books.pathology.toFloat32Array(), anatomy: books.anatomy.toFloat32Array(), metadata: { dim: books.pathology.shape[1] } }, { size });
    const file = join(dir, 'model.onnx');
    writeFileSync(file, bytes);
    const session = await OnnxMedslip.open(file, { threads: options.threads });
    const exportSeconds = (performance.now() - started) / 1000;
    const input = images.toFloat32Array();
    const times: number[] = [];
    try {
      for (let i = 0; i < options.runs + 1; i++) {
        const start = performance.now();
        await session.run(input, batch);
        const ms = performance.now() - start;
        if (i > 0) times.push(ms); // the first run allocates and plans: warm-up
        options.log(`ONNX Runtime inference ${i}: ${ms.toFixed(0)} ms`);
      }
    } finally {
      await session.release();
    }
    const inferMs = median(times);
    return { inferMs, inferImagesPerSec: (batch * 1000) / inferMs, exportSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
