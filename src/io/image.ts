/**
 * Image files in and out: PNG and JPEG through sharp (libvips), DICOM through `./dicom.ts`, all to one plain
 * in-memory `Image` (interleaved HWC pixels, 8 or 16 bits, grey or RGB) that the transforms work on.
 *
 * The reference opens every image with PIL as RGB; `readImage(path, { channels: 3 })` gives that, and
 * `toGrey` uses PIL's ITU-R 601-2 integer luma so that a colour image converts to the same grey levels.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeDicom, isDicom } from './dicom.ts';
import { writeFileAtomic } from './atomic-write.ts';

/** Interleaved (HWC) pixels; `data.length === width * height * channels`. */
export interface Image {
  data: Uint8Array | Uint16Array;
  width: number;
  height: number;
  channels: 1 | 3;
  bitDepth: 8 | 16;
}

export interface ReadImageOptions {
  /** Output channels: 1 (grey) or 3 (RGB). Default: as stored (grey stays grey, colour stays RGB). */
  channels?: 1 | 3;
  /**
   * Output bit depth. Default: as stored for PNG/JPEG (8 or 16); 8 for DICOM (the displayed image). 16 keeps
   * more of a DICOM's dynamic range (see `decodeDicom`).
   */
  bitDepth?: 8 | 16;
  /** The name used in error messages when the input is a Buffer (default "<buffer>"). */
  name?: string;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/**
 * Reads a PNG, JPEG or DICOM image from a path or an in-memory file.
 *
 * A file is read as PNG or JPEG when it starts with their signatures, else as DICOM when it has the "DICM" marker
 * at byte 128 or the extension .dcm/.dicom. Alpha is dropped (X-rays have none that matters). Decoding is
 * strict: a PNG or JPEG with a decoder warning (a truncated file, a bad checksum) is rejected rather than
 * returned half grey. EXIF orientation is not applied.
 *
 * DICOM decoding (transfer syntaxes, rescale, VOI window, MONOCHROME1) is described in `./dicom.ts`.
 *
 * @example
 *   const image = await readImage('images/00000129_000.png', { channels: 3 });  // 256×256×3, 8-bit
 * @throws {TypeError} when `source` is neither a string nor a Buffer/Uint8Array.
 * @throws {Error} naming the file when it is empty, not a PNG/JPEG/DICOM image, truncated, corrupt or too large
 *   (more than 16383 × 16383 pixels).
 */
export async function readImage(source: string | Uint8Array, options: ReadImageOptions = {}): Promise<Image> {
  checkReadOptions(options);
  let bytes: Uint8Array;
  let name: string;
  if (typeof source === 'string') {
    name = source;
    bytes = await readFile(source).catch((error: unknown) => {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new Error(`${name}: cannot read image file (${code ?? message})`);
    });
  } else if (source instanceof Uint8Array) {
    name = options.name ?? '<buffer>';
    bytes = source;
  } else {
    throw new TypeError(`Expected a path (string) or Buffer for source but received ${describe(source)}`);
  }
  if (bytes.length === 0) throw new Error(`${name}: image file is empty (0 bytes)`);

  let image: Image;
  const format = imageFormat(bytes, typeof source === 'string' ? source : '');
  if (format === 'PNG' || format === 'JPEG') {
    image = await decodeWithSharp(bytes, name, format);
  } else if (format === 'DICOM') {
    image = (await decodeDicom(bytes, { name, bitDepth: options.bitDepth ?? 8 })).image;
  } else {
    throw new Error(notAnImageMessage(name));
  }
  if (options.bitDepth === 8) image = to8Bit(image);
  if (options.bitDepth === 16) image = to16Bit(image);
  if (options.channels === 1) image = toGrey(image);
  if (options.channels === 3) image = toRgb(image);
  return image;
}

export type ImageFormat = 'PNG' | 'JPEG' | 'DICOM';

/**
 * Which decoder reads a file: PNG or JPEG by their signatures first (so that a PNG saved under a .dcm name still
 * reads), then DICOM by its "DICM" marker or, for a data set without the Part 10 header, by the extension of
 * `fileName` (.dcm/.dicom); undefined when none.
 */
export function imageFormat(bytes: Uint8Array, fileName = ''): ImageFormat | undefined {
  if (startsWith(bytes, PNG_MAGIC)) return 'PNG';
  if (startsWith(bytes, JPEG_MAGIC)) return 'JPEG';
  const extension = /\.[^./\\]*$/.exec(fileName)?.[0].toLowerCase();
  if (isDicom(bytes) || extension === '.dcm' || extension === '.dicom') return 'DICOM';
  return undefined;
}

/** The error message for a file that `imageFormat` does not recognise. */
export function notAnImageMessage(name: string): string {
  return `${name}: is not a PNG, JPEG or DICOM image (no PNG/JPEG signature, no DICM marker at byte 128)`;
}

async function decodeWithSharp(bytes: Uint8Array, name: string, format: 'PNG' | 'JPEG'): Promise<Image> {
  try {
    // failOn 'warning' (sharp's default, made explicit): a truncated file is an error, not a half-grey image.
    const metadata = await sharp(bytes, { failOn: 'warning' }).metadata();
    const grey = metadata.space === 'b-w' || metadata.space === 'grey16';
    const sixteen = metadata.depth === 'ushort';
    const colourspace = grey ? (sixteen ? 'grey16' : 'b-w') : (sixteen ? 'rgb16' : 'srgb');
    const { data, info } = await sharp(bytes, { failOn: 'warning' })
      .removeAlpha()
      .toColourspace(colourspace)
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const channels = grey ? 1 : 3;
    if (info.channels !== channels) throw new Error(`decoder returned ${info.channels} channels, expected ${channels}`);
    if (info.width <= 0 || info.height <= 0) throw new Error(`zero-size image ${info.width}×${info.height}`);
    const pixels = sixteen
      ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))
      : new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { data: pixels, width: info.width, height: info.height, channels, bitDepth: sixteen ? 16 : 8 };
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (/exceeds pixel limit/.test(detail)) throw new Error(`${name}: ${format} image is too large to decode (${pixelCount(bytes, format)}; the limit is ${MAX_PIXELS_TEXT})`);
    throw new Error(`${name}: cannot decode ${format} image, the file is truncated or corrupt (${detail})`);
  }
}

