/** Tensor element types, their libtorch ScalarType codes and typed-array counterparts. */

export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const DTYPES: readonly DType[] = Object.freeze(['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']);

// c10::ScalarType enum values.
const CODES: Readonly<Record<DType, number>> = Object.freeze({
  uint8: 0, int8: 1, int16: 2, int32: 3, int64: 4, float16: 5, float32: 6, float64: 7, bool: 11, bfloat16: 15,
});
const BY_CODE = new Map<number, DType>(Object.entries(CODES).map(([name, code]) => [code, name as DType]));

export function dtypeCode(dtype: DType): number {
  const code = CODES[dtype];
  if (code === undefined) throw new RangeError(`Expected a dtype (one of ${DTYPES.join(', ')}) but received ${dtype}`);
  return code;
}

export function dtypeFromCode(code: number): DType {
  const dtype = BY_CODE.get(code);
  if (!dtype) throw new RangeError(`Unsupported libtorch scalar type ${code}`);
  return dtype;
}

/** The typed array that holds each dtype's values (float16/bfloat16 as raw 16-bit patterns). */
export interface TypedArrayFor {
  float32: Float32Array; float64: Float64Array; float16: Uint16Array; bfloat16: Uint16Array; int64: BigInt64Array;
  int32: Int32Array; int16: Int16Array; int8: Int8Array; uint8: Uint8Array; bool: Uint8Array;
}
export type AnyTypedArray = TypedArrayFor[DType];

export const TYPED_ARRAY: { [K in DType]: { new (buffer: ArrayBuffer): TypedArrayFor[K]; BYTES_PER_ELEMENT: number } } = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, bfloat16: Uint16Array, int64: BigInt64Array,
  int32: Int32Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};

/** The dtype a typed array maps to when no dtype is given. */
export function dtypeOfTypedArray(array: ArrayBufferView): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof BigInt64Array) return 'int64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Uint8Array || array instanceof Uint8ClampedArray) return 'uint8';
  throw new TypeError(`Expected Float32Array, Float64Array, BigInt64Array, Int32Array, Int16Array, Int8Array or Uint8Array but received ${array.constructor.name}`);
}

export const isFloatingPoint = (dtype: DType): boolean =>
  dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
