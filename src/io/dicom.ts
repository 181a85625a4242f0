/**
 * DICOM Part 10 images → pixel values → a displayable `Image`.
 *
 * Parsing is dicom-parser's. Pixel data of the first frame is decoded for these transfer syntaxes:
 *   - Implicit VR Little Endian (1.2.840.10008.1.2), Explicit VR Little/Big Endian (…1.2.1 / …1.2.2),
 *     Deflated Explicit VR Little Endian (…1.2.1.99, inflated by dicom-parser with node:zlib);
 *   - JPEG Baseline / Extended 8-bit (…4.50, …4.51) through sharp (libjpeg-turbo);
 *   - JPEG Lossless (…4.57, …4.70) through jpeg-lossless-decoder-js;
 *   - JPEG 2000 (…4.90, …4.91) through @cornerstonejs/codec-openjpeg (OpenJPEG compiled to WebAssembly);
 *   - JPEG-LS (…4.80, …4.81) through @cornerstonejs/codec-charls (CharLS compiled to WebAssembly);
 *   - RLE Lossless (…1.2.5), decoded by ./dicom-rle.ts (PS3.5 Annex G: PackBits segments, most significant byte first).
 * Any other transfer syntax (12-bit JPEG, HTJ2K, JPEG XL, video…) is rejected with an error that names it.
 *
 * From stored values to display (./dicom-display.ts; PS3.3 C.7.6.3.1, C.11.1, C.11.2): Rescale Slope/Intercept → modality values;
 * then the first VOI window (Window Center/Width, with VOI LUT Function LINEAR, LINEAR_EXACT or SIGMOID) when
 * present, else the stored values unchanged when they already are 8-bit grey levels, else a min–max stretch;
 * MONOCHROME1 is inverted so that every image displays with bright = dense. Without a window the inversion is
 * min+max−v, which is what the reference datasets' readers display. VOI LUT and Modality LUT *sequences* are not
 * applied (rare in chest radiographs; the window, when also present, is used).
 */
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import type { Image } from './image.ts';
import { decodeRle, type SampleLayout } from './dicom-rle.ts';
import { clamp, dicomToImage } from './dicom-display.ts';

export { dicomToImage };
// The codecs are the platform-bound part (sharp and CommonJS modules in Node); `medslip serve` bundles this same
// file for the browser with dicom-codecs.browser.ts in their place.
import { charLs, decodeJpegBaseline, dropCodec, losslessDecoder, openJpeg, type CharLsCodec, type FrameInfo, type OpenJpegCodec } from './dicom-codecs.ts';

/** What one DICOM file holds, decoded to modality values (rescale applied, no VOI, no inversion). */
export interface DicomPixels {
  /** width·height·channels modality values of the first frame, interleaved (HWC). */
  values: Float32Array;
  width: number;
  height: number;
  channels: 1 | 3;
  /** (0028,0004), e.g. MONOCHROME1, MONOCHROME2, RGB. */
  photometricInterpretation: string;
  transferSyntaxUid: string;
  bitsStored: number;
  /** The first VOI window of (0028,1050)/(0028,1051) in modality units, when present and valid. */
  window?: { center: number; width: number; function: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID' };
  rescaleSlope: number;
  rescaleIntercept: number;
  numberOfFrames: number;
}

export interface DecodeDicomOptions {
  /** The name used in error messages (the file path). */
  name?: string;
  /** Output bit depth of the displayed image (default 8). */
  bitDepth?: 8 | 16;
}

interface TransferSyntax {
  name: string;
  kind: 'native' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'rle';
  bigEndian?: boolean;
}

/** The transfer syntaxes medslip decodes, by UID. */
export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntax>> = Object.freeze({
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', kind: 'native' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', kind: 'native' },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', kind: 'native' },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', kind: 'native', bigEndian: true },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', kind: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', kind: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', kind: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', kind: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', kind: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', kind: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Image Compression (Lossless Only)', kind: 'jpeg2000' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000 Image Compression', kind: 'jpeg2000' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', kind: 'rle' },
});

/** Names of well-known syntaxes medslip does not decode, so that the error can say what the file is. */
const UNSUPPORTED_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.52': 'JPEG Extended (Process 3 & 5, retired)',
  '1.2.840.10008.1.2.4.53': 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8, retired)',
  '1.2.840.10008.1.2.4.55': 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12, retired)',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile',
};

