/**
 * `medslip predict`: the 75 observation probabilities of each image (P(present), softmax class 1 of the
 * pathology query) with the top findings printed, optionally as JSON, and heatmap overlays of the top findings
 * (the query's cross-attention averaged over decoder layers, normalised per image).
 */
import { basename, extname, join } from 'node:path';
import * as torch from '../torch/index.ts';
import { MeDSLIP } from '../models/medslip.ts';
import { readImage } from '../io/image.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { prepareOutputFolder } from '../io/output-folder.ts';
import { checkInteger } from '../torch/check.ts';
import { testTransform, resize } from '../data/transforms/index.ts';
import { heatmapOverlayPng } from '../viz/heatmap.ts';
import { groundingHeatmap } from './zeroshot/heatmap.ts';
import { checkInputSize } from './zeroshot/data.ts';
import { inputSizeFor, resolveModel } from './zeroshot/model.ts';
import { OBSERVATIONS } from '../vocabulary.ts';

export interface PredictOptions {
  /** A run folder, a medslip checkpoint, a .safetensors state dict or a reference .pth. */
  checkpoint: string;
  books: string;
  images: string[];
  /** Model input side (default: the size the checkpoint was trained at, else 224; another size is an error). */
  size?: number;
  /** Findings listed (and drawn) per image (default 5). */
  top?: number;
  /** Folder for heatmap overlays of the top findings (none without it). */
  heatmaps?: string;
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

/**
 * Scores every image; an image that fails (unreadable, corrupt, too large) gets its error in its place and the
 * others are still scored.
 * @returns one entry per image, in order: an ImagePrediction, or a PredictionFailure (`'error' in entry`)
 * @throws before any image is read, for a bad checkpoint, books that do not fit it, a size other than the
 *   trained one, or a heatmaps folder that cannot be written
 */
export async function runPredict(options: PredictOptions): Promise<(ImagePrediction | PredictionFailure)[]> {
  const top = checkInteger('top', options.top ?? 5, 1, OBSERVATIONS.length);
  const requestedSize = options.size === undefined ? undefined : checkInputSize(options.size);
  if (options.heatmaps) prepareOutputFolder(options.heatmaps);
  const resolved = resolveModel({ checkpoint: options.checkpoint, books: options.books, device: options.device });
  const outcomes: (ImagePrediction | PredictionFailure)[] = [];
  try {
    const size = inputSizeFor(resolved, requestedSize, options.checkpoint);
    const transform = testTransform({ size });
    for (const path of options.images) {
      try {
        outcomes.push(await predictImage(path, { ...resolved, size, transform, top, heatmaps: options.heatmaps }));
      } catch (error) {
        outcomes.push({ image: path, error: (error as Error).message });
      }
    }
  } finally {
    resolved.release();
  }
  return outcomes;
}

async function predictImage(path: string, context: { model: MeDSLIP; books: { pathology: torch.Tensor; anatomy: torch.Tensor };
  device: torch.Device; size: number; transform: ReturnType<typeof testTransform>; top: number; heatmaps?: string }): Promise<ImagePrediction> {
  const { model, books, device, size, transform, top } = context;
  const image = await readImage(path, { channels: 1 });
  const { probabilities, attention, tokens } = torch.scope(() => torch.inferenceMode(() => {
    const input = torch.fromTypedArray(transform(image), [1, 3, size, size]).to(device);
    const out = model.forward(input, books);
    return {
      probabilities: MeDSLIP.presence(out.logitsPathology).reshape(-1).toFloat32Array(),
      attention: out.attnPathology.mean(1).reshape(-1).toFloat32Array(), // (75 · T), layer mean
      tokens: out.attnPathology.shape[3],
    };
  }));
  const ranked = OBSERVATIONS.map((name, i) => ({ observation: name, probability: probabilities[i] }))
    .filter((p) => p.observation !== 'excluded_obs')
    .sort((a, b) => b.probability - a.probability).slice(0, top);
  const overlays: string[] = [];
  if (context.heatmaps) {
    const resized = resize(image.bitDepth === 8 ? image : { ...image, data: Uint8Array.from(image.data, (v) => v >> 8), bitDepth: 8 }, size, size, 'bilinear');
    for (const { observation } of ranked) {
      const index = OBSERVATIONS.indexOf(observation as (typeof OBSERVATIONS)[number]);
      const heat = groundingHeatmap(attention.subarray(index * tokens, (index + 1) * tokens), size, 'bilinear');
      const png = await heatmapOverlayPng({ data: resized.data as Uint8Array, width: size, height: size, channels: resized.channels },
        { data: heat, width: size, height: size }, { range: [0, 1] });
      const file = join(context.heatmaps, `${basename(path, extname(path))}_${observation}.png`);
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