// sharp's (libvips') default limitInputPixels: 16383 × 16383. A bigger image would need gigabytes decoded.
const MAX_PIXELS_TEXT = '16383 × 16383 = 268 M pixels';

/** "30000 × 30000 = 900 M pixels" from a PNG's IHDR; a JPEG's size is not parsed here. */
function pixelCount(bytes: Uint8Array, format: 'PNG' | 'JPEG'): string {
  if (format !== 'PNG' || bytes.length < 24) return 'more pixels than the limit';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16), height = view.getUint32(20);
  return `${width} × ${height} = ${Math.round((width * height) / 1e6)} M pixels`;
}

/**
 * Writes an image as PNG (8 or 16 bit, grey or RGB), atomically (src/io/atomic-write.ts): a crash never leaves a
 * half-written PNG under the final name.
 *
 * @throws {TypeError|RangeError} when `image` is not a valid Image.
 */
export async function writePng(path: string, image: Image): Promise<void> {
  checkImage(image, 'image');
  const sixteen = image.bitDepth === 16;
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .toColourspace(image.channels === 1 ? (sixteen ? 'grey16' : 'b-w') : (sixteen ? 'rgb16' : 'srgb'))
    .png()
    .toBuffer();
  writeFileAtomic(path, png);
}

/** Grey → RGB by replicating the grey channel (as PIL's convert('RGB')); RGB is returned unchanged. */
export function toRgb(image: Image): Image {
  checkImage(image, 'image');
  if (image.channels === 3) return image;
  const pixels = image.width * image.height;
  const data = image.bitDepth === 16 ? new Uint16Array(pixels * 3) : new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const v = image.data[i];
    data[3 * i] = v;
    data[3 * i + 1] = v;
    data[3 * i + 2] = v;
  }
  return { ...image, data, channels: 3 };
}

