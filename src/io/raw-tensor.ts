/**
 * The engine-free tensor every file reader and writer in `src/io` speaks: a dtype, a shape and one contiguous,
 * row-major, little-endian typed array. The engine turns these into libtorch tensors; nothing here computes.
 *
 * float16 and bfloat16 have no JavaScript typed array, so their data is kept as raw `Uint16Array` bit patterns
 * (exactly as stored on disk); `toFloat32` widens any RawTensor to float32 values when numbers are needed.
 */
import type { DType } from '../torch/dtype.ts'; // the type only: reading files loads no engine

export type { DType };

export type RawTensorData =
  | Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

export interface RawTensor {
  dtype: DType;
  shape: number[];
  data: RawTensorData;
}

/** Bytes per element of each dtype. */
export const ITEM_SIZE: Readonly<Record<DType, number>> = Object.freeze({
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
});

export const DTYPES: readonly DType[] = Object.freeze(Object.keys(ITEM_SIZE) as DType[]);

type TypedArrayConstructor =
  | Float32ArrayConstructor | Float64ArrayConstructor | BigInt64ArrayConstructor | Int32ArrayConstructor
  | Int16ArrayConstructor | Int8ArrayConstructor | Uint8ArrayConstructor | Uint16ArrayConstructor;

const ARRAY_TYPE: Readonly<Record<DType, TypedArrayConstructor>> = Object.freeze({
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, bfloat16: Uint16Array, int64: BigInt64Array,
  int32: Int32Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
});

// Every reader copies bytes straight into typed arrays, which use the host byte order; all files here are
// little-endian, so a big-endian host would silently read garbage. Refuse it once, loudly.
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function assertLittleEndianHost(): void {
  if (!hostIsLittleEndian) throw new Error('medslip file readers need a little-endian host (files are little-endian)');
}

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ITEM_SIZE, value);
}

/** Number of elements of a shape (1 for the empty shape of a scalar). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A zero-filled typed array of the right class for `dtype`. */
export function allocateData(dtype: DType, length: number): RawTensorData {
  return new ARRAY_TYPE[dtype](length);
}

/**
 * Copies little-endian bytes into a fresh typed array of `dtype` (the copy also fixes alignment: a view into a
 * file buffer at an odd offset cannot be a Float32Array).
 */
export function dataFromBytes(dtype: DType, bytes: Uint8Array): RawTensorData {
  assertLittleEndianHost();
  const size = ITEM_SIZE[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`Expected a byte length divisible by ${size} for ${dtype} data but received ${bytes.byteLength}`);
  }
  const data = allocateData(dtype, bytes.byteLength / size);
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  return data;
}

/** The bytes of a tensor's data, as they are written to files (little-endian, no copy). */
export function bytesOf(tensor: RawTensor): Uint8Array {
  assertLittleEndianHost();
  return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
}

/**
 * Checks that a value is a well-formed RawTensor (known dtype, non-negative integer shape, data of the dtype's
 * array class and of length numel(shape)) and returns it typed.
 * @throws TypeError for a wrong type, RangeError for a length that does not match the shape
 */
export function checkRawTensor(value: unknown, what = 'tensor'): RawTensor {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected a RawTensor for ${what} but received ${value === null ? 'null' : typeof value}`);
  }
  const { dtype, shape, data } = value as Partial<RawTensor>;
  if (!isDType(dtype)) throw new TypeError(`Expected one of ${DTYPES.join(', ')} for ${what}.dtype but received ${String(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TypeError(`Expected an array of non-negative integers for ${what}.shape but received ${JSON.stringify(shape)}`);
  }
  if (!(data instanceof ARRAY_TYPE[dtype])) {
    throw new TypeError(`Expected a ${ARRAY_TYPE[dtype].name} for ${what}.data (dtype ${dtype}) but received ${describe(data)}`);
  }
  if (data.length !== numel(shape)) {
    throw new RangeError(`Expected ${numel(shape)} elements for ${what} of shape [${shape.join(', ')}] but received ${data.length}`);
  }
  return value as RawTensor;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}

/** IEEE half-precision bits → number. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Any RawTensor as float32 values (same shape). float16/bfloat16 bits are decoded exactly; int64 values beyond
 * 2^24 round as any float32 conversion does. A float32 tensor is returned as is (no copy).
 */
export function toFloat32(tensor: RawTensor): RawTensor {
  checkRawTensor(tensor);
  if (tensor.dtype === 'float32') return tensor;
  const out = new Float32Array(tensor.data.length);
  const src = tensor.data;
  if (tensor.dtype === 'bfloat16') {
    // bfloat16 is the top half of a float32: shift the bits into place and reinterpret.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < src.length; i++) bits[i] = (src as Uint16Array)[i] << 16;
  } else if (tensor.dtype === 'float16') {
    for (let i = 0; i < src.length; i++) out[i] = float16BitsToNumber((src as Uint16Array)[i]);
  } else {
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
  }
  return { dtype: 'float32', shape: [...tensor.shape], data: out };
}
