/**
 * safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
 * JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, then the raw
 * little-endian data, offsets relative to its start. The reader validates what the reference Rust implementation
 * validates — offsets must tile the data region exactly, in order, with no gap or overlap — and also that each
 * span is shape × item size, so a truncated or corrupted file fails with its name and the entry at fault.
 */
import { writeFileAtomic, type WrittenFile } from './atomic-write.ts';
import { loadFile, type FileInput } from './source.ts';
import { bytesOf, checkRawTensor, dataFromBytes, ITEM_SIZE, numel, type DType, type RawTensor } from './raw-tensor.ts';

const FILE_DTYPE: Readonly<Record<string, DType>> = Object.freeze({
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16',
  I8: 'int8', U8: 'uint8', BOOL: 'bool',
});
const DTYPE_NAME: Readonly<Record<DType, string>> = Object.freeze(
  Object.fromEntries(Object.entries(FILE_DTYPE).map(([name, dtype]) => [dtype, name])) as Record<DType, string>,
);
// The reference implementation refuses headers above 100 MB; a bigger length is a corrupt or foreign file.
const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsFile {
  /** Tensors in the order the header lists them. */
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file (or its bytes). Tensor data is copied out of the file buffer.
 * @example const { tensors } = readSafetensors('weights.safetensors'); tensors.get('fc.weight')?.shape
 * @throws Error naming the file and the problem (short file, bad header JSON, unknown dtype, bad offsets)
 */
export function readSafetensors(input: FileInput): SafetensorsFile {
  const { bytes, name } = loadFile(input);
  const fail = (problem: string): never => {
    throw new Error(`${name} is not a valid safetensors file: ${problem}`);
  };
  if (bytes.byteLength < 8) fail(`it has ${bytes.byteLength} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} exceeds ${MAX_HEADER_BYTES} bytes`);
  if (Number(headerLength) > bytes.byteLength - 8) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes)`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(headerLength)).toString('utf8'));
  } catch (error) {
    fail(`the header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');

  let metadata: Record<string, string> = {};
  const entries: { key: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  for (const [key, value] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)
        || !Object.values(value).every((v) => typeof v === 'string')) {
        fail('"__metadata__" must map strings to strings');
      }
      metadata = { ...(value as Record<string, string>) };
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof entry !== 'object' || entry === null) fail(`entry "${key}" is not an object`);
    const fileDtype = String(entry!.dtype);
    const dtype = FILE_DTYPE[fileDtype];
    if (dtype === undefined) {
      fail(`entry "${key}" has dtype ${JSON.stringify(entry!.dtype)}; expected one of ${Object.keys(FILE_DTYPE).join(', ')}`);
    }
    const shape = entry!.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`entry "${key}" has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
    }
    const offsets = entry!.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
      || offsets[0] > offsets[1]) {
      fail(`entry "${key}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end`);
    }
    const [begin, end] = offsets as number[];
    const expectedBytes = numel(shape as number[]) * ITEM_SIZE[dtype];
    if (end - begin !== expectedBytes) {
      fail(`entry "${key}" spans ${end - begin} bytes but shape [${(shape as number[]).join(', ')}] of ${fileDtype} needs ${expectedBytes}`);
    }
    entries.push({ key, dtype, shape: [...(shape as number[])], begin, end });
  }

  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataLength = bytes.byteLength - dataStart;
  let position = 0;
  for (const entry of byOffset) {
    if (entry.begin !== position) {
      fail(`entry "${entry.key}" starts at byte ${entry.begin} of the data but the previous entry ends at ${position} (gap or overlap)`);
    }
    position = entry.end;
  }
  if (position !== dataLength) {
    fail(position > dataLength
      ? `the entries need ${position} bytes of data but the file holds ${dataLength} (truncated?)`
      : `the file holds ${dataLength} bytes of data but the entries cover only ${position}`);
  }

  const tensors = new Map<string, RawTensor>();
  for (const { key, dtype, shape, begin, end } of entries) {
    const span = bytes.subarray(dataStart + begin, dataStart + end);
    tensors.set(key, { dtype, shape, data: dataFromBytes(dtype, span) });
  }
  return { tensors, metadata };
}

/**
 * Writes tensors (and optional string metadata) as a safetensors file, atomically. The header lists them in the
 * order given; the data is laid out widest item size first (stable) after a header padded to 8 bytes, so every
 * tensor starts aligned to its item size and a reader may view the file's bytes in place.
 * @example writeSafetensors('books.safetensors', { pathology, anatomy }, { format: 'pt' })
 * @returns the file's size and SHA-256
 * @throws TypeError for a malformed tensor or metadata value; RangeError for an empty or reserved name
 */
export function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, RawTensor> | Readonly<Record<string, RawTensor>>,
  metadata?: Readonly<Record<string, string>>,
): WrittenFile {
  const list: [string, RawTensor][] = tensors instanceof Map
    ? [...(tensors as ReadonlyMap<string, RawTensor>).entries()]
    : Object.entries(tensors as Readonly<Record<string, RawTensor>>);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || !Object.values(metadata).every((v) => typeof v === 'string')) {
      throw new TypeError('Expected an object of string values for metadata');
    }
    header.__metadata__ = { ...metadata };
  }
  for (const [key, tensor] of list) {
    if (key.length === 0 || key === '__metadata__') {
      throw new RangeError(`Expected a non-empty tensor name other than "__metadata__" but received ${JSON.stringify(key)}`);
    }
    checkRawTensor(tensor, `tensors["${key}"]`);
    header[key] = null; // reserves the header position; filled in below
  }
  const layout = [...list].sort(([, a], [, b]) => ITEM_SIZE[b.dtype] - ITEM_SIZE[a.dtype]);
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [key, tensor] of layout) {
    const bytes = bytesOf(tensor);
    header[key] = { dtype: DTYPE_NAME[tensor.dtype], shape: tensor.shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json, 'utf8') % 8)) % 8);
  const jsonBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(jsonBytes.byteLength));
  return writeFileAtomic(path, [length, jsonBytes, ...chunks]);
}