/**
 * RGB → grey with PIL's integer ITU-R 601-2 luma, L = (19595·R + 38470·G + 7471·B + 2^15) >> 16 (PIL
 * `Convert.c`), so that grey images made here equal PIL's convert('L'). Grey is returned unchanged.
 */
export function toGrey(image: Image): Image {
  checkImage(image, 'image');
  if (image.channels === 1) return image;
  const pixels = image.width * image.height;
  const data = image.bitDepth === 16 ? new Uint16Array(pixels) : new Uint8Array(pixels);
  const source = image.data;
  for (let i = 0; i < pixels; i++) {
    // Multiplication by at most 65535·65536 stays below 2^53: exact in doubles, also for 16-bit pixels.
    const weighted = source[3 * i] * 19595 + source[3 * i + 1] * 38470 + source[3 * i + 2] * 7471 + 0x8000;
    data[i] = Math.floor(weighted / 65536);
  }
  return { ...image, data, channels: 1 };
}

/** 16 → 8 bits by rounding v·255/65535 (v/257 rounded); an 8-bit image is returned unchanged. */
export function to8Bit(image: Image): Image {
  checkImage(image, 'image');
  if (image.bitDepth === 8) return image;
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(image.data[i] / 257);
  return { ...image, data, bitDepth: 8 };
}

/** 8 → 16 bits by v·257 (0 → 0, 255 → 65535); a 16-bit image is returned unchanged. */
export function to16Bit(image: Image): Image {
  checkImage(image, 'image');
  if (image.bitDepth === 16) return image;
  const data = new Uint16Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i] * 257;
  return { ...image, data, bitDepth: 16 };
}

/**
 * Validates the `Image` contract: positive integer size, 1 or 3 channels, a typed array matching the bit depth
 * and of length width·height·channels.
 *
 * @throws {TypeError} for a wrong type, {RangeError} for a value out of range.
 */
export function checkImage(image: Image, what = 'image'): void {
  if (typeof image !== 'object' || image === null) throw new TypeError(`Expected an Image for ${what} but received ${describe(image)}`);
  const { width, height, channels, bitDepth, data } = image;
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`Expected integer ≥ 1 for ${what}.width but received ${String(width)}`);
  if (!Number.isInteger(height) || height < 1) throw new RangeError(`Expected integer ≥ 1 for ${what}.height but received ${String(height)}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`Expected 1 or 3 for ${what}.channels but received ${String(channels)}`);
  if (bitDepth !== 8 && bitDepth !== 16) throw new RangeError(`Expected 8 or 16 for ${what}.bitDepth but received ${String(bitDepth)}`);
  const expectedType = bitDepth === 8 ? Uint8Array : Uint16Array;
  // Buffer is a Uint8Array subclass: accepted.
  if (!(data instanceof expectedType)) {
    throw new TypeError(`Expected ${expectedType.name} for ${what}.data (bitDepth ${bitDepth}) but received ${describe(data)}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(`Expected ${width}×${height}×${channels} = ${width * height * channels} values in ${what}.data but received ${data.length}`);
  }
}

function checkReadOptions(options: ReadImageOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected an object for options but received ${describe(options)}`);
  if (options.channels !== undefined && options.channels !== 1 && options.channels !== 3) {
    throw new RangeError(`Expected 1 or 3 for channels but received ${String(options.channels)}`);
  }
  if (options.bitDepth !== undefined && options.bitDepth !== 8 && options.bitDepth !== 16) {
    throw new RangeError(`Expected 8 or 16 for bitDepth but received ${String(options.bitDepth)}`);
  }
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((value, i) => bytes[i] === value);
}

/** "-1 (number)", "Float32Array", "null": how an unexpected argument is named in error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${String(value)} (${typeof value})`;
}
