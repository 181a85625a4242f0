/**
 * `medslip predict`: the 75 observation probabilities of each image (P(present), softmax class 1 of the
 * pathology query) with the top findings printed, optionally as JSON, and heatmap overlays of the top findings
 * (the query's cross-attention averaged over decoder layers, normalised per image).
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import * as torch from '../torch/index.ts';
import { loadMedslip } from '../models/load.ts';
import { MeDSLIP } from '../models/medslip.ts';
import { readImage } from '../io/image.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { loadBooks } from '../text/encode-books.ts';
import { testTransform, resize } from '../data/transforms/index.ts';
import { heatmapFigurePng } from '../viz/heatmap.ts';
import { groundingHeatmap } from './zeroshot/heatmap.ts';
import { OBSERVATIONS } from '../vocabulary.ts';

export interface PredictOptions {
  checkpoint: string;
  books: string;
  images: string[];
  /** Model input side (default 224). */
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

export async function runPredict(options: PredictOptions): Promise<ImagePrediction[]> {
  const size = options.size ?? 224;
  const top = options.top ?? 5;
  const { model } = loadMedslip(options.checkpoint);
  const loaded = loadBooks(options.books);
  const device = options.device ?? 'cpu';
  if (device !== 'cpu') model.to(device);
  const books = { pathology: loaded.pathology.to(device).keep(), anatomy: loaded.anatomy.to(device).keep() };
  const transform = testTransform({ size });
  if (options.heatmaps) mkdirSync(options.heatmaps, { recursive: true });
  const predictions: ImagePrediction[] = [];
  try {
    for (const path of options.images) {
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
      if (options.heatmaps) {
        const resized = resize(image.bitDepth === 8 ? image : { ...image, data: Uint8Array.from(image.data, (v) => v >> 8), bitDepth: 8 }, size, size, 'bilinear');
        for (const { observation } of ranked) {
          const index = OBSERVATIONS.indexOf(observation as (typeof OBSERVATIONS)[number]);
          const heat = groundingHeatmap(attention.subarray(index * tokens, (index + 1) * tokens), size, 'bilinear');
          const png = await heatmapFigurePng({ data: resized.data as Uint8Array, width: size, height: size, channels: resized.channels },
            { data: heat, width: size, height: size }, { range: [0, 1] });
          const file = join(options.heatmaps, `${basename(path, extname(path))}_${observation}.png`);
          writeFileAtomic(file, png);
          overlays.push(file);
        }
      }
      predictions.push({
        image: path,
        probabilities: Object.fromEntries(OBSERVATIONS.map((name, i) => [name, probabilities[i]])),
        top: ranked,
        overlays,
      });
    }
  } finally {
    model.dispose();
    for (const t of [loaded.pathology, loaded.anatomy, books.pathology, books.anatomy]) t.dispose();
  }
  return predictions;
}
