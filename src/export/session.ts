/**
 * A medslip ONNX model run by ONNX Runtime for Node (onnxruntime-node, CPU): the only module that loads it.
 * The file's metadata (./metadata.ts) says the input size, normalisation and output names.
 */
import * as ort from 'onnxruntime-node';
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../vocabulary.ts';
import type { OnnxModelMetadata } from './metadata.ts';
import { readModelFile } from './model-file.ts';

export interface OnnxOutputs {
  batch: number;
  /** (batch, 75) row-major. */
  pathology: Float32Array;
  /** (batch, 51). */
  anatomy: Float32Array;
  /** (batch, 75, h, w): layer- and head-averaged cross-attention, before upsampling. */
  heatmaps: Float32Array;
}

export interface OnnxSessionOptions {
  /** Intra-op threads (default: ONNX Runtime's choice, one per core). */
  threads?: number;
}

export class OnnxMedslip {
  private constructor(readonly file: string, readonly metadata: OnnxModelMetadata, private readonly session: ort.InferenceSession) {}

  /**
   * Loads a model written by `medslip export`.
   * @throws Error naming the file when it cannot be read, is not ONNX, or lacks medslip's metadata.
   */
  static async open(file: string, options: OnnxSessionOptions = {}): Promise<OnnxMedslip> {
    const { bytes, metadata } = await readModelFile(file);
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all', executionMode: 'sequential',
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    }).catch((error: unknown) => {
      throw new Error(`${file}: ONNX Runtime cannot load the model (${(error as Error).message})`);
    });
    return new OnnxMedslip(file, metadata, session);
  }

  /** Runs `batch` normalised images, (batch, 3, S, S) row-major with S the metadata's input size. */
  async run(images: Float32Array, batch: number): Promise<OnnxOutputs> {
    const size = this.metadata.inputSize;
    if (!Number.isInteger(batch) || batch < 1 || images.length !== batch * 3 * size * size) {
      throw new RangeError(`Expected ${batch} × 3 × ${size} × ${size} input values for ${this.file} but received ${images.length}`);
    }
    const feeds = { images: new ort.Tensor('float32', images, [batch, 3, size, size]) };
    const out = await this.session.run(feeds);
    const [h, w] = this.metadata.heatmapSize;
    const take = (name: string, length: number): Float32Array => {
      const value = out[name];
      if (value === undefined || value.type !== 'float32' || value.data.length !== length) {
        throw new Error(`${this.file}: output "${name}" is not float32 with ${length} values`);
      }
      return value.data as Float32Array;
    };
    return {
      batch,
      pathology: take('pathology', batch * NUM_OBSERVATIONS),
      anatomy: take('anatomy', batch * NUM_LANDMARKS),
      heatmaps: take('heatmaps', batch * NUM_OBSERVATIONS * h * w),
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
