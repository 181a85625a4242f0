import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { decodeDicom, dicomToImage, isDicom, readDicomPixels } from '../../src/io/dicom.ts';
import { readImage } from '../../src/io/image.ts';
import { dataDir } from '../helpers.ts';

const samples = join(dataDir, 'dicom-samples');

// ---- a minimal DICOM Part 10 writer, enough to exercise every decoding path ----

type Value = { vr: string; bytes?: Uint8Array; text?: string; us?: number; fragments?: Uint8Array[] };
interface WriteOptions { transferSyntax: string; elements: Record<string, Value> }

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function encodeValue(value: Value, bigEndian: boolean): Uint8Array {
  if (value.us !== undefined) {
    const out = new Uint8Array(2);
    new DataView(out.buffer).setUint16(0, value.us, !bigEndian);
    return out;
  }
  if (value.text !== undefined) {
    let text = value.text;
    if (text.length % 2 === 1) text += value.vr === 'UI' ? '\0' : ' ';
    return new Uint8Array(Buffer.from(text, 'latin1'));
  }
  return value.bytes ?? new Uint8Array(0);
}

function encodeElement(tag: string, value: Value, explicit: boolean, bigEndian: boolean): Uint8Array {
  const group = parseInt(tag.slice(0, 4), 16), element = parseInt(tag.slice(4), 16);
  const chunks: Uint8Array[] = [];
  const u16 = (v: number, be = bigEndian) => { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, v, !be); return b; };
  const u32 = (v: number, be = bigEndian) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, !be); return b; };
  chunks.push(u16(group), u16(element));
  if (value.fragments) {
    // Encapsulated: undefined length, empty offset table, one item per fragment, sequence delimiter (always LE).
    chunks.push(new Uint8Array(Buffer.from('OB')), new Uint8Array(2), u32(0xffffffff, false), u16(0xfffe, false), u16(0xe000, false), u32(0, false));
    for (const fragment of value.fragments) {
      const padded = fragment.length % 2 ? Buffer.concat([fragment, Buffer.alloc(1)]) : fragment;
      chunks.push(u16(0xfffe, false), u16(0xe000, false), u32(padded.length, false), new Uint8Array(padded));
    }
    chunks.push(u16(0xfffe, false), u16(0xe0dd, false), u32(0, false));
    return Buffer.concat(chunks);
  }
  const bytes = encodeValue(value, bigEndian);
  if (!explicit) chunks.push(u32(bytes.length));
  else if (LONG_VRS.has(value.vr)) chunks.push(new Uint8Array(Buffer.from(value.vr)), new Uint8Array(2), u32(bytes.length));
  else chunks.push(new Uint8Array(Buffer.from(value.vr)), u16(bytes.length));
  chunks.push(bytes);
  return Buffer.concat(chunks);
}

function writeDicom({ transferSyntax, elements }: WriteOptions): Buffer {
  const explicit = transferSyntax !== '1.2.840.10008.1.2';
  const bigEndian = transferSyntax === '1.2.840.10008.1.2.2';
  const metaElements = [
    encodeElement('00020001', { vr: 'OB', bytes: new Uint8Array([0, 1]) }, true, false),
    encodeElement('00020002', { vr: 'UI', text: '1.2.840.10008.5.1.4.1.1.7' }, true, false),
    encodeElement('00020003', { vr: 'UI', text: '1.2.3.4.5' }, true, false),
    encodeElement('00020010', { vr: 'UI', text: transferSyntax }, true, false),
  ];
  const metaLength = metaElements.reduce((n, e) => n + e.length, 0);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaLength);
  const meta = Buffer.concat([encodeElement('00020000', { vr: 'UL', bytes: groupLength }, true, false), ...metaElements]);
  const body = Buffer.concat(Object.keys(elements).sort().map((tag) => encodeElement(tag, elements[tag], explicit, bigEndian)));
  const dataSet = transferSyntax === '1.2.840.10008.1.2.1.99' ? deflateRawSync(body) : body;
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, dataSet]);
}

