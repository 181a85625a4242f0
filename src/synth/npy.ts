/**
 * The few lines of NumPy `.npy` (format 1.0) writing the synthetic dataset needs: a little-endian float64
 * C-order array, header padded so the data starts on a 64-byte boundary.
 */

/** Encodes a float64 array of the given shape as an `.npy` file. */
export function encodeNpyFloat64(data: Float64Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`Expected ${count} values for shape (${shape.join(', ')}) but received ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces and ended by a newline
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + data.byteLength);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  const view = new DataView(out.buffer, out.byteOffset + 10 + header.length, data.byteLength);
  for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  return out;
}
