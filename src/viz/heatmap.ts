/**
 * Heatmap overlays: a grounding map (e.g. a pathology query's 14×14 cross-attention) upsampled to the image,
 * coloured with a jet-like map, alpha-blended over the radiograph, with the ground-truth box and/or mask
 * outlined, as PNG.
 *
 * Upsampling is bilinear with half-pixel centres (PyTorch `interpolate(align_corners=False)`), which shows where
 * attention lies more honestly than the reference's ×16 block repetition; `interpolation: 'nearest'` gives the
 * reference's blocks.
 */
import sharp from 'sharp';
import { jet } from './colormap.ts';
import { FONT, escapeXml, formatTick, svgDocument } from './svg.ts';
import { checkInteger, checkNumber } from '../util/check.ts';
import { gridOf, resizeGrid, type Grid } from '../util/resample.ts';

export { resizeGrid, type Grid };

/** An 8-bit image, row-major, interleaved channels (1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA). */
export interface RasterImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface OverlayOptions {
  /** Weight of the colour map over the image, in [0, 1] (default 0.45). */
  alpha?: number;
  /** Ground-truth box in image pixels (outlined in white). */
  box?: Box;
  /** Ground-truth mask, nonzero = inside (outlined in magenta); resized nearest to the image if smaller. */
  mask?: Grid;
  /** Heat values mapped to the two ends of the colour map (default: the heat's min and max). */
  range?: [number, number];
  /** Upsampling of the heat to the image (default 'bilinear'). */
  interpolation?: 'bilinear' | 'nearest';
  /**
   * Fraction of the range below which no colour is drawn, in [0, 1) (default 0: every pixel coloured). With 0.5
   * only the upper half of the heat is coloured, the colour map spanning it, and the rest of the image stays as
   * it is: where the model looks stands out at a glance.
   */
  floor?: number;
}

/** What `heatmapFigurePng` adds to an overlay: a readable size and a colour bar. */
export interface FigureOptions extends OverlayOptions {
  /** Smaller images are enlarged (bilinear) to at least this many pixels across (default 256). */
  minSide?: number;
  /** A colour bar with the range it spans, right of the image (default true). */
  colourBar?: boolean;
}

function checkImage(image: RasterImage): void {
  if (image === null || typeof image !== 'object' || !(image.data instanceof Uint8Array || image.data instanceof Uint8ClampedArray)) {
    throw new TypeError('Expected { data: Uint8Array, width, height, channels } for image');
  }
  const { width, height, channels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`Expected positive integer width and height for image but received ${width} × ${height}`);
  }
  if (![1, 2, 3, 4].includes(channels)) throw new RangeError(`Expected 1, 2, 3 or 4 for image.channels but received ${channels}`);
  if (image.data.length !== width * height * channels) {
    throw new RangeError(`Expected ${width * height * channels} bytes in image.data (${width}×${height}×${channels}) but received ${image.data.length}`);
  }
}

function setPixel(rgb: Uint8Array, width: number, height: number, x: number, y: number, colour: readonly number[]): void {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  const offset = (y * width + x) * 3;
  rgb[offset] = colour[0];
  rgb[offset + 1] = colour[1];
  rgb[offset + 2] = colour[2];
}

const BOX_COLOUR = [255, 255, 255] as const;
const MASK_COLOUR = [255, 0, 255] as const;

/** The blended RGB pixels (exposed for tests and for callers that encode differently). */
export function heatmapOverlayRgb(image: RasterImage, heat: Grid, options: OverlayOptions = {}): Uint8Array {
  checkImage(image);
  const alpha = options.alpha ?? 0.45;
  checkNumber('alpha', alpha, 0, 1);
  const { width, height, channels } = image;
  const upsampled = resizeGrid(gridOf(heat, 'heat'), width, height, options.interpolation ?? 'bilinear');
  let [low, high] = options.range ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  if (!options.range) {
    for (const value of upsampled) {
      if (!Number.isFinite(value)) throw new RangeError(`Expected finite values in heat but received ${value}`);
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  const span = high - low || 1;
  const floor = options.floor ?? 0;
  checkNumber('floor', floor, 0, 1, '[)');
  const rgb = new Uint8Array(width * height * 3);
  const colour = new Uint8Array(3);
  for (let p = 0; p < width * height; p++) {
    const t = (upsampled[p] - low) / span;
    const coloured = t >= floor;
    if (coloured) jet((t - floor) / (1 - floor), colour, 0);
    for (let c = 0; c < 3; c++) {
      // Grey images (1–2 channels) repeat their single channel.
      const base = image.data[p * channels + (channels >= 3 ? c : 0)];
      rgb[p * 3 + c] = coloured ? Math.round((1 - alpha) * base + alpha * colour[c]) : base;
    }
  }
  if (options.mask !== undefined) {
    const mask = gridOf(options.mask, 'mask');
    const inside = mask.width === width && mask.height === height ? mask.data : resizeGrid(mask, width, height, 'nearest');
    const at = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < width && y < height && inside[y * width + x] !== 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (at(x, y) && (!at(x - 1, y) || !at(x + 1, y) || !at(x, y - 1) || !at(x, y + 1))) setPixel(rgb, width, height, x, y, MASK_COLOUR);
      }
    }
  }
  if (options.box !== undefined) {
    const { x, y, width: boxWidth, height: boxHeight } = options.box;
    if (![x, y, boxWidth, boxHeight].every(Number.isFinite) || boxWidth <= 0 || boxHeight <= 0) {
      throw new RangeError(`Expected finite x, y and positive width, height for box but received ${JSON.stringify(options.box)}`);
    }
    const x0 = Math.round(x), y0 = Math.round(y), x1 = Math.round(x + boxWidth) - 1, y1 = Math.round(y + boxHeight) - 1;
    const thickness = Math.max(2, Math.round(Math.min(width, height) / 150));
    for (let t = 0; t < thickness; t++) {
      for (let px = x0; px <= x1; px++) {
        setPixel(rgb, width, height, px, y0 + t, BOX_COLOUR);
        setPixel(rgb, width, height, px, y1 - t, BOX_COLOUR);
      }
      for (let py = y0; py <= y1; py++) {
        setPixel(rgb, width, height, x0 + t, py, BOX_COLOUR);
        setPixel(rgb, width, height, x1 - t, py, BOX_COLOUR);
      }
    }
  }
  return rgb;
}

