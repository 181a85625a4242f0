/**
 * DICOM modality values → displayed grey levels (PS3.3 C.7.6.3.1, C.11.1, C.11.2): the first VOI window when
 * present (LINEAR, LINEAR_EXACT, SIGMOID), else 8-bit grey levels as they are, else a min–max stretch;
 * MONOCHROME1 inverted so that bright is dense. Decoding is ./dicom.ts.
 */
import type { Image } from './image.ts';
import type { DicomPixels } from './dicom.ts';

/**
 * Modality values → displayed grey levels (8 or 16 bit): VOI window when present, else stored 8-bit grey levels
 * as they are, else min–max; MONOCHROME1 inverted. Colour images: 8-bit samples as they are, deeper ones scaled
 * from their Bits Stored range.
 */
export function dicomToImage(pixels: DicomPixels, bitDepth: 8 | 16 = 8): Image {
  if (bitDepth !== 8 && bitDepth !== 16) throw new RangeError(`Expected 8 or 16 for bitDepth but received ${String(bitDepth)}`);
  const { values, width, height, channels } = pixels;
  const outMax = bitDepth === 8 ? 255 : 65535;
  const data = bitDepth === 8 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  const invert = pixels.photometricInterpretation === 'MONOCHROME1';

  if (channels === 3) {
    const scale = pixels.bitsStored <= 8 ? outMax / 255 : outMax / (2 ** pixels.bitsStored - 1);
    for (let i = 0; i < values.length; i++) data[i] = clamp(Math.round(values[i] * scale), 0, outMax);
    return { data, width, height, channels, bitDepth };
  }

  let min = Infinity, max = -Infinity, integral8 = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral8 && (v < 0 || v > 255 || !Number.isInteger(v))) integral8 = false;
  }

  if (pixels.window !== undefined) {
    const voi = voiFunction(pixels.window, outMax);
    for (let i = 0; i < values.length; i++) {
      const d = voi(values[i]);
      data[i] = Math.round(invert ? outMax - d : d);
    }
  } else if (integral8 && pixels.bitsStored <= 8) {
    // Already display grey levels: keep them (×257 for 16-bit output). MONOCHROME1: min+max−v keeps the range.
    const scale = outMax / 255;
    for (let i = 0; i < values.length; i++) data[i] = (invert ? min + max - values[i] : values[i]) * scale;
  } else if (max > min) {
    const scale = outMax / (max - min);
    for (let i = 0; i < values.length; i++) data[i] = Math.round((invert ? max - values[i] : values[i] - min) * scale);
  }
  // A constant image with no window stays 0 everywhere (the typed array's initial value).
  return { data, width, height, channels, bitDepth };
}

/** The VOI LUT functions of PS3.3 C.11.2.1.2, mapping modality values to [0, outMax] (not yet rounded). */
function voiFunction(window: NonNullable<DicomPixels['window']>, outMax: number): (x: number) => number {
  const { center: c, width: w } = window;
  if (window.function === 'SIGMOID') return (x) => outMax / (1 + Math.exp((-4 * (x - c)) / w));
  if (window.function === 'LINEAR_EXACT') {
    return (x) => (x <= c - w / 2 ? 0 : x > c + w / 2 ? outMax : ((x - c) / w + 0.5) * outMax);
  }
  return (x) => (x <= c - 0.5 - (w - 1) / 2 ? 0 : x > c - 0.5 + (w - 1) / 2 ? outMax : ((x - (c - 0.5)) / (w - 1) + 0.5) * outMax);
}

export function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
