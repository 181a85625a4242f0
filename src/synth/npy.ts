/**
 * The few lines of NumPy `.npy` (format 1.0) writing the synthetic dataset needs: a little-endian float64
 * C-order array, header padded so the data starts on a 64-byte boundary.
 */

/** The header of a float64 C-order `.npy` file of the given shape; the data follows it directly. */
export function npyFloat64Header(shape: readonly number[]): Buffer {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`Expected non-negative integer dimensions but received (${shape.join(', ')})`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces and ended by a newline
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  return out;
}

/** Float64 values as little-endian bytes (the `.npy` data of `npyFloat64Header`). */
export function float64LittleEndian(data: Float64Array): Buffer {
  const out = Buffer.alloc(data.byteLength);
  for (let i = 0; i < data.length; i++) out.writeDoubleLE(data[i], 8 * i);
  return out;
}

/** Encodes a float64 array of the given shape as a whole `.npy` file. */
export function encodeNpyFloat64(data: Float64Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`Expected ${count} values for shape (${shape.join(', ')}) but received ${data.length}`);
  return Buffer.concat([npyFloat64Header(shape), float64LittleEndian(data)]);
}