function imageElements(o: { rows: number; columns: number; bitsAllocated: number; bitsStored: number; signed?: boolean; samples?: number; photometric?: string; planar?: number }): Record<string, Value> {
  const elements: Record<string, Value> = {
    '00280002': { vr: 'US', us: o.samples ?? 1 },
    '00280004': { vr: 'CS', text: o.photometric ?? 'MONOCHROME2' },
    '00280010': { vr: 'US', us: o.rows },
    '00280011': { vr: 'US', us: o.columns },
    '00280100': { vr: 'US', us: o.bitsAllocated },
    '00280101': { vr: 'US', us: o.bitsStored },
    '00280102': { vr: 'US', us: o.bitsStored - 1 },
    '00280103': { vr: 'US', us: o.signed ? 1 : 0 },
  };
  if (o.planar !== undefined) elements['00280006'] = { vr: 'US', us: o.planar };
  return elements;
}

function words(values: ArrayLike<number>, bigEndian = false): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(2 * i, values[i] & 0xffff, !bigEndian);
  return out;
}

// The 40×32 12-bit test pattern that the compressed fragments below encode (made with GDCM 3.0.21 gdcmconv
// --jpeg / --j2k / --jpegls / --rle from a PGM of this pattern): v = 200 + 60x + 40y + (x·y mod 7).
const ROWS = 32, COLUMNS = 40;
const pattern = Array.from({ length: ROWS * COLUMNS }, (_, i) => {
  const x = i % COLUMNS, y = Math.floor(i / COLUMNS);
  return 200 + 60 * x + 40 * y + ((x * y) % 7);
});

const JLL_BASE64 =
  '/9j/wwALEAAgACgBAREA/8QAFgABAQEAAAAAAAAAAAAAAAAABgcP/9oACAEBAAEAAMAx3jx48ePHjx48ePHjx48ePHjx48ePHjx48ePHjx48eP' +
  'Hjx4oevXr169bPXr169etnr169evWz169evXrZ69evXr1s9evXqh8+fN3z5u+fPm7583fPnzd8+bvnz5u+fN3z583fPm758+bqH79w/cP3D9+4' +
  'fuH7h+/cP3D9w/fuH7h+4fv3D9w/cP37h+ooDmgOaA5c0BzQHNAcuaA5oDmgOXNAc0BzQHLmgOaA5oDlzQHNAcqKC6dUF06dUF06oLp06oLp1Q' +
  'XTp1QXTqgunTqgunVBdOnVBdOqCooTt27du3dCdu3bt27oTt27du3dCdu3bt27oTt27du3dCdu3ah48ePHjx48ePHjx48ePHjx48ePHjx48ePH' +
  'jx48ePHjx48eKHr169evWz169evXrZ69evXr1s9evXr162evXr169bPXr16ofPnzd8+bvnz5u+fN3z583fPm758+bvnzd8+fN3z5u+fPm6h+/c' +
  'P3D9w/fuH7h+4fv3D9w/cP37h+4fuH79w/cP3D9+4fqKA5oDmgOXNAc0BzQHLmgOaA5oDlzQHNAc0By5oDmgOaA5c0BzQHKigunVBdOnVBdOqC' +
  '6dOqC6dUF06dUF06oLp06oLp1QXTp1QXTqgqKE7du3bt3Qnbt27du6E7du3bt3Qnbt27du6E7du3bt3Qnbt2oePHjx48ePHjx48ePHjx48ePHj' +
  'x48ePHjx48ePHjx48ePHih69evXr1s9evXr162evXr169bPXr169etnr169evWz169eqHz583fPm758+bvnzd8+fN3z5u+fPm7583fPnzd8+bv' +
  'nz5uofv3D9w/cP37h+4fuH79w/cP3D9+4fuH7h+/cP3D9w/fuH6igOaA5oDlzQHNAc0By5oDmgOaA5c0BzQHNAcuaA5oDmgOXNAc0ByooLp1QX' +
  'Tp1QXTqgunTqgunVBdOnVBdOqC6dOqC6dUF06dUF06oKihO3bt27d0J27du3buhO3bt27d0J27du3buhO3bt27d0J27dqHjx48ePHjx48ePHjx' +
  '48ePHjx48ePHjx48ePHjx48ePHjx4oevXr169bPXr169etnr169evWz169evXrZ69evXr1s9evXqh8+fN3z5u+fPm7583fPnzd8+bvnz5u+fN3' +
  'z583fPm758+bqH79w/cP3D9+4fuH7h+/cP3D9w/fuH7h+4fv3D9w/cP37h+ooDmgOaA5c0BzQHNAcuaA5oDmgOXNAc0BzQHLmgOaA5oDlzQHNA' +
  'cqKC6dUF06dUF06oLp06oLp1QXTp1QXTqgunTqgunVBdOnVBdOqCooTt27du3dCdu3bt27oTt27du3dCdu3bt27oTt27du3dCdu3ah48ePHjx4' +
  '8ePHjx48ePHjx48ePHjx48ePHjx48ePHjx48eKHr169evWz169evXrZ69evXr1s9evXr162evXr169bPXr16ofPnzd8+bvnz5u+fN3z583fPm7' +
  '58+bvnzd8+fN3z5u+fPm6h+/cP3D9w/fuH7h+4fv3D9w/cP37h+4fuH79w/cP3D9+4f/AP/ZAA==';

