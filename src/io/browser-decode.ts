/// <reference lib="dom" />
/**
 * PNG and JPEG decoding with the browser's own decoders (for the page of `medslip serve`), read as stored: no
 * colour-space conversion, no premultiplied alpha, no EXIF rotation — as sharp reads them in the CLI.
 */

/**
 * @throws Error when the browser cannot decode the bytes; RangeError when a side exceeds `maxSide` (checked before
 *   the pixels are drawn, so a huge image is not allocated).
 */
export async function decodeInBrowser(bytes: Uint8Array, type: 'image/png' | 'image/jpeg', maxSide = Infinity): Promise<{ rgba: Uint8ClampedArray; width: number; height: number }> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type }),
    { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'none' });
  try {
    if (bitmap.width > maxSide || bitmap.height > maxSide) {
      throw new RangeError(`the image is ${bitmap.width}×${bitmap.height} pixels; at most ${maxSide} a side can be read here`);
    }
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    return { rgba: context.getImageData(0, 0, canvas.width, canvas.height).data, width: canvas.width, height: canvas.height };
  } finally {
    bitmap.close();
  }
}
