/**
 * Row access to a NumPy `.npy` array on disk: the header is parsed once and each `readRow(i)` reads one slice
 * along the first axis. The pre-training label matrices are (N, 51, 75) float64 — 7 GB for MIMIC-CXR's
 * 227,835 studies — so they are read row by row instead of loaded whole (as the reference does).
 *
 * Format: magic "\x93NUMPY", version 1.x (uint16 header length) or 2.x/3.x (uint32), then a Python-literal dict
 * with `descr`, `fortran_order` and `shape` (numpy.lib.format). Little-endian numeric dtypes in C order only.
 */
import { open, stat } from 'node:fs/promises';

const DTYPES: Readonly<Record<string, { size: number; read: (view: DataView, offset: number) => number }>> = {
  f8: { size: 8, read: (v, o) => v.getFloat64(o, true) },
  f4: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  i8: { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  i4: { size: 4, read: (v, o) => v.getInt32(o, true) },
  i2: { size: 2, read: (v, o) => v.getInt16(o, true) },
  i1: { size: 1, read: (v, o) => v.getInt8(o) },
  u1: { size: 1, read: (v, o) => v.getUint8(o) },
  b1: { size: 1, read: (v, o) => v.getUint8(o) },
};

export class NpyRows {
  private constructor(
    readonly path: string,
    /** e.g. "<f8". */
    readonly descr: string,
    readonly shape: readonly number[],
    private readonly dataOffset: number,
  ) {}

  /**
   * Reads and checks the header.
   * @example const rows = await NpyRows.open('landmark_observation_adj_mtx.npy'); const m = await rows.readRow(0);
   * @throws Error naming the file for a bad magic string, an unsupported dtype, Fortran order, a scalar
   *   array, or a file shorter than its header says.
   */
  static async open(path: string): Promise<NpyRows> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new Error(`${path}: cannot open the .npy file (${(error as Error).message})`);
    }
    try {
      const prefix = Buffer.alloc(12);
      const { bytesRead } = await handle.read(prefix, 0, 12, 0);
      if (bytesRead < 10 || prefix[0] !== 0x93 || prefix.toString('latin1', 1, 6) !== 'NUMPY') {
        throw new Error(`${path}: not a .npy file (expected the magic string "\\x93NUMPY")`);
      }
      const major = prefix[6];
      if (major < 1 || major > 3) throw new Error(`${path}: unsupported .npy format version ${major}.${prefix[7]}`);
      const headerLength = major === 1 ? prefix.readUInt16LE(8) : prefix.readUInt32LE(8);
      const headerStart = major === 1 ? 10 : 12;
      const header = Buffer.alloc(headerLength);
      await handle.read(header, 0, headerLength, headerStart);
      const text = header.toString(major === 3 ? 'utf8' : 'latin1');
      const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
      const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
      const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
      if (descr === undefined || fortran === undefined || shapeText === undefined) {
        throw new Error(`${path}: malformed .npy header ${JSON.stringify(text.trim())}`);
      }
      if (!/^[<|=]/.test(descr) || DTYPES[descr.slice(1)] === undefined) {
        throw new Error(`${path}: dtype "${descr}" is not supported; expected a little-endian ${Object.keys(DTYPES).join('/')}`);
      }
      if (fortran === 'True') throw new Error(`${path}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray`);
      const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
      if (shape.length === 0) throw new Error(`${path}: a scalar array has no rows`);
      const reader = new NpyRows(path, descr, shape, headerStart + headerLength);
      const expected = reader.dataOffset + reader.rowBytes * shape[0];
      const { size } = await stat(path);
      if (size < expected) throw new Error(`${path}: the file has ${size} bytes but its header (shape ${JSON.stringify(shape)}) needs ${expected}`);
      return reader;
    } finally {
      await handle.close();
    }
  }

  /** Number of rows (the first axis). */
  get rows(): number {
    return this.shape[0];
  }

  /** Elements per row (product of the other axes). */
  get rowLength(): number {
    return this.shape.slice(1).reduce((a, b) => a * b, 1);
  }

  private get rowBytes(): number {
    return this.rowLength * DTYPES[this.descr.slice(1)].size;
  }

  /** Row `index` as float64 values, in C order. */
  async readRow(index: number): Promise<Float64Array> {
    if (!Number.isInteger(index) || index < 0 || index >= this.rows) {
      throw new RangeError(`Expected row index in [0, ${this.rows - 1}] for ${this.path} but received ${index}`);
    }
    const { size, read } = DTYPES[this.descr.slice(1)];
    const bytes = Buffer.alloc(this.rowBytes);
    const handle = await open(this.path, 'r');
    try {
      await handle.read(bytes, 0, bytes.length, this.dataOffset + index * bytes.length);
    } finally {
      await handle.close();
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const row = new Float64Array(this.rowLength);
    for (let i = 0; i < row.length; i++) row[i] = read(view, i * size);
    return row;
  }
}