const J2K_BASE64 =
  '/0//UQApAAAAAAAoAAAAIAAAAAAAAAAAAAAAKAAAACAAAAAAAAAAAAABDwEB/1IADAAAAAEABAQEAAH/XAAQQICIiJCIiJCIiJCIiJD/ZAAqAA' +
  'FDcmVhdGVkIGJ5IEdEQ00vT3BlbkpQRUcgdmVyc2lvbiAyLjUuMP+QAAoAAAAAAl4AAf+Tz/wwMAiQVchto0kBvznN38AD6gOAPzBoAAEQDgsD' +
  'Czw92LHpDH/AH5hkAPwDIAAOjic7ES8qbsfg8vg3PgOAIbma3I24e9IwWwwfMD7gZMXAD8CiAD7SeAAHw0pA5AaVJQe1JIbMKPeRqJdp5X0OIC' +
  'Dd6xNNaEthesUfdc8peDxMQ20RR+g4PqP838oruYAEQn+GojwA8IuYNR5nvAs435w1Mha+pFpOB91qFKo2wp+uRl3myId1tw9rHptbJeHe5MC5' +
  'RWYImWlHQ/uSHarqd8AD6qEgAfU8wAB8l2B0LeBQKWaH+yTAvVtZV4s+Ywlgyv95NtjN/05EV5gSfL0i0BZ+ndHrkmNstnABJaLll9F+fsuzwO' +
  'MFhSiM3XshNFXyn/b/dzMTtosdKnxD+ISj4HXbMqyiBUhbj3hhIbtvYir9b2Z4WMf4HmDQVymwLjv+jLYjyFhVQ98gYiSNshoRKWOqcinevjpJ' +
  'qCy76F/cxSvtdIS9DRRRpKAVAioYKXB3clPF1fNF5lDN1OIjpqwx7niNGXkGEbOzaTKsOdSRLvIF5lu8iSMJcDiyhkt8a8f8I1Bx0xQnxx/03P' +
  'GBKaLIiR74EQ2h1lJnZU1igXz3tcXowzS9nKw9Bm/PvrN3GiBwqbCd0B25FlhrjrQ4x2sagjRgqWM2GejCUV9J3eCvtCb5fFfas1T69c4Oga6f' +
  'JbgLtxD6jGQxa7RgM6qZh+JCzMZ5J7BzGBxEWx8LuA4RY5BtFGsf77hHJtxfdcCQIkDYF0l1CVHEj7RpT0B2PvzwP//ZAA==';

const JLS_BASE64 =
  '/9j/9wALEAAgACgBAREA//gADQH//wASAEMBFABA/9oACAEBAAAAAFj47x1jvHWc5xt9ttdps9lsdhr+7t7Ovq6ejn5uXk4+Lh4N/e3dzb2tnZ' +
  '2MUIpRSlKUqlUqJRKJRMTExLa2tra2traoqKioqKiqnLl69gwYqlaxYixSqVq0qZOoUKVSRKmTp1ClGkSpk6dQiRpFVl10Uk1FVl0SKKKobopJ' +
  'qKobopJqKI7IIpJqI+QlS2J8jCVLVlSVL4nyEqXxPkJUvifISpfE+Rik9qpik9IkVnouYrPRcxWei5is9FzFZ6LmKz6hGRl9mRl9mRl9mRl9mR' +
  'l9mRqBDldfYcrr7DldbMV19mK6+zFdZ9kYhhBsjEMYSZGIYSZEYhrMjENZkpVmR19mR19mR19mR19mR19mSdWYrL7MVl9mKy+zFZfZisvswdGs' +
  'Bo5PYdHJ7Do5PYdHJ7Ds5vYdrazFZfZisvsxWX2YpF9mKRfZi4U2R182R182Ia+ZENfEiGfiRWWBldfYDK6+w5XWzFdfZiuvsxXWwyMQwg0yMQ' +
  'wkyMQxrMjENZkYhrMl5ZkKvsyOvsyOvsyOvsyOvsyVliDZfZg2X2YNl9mDZfZisvsxbiw6OT2HRyew6OT2HRyew6OT2HSosxWX2YrL7MVl9mKy' +
  '+zFZfZi2k2R182R182R182Ia+SIZuSKkwMN19hyuvsOV19h3X2Yrr7MV1osjEMINkYhDCTIxDCTIjENZkYhrMldZkdfZkdfZkdfZkdfZkdfZkn' +
  'rIMS+xBsvsQbL7MGy+zFZfYg6qwGjk9h0cnsOjk9h0c3sOzm9h2mrMVl9mKy+zFZfZisvsxWX2YtRZkdfZkdbMiOtmRHWzEQ1sRFMYGV19hyuv' +
  'sOV/ZiuvsxXX2YrrYyMQwg2yMQwkyMQwkyIxDWZGIazJksyOvsyOvsyOvsyOvsyOvsyVrEGy+xBsvsgxL7EGy+xBsvsweID/2QA=';

