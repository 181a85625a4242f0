/**
 * The pixel codecs that DICOM decoding (./dicom.ts) calls, bound to Node: baseline JPEG through sharp
 * (libjpeg-turbo); JPEG Lossless, JPEG 2000 and JPEG-LS through CommonJS / Emscripten modules loaded on first
 * use. `dicom-codecs.browser.ts` has the same exports for the page of `medslip serve`, whose bundler puts it in
 * this file's place, so that dicom.ts itself is one code in the CLI and in the browser.
 */
import { createRequire } from 'node:module';
import sharp from 'sharp';

export interface LosslessModule {
  Decoder: new () => { decompress(buffer: ArrayBuffer | SharedArrayBuffer, offset?: number, length?: number): ArrayBuffer };
}
/** The shape shared by the Cornerstone WebAssembly decoders (embind classes). */
export interface WasmDecoder<Info> {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): Info;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
export interface FrameInfo { width: number; height: number; bitsPerSample: number; componentCount: number }
export interface OpenJpegCodec {
  J2KDecoder: new () => WasmDecoder<FrameInfo & { isSigned: boolean }>;
}
export interface CharLsCodec {
  JpegLSDecoder: new () => WasmDecoder<FrameInfo>;
}
/** 8-bit samples, interleaved. */
export interface DecodedJpeg { data: Uint8Array; width: number; height: number; channels: number }

const require = createRequire(import.meta.url);
let lossless: LosslessModule | undefined;
let openJpegCodec: Promise<OpenJpegCodec> | undefined;
let charLsCodec: Promise<CharLsCodec> | undefined;

/** A baseline (8-bit) JPEG codestream → grey (channels 1) or RGB samples; a decoder warning is an error. */
export async function decodeJpegBaseline(fragment: Uint8Array, channels: 1 | 3): Promise<DecodedJpeg> {
  const { data, info } = await sharp(fragment, { failOn: 'warning' })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

export function losslessDecoder(): LosslessModule {
  lossless ??= require('jpeg-lossless-decoder-js') as LosslessModule;
  return lossless;
}

export function openJpeg(): Promise<OpenJpegCodec> {
  // The WebAssembly build (decoder only) starts once per process, on first use.
  // print/printErr silence OpenJPEG's "[INFO] …" progress lines; failures still surface as exceptions.
  const factory = require('@cornerstonejs/codec-openjpeg/decodewasmjs') as (module: object) => Promise<OpenJpegCodec>;
  openJpegCodec ??= factory({ print: () => undefined, printErr: () => undefined });
  return openJpegCodec;
}

export function charLs(): Promise<CharLsCodec> {
  const factory = require('@cornerstonejs/codec-charls/decodewasmjs') as (module: object) => Promise<CharLsCodec>;
  charLsCodec ??= factory({ print: () => undefined, printErr: () => undefined });
  return charLsCodec;
}

/** Forgets a WebAssembly codec after an Emscripten abort (which leaves it unusable): the next file gets a fresh one. */
export function dropCodec(kind: 'jpeg2000' | 'jpeg-ls'): void {
  if (kind === 'jpeg2000') openJpegCodec = undefined;
  else charLsCodec = undefined;
}
