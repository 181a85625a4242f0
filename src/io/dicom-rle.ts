/**
 * RLE Lossless pixel data of DICOM (PS3.5 Annex G), decoded here: PackBits segments, one per byte plane, most
 * significant byte first, per sample. Used by ./dicom.ts.
 */

/** How the samples of a frame are stored (from the image pixel module). */
export interface SampleLayout {
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  channels: 1 | 3;
  planar: boolean;
  bigEndian: boolean;
}

/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header of 16 little-endian uint32 (segment count, then offsets); one
 * PackBits segment per byte plane, most significant byte first, per sample. Returns little-endian planar bytes.
 */
export function decodeRle(fragment: Uint8Array, pixelCount: number, layout: SampleLayout, fail: (what: string) => Error): Uint8Array {
  const bytesPerSample = layout.bitsAllocated / 8;
  const expectedSegments = bytesPerSample * layout.channels;
  if (fragment.length < 64) throw fail(`RLE fragment holds ${fragment.length} bytes, fewer than its 64-byte header`);
  // PackBits expands two bytes to at most 128: a header size beyond that is corrupt (and must not be allocated).
  if (pixelCount * expectedSegments > 64 * fragment.length) {
    throw fail(`RLE data of ${fragment.length} bytes cannot hold ${pixelCount} pixels × ${expectedSegments} byte planes; the header size is wrong`);
  }
  const header = new DataView(fragment.buffer, fragment.byteOffset, 64);
  const segments = header.getUint32(0, true);
  if (segments !== expectedSegments) throw fail(`RLE header lists ${segments} segments; expected ${expectedSegments} for ${layout.channels} sample(s) of ${layout.bitsAllocated} bits`);
  const out = new Uint8Array(pixelCount * expectedSegments);
  for (let segment = 0; segment < segments; segment++) {
    const start = header.getUint32(4 + 4 * segment, true);
    const end = segment + 1 < segments ? header.getUint32(8 + 4 * segment, true) : fragment.length;
    if (start < 64 || end > fragment.length || end < start) throw fail(`RLE segment ${segment + 1} spans bytes ${start}–${end} outside the fragment's ${fragment.length}`);
    const sample = Math.floor(segment / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample); // segments go most significant first
    const stride = bytesPerSample;
    let o = 0;
    const base = sample * pixelCount * bytesPerSample + byteInSample;
    let i = start;
    while (i < end && o < pixelCount) {
      const n = fragment[i++];
      if (n < 128) {
        const count = n + 1;
        if (i + count > end) throw fail(`RLE segment ${segment + 1} ends inside a literal run`);
        for (let k = 0; k < count && o < pixelCount; k++) out[base + stride * o++] = fragment[i + k];
        i += count;
      } else if (n > 128) {
        const count = 257 - n;
        if (i >= end) throw fail(`RLE segment ${segment + 1} ends inside a replicate run`);
        const value = fragment[i++];
        for (let k = 0; k < count && o < pixelCount; k++) out[base + stride * o++] = value;
      } // n = 128 (−128): no operation
    }
    if (o < pixelCount) throw fail(`RLE segment ${segment + 1} decodes to ${o} bytes; expected ${pixelCount}`);
  }
  return out;
}