const RLE_BASE64 =
  'AgAAAEAAAADKAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/AH9Av0D/QT8Bf0G/Qf8CP' +
  '0JAAD9Af0C/QP8BP0F/Qb8B/0I/QkACv0B/AL9A/0E/QX8Bv0H/Qj9Cf8K/QH9Av0D/QT8Bf0G/Qf8CP0J/wr+Af0C/AP9BP0F/Qb8B/0I/Qn+' +
  'Cv8B/AL9A/0E/QX8Bv0H/Qj9Cf0K/wH9Av0D/QT8Bf0G/Qf9CPwJ/QoAAf0C/AP9BP0F/Qb8B/0I/Qn9CgAL/AL9A/0E/QX8Bv0H/Qj9CfwKAA' +
  'v9Av0D/QT8Bf0G/Qf8CP0J/Qr/C/4C/AP9BP0F/Qb8B/0I/Qn9Cv4L/gL9A/0E/QX8Bv0H/Qj9CfwK/gv/Av0D/QT8Bf0G/Qf8CP0J/Qr9CwAC' +
  '/AP9BP0F/Qb8B/0I/Qn9CvwLAAL9A/0E/QX8Bv0H/Qj9CfwK/QsADP0D/QT8Bf0G/Qf9CPwJ/Qr9C/8M/gP8BP0F/Qb8B/0I/Qn9CvwL/wz+A/' +
  '0E/QX8Bv0H/Qj9CfwK/Qv+DP8D/QT8Bf0G/Qf8CP0J/Qr9C/0MAAP8BP0F/Qb8B/0I/Qn9CvwL/QwAA/0E/QX8Bv0H/Qj9CfwK/Qv9DAAN/QT8' +
  'Bf0G/Qf8CP0J/Qr9C/wMAA39BP0F/Qb8B/0I/Qn9CvwL/Qz/Df4E/QX8Bv0H/Qj9CfwK/Qv9DP4N/wT8Bf0G/Qf8CP0J/Qr9C/wM/g3/BP0F/Q' +
  'b8B/0I/Qn9CvwL/Qz9DQAE/QX8Bv0H/Qj9CfwK/Qv9DP0NAA78Bf0G/Qf9CPwJ/Qr9C/wM/Q0ADv0F/Qb8B/0I/Qn9CvwL/Qz9Df8O/gX8Bv0H' +
  '/Qj9CfwK/Qv9DPwN/w7+Bf0G/Qf8CP0J/Qr9C/wM/Q3+Dv8F/Qb8B/0I/Qn9CvwL/Qz9Df0OJ8gEQHy49DBsqOQgXJjUEEyIxAA8eLTwLGik4B' +
  'xYlNAMSITA/Dh0sOwn8C1qp+QhXpTRDkuIxQI4dbLvLGmm3BlWk9ANSoC9+jd0se4kYZ7bGCcYVpTSCUeFvPo4dq3rKWCe3BpRj80EQoC+9TNx' +
  'qOYkYpnXFUyKyAY9J0B/vvY1bazkI2Ka2RFQiMcGPn219CxrquIhWZjQD06Gxf08dLPyKmknaKjhIVqa0wxMhcX+Pnew8ClpouIbVJTNDUaGv/' +
  'g4cbHqKmOc3BVVjieQ0QtFhsD6NHWv6SpkntgZU43OCEJ8vfcxcqzmIGGb1RZQisQFP3m6J7j6NXCr5iFcntkUT4rFAEJ9uPMuaaTmIVyX0g1I' +
  'isUAO3ax7C5ppN8n4BxYlNAMSITA/Dh0sOwoZKDcGFSQzAhEgLz4NHCs6CRgnNgUUIzIBCcIRYK//Dl2rOkmY6DdGlCNygdEgb70MW6r6CVimN' +
  'UST4zJBjx5tvMwJzBurOohX53UElCOxQNBeLb0Mmmn5RxamNYNS4nA/jx6se8tZKLgHlUnWJfWDk2FxPw7erLxKWig3x5Wlc0MRIPC+jlxsOgn' +
  'Zp7dFVSMywpCgSeAwPk5crLrJGSd3RZWj8gIQYG6+jNsrOUlXp7XEFCJyQJCe7T0LW2mJ6jpI12e2BJMjccBQny28DFrpeYgWpTVD0mKxP44eb' +
  'PtLmii3B1XkdIn0BJNiMP+OXS28Sxnot0YWpXQC0aBvP45dK/qJWCi3RhTjskERoG89yf4NHCs6CRgnNgUUIzIBEB8uPQwbKjkIFyY1BBMiMQA' +
  'PHi08CxopOAcJyBdmtcUUY7EAT57uPUyaKXiH1yZ1gxJhsMAPXqw7SpnpOEeVJHOC0gnSIbEAjl3tewqaKbdG1mQzgxKgb/9NHKw7iVjodgWVJ' +
  'LJB0V8uvg2bSdwr+4mZZ3cFFOSyglBgLj3Nm6t5SRcm9oSUYnIAD9+tvUtbKTjIlqZJ5jYEVGKygM8fLX1Lm6n4CBZmdISS4TE/T12tu8oaKHh' +
  'GlqTzAxFhb4nwAE7dbbwKmSl3xlalM4ISYO9/jhyrO0nYaLcFlCRywVGgLr0NW+p6ifoKmWg2xZRjM4JRH+69TByregjXpnUFlGMxwI9eLr1MG' +
  'um4RxemdQPJxBMiMQAPHi08CxopOAcWJTQDEiEwPw4dLDsKGSg3BhUkMwIRIC8+DQnOHWy7yxpptwZVpPQDUqAvfo3dLHuJGGe2xhVksgFQn+8' +
  '+TZsqeYjYCdgntwaUY/NBEKAvvUzcajmJGKZ1xVMisgGPXu58C5squEfXZTSEE6FJ4jHBj59tfQsa6riIVmY0A9OhsX9PHSz8ippoeAYV5bODU' +
  'WEvPs6crEnsPApaaLiG1SUzQ1Ghr/4OHGx6ipjnNwVVY7OB0CAufkycqvkJF2d1ifYGVONzghCfL33MXKs5iBhm9UWUIrEBT95uvQuaKnjHV6Y' +
  '0gxNh8ECJwBCfbjzLmmk5iFcl9INSIrFADt2sewuaaTfGlWQ0g1Ig775NHax7CcnKGSg3BhUkMwIRIC8+DRwrOgkYJzYFFCMyARAfLj0MGyo5C' +
  'BcmNQQTCdQjcoHRIG+9DFuq+glYpjVEk+MyQY8ebbzMG2q4B1al9QRToTB/jt4J3i29DJpp+UcWpjWDUuJwP48erHvLWSi4B5Vk9EIRoTC+Td1' +
  'rOooZp0noN8eVpXNDESDwvo5cbDoJ2ae3RVUjMsKQoG5+DBvruYlXZzUE1KKyQ==';