/**
 * A PNG of the heat (any grid size, upsampled to the image) over the image, with optional box and mask outlines.
 *
 * @example await heatmapOverlayPng({ data: grey, width: 224, height: 224, channels: 1 }, attention14x14, { box: { x: 40, y: 60, width: 50, height: 70 } })
 * @throws {TypeError|RangeError} for a malformed image, heat, mask, box or alpha.
 */
export async function heatmapOverlayPng(image: RasterImage, heat: Grid, options: OverlayOptions = {}): Promise<Buffer> {
  const rgb = heatmapOverlayRgb(image, heat, options);
  return sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
}

/** Each channel of an 8-bit image resampled bilinearly to width × height. */
function enlarge(image: RasterImage, width: number, height: number): RasterImage {
  const data = new Uint8Array(width * height * image.channels);
  for (let c = 0; c < image.channels; c++) {
    const plane = Float32Array.from({ length: image.width * image.height }, (_, p) => image.data[p * image.channels + c]);
    const resized = resizeGrid({ data: plane, width: image.width, height: image.height }, width, height, 'bilinear');
    for (let p = 0; p < width * height; p++) data[p * image.channels + c] = Math.round(resized[p]);
  }
  return { data, width, height, channels: image.channels };
}

const COLOUR_BAR_WIDTH = 78;

/** A vertical jet gradient from `floor` (bottom) to the top of the range, labelled with the values it spans. */
function colourBarSvg(height: number, range: [number, number], floor: number): string {
  const [low, high] = range;
  const top = 14, bottom = height - 14, x = 10, barWidth = 18;
  const colour = new Uint8Array(3);
  const stops = Array.from({ length: 9 }, (_, k) => { // top (offset 0) = the top of the range
    jet(1 - k / 8, colour, 0);
    return `<stop offset="${(k / 8).toFixed(3)}" stop-color="rgb(${colour[0]},${colour[1]},${colour[2]})"/>`;
  }).join('');
  const label = (fraction: number): string => formatTick(Number((low + fraction * (high - low)).toPrecision(2)));
  const ticks = [1, (1 + floor) / 2, floor].map((f) => {
    const y = bottom - ((f - floor) / (1 - floor)) * (bottom - top);
    return `<line x1="${x + barWidth}" y1="${y.toFixed(1)}" x2="${x + barWidth + 5}" y2="${y.toFixed(1)}" stroke="black"/>`
      + `<text x="${x + barWidth + 8}" y="${y.toFixed(1)}" dy="4" ${FONT} font-size="12">${escapeXml(label(f))}</text>`;
  }).join('');
  return svgDocument(COLOUR_BAR_WIDTH, height, `<rect width="${COLOUR_BAR_WIDTH}" height="${height}" fill="white"/>`
    + `<defs><linearGradient id="bar" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`
    + `<rect x="${x}" y="${top}" width="${barWidth}" height="${bottom - top}" fill="url(#bar)" stroke="black"/>${ticks}`);
}

/**
 * A figure for people: the overlay enlarged to at least `minSide` pixels (a 128-px radiograph is too small to
 * read), only the upper part of the heat coloured (`floor`, default 0.5), ground truth outlined, and a colour bar
 * saying which values the colours span.
 *
 * @example await heatmapFigurePng(image128, heat8x8, { mask, range: [0, 1] }) // 256 × 256 overlay + colour bar
 * @throws {TypeError|RangeError} as heatmapOverlayRgb, or for minSide outside [1, 4096].
 */
export async function heatmapFigurePng(image: RasterImage, heat: Grid, options: FigureOptions = {}): Promise<Buffer> {
  checkImage(image);
  const minSide = options.minSide ?? 256;
  checkInteger('minSide', minSide, 1, 4096);
  const factor = Math.max(1, Math.ceil(minSide / Math.min(image.width, image.height)));
  const shown = factor === 1 ? image : enlarge(image, image.width * factor, image.height * factor);
  const floor = options.floor ?? 0.5;
  const box = options.box && { x: options.box.x * factor, y: options.box.y * factor, width: options.box.width * factor, height: options.box.height * factor };
  const heatGrid = gridOf(heat, 'heat');
  let range = options.range;
  if (!range) {
    let low = Number.POSITIVE_INFINITY, high = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < heatGrid.data.length; i++) { low = Math.min(low, heatGrid.data[i]); high = Math.max(high, heatGrid.data[i]); }
    range = [low, high];
  }
  const rgb = heatmapOverlayRgb(shown, heatGrid, { ...options, box, floor, range });
  const overlay = sharp(rgb, { raw: { width: shown.width, height: shown.height, channels: 3 } });
  if (options.colourBar === false) return overlay.png().toBuffer();
  const bar = await sharp(Buffer.from(colourBarSvg(shown.height, range, floor))).png().toBuffer();
  return sharp({ create: { width: shown.width + COLOUR_BAR_WIDTH, height: shown.height, channels: 3, background: '#ffffff' } })
    .composite([{ input: await overlay.png().toBuffer(), left: 0, top: 0 }, { input: bar, left: shown.width, top: 0 }])
    .png().toBuffer();
}
