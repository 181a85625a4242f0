/**
 * The browser's binding of the DICOM pixel codecs (see ./dicom-codecs.ts, whose place it takes in the bundle of
 * `medslip serve`): baseline JPEG through the browser's own decoder; JPEG Lossless through the same pure-JS
 * decoder as in Node; JPEG 2000 and JPEG-LS through the same WebAssembly builds, whose .wasm files the server
 * sends from /codecs/.
 */
import { Decoder } from 'jpeg-lossless-decoder-js';
import openJpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import charLsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import type { CharLsCodec, DecodedJpeg, LosslessModule, OpenJpegCodec } from './dicom-codecs.ts';
import { decodeInBrowser } from './browser-decode.ts';

export type { CharLsCodec, FrameInfo, OpenJpegCodec } from './dicom-codecs.ts';

/** Where the page's server sends the codecs' .wasm files. */
const WASM_FOLDER = '/codecs/';

let openJpegCodec: Promise<OpenJpegCodec> | undefined;
let charLsCodec: Promise<CharLsCodec> | undefined;

/** A baseline JPEG codestream → grey (the first channel of the browser's RGBA) or RGB samples. */
export async function decodeJpegBaseline(fragment: Uint8Array, channels: 1 | 3): Promise<DecodedJpeg> {
  const { rgba, width, height } = await decodeInBrowser(fragment, 'image/jpeg');
  const data = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = rgba[4 * p + c];
  return { data, width, height, channels };
}

export function losslessDecoder(): LosslessModule {
  return { Decoder: Decoder as LosslessModule['Decoder'] };
}

const moduleOptions = { print: () => undefined, printErr: () => undefined, locateFile: (file: string) => `${WASM_FOLDER}${file}` };

export function openJpeg(): Promise<OpenJpegCodec> {
  openJpegCodec ??= (openJpegFactory as (module: object) => Promise<OpenJpegCodec>)(moduleOptions);
  return openJpegCodec;
}

export function charLs(): Promise<CharLsCodec> {
  charLsCodec ??= (charLsFactory as (module: object) => Promise<CharLsCodec>)(moduleOptions);
  return charLsCodec;
}

export function dropCodec(kind: 'jpeg2000' | 'jpeg-ls'): void {
  if (kind === 'jpeg2000') openJpegCodec = undefined;
  else charLsCodec = undefined;
}