test('the real DICOM samples display as the expected images (README of dicom-samples)', async () => {
  for (const name of ['nih-dx-uncompressed', 'siim-cr-jpeg-baseline', 'monochrome1-variant']) {
    const image = await readImage(join(samples, `${name}.dcm`));
    const expected = await readImage(join(samples, 'expected', `${name}.png`));
    assert.deepEqual([image.width, image.height, image.channels, image.bitDepth], [1024, 1024, 1, 8]);
    let max = 0, total = 0;
    for (let i = 0; i < image.data.length; i++) {
      const d = Math.abs(image.data[i] - expected.data[i]);
      total += d;
      if (d > max) max = d;
    }
    console.log(`${name}: max abs error ${max}, mean ${(total / image.data.length).toFixed(4)} grey levels`);
    // JPEG decoders may differ by ±1 (README); medslip's sharp/libjpeg-turbo measured 0 here.
    assert.ok(max <= 1 && total / image.data.length < 0.05, `${name}: max ${max}, mean ${total / image.data.length}`);
  }
});

test('MONOCHROME1 is inverted: it displays as min+max−v of the same data read as MONOCHROME2', async () => {
  const mono2 = await decodeDicom(readFileSync(join(samples, 'siim-cr-jpeg-baseline.dcm')));
  const mono1 = await decodeDicom(readFileSync(join(samples, 'monochrome1-variant.dcm')));
  assert.equal(mono1.pixels.photometricInterpretation, 'MONOCHROME1');
  assert.deepEqual(Array.from(mono1.pixels.values.subarray(0, 5000)), Array.from(mono2.pixels.values.subarray(0, 5000)));
  let min = 255, max = 0;
  for (const v of mono2.image.data) { min = Math.min(min, v); max = Math.max(max, v); }
  for (let i = 0; i < mono1.image.data.length; i++) {
    if (mono1.image.data[i] !== min + max - mono2.image.data[i]) assert.fail(`pixel ${i}: ${mono1.image.data[i]} != ${min}+${max}−${mono2.image.data[i]}`);
  }
});

