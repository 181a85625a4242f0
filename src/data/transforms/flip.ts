/** Mirror images left ↔ right. */
import type { Image } from '../../io/image.ts';
import { checkImage8 } from './check.ts';

/** Mirrors the image left ↔ right (pixel (x, y) ← (W−1−x, y), channels kept in order). */
export function horizontalFlip(image: Image): Image {
  checkImage8(image);
  const { width, height, channels } = image;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + (width - 1 - x)) * channels, to = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) data[to + c] = image.data[from + c];
    }
  }
  return { ...image, data };
}
