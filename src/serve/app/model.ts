/// <reference lib="dom" />
/**
 * The model in the page: the ONNX file from `medslip export`, run by ONNX Runtime Web (WebAssembly; threads
 * when the page is cross-origin isolated, which the server's COOP/COEP headers make it). The image is prepared
 * with medslip's own evaluation transform (PIL-exact bilinear resize, the metadata's normalisation), so the page
 * computes what `medslip predict` computes.
 */
import * as ort from 'onnxruntime-web/wasm';
import type { Image } from '../../io/image.ts';
import { testTransform } from '../../data/transforms/pipelines.ts';
import type { OnnxModelMetadata } from '../../export/metadata.ts';

/** What the server says about the model it sends (GET /model.json). */
export interface ServedModel {
  file: string;
  bytes: number;
  metadata: OnnxModelMetadata;
}

export interface Analysis {
  /** (75) P(present) of each observation. */
  pathology: Float32Array;
  /** (51) P(present) of each landmark. */
  anatomy: Float32Array;
  /** (75, h, w): each observation's layer- and head-averaged cross-attention. */
  heatmaps: Float32Array;
  heatmapSize: [number, number];
  milliseconds: number;
}

export interface PageModel {
  served: ServedModel;
  threads: number;
  analyse(image: Image): Promise<Analysis>;
}

/** Fetches the model's description and starts ONNX Runtime on the model file. */
export async function loadModel(): Promise<PageModel> {
  const response = await fetch('/model.json');
  if (!response.ok) throw new Error(`the server did not describe its model (${response.status} ${response.statusText})`);
  const served = (await response.json()) as ServedModel;
  const threads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create('/model.onnx', { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const { inputSize, normalization, heatmapSize } = served.metadata;
  const transform = testTransform({ size: inputSize, mean: normalization.mean, std: normalization.std });
  return {
    served, threads,
    async analyse(image) {
      const started = performance.now();
      const input = new ort.Tensor('float32', transform(image), [1, 3, inputSize, inputSize]);
      const out = await session.run({ images: input });
      return {
        pathology: out.pathology.data as Float32Array,
        anatomy: out.anatomy.data as Float32Array,
        heatmaps: out.heatmaps.data as Float32Array,
        heatmapSize,
        milliseconds: performance.now() - started,
      };
    },
  };
}