test('uncompressed syntaxes (implicit LE, explicit LE, explicit BE, deflated) decode 12-bit samples exactly', async () => {
  for (const transferSyntax of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']) {
    const bigEndian = transferSyntax === '1.2.840.10008.1.2.2';
    const file = writeDicom({
      transferSyntax,
      elements: { ...imageElements({ rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }), '7fe00010': { vr: 'OW', bytes: words(pattern, bigEndian) } },
    });
    assert.ok(isDicom(file));
    const pixels = await readDicomPixels(file, { name: transferSyntax });
    assert.equal(pixels.transferSyntaxUid, transferSyntax);
    assert.deepEqual(Array.from(pixels.values), pattern, transferSyntax);
    // No window, 12-bit: min–max to 8 bits. 200 → 0, 3785 → 255.
    const image = dicomToImage(pixels);
    assert.equal(image.data[0], 0);
    assert.equal(image.data[ROWS * COLUMNS - 1], Math.round(((pattern[ROWS * COLUMNS - 1] - 200) * 255) / 3585));
    assert.equal(image.data[41], Math.round(((pattern[41] - 200) * 255) / 3585));
  }
});

test('JPEG Lossless, JPEG 2000, JPEG-LS and RLE fragments decode to the exact 12-bit pattern', async () => {
  const cases: [string, string][] = [
    ['1.2.840.10008.1.2.4.70', JLL_BASE64], ['1.2.840.10008.1.2.4.90', J2K_BASE64], ['1.2.840.10008.1.2.4.80', JLS_BASE64], ['1.2.840.10008.1.2.5', RLE_BASE64],
  ];
  for (const [transferSyntax, base64] of cases) {
    const file = writeDicom({
      transferSyntax,
      elements: { ...imageElements({ rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }), '7fe00010': { vr: 'OB', fragments: [Buffer.from(base64, 'base64')] } },
    });
    const pixels = await readDicomPixels(file, { name: transferSyntax });
    assert.deepEqual(Array.from(pixels.values), pattern, transferSyntax);
  }
});