/** True when the bytes carry the Part 10 "DICM" marker at byte 128. */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * Decodes a DICOM file to a displayable image (see the file header for the display pipeline) and its modality
 * values.
 *
 * @example
 *   const { image, pixels } = await decodeDicom(await readFile('cr.dcm'), { name: 'cr.dcm' });
 * @throws {Error} naming the file for an unreadable or truncated file, a missing field, or an unsupported
 *   transfer syntax (named with its UID).
 */
export async function decodeDicom(bytes: Uint8Array, options: DecodeDicomOptions = {}): Promise<{ image: Image; pixels: DicomPixels }> {
  const pixels = await readDicomPixels(bytes, options);
  return { image: dicomToImage(pixels, options.bitDepth ?? 8), pixels };
}

/**
 * Parses a DICOM file and decodes the first frame to modality values (stored value · slope + intercept).
 *
 * @throws {Error} naming the file (see `decodeDicom`).
 */
export async function readDicomPixels(bytes: Uint8Array, options: { name?: string } = {}): Promise<DicomPixels> {
  const name = options.name ?? '<buffer>';
  const fail = (what: string): Error => new DicomFileError(`${name}: ${what}`);
  if (bytes.length === 0) throw fail('DICOM file is empty (0 bytes)');

  // dicom-parser inflates deflated data sets with Buffer methods in Node; in a browser there is no Buffer.
  const buffer = typeof Buffer === 'undefined' || Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (isDicom(buffer)) {
    // Check the transfer syntax before parsing the body: a data set in an unknown encoding would only fail
    // later with a parser message that does not say why.
    let uid: string | undefined;
    try {
      uid = dicomParser.readPart10Header(buffer).string('x00020010');
    } catch (error) {
      throw fail(`is not a readable DICOM file, its file meta header is truncated or corrupt (${parserMessage(error)})`);
    }
    if (uid !== undefined) checkTransferSyntax(uid.replace(/\0/g, '').trim(), fail);
  }
  let dataSet: DataSet;
  try {
    // Files without the Part 10 preamble are raw data sets; by the standard they are Implicit VR Little Endian.
    dataSet = dicomParser.parseDicom(buffer, isDicom(buffer) ? undefined : { TransferSyntaxUID: '1.2.840.10008.1.2' });
  } catch (error) {
    throw fail(`is not a readable DICOM file, it is truncated or corrupt (${parserMessage(error)})`);
  }

  const transferSyntaxUid = (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  const syntax = checkTransferSyntax(transferSyntaxUid, fail);

  const rows = requireUint16(dataSet, 'x00280010', 'Rows (0028,0010)', fail);
  const columns = requireUint16(dataSet, 'x00280011', 'Columns (0028,0011)', fail);
  const bitsAllocated = requireUint16(dataSet, 'x00280100', 'Bits Allocated (0028,0100)', fail);
  const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  const highBit = dataSet.uint16('x00280102') ?? bitsStored - 1;
  const signed = (dataSet.uint16('x00280103') ?? 0) === 1;
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  const planar = (dataSet.uint16('x00280006') ?? 0) === 1;
  const photometricInterpretation = (dataSet.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase();
  const framesValue = dataSet.intString('x00280008');
  const numberOfFrames = framesValue !== undefined && Number.isInteger(framesValue) && framesValue >= 1 ? framesValue : 1;
  if (rows === 0 || columns === 0) throw fail(`image has zero size (Rows ${rows}, Columns ${columns})`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw fail(`Bits Allocated (0028,0100) is ${bitsAllocated}; expected 8, 16 or 32`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw fail(`Bits Stored ${bitsStored} / High Bit ${highBit} do not fit Bits Allocated ${bitsAllocated}`);
  }
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw fail(`Samples per Pixel (0028,0002) is ${samplesPerPixel}; expected 1 or 3`);
  const channels: 1 | 3 = samplesPerPixel;
  if (channels === 1 && !photometricInterpretation.startsWith('MONOCHROME')) {
    throw fail(`Photometric Interpretation (0028,0004) ${photometricInterpretation} is not supported with 1 sample per pixel (expected MONOCHROME1 or MONOCHROME2)`);
  }
  if (channels === 3 && !['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT'].includes(photometricInterpretation)) {
    throw fail(`Photometric Interpretation (0028,0004) ${photometricInterpretation} is not supported (expected RGB or YBR_*)`);
  }

  if (photometricInterpretation === 'YBR_FULL_422' && (syntax.kind === 'native' || syntax.kind === 'rle')) {
    throw fail(`Photometric Interpretation YBR_FULL_422 (chroma-subsampled samples) is not supported in ${syntax.name}`);
  }

  const pixelElement = dataSet.elements.x7fe00010;
  if (pixelElement === undefined) throw fail('has no Pixel Data (7FE0,0010)');
  const pixelCount = rows * columns;
  const layout: SampleLayout = { bitsAllocated, bitsStored, highBit, signed, channels, planar, bigEndian: syntax.bigEndian === true };

  let stored: Float32Array;
  if (syntax.kind === 'native') {
    const frameBytes = (pixelCount * channels * bitsAllocated) / 8;
    if (pixelElement.encapsulatedPixelData) throw fail(`Pixel Data is encapsulated, which ${syntax.name} does not allow`);
    const available = Math.min(pixelElement.length, dataSet.byteArray.length - pixelElement.dataOffset);
    if (available < frameBytes) {
      throw fail(`Pixel Data (7FE0,0010) holds ${Math.max(0, available)} bytes; expected ${frameBytes} for ${columns}×${rows}×${channels} samples of ${bitsAllocated} bits (truncated file?)`);
    }
    stored = unpackSamples(dataSet.byteArray.subarray(pixelElement.dataOffset, pixelElement.dataOffset + frameBytes), pixelCount, layout);
  } else {
    const fragment = firstFrameFragment(dataSet, pixelElement, numberOfFrames, syntax, fail);
    stored = await decodeCompressed(fragment, syntax, transferSyntaxUid, { rows, columns, pixelCount, layout, photometricInterpretation }, fail);
  }
  if (channels === 3 && photometricInterpretation === 'YBR_FULL' && syntax.kind !== 'jpeg' && syntax.kind !== 'jpeg2000') {
    ybrFullToRgb(stored);
  }

  // Rescale applies to grey images only (PS3.3 C.11.1); "DS" strings may be missing or malformed, then identity.
  const slopeValue = dataSet.floatString('x00281053');
  const interceptValue = dataSet.floatString('x00281052');
  const rescaleSlope = channels === 1 && slopeValue !== undefined && Number.isFinite(slopeValue) && slopeValue !== 0 ? slopeValue : 1;
  const rescaleIntercept = channels === 1 && interceptValue !== undefined && Number.isFinite(interceptValue) ? interceptValue : 0;
  if (rescaleSlope !== 1 || rescaleIntercept !== 0) {
    for (let i = 0; i < stored.length; i++) stored[i] = stored[i] * rescaleSlope + rescaleIntercept;
  }

  const centre = dataSet.floatString('x00281050', 0);
  const widthValue = dataSet.floatString('x00281051', 0);
  const voiFunction = (dataSet.string('x00281056') ?? 'LINEAR').trim().toUpperCase();
  let window: DicomPixels['window'];
  if (channels === 1 && centre !== undefined && widthValue !== undefined && Number.isFinite(centre) && Number.isFinite(widthValue)) {
    const fn = voiFunction === 'LINEAR_EXACT' || voiFunction === 'SIGMOID' ? voiFunction : 'LINEAR';
    // LINEAR needs width ≥ 1, the others width > 0 (C.11.2.1.2); an invalid window is ignored (min–max instead).
    if (fn === 'LINEAR' ? widthValue >= 1 : widthValue > 0) window = { center: centre, width: widthValue, function: fn };
  }

  return {
    values: stored, width: columns, height: rows, channels, photometricInterpretation, transferSyntaxUid, bitsStored,
    window, rescaleSlope, rescaleIntercept, numberOfFrames,
  };
}

/** Packed samples (8/16/32 bits, either byte order, planar or interleaved) → stored values, interleaved. */
function unpackSamples(bytes: Uint8Array, pixelCount: number, layout: SampleLayout): Float32Array {
  const { bitsAllocated, bitsStored, highBit, signed, channels, planar, bigEndian } = layout;
  const sampleCount = pixelCount * channels;
  const out = new Float32Array(sampleCount);
  const shift = highBit + 1 - bitsStored;
  if (bitsAllocated <= 16 && !(planar && channels === 3)) {
    // Fast path (nearly every radiograph): integer bit operations on bytes, no DataView.
    const mask16 = (1 << bitsStored) - 1, sign16 = 1 << (bitsStored - 1);
    for (let s = 0; s < sampleCount; s++) {
      const raw = bitsAllocated === 8 ? bytes[s] : bigEndian ? (bytes[2 * s] << 8) | bytes[2 * s + 1] : bytes[2 * s] | (bytes[2 * s + 1] << 8);
      const value = (raw >> shift) & mask16;
      out[s] = signed && value >= sign16 ? value - 2 * sign16 : value;
    }
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mask = bitsStored === 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  for (let s = 0; s < sampleCount; s++) {
    // Planar data is stored RRR…GGG…BBB…; the output is interleaved RGBRGB….
    const source = planar && channels === 3 ? (s % 3) * pixelCount + Math.floor(s / 3) : s;
    let raw: number;
    if (bitsAllocated === 8) raw = view.getUint8(source);
    else if (bitsAllocated === 16) raw = view.getUint16(source * 2, !bigEndian);
    else raw = view.getUint32(source * 4, !bigEndian);
    let value = bitsStored === 32 && shift === 0 ? raw : Math.floor(raw / 2 ** shift) % (mask + 1);
    if (signed && value >= signBit) value -= 2 * signBit;
    out[s] = value;
  }
  return out;
}

function firstFrameFragment(dataSet: DataSet, element: Element, frames: number, syntax: TransferSyntax, fail: (what: string) => Error): Uint8Array {
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) throw fail(`Pixel Data is not encapsulated, which ${syntax.name} requires`);
  try {
    if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length);
    const offsets = element.basicOffsetTable && element.basicOffsetTable.length > 0
      ? element.basicOffsetTable
      : syntax.kind === 'jpeg' || syntax.kind === 'jpeg-lossless'
        ? dicomParser.createJPEGBasicOffsetTable(dataSet, element)
        : fragments.map((f) => f.offset); // one fragment per frame: the usual layout when there is no table
    return dicomParser.readEncapsulatedImageFrame(dataSet, element, 0, offsets);
  } catch (error) {
    throw fail(`cannot read the encapsulated Pixel Data fragments, the file is truncated or corrupt (${parserMessage(error)})`);
  }
}

interface FrameGeometry {
  rows: number;
  columns: number;
  pixelCount: number;
  layout: SampleLayout;
  photometricInterpretation: string;
}

async function decodeCompressed(fragment: Uint8Array, syntax: TransferSyntax, uid: string, frame: FrameGeometry, fail: (what: string) => Error): Promise<Float32Array> {
  const { rows, columns, pixelCount, layout } = frame;
  const expectSize = (width: number, height: number, components: number): void => {
    if (width !== columns || height !== rows || components !== layout.channels) {
      throw fail(`${syntax.name} data is ${width}×${height}×${components}, but the header says ${columns}×${rows}×${layout.channels}`);
    }
  };
  if (syntax.kind !== 'rle') {
    // Check the codestream's own frame size first: a corrupt one could make a decoder allocate gigabytes.
    const size = codestreamSize(fragment, syntax.kind === 'jpeg2000');
    if (size === undefined) throw fail(`cannot decode ${syntax.name} (${uid}) pixel data: no frame header found, the data is truncated or corrupt`);
    expectSize(size.width, size.height, size.components);
  }
  try {
    if (syntax.kind === 'jpeg') {
      if (layout.bitsStored > 8) throw fail(`12-bit ${syntax.name} (${uid}) is not supported; only 8-bit JPEG is`);
      const decoded = await decodeJpegBaseline(fragment, layout.channels);
      expectSize(decoded.width, decoded.height, decoded.channels);
      return Float32Array.from(decoded.data);
    }
    if (syntax.kind === 'jpeg-lossless') {
      const decoded = new (losslessDecoder().Decoder)().decompress(fragment.buffer.slice(fragment.byteOffset, fragment.byteOffset + fragment.length));
      const bytesPerSample = decoded.byteLength / (pixelCount * layout.channels);
      if (bytesPerSample !== 1 && bytesPerSample !== 2) throw fail(`${syntax.name} data has ${decoded.byteLength} bytes for ${columns}×${rows}×${layout.channels} samples`);
      // The decoder writes samples interleaved, in the machine's (little-endian) byte order.
      return unpackSamples(new Uint8Array(decoded), pixelCount, { ...layout, bitsAllocated: bytesPerSample * 8, highBit: layout.bitsStored - 1, planar: false, bigEndian: false });
    }
    if (syntax.kind === 'jpeg2000' || syntax.kind === 'jpeg-ls') {
      const jpeg2000 = syntax.kind === 'jpeg2000';
      const codec = jpeg2000 ? await openJpeg() : await charLs();
      const decoder = jpeg2000 ? new (codec as OpenJpegCodec).J2KDecoder() : new (codec as CharLsCodec).JpegLSDecoder();
      try {
        decoder.getEncodedBuffer(fragment.length).set(fragment);
        decoder.decode();
        const info = decoder.getFrameInfo();
        if (info.width === 0 || info.height === 0) {
          throw fail(`cannot decode ${syntax.name} (${uid}) pixel data, it is truncated or corrupt (the decoder returned an empty image)`);
        }
        expectSize(info.width, info.height, info.componentCount);
        const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
        const decoded = decoder.getDecodedBuffer().slice(); // copy out of the WebAssembly heap
        // Both decoders write samples interleaved in little-endian order. JPEG 2000 reports its precision and
        // signedness; JPEG-LS codes unsigned values, so Bits Stored and Pixel Representation of the header apply.
        const bitsStored = jpeg2000 ? Math.min(info.bitsPerSample, bytesPerSample * 8) : Math.min(layout.bitsStored, bytesPerSample * 8);
        const signed = jpeg2000 ? (info as FrameInfo & { isSigned: boolean }).isSigned : layout.signed;
        return unpackSamples(decoded, pixelCount, {
          ...layout, bitsAllocated: bytesPerSample * 8, bitsStored, highBit: bitsStored - 1, signed, planar: false, bigEndian: false,
        });
      } catch (error) {
        // An Emscripten abort leaves the module unusable: drop it so that the next file gets a fresh instance.
        if (error instanceof WebAssembly.RuntimeError) dropCodec(jpeg2000 ? 'jpeg2000' : 'jpeg-ls');
        throw error;
      } finally {
        try {
          decoder.delete();
        } catch {
          // The instance may already be gone after an abort.
        }
      }
    }
    return unpackSamples(decodeRle(fragment, pixelCount, layout, fail), pixelCount, { ...layout, planar: layout.channels === 3, bigEndian: false });
  } catch (error) {
    if (error instanceof DicomFileError) throw error;
    throw fail(`cannot decode ${syntax.name} (${uid}) pixel data, it is truncated or corrupt (${parserMessage(error)})`);
  }
}

/**
 * Width, height and component count from a codestream header: the SIZ segment of JPEG 2000 (right after SOC)
 * or the first SOFn segment of JPEG / JPEG-LS (baseline, extended, progressive, lossless, SOF55).
 */
function codestreamSize(data: Uint8Array, jpeg2000: boolean): { width: number; height: number; components: number } | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (jpeg2000) {
    // SOC FF4F, SIZ FF51, Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz, XTOsiz, YTOsiz, Csiz.
    if (data.length < 42 || view.getUint16(0) !== 0xff4f || view.getUint16(2) !== 0xff51) return undefined;
    return { width: view.getUint32(8) - view.getUint32(16), height: view.getUint32(12) - view.getUint32(20), components: view.getUint16(40) };
  }
  let i = 2; // after SOI
  if (data.length < 4 || view.getUint16(0) !== 0xffd8) return undefined;
  while (i + 4 <= data.length) {
    if (data[i] !== 0xff) return undefined;
    const marker = data[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    const length = view.getUint16(i + 2);
    const isFrame = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
    if (isFrame) {
      if (i + 10 > data.length) return undefined;
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7), components: data[i + 9] };
    }
    i += 2 + length;
  }
  return undefined;
}

