/**
 * `medslip predict`: the 75 observation probabilities of each image (P(present), softmax class 1 of the
 * pathology query) with the top findings printed, optionally as JSON, and heatmap overlays of the top findings
 * (the query's cross-attention averaged over decoder layers, normalised per image).
 *
 * Two engines compute the same numbers: libtorch on a checkpoint and its books, or ONNX Runtime on a model
 * written by `medslip export` (books inside, input size and normalisation in its metadata).
 */
import { basename, extname, join } from 'node:path';
import * as torch from '../torch/index.ts';
import { MeDSLIP } from '../models/medslip.ts';
import { readImage } from '../io/image.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { prepareOutputFolder } from '../io/output-folder.ts';
import { checkInteger } from '../util/check.ts';
import { testTransform, resize } from '../data/transforms/index.ts';
import { OnnxMedslip } from '../export/index.ts';
import { heatmapFigurePng } from '../viz/heatmap.ts';
import { groundingHeatmap } from '../models/grounding.ts';
import { checkInputSize } from './zeroshot/data.ts';
import { inputSizeFor, resolveModel } from './zeroshot/model.ts';
import { NUM_OBSERVATIONS, OBSERVATIONS } from '../vocabulary.ts';

export type PredictEngine = 'libtorch' | 'onnx';

export interface PredictOptions {
  images: string[];
  /** 'libtorch' (default: checkpoint + books) or 'onnx' (model). */
  engine?: PredictEngine;
  /** libtorch: a run folder, a medslip checkpoint, a .safetensors state dict or a reference .pth. */
  checkpoint?: string;
  /** libtorch: the books the model was trained with. */
  books?: string;
  /** onnx: a model file written by `medslip export`. */
  model?: string;
  /**
   * Model input side. Default: the size the checkpoint was trained at (else 224), or the ONNX model's own; a
   * different value is an error.
   */
  size?: number;
  /** Findings listed (and drawn) per image (default 5). */
  top?: number;
  /** Folder for heatmap overlays of the top findings (none without it). */
  heatmaps?: string;
  /** libtorch only. */
  device?: torch.Device;
}

export interface ImagePrediction {
  image: string;
  /** Observation → P(present), all 75. */
  probabilities: Record<string, number>;
  top: { observation: string; probability: number }[];
  overlays: string[];
}

/** An image that could not be read or scored: its error, naming the file. */
export interface PredictionFailure {
  image: string;
  error: string;
}

/** One engine's answer for one normalised image: 75 probabilities and the (75, T) layer-mean attention. */
interface Scorer {
  size: number;
  score(input: Float32Array): Promise<{ probabilities: Float32Array; attention: Float32Array; tokens: number }>;
  release(): Promise<void>;
}

/**
 * Scores every image; an image that fails (unreadable, corrupt, too large) gets its error in its place and the
 * others are still scored.
 * @returns one entry per image, in order: an ImagePrediction, or a PredictionFailure (`'error' in entry`)
 * @throws before any image is read: options that do not name a model for the engine, a bad checkpoint, books that
 *   do not fit it, a size other than the model's, or a heatmaps folder that cannot be written
 */
export async function runPredict(options: PredictOptions): Promise<(ImagePrediction | PredictionFailure)[]> {
  const top = checkInteger('top', options.top ?? 5, 1, OBSERVATIONS.length);
  if (options.size !== undefined) checkInputSize(options.size);
  if (options.heatmaps) prepareOutputFolder(options.heatmaps);
  const scorer = await openScorer(options);
  const transform = testTransform({ size: scorer.size });
  const outcomes: (ImagePrediction | PredictionFailure)[] = [];
  try {
    for (const path of options.images) {
      try {
        outcomes.push(await predictImage(path, scorer, transform, top, options.heatmaps));
      } catch (error) {
        outcomes.push({ image: path, error: (error as Error).message });
      }
    }
  } finally {
    await scorer.release();
  }
  return outcomes;
}

/**
 * The predictions of a runPredict result when every image was scored.
 * @example const [prediction] = allPredicted(await runPredict({ checkpoint, books, images: ['x.png'] }));
 * @throws Error with the first failed image's message
 */