test('rescale, signed samples, VOI window, MONOCHROME1 and the 16-bit path', async () => {
  // Signed 16-bit, slope 2, intercept −1000: modality = 2·stored − 1000. Window centre 0, width 401.
  const stored = [-500, -100, 400, 500, 600, 1000];
  const file = writeDicom({
    transferSyntax: '1.2.840.10008.1.2.1',
    elements: {
      ...imageElements({ rows: 2, columns: 3, bitsAllocated: 16, bitsStored: 16, signed: true }),
      '00281050': { vr: 'DS', text: '0\\50' }, '00281051': { vr: 'DS', text: '401\\10' },
      '00281052': { vr: 'DS', text: '-1000' }, '00281053': { vr: 'DS', text: '2' },
      '7fe00010': { vr: 'OW', bytes: words(stored) },
    },
  });
  const { image, pixels } = await decodeDicom(file);
  assert.deepEqual(Array.from(pixels.values), [-2000, -1200, -200, 0, 200, 1000]);
  assert.deepEqual(pixels.window, { center: 0, width: 401, function: 'LINEAR' });
  // PS3.3 C.11.2.1.2.1: x ≤ c−0.5−(w−1)/2 = −200.5 → 0; x > c−0.5+(w−1)/2 = 199.5 → 255; else ((x+0.5)/400 + 0.5)·255.
  assert.deepEqual(Array.from(image.data), [0, 0, Math.round((0.5 + (-199.5 / 400)) * 255), Math.round((0.5 / 400 + 0.5) * 255), 255, 255]);
  const sixteen = dicomToImage(pixels, 16);
  assert.equal(sixteen.bitDepth, 16);
  assert.equal(sixteen.data[3], Math.round((0.5 / 400 + 0.5) * 65535));
  const inverted = dicomToImage({ ...pixels, photometricInterpretation: 'MONOCHROME1' });
  assert.deepEqual(Array.from(inverted.data), Array.from(image.data, (v) => 255 - v));
  // Without the window: min–max over the modality values, inverted for MONOCHROME1.
  const minMax = dicomToImage({ ...pixels, window: undefined, photometricInterpretation: 'MONOCHROME1' });
  assert.deepEqual(Array.from(minMax.data), [255, Math.round((2200 * 255) / 3000), Math.round((1200 * 255) / 3000), Math.round((1000 * 255) / 3000), Math.round((800 * 255) / 3000), 0]);
});

test('a data set without the Part 10 header is read as Implicit VR Little Endian; bitDepth 16 keeps 8-bit data ×257', async () => {
  const file = writeDicom({
    transferSyntax: '1.2.840.10008.1.2',
    elements: { ...imageElements({ rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 }), '7fe00010': { vr: 'OW', bytes: words(pattern) } },
  });
  const metaLength = file.readUInt32LE(132 + 8);
  const raw = file.subarray(132 + 12 + metaLength);
  assert.equal(isDicom(raw), false);
  assert.deepEqual(Array.from((await readDicomPixels(raw, { name: 'raw' })).values), pattern);

  const eight = await readImage(join(samples, 'nih-dx-uncompressed.dcm'));
  const sixteen = await readImage(join(samples, 'nih-dx-uncompressed.dcm'), { bitDepth: 16 });
  assert.equal(sixteen.bitDepth, 16);
  for (const i of [0, 4097, 523_000, 1024 * 1024 - 1]) assert.equal(sixteen.data[i], eight.data[i] * 257);
});

test('Bits Stored / High Bit: samples are shifted and masked, signed ones sign-extended from Bits Stored', async () => {
  // 12 bits stored in the high bits (High Bit 15) with junk in the low 4 bits.
  const high = writeDicom({
    transferSyntax: '1.2.840.10008.1.2.1',
    elements: { ...imageElements({ rows: 1, columns: 3, bitsAllocated: 16, bitsStored: 12 }), '00280102': { vr: 'US', us: 15 }, '7fe00010': { vr: 'OW', bytes: words([(5 << 4) | 3, (4095 << 4) | 15, 7]) } },
  });
  assert.deepEqual(Array.from((await readDicomPixels(high)).values), [5, 4095, 0]);
  // Signed 12-bit in 16: 0x0FFF is −1, 0x0800 is −2048, bits above Bits Stored are ignored.
  const signed = writeDicom({
    transferSyntax: '1.2.840.10008.1.2.2',
    elements: { ...imageElements({ rows: 1, columns: 3, bitsAllocated: 16, bitsStored: 12, signed: true }), '7fe00010': { vr: 'OW', bytes: words([0x0fff, 0xf800, 0x07ff], true) } },
  });
  assert.deepEqual(Array.from((await readDicomPixels(signed)).values), [-1, -2048, 2047]);
});

test('8-bit RGB, interleaved and planar, reads as RGB', async () => {
  const rgb = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
  const planar = [10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120];
  for (const [layout, bytes] of [[0, rgb], [1, planar]] as const) {
    const file = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.1',
      elements: { ...imageElements({ rows: 2, columns: 2, bitsAllocated: 8, bitsStored: 8, samples: 3, photometric: 'RGB', planar: layout }), '7fe00010': { vr: 'OB', bytes: new Uint8Array(bytes) } },
    });
    const image = await readImage(file);
    assert.deepEqual([image.channels, Array.from(image.data)], [3, rgb], `planar configuration ${layout}`);
  }
});