/** YBR_FULL → RGB in place (PS3.3 C.7.6.3.1.2), for uncompressed and RLE data; JPEG decoders convert themselves. */
function ybrFullToRgb(values: Float32Array): void {
  for (let i = 0; i < values.length; i += 3) {
    const y = values[i], cb = values[i + 1] - 128, cr = values[i + 2] - 128;
    values[i] = clamp(Math.round(y + 1.402 * cr), 0, 255);
    values[i + 1] = clamp(Math.round(y - 0.344136 * cb - 0.714136 * cr), 0, 255);
    values[i + 2] = clamp(Math.round(y + 1.772 * cb), 0, 255);
  }
}

function checkTransferSyntax(uid: string, fail: (what: string) => Error): TransferSyntax {
  const syntax = TRANSFER_SYNTAXES[uid];
  if (syntax !== undefined) return syntax;
  const known = UNSUPPORTED_NAMES[uid];
  throw fail(`transfer syntax ${uid}${known ? ` (${known})` : ''} is not supported; medslip decodes ` +
    Object.entries(TRANSFER_SYNTAXES).map(([id, s]) => `${s.name} (${id})`).join(', '));
}

/** An error already worded for the user (names the file); decoder failures get wrapped, these pass through. */
class DicomFileError extends Error {
  override name = 'Error';
}

function requireUint16(dataSet: DataSet, tag: string, what: string, fail: (what: string) => Error): number {
  const value = dataSet.uint16(tag);
  if (value === undefined) throw fail(`is missing ${what}`);
  return value;
}

/** dicom-parser throws strings, Errors and `{ exception, dataSet }` objects: one message from each. */
function parserMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'exception' in error) return parserMessage(error.exception);
  return String(error);
}