export function allPredicted(outcomes: readonly (ImagePrediction | PredictionFailure)[]): ImagePrediction[] {
  const failed = outcomes.find((outcome): outcome is PredictionFailure => 'error' in outcome);
  if (failed) throw new Error(failed.error);
  return outcomes as ImagePrediction[];
}

async function predictImage(path: string, scorer: Scorer, transform: ReturnType<typeof testTransform>, top: number,
  heatmaps: string | undefined): Promise<ImagePrediction> {
  const { size } = scorer;
  const image = await readImage(path, { channels: 1 });
  const { probabilities, attention, tokens } = await scorer.score(transform(image));
  const ranked = OBSERVATIONS.map((name, i) => ({ observation: name, probability: probabilities[i] }))
    .filter((p) => p.observation !== 'excluded_obs')
    .sort((a, b) => b.probability - a.probability).slice(0, top);
  const overlays: string[] = [];
  if (heatmaps) {
    const resized = resize(image.bitDepth === 8 ? image : { ...image, data: Uint8Array.from(image.data, (v) => v >> 8), bitDepth: 8 }, size, size, 'bilinear');
    for (const { observation } of ranked) {
      const index = OBSERVATIONS.indexOf(observation);
      const heat = groundingHeatmap(attention.subarray(index * tokens, (index + 1) * tokens), size, 'bilinear');
      const png = await heatmapFigurePng({ data: resized.data as Uint8Array, width: size, height: size, channels: resized.channels },
        { data: heat, width: size, height: size }, { range: [0, 1] });
      const file = join(heatmaps, `${basename(path, extname(path))}_${observation}.png`);
      writeFileAtomic(file, png);
      overlays.push(file);
    }
  }
  return {
    image: path,
    probabilities: Object.fromEntries(OBSERVATIONS.map((name, i) => [name, probabilities[i]])),
    top: ranked,
    overlays,
  };
}

async function openScorer(options: PredictOptions): Promise<Scorer> {
  const engine = options.engine ?? 'libtorch';
  if (engine === 'onnx') {
    if (!options.model) throw new Error('predict with --engine onnx needs --model (a file written by `medslip export`)');
    return onnxScorer(options.model, options.size);
  }
  if (engine !== 'libtorch') throw new RangeError(`Expected "libtorch" or "onnx" for engine but received ${JSON.stringify(engine)}`);
  if (!options.checkpoint || !options.books) throw new Error('predict needs --checkpoint and --books (or --engine onnx --model FILE)');
  return libtorchScorer(options.checkpoint, options.books, options.size, options.device ?? 'cpu');
}

/** The checkpoint and its books (checked to fit), at the size it was trained at unless `requested` (which must match). */
function libtorchScorer(checkpoint: string, booksFile: string, requested: number | undefined, device: torch.Device): Scorer {
  const resolved = resolveModel({ checkpoint, books: booksFile, device });
  let size: number;
  try {
    size = inputSizeFor(resolved, requested, checkpoint);
  } catch (error) {
    resolved.release();
    throw error;
  }
  const { model, books } = resolved;
  return {
    size,
    score: async (values) => torch.scope(() => torch.inferenceMode(() => {
      const input = torch.fromTypedArray(values, [1, 3, size, size]).to(device);
      const out = model.forward(input, books);
      return {
        probabilities: MeDSLIP.presence(out.logitsPathology).reshape(-1).toFloat32Array(),
        attention: out.attnPathology.mean(1).reshape(-1).toFloat32Array(), // (75 · T), layer mean
        tokens: out.attnPathology.shape[3],
      };
    })),
    release: async () => resolved.release(),
  };
}

async function onnxScorer(file: string, size: number | undefined): Promise<Scorer> {
  const session = await OnnxMedslip.open(file);
  const { inputSize, heatmapSize } = session.metadata;
  if (size !== undefined && size !== inputSize) {
    await session.release();
    throw new Error(`${file}: the model was exported for ${inputSize} px input; --size ${size} does not apply (omit it)`);
  }
  const tokens = heatmapSize[0] * heatmapSize[1];
  return {
    size: inputSize,
    score: async (values) => {
      const out = await session.run(values, 1);
      return { probabilities: out.pathology, attention: out.heatmaps.subarray(0, NUM_OBSERVATIONS * tokens), tokens };
    },
    release: () => session.release(),
  };
}