test('bad DICOM files: unsupported transfer syntax, missing field, truncated pixel data', async () => {
  const base = imageElements({ rows: ROWS, columns: COLUMNS, bitsAllocated: 16, bitsStored: 12 });
  const htj2k = writeDicom({ transferSyntax: '1.2.840.10008.1.2.4.203', elements: { ...base, '7fe00010': { vr: 'OB', fragments: [new Uint8Array(10)] } } });
  await assert.rejects(readDicomPixels(htj2k, { name: 'ht.dcm' }), (error: Error) =>
    error.message.startsWith('ht.dcm: transfer syntax 1.2.840.10008.1.2.4.203 (High-Throughput JPEG 2000) is not supported; medslip decodes Implicit VR Little Endian'));
  const unknown = writeDicom({ transferSyntax: '1.2.840.113619.5.2', elements: { ...base, '7fe00010': { vr: 'OW', bytes: words(pattern) } } });
  await assert.rejects(readDicomPixels(unknown, { name: 'ge.dcm' }), /^Error: ge\.dcm: transfer syntax 1\.2\.840\.113619\.5\.2 is not supported/);

  const { '00280010': _rows, ...withoutRows } = base;
  const noRows = writeDicom({ transferSyntax: '1.2.840.10008.1.2.1', elements: { ...withoutRows, '7fe00010': { vr: 'OW', bytes: words(pattern) } } });
  await assert.rejects(readDicomPixels(noRows, { name: 'rows.dcm' }), { message: 'rows.dcm: is missing Rows (0028,0010)' });

  const short = writeDicom({ transferSyntax: '1.2.840.10008.1.2.1', elements: { ...base, '7fe00010': { vr: 'OW', bytes: words(pattern.slice(0, 100)) } } });
  await assert.rejects(readDicomPixels(short, { name: 'short.dcm' }), {
    message: 'short.dcm: Pixel Data (7FE0,0010) holds 200 bytes; expected 2560 for 40×32×1 samples of 16 bits (truncated file?)',
  });

  const subsampled = writeDicom({
    transferSyntax: '1.2.840.10008.1.2.1',
    elements: { ...imageElements({ rows: 2, columns: 2, bitsAllocated: 8, bitsStored: 8, samples: 3, photometric: 'YBR_FULL_422', planar: 0 }), '7fe00010': { vr: 'OB', bytes: new Uint8Array(8) } },
  });
  await assert.rejects(readDicomPixels(subsampled, { name: 'ybr.dcm' }), /^Error: ybr\.dcm: Photometric Interpretation YBR_FULL_422/);

  const broken = writeDicom({ transferSyntax: '1.2.840.10008.1.2.4.90', elements: { ...base, '7fe00010': { vr: 'OB', fragments: [Buffer.from(J2K_BASE64, 'base64').subarray(0, 60)] } } });
  await assert.rejects(readDicomPixels(broken, { name: 'j2k.dcm' }), (error: Error) => error.message.startsWith('j2k.dcm: cannot decode JPEG 2000'));
  const brokenLs = writeDicom({ transferSyntax: '1.2.840.10008.1.2.4.80', elements: { ...base, '7fe00010': { vr: 'OB', fragments: [Buffer.from(JLS_BASE64, 'base64').subarray(0, 40)] } } });
  await assert.rejects(readDicomPixels(brokenLs, { name: 'jls.dcm' }), (error: Error) => error.message.startsWith('jls.dcm: cannot decode JPEG-LS Lossless'));
  const hugeSof = Buffer.from(JLS_BASE64, 'base64');
  hugeSof.writeUInt16BE(0xffff, 9); // the codestream claims 65535 columns: rejected before any decoding
  const huge = writeDicom({ transferSyntax: '1.2.840.10008.1.2.4.80', elements: { ...base, '7fe00010': { vr: 'OB', fragments: [hugeSof] } } });
  await assert.rejects(readDicomPixels(huge, { name: 'huge.dcm' }), { message: 'huge.dcm: JPEG-LS Lossless data is 65535×32×1, but the header says 40×32×1' });
  // The decoders stay usable after a failure.
  const good = writeDicom({ transferSyntax: '1.2.840.10008.1.2.4.80', elements: { ...base, '7fe00010': { vr: 'OB', fragments: [Buffer.from(JLS_BASE64, 'base64')] } } });
  assert.deepEqual(Array.from((await readDicomPixels(good)).values), pattern);

  const truncated = readFileSync(join(samples, 'nih-dx-uncompressed.dcm')).subarray(0, 600);
  await assert.rejects(readImage(truncated, { name: 'cut.dcm' }), (error: Error) => error.message.startsWith('cut.dcm: '));
});
