/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0, as numpy/lib/format.py writes them): the magic
 * "\x93NUMPY", a version, the length of a Python-dict header `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }`, then C-order little-endian data. The label matrices of the pre-training data are .npy.
 */
import { writeFileAtomic } from './atomic-write.ts';
import { loadFile, type FileInput } from './source.ts';
import { bytesOf, checkRawTensor, dataFromBytes, ITEM_SIZE, numel, type DType, type RawTensor } from './raw-tensor.ts';
import { checkShape } from '../util/check.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
// numpy aligns the data start to 64 bytes (ARRAY_ALIGN in format.py); writers here do the same.
const ALIGN = 64;

const DESCR_DTYPE: Readonly<Record<string, DType>> = Object.freeze({
  f8: 'float64', f4: 'float32', f2: 'float16', i8: 'int64', i4: 'int32', i2: 'int16', i1: 'int8', u1: 'uint8', b1: 'bool',
});
const DTYPE_DESCR: Readonly<Partial<Record<DType, string>>> = Object.freeze({
  float64: '<f8', float32: '<f4', float16: '<f2', int64: '<i8', int32: '<i4', int16: '<i2', int8: '|i1', uint8: '|u1', bool: '|b1',
});

/**
 * Reads a .npy file (or its bytes) as a RawTensor.
 * @example const matrix = readNpy('labels.npy'); matrix.shape // [N, 51, 75]
 * @throws Error naming the file: bad magic, unsupported version or dtype, Fortran order, wrong data length
 */
export function readNpy(input: FileInput): RawTensor {
  const { bytes, name } = loadFile(input);
  const fail = (problem: string): never => {
    throw new Error(`${name} is not a readable .npy file: ${problem}`);
  };
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('the "\\x93NUMPY" magic is missing');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) fail(`format version ${major}.${bytes[7]} is not 1.0, 2.0 or 3.0`);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.byteLength < prefix) fail('the header length is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = prefix + headerLength;
  if (dataStart > bytes.byteLength) fail(`the header (${headerLength} bytes) runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(prefix, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  if (descr === undefined) fail(`header field "descr" is missing or not a simple dtype string: ${header.trim()}`);
  const order = descr![0];
  const dtype = DESCR_DTYPE[descr!.slice(1)];
  if (dtype === undefined || !['<', '|', '='].includes(order)) {
    fail(`header field "descr" is ${JSON.stringify(descr)}; expected one of <f8 <f4 <f2 <i8 <i4 <i2 |i1 |u1 |b1 (little-endian)`);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) fail('header field "fortran_order" is missing');
  if (fortran === 'True') fail('header field "fortran_order" is True; only C-order arrays are supported (save with np.ascontiguousarray)');
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) fail('header field "shape" is missing');
  const parts = shapeText!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (!parts.every((s) => /^\d+L?$/.test(s))) fail(`header field "shape" is (${shapeText}); expected non-negative integers`);
  const shape = parts.map((s) => Number.parseInt(s, 10));

  const expected = numel(shape) * ITEM_SIZE[dtype];
  const actual = bytes.byteLength - dataStart;
  if (actual !== expected) {
    fail(`shape (${shape.join(', ')}) of ${descr} needs ${expected} bytes of data but the file holds ${actual}${actual < expected ? ' (truncated?)' : ''}`);
  }
  return { dtype, shape, data: dataFromBytes(dtype, bytes.subarray(dataStart)) };
}

/**
 * The header of a C-order little-endian .npy file of this dtype and shape (format 1.0, or 2.0 when the header
 * needs it), padded so that the data, which follows it directly, starts on a 64-byte boundary. For writers that
 * stream the data (the synthetic dataset's label matrices); `writeNpy` writes a whole array.
 * @throws TypeError for a shape that is not non-negative integers; RangeError for bfloat16 (NumPy has no dtype for it)
 */
export function npyHeader(dtype: DType, shape: readonly number[]): Buffer {
  checkShape('shape', shape);
  const descr = DTYPE_DESCR[dtype];
  if (descr === undefined) throw new RangeError(`Expected a dtype NumPy can store but received ${dtype}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let major = 1;
  let prefix = 10;
  let padded = pad(dict, prefix);
  if (padded.length > 0xffff) {
    major = 2;
    prefix = 12;
    padded = pad(dict, prefix);
  }
  const head = Buffer.alloc(prefix + padded.length);
  head.set(MAGIC, 0);
  head[6] = major;
  head[7] = 0;
  if (major === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  head.write(padded, prefix, 'latin1');
  return head;
}

/**
 * Writes a RawTensor as a .npy file (format 1.0, or 2.0 when the header needs it), atomically.
 * @example writeNpy('labels.npy', { dtype: 'float64', shape: [n, 51, 75], data })
 * @throws TypeError for a malformed tensor; RangeError for bfloat16, which NumPy has no dtype for
 */
export function writeNpy(path: string, tensor: RawTensor): void {
  checkRawTensor(tensor);
  writeFileAtomic(path, [npyHeader(tensor.dtype, tensor.shape), bytesOf(tensor)]);
}

function pad(dict: string, prefix: number): string {
  const total = prefix + dict.length + 1; // + the closing newline
  return dict + ' '.repeat((ALIGN - (total % ALIGN)) % ALIGN) + '\n';
}
