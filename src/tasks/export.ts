/**
 * `medslip export`: a checkpoint and its books → one ONNX file (image encoder, both streams, both decoders, the
 * books as constants), written atomically; then, unless told not to, the file is checked by running it in ONNX
 * Runtime beside the libtorch model on a synthetic radiograph and reporting the largest differences.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as torch from '../torch/index.ts';
import { loadMedslip } from '../models/load.ts';
import { MeDSLIP } from '../models/medslip.ts';
import { readBooks } from '../text/encode-books.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { prepareOutputFolder } from '../io/output-folder.ts';
import { testTransform } from '../data/transforms/index.ts';
import { generateSample } from '../synth/dataset.ts';
import { exportMedslip, OnnxMedslip, type OnnxModelMetadata } from '../export/index.ts';
import { checkInputSize } from './zeroshot/data.ts';
import { inputSizeFor } from './zeroshot/model.ts';

export interface ExportTaskOptions {
  checkpoint: string;
  books: string;
  out: string;
  /** Input side in pixels (default: the size the checkpoint was trained at, else 224; another one is refused). */
  size?: number;
  /** Run the file in ONNX Runtime against libtorch after writing it (default true). */
  verify?: boolean;
  log?: (line: string) => void;
}

export interface ExportSummary {
  out: string;
  bytes: number;
  seconds: number;
  metadata: OnnxModelMetadata;
  /** Largest |ONNX Runtime − libtorch| on one synthetic radiograph, when verified. */
  check?: { pathology: number; anatomy: number; heatmaps: number };
}

/**
 * @throws before the model is loaded: Error naming `out` when it is a folder or its folder cannot be written, the
 *   books file when it cannot be read; then Error naming the checkpoint when it cannot be loaded or its books do
 *   not fit it, RangeError for a size other than the one it was trained at; ExportError naming what the exporter
 *   cannot convert.
 */
export async function runExport(options: ExportTaskOptions): Promise<ExportSummary> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  if (options.size !== undefined) checkInputSize(options.size);
  if (existsSync(options.out) && statSync(options.out).isDirectory()) throw new Error(`${options.out}: is a folder; --out names the .onnx file to write`);
  prepareOutputFolder(dirname(resolve(options.out)));
  const books = readBooks(options.books);
  const { model, imageSize } = loadMedslip(options.checkpoint);
  try {
    const size = inputSizeFor({ trainedSize: imageSize }, options.size, options.checkpoint);
    if (books.metadata.dim !== model.config.textDim) {
      throw new Error(`${options.books}: the books are ${books.metadata.dim} wide but ${options.checkpoint} expects textDim ${model.config.textDim}`);
    }
    log(`exporting ${model.config.backbone} MeDSLIP (${model.config.layers}+${model.config.layers} decoder layers) at ${size} px …`);
    const { bytes, metadata } = exportMedslip(model, books, { size });
    writeFileAtomic(options.out, bytes);
    const summary: ExportSummary = { out: options.out, bytes: bytes.length, seconds: (performance.now() - started) / 1000, metadata };
    if (options.verify !== false) {
      log('checking the file in ONNX Runtime against libtorch …');
      summary.check = await compareEngines(model, books, options.out, size);
    }
    return summary;
  } finally {
    model.dispose();
  }
}

/** Largest differences between ONNX Runtime on `file` and libtorch on `model`, for one synthetic radiograph. */
async function compareEngines(model: MeDSLIP, books: ReturnType<typeof readBooks>, file: string, size: number): Promise<NonNullable<ExportSummary['check']>> {
  const sample = generateSample(1, { size });
  const input = testTransform({ size })({ data: sample.image, width: size, height: size, channels: 1, bitDepth: 8 });
  const expected = torch.scope(() => torch.inferenceMode(() => {
    const textDim = model.config.textDim;
    const out = model.eval().forward(torch.fromTypedArray(input, [1, 3, size, size]), {
      pathology: torch.fromTypedArray(books.pathology, [books.pathology.length / textDim, textDim]),
      anatomy: torch.fromTypedArray(books.anatomy, [books.anatomy.length / textDim, textDim]),
    });
    return {
      pathology: MeDSLIP.presence(out.logitsPathology).toFloat32Array(),
      anatomy: MeDSLIP.presence(out.logitsAnatomy).toFloat32Array(),
      heatmaps: out.attnPathology.mean(1).toFloat32Array(),
    };
  }));
  const session = await OnnxMedslip.open(file);
  try {
    const actual = await session.run(input, 1);
    return {
      pathology: maxAbsDifference(actual.pathology, expected.pathology),
      anatomy: maxAbsDifference(actual.anatomy, expected.anatomy),
      heatmaps: maxAbsDifference(actual.heatmaps, expected.heatmaps),
    };
  } finally {
    await session.release();
  }
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
