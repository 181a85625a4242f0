/**
 * The NumPy values training scripts often leave in checkpoints (`np.float64(best_auc)`, small arrays), rebuilt
 * as plain values without NumPy and without running code: numpy scalars become numbers (bigint beyond 2^53) or
 * booleans, numeric arrays become RawTensors. Mirrors what numpy's own pickling emits (numpy/core/multiarray
 * `scalar` and `_reconstruct` + `ndarray.__setstate__`, `dtype.__setstate__`); object arrays are refused.
 */
import { dataFromBytes, float16BitsToNumber, numel, type DType, type RawTensor, type RawTensorData } from './raw-tensor.ts';

const NUMPY_DTYPE: Readonly<Record<string, DType>> = Object.freeze({
  f8: 'float64', f4: 'float32', f2: 'float16', i8: 'int64', i4: 'int32', i2: 'int16', i1: 'int8', u1: 'uint8', b1: 'bool',
});

/** `numpy.dtype(code, align, copy)`; BUILD then sets the byte order. */
export class NumpyDType {
  byteOrder = '|';
  constructor(readonly code: string) {}
  setState(state: unknown): void {
    if (Array.isArray(state) && typeof state[1] === 'string') this.byteOrder = state[1];
  }
  get dtype(): DType {
    const dtype = NUMPY_DTYPE[this.code];
    if (dtype === undefined) throw new TypeError(`numpy dtype ${this.code} is not supported (expected one of ${Object.keys(NUMPY_DTYPE).join(', ')})`);
    if (this.byteOrder === '>') throw new TypeError(`big-endian numpy dtype >${this.code} is not supported`);
    return dtype;
  }
}

export function numpyDType(args: readonly unknown[]): NumpyDType {
  if (typeof args[0] !== 'string') throw new TypeError('numpy.dtype expects a type code string');
  return new NumpyDType(args[0]);
}

/** `numpy.core.multiarray.scalar(dtype, bytes)` → number, bigint or boolean. */
export function numpyScalar(args: readonly unknown[]): number | bigint | boolean {
  const [type, bytes] = args;
  if (!(type instanceof NumpyDType) || !(bytes instanceof Uint8Array)) throw new TypeError('numpy scalar expects (dtype, bytes)');
  const dtype = type.dtype;
  const value = dataFromBytes(dtype, bytes);
  if (value.length !== 1) throw new TypeError(`numpy scalar of ${type.code} holds ${bytes.byteLength} bytes`);
  if (dtype === 'bool') return value[0] !== 0;
  if (dtype === 'float16') return float16BitsToNumber(value[0] as number);
  const element = value[0];
  if (typeof element === 'bigint') {
    return element >= BigInt(Number.MIN_SAFE_INTEGER) && element <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(element) : element;
  }
  return element;
}

/** An ndarray under construction: `_reconstruct` makes it empty, BUILD fills in dtype, shape and data. */
export class NumpyArray implements RawTensor {
  dtype: DType = 'uint8';
  shape: number[] = [0];
  data: RawTensorData = new Uint8Array(0);
  setState(state: unknown): void {
    // (version, shape, dtype, is_fortran, rawdata) — ndarray.__setstate__.
    if (!Array.isArray(state) || state.length !== 5) throw new TypeError('numpy array state must be a 5-tuple');
    const [, shape, type, fortran, raw] = state as unknown[];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new TypeError('numpy array shape is malformed');
    if (!(type instanceof NumpyDType)) throw new TypeError('numpy array dtype is malformed');
    if (!(raw instanceof Uint8Array)) throw new TypeError(`numpy arrays of dtype ${type.code} (objects) are not supported`);
    if (fortran === true && shape.filter((d) => d > 1).length > 1) throw new TypeError('Fortran-order numpy arrays are not supported');
    const dtype = type.dtype;
    const data = dataFromBytes(dtype, raw);
    if (data.length !== numel(shape as number[])) throw new TypeError(`numpy array data holds ${data.length} elements, shape needs ${numel(shape as number[])}`);
    this.dtype = dtype;
    this.shape = [...(shape as number[])];
    this.data = data;
  }
}

export function numpyReconstruct(): NumpyArray {
  return new NumpyArray();
}
