/**
 * A minimal zip reader for PyTorch's checkpoint archives: it reads the central directory (with zip64 sizes and
 * offsets), then each entry on demand straight from the file, so a 1 GB checkpoint is never held twice. Torch
 * stores entries uncompressed; deflated entries (a checkpoint re-zipped by hand) are inflated with node:zlib.
 * Multi-disk archives and encryption are refused. (Own code rather than a dependency: the job is ~100 lines and
 * needs positioned reads, which the stream-oriented zip packages make harder, not easier.)
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** Random access to the bytes of a file or an in-memory buffer. */
export interface ByteReader {
  readonly size: number;
  /** What error messages call the input. */
  readonly name: string;
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export function fileByteReader(path: string): ByteReader {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    name: path,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new Error(`${path}: read of ${length} bytes at ${offset} runs past the end of the file (${size} bytes; truncated?)`);
      }
      // allocUnsafeSlow: a buffer of its own (offset 0, not the shared pool), so typed views on it are aligned.
      const out = Buffer.allocUnsafeSlow(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new Error(`${path}: unexpected end of file at byte ${offset + done}`);
        done += n;
      }
      return out;
    },
    close() { closeSync(fd); },
  };
}

export function bufferByteReader(bytes: Uint8Array, name = '<buffer>'): ByteReader {
  return {
    size: bytes.byteLength,
    name,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > bytes.byteLength) {
        throw new Error(`${name}: read of ${length} bytes at ${offset} runs past the end (${bytes.byteLength} bytes; truncated?)`);
      }
      return bytes.subarray(offset, offset + length);
    },
    close() {},
  };
}

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export function isZip(reader: ByteReader): boolean {
  if (reader.size < 4) return false;
  const head = reader.read(0, 4);
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number): number {
  return Number(v.getBigUint64(at, true));
}

/** The entries of a zip archive, by name. */
export function readZipDirectory(reader: ByteReader): Map<string, ZipEntry> {
  const fail = (problem: string): never => {
    throw new Error(`${reader.name} is not a valid zip archive: ${problem}`);
  };
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65535 bytes.
  const tailLength = Math.min(reader.size, 22 + 65535);
  const tailStart = reader.size - tailLength;
  const tail = reader.read(tailStart, tailLength);
  const tailView = view(tail);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tailView.getUint32(i, true) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) fail('no end-of-central-directory record (truncated file?)');
  if (tailView.getUint16(eocd + 4, true) !== 0 || tailView.getUint16(eocd + 6, true) !== 0) fail('multi-disk archives are not supported');
  let count = tailView.getUint16(eocd + 10, true);
  let directorySize = tailView.getUint32(eocd + 12, true);
  let directoryOffset = tailView.getUint32(eocd + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorAt = eocd - 20;
    if (locatorAt < 0 || tailView.getUint32(locatorAt, true) !== ZIP64_LOCATOR) fail('zip64 locator missing');
    const recordOffset = u64(tailView, locatorAt + 8);
    const record = view(reader.read(recordOffset, 56));
    if (record.getUint32(0, true) !== ZIP64_EOCD) fail('zip64 end-of-central-directory record missing');
    count = u64(record, 32);
    directorySize = u64(record, 40);
    directoryOffset = u64(record, 48);
  }
  if (directoryOffset + directorySize > reader.size) fail(`the central directory (${directorySize} bytes at ${directoryOffset}) runs past the end of the file`);
  const directory = reader.read(directoryOffset, directorySize);
  const dv = view(directory);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.byteLength || dv.getUint32(at, true) !== CENTRAL_HEADER) fail(`central directory entry ${i} is malformed`);
    const flags = dv.getUint16(at + 8, true);
    if (flags & 1) fail('encrypted entries are not supported');
    const method = dv.getUint16(at + 10, true);
    let compressedSize = dv.getUint32(at + 20, true);
    let size = dv.getUint32(at + 24, true);
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    let localHeaderOffset = dv.getUint32(at + 42, true);
    const name = Buffer.from(directory.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    // zip64 extended information (id 1): the 64-bit values, in this order, of the fields that overflowed.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dv.getUint16(extra, true);
      const length = dv.getUint16(extra + 2, true);
      if (id === 1) {
        let field = extra + 4;
        if (size === 0xffffffff) { size = u64(dv, field); field += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = u64(dv, field); field += 8; }
        if (localHeaderOffset === 0xffffffff) { localHeaderOffset = u64(dv, field); }
      }
      extra += 4 + length;
    }
    if (method !== 0 && method !== 8) fail(`entry "${name}" uses compression method ${method}; only stored and deflate are supported`);
    entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
    at = extraEnd + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry. */
export function readZipEntry(reader: ByteReader, entry: ZipEntry): Uint8Array {
  const header = view(reader.read(entry.localHeaderOffset, 30));
  if (header.getUint32(0, true) !== LOCAL_HEADER) {
    throw new Error(`${reader.name}: zip entry "${entry.name}" has no local header at byte ${entry.localHeaderOffset}`);
  }
  const dataStart = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  const stored = reader.read(dataStart, entry.compressedSize);
  const data = entry.method === 8 ? inflateRawSync(stored) : stored;
  if (data.byteLength !== entry.size) {
    throw new Error(`${reader.name}: zip entry "${entry.name}" holds ${data.byteLength} bytes, expected ${entry.size}`);
  }
  return data;
}
