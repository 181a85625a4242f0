/// <reference lib="dom" />
/**
 * A dropped or picked file → the grey 8-bit `Image` that `medslip predict` would read from it: PNG and JPEG
 * through the browser's decoder (no colour management, no EXIF rotation, as sharp in the CLI), DICOM through
 * medslip's own decoder (src/io/dicom.ts, the same code as the CLI). Everything stays in this tab.
 *
 * Files that cannot be read are refused with a message naming the file: too large, empty, not an image,
 * truncated (a PNG without its IEND chunk, a JPEG without its end marker: browsers would show the part that
 * arrived), or undecodable.
 */
import { imageFormat, notAnImageMessage, to8Bit, toGrey, type Image } from '../../io/image.ts';
import { decodeDicom } from '../../io/dicom.ts';
import { decodeInBrowser } from '../../io/browser-decode.ts';

/** The largest file the page reads. A chest radiograph is 1–30 MB as DICOM, less as PNG or JPEG. */
export const MAX_FILE_MB = 50;
/** The largest side the page decodes (the browser's canvas limit is near). */
export const MAX_SIDE = 16384;

export async function readImageFile(file: File): Promise<Image> {
  const name = file.name || 'the file';
  if (file.size === 0) throw new Error(`${name}: image file is empty (0 bytes)`);
  if (file.size > MAX_FILE_MB * 2 ** 20) {
    throw new Error(`${name} is ${(file.size / 2 ** 20).toFixed(1)} MB; this page reads images of up to ${MAX_FILE_MB} MB (\`medslip predict\` reads larger files)`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const format = imageFormat(bytes, name);
  if (format === undefined) throw new Error(notAnImageMessage(name));
  let image: Image;
  if (format === 'DICOM') {
    image = (await decodeDicom(bytes, { name })).image;
  } else {
    const truncated = format === 'PNG' ? !hasPngEnd(bytes) : !hasJpegEnd(bytes);
    if (truncated) throw new Error(`${name}: cannot decode ${format} image, the file is truncated or corrupt (no ${format === 'PNG' ? 'IEND chunk' : 'end-of-image marker'})`);
    image = await decodeWithBrowser(bytes, name, format);
  }
  if (image.width > MAX_SIDE || image.height > MAX_SIDE) {
    throw new Error(`${name}: the image is ${image.width}×${image.height} pixels; at most ${MAX_SIDE} a side can be read here`);
  }
  return toGrey(to8Bit(image));
}

async function decodeWithBrowser(bytes: Uint8Array, name: string, format: 'PNG' | 'JPEG'): Promise<Image> {
  let decoded: Awaited<ReturnType<typeof decodeInBrowser>>;
  try {
    decoded = await decodeInBrowser(bytes, format === 'PNG' ? 'image/png' : 'image/jpeg', MAX_SIDE);
  } catch (error) {
    if (error instanceof RangeError) throw new Error(`${name}: ${error.message}`);
    throw new Error(`${name}: cannot decode ${format} image, the file is truncated or corrupt (${(error as Error).message || 'the browser could not decode it'})`);
  }
  const { rgba, width, height } = decoded;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    rgb[3 * p] = rgba[4 * p];
    rgb[3 * p + 1] = rgba[4 * p + 1];
    rgb[3 * p + 2] = rgba[4 * p + 2];
  }
  return { data: rgb, width, height, channels: 3, bitDepth: 8 };
}

/** A PNG ends with its IEND chunk (type bytes "IEND"); some writers add a few bytes after it. */
function hasPngEnd(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 8; i >= Math.max(8, bytes.length - 1024); i--) {
    if (bytes[i] === 0x49 && bytes[i + 1] === 0x45 && bytes[i + 2] === 0x4e && bytes[i + 3] === 0x44) return true;
  }
  return false;
}

/** A JPEG ends with the EOI marker FF D9, possibly followed by padding. */
function hasJpegEnd(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(2, bytes.length - 1024); i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}
