// Exact values for the RandAugment ops on small hand-made images. Expected values come from hand arithmetic,
// PIL (ImageOps.equalize / autocontrast), NumPy (the reference's tables) and OpenCV 4.5.2 (cv2.warpAffine
// INTER_LINEAR, BORDER_CONSTANT 128; cv2.filter2D), as noted per test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from '../../../src/io/image.ts';
import {
  autoContrast, brightness, equalize, rotate, sharpness, shearX, shearY, translateX, translateY, warpAffine,
} from '../../../src/data/transforms/augment-ops.ts';
import { horizontalFlip } from '../../../src/data/transforms/flip.ts';

function grey(width: number, height: number, values: ArrayLike<number>): Image {
  return { data: Uint8Array.from(values), width, height, channels: 1, bitDepth: 8 };
}

// 10×8 test pattern (x·29 + y·17 + x·y·5) mod 256, and OpenCV's outputs for it.
const W = 10, H = 8;
const pattern = grey(W, H, Array.from({ length: W * H }, (_, i) => {
  const x = i % W, y = Math.floor(i / W);
  return (x * 29 + y * 17 + x * y * 5) % 256;
}));
const opencv: Record<string, string> = {
  'shearX 0.21': 'AB06V3SRrsvoBSksTnCStNb4UjxIOWCHrtVkI0pxY0RwnMiUIEx4pHdMfa63EEFyo9SAWIi+9DpglswSgG2SzUhDfrk0L4B7mdmRWZnZkVk=',
  'shearY -0.21': 'ACJFa5O+qZ9IeRE4YIu42BhLgbciTnur3RJHf7r1M2SWyyo8drNDU0R6sesnZqVvLHFVkMxrTJDUG2WvZqbnK3G02Vl9h3erx2V/gICAgIA=',
  'translateX 7': 'y+gFgICAgICAgP8hQ4CAgICAgIAzWoGAgICAgICAZ5O/gICAgICAgJvM/YCAgICAgIDPBTuAgICAgICAAz55gICAgICAgDd3t4CAgICAgIA=',
  'translateY -7': 'gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgAAdOld0ka7L6AU=',
  'rotate 21': 'gIB8gp3JvC9igF1RY4y6uIxUjYcmTHai1EY/ebe3LliGtpshXZq1mTRhkr1ROXe6K0g4ZprTVk6OgB1qW2ify25eo8Y6e3VmotIlbKaxfoA=',
  'rotate -21': 'gCwzSl9xgpGLgG01VHCJnq+9yclaV3mYtcW4jt9eVHuixpZVOzFEU3akytUYOVdwh5mdz21VUHOTpcvVlNBHXomygk9Nl4CAeYK34hpAYHc=',
  blur: 'FydGZoWkxLygOiEzVXeZp7awXFs0SXCXqqpbWm5vR1+Lo6hKT2eTq1t1prBXTWqHpatui62oVGOFlFRdgaG1ZmaNoVJSXoutr2NmpKZaXX4=',
};
const expected = (key: string): number[] => Array.from(Buffer.from(opencv[key], 'base64'));

test('horizontalFlip mirrors columns and keeps channel order', () => {
  const rgb: Image = { data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]), width: 3, height: 2, channels: 3, bitDepth: 8 };
  assert.deepEqual(Array.from(horizontalFlip(rgb).data), [7, 8, 9, 4, 5, 6, 1, 2, 3, 16, 17, 18, 13, 14, 15, 10, 11, 12]);
  assert.deepEqual(horizontalFlip(horizontalFlip(pattern)).data, pattern.data);
});

test('translate by whole pixels shifts content and fills with 128 (equal to OpenCV)', () => {
  const right = translateX(pattern, 7);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const want = x + 7 < W ? pattern.data[y * W + x + 7] : 128;
      assert.equal(right.data[y * W + x], want, `(${x}, ${y})`);
    }
  }
  assert.deepEqual(Array.from(right.data), expected('translateX 7'));
  assert.deepEqual(Array.from(translateY(pattern, -7).data), expected('translateY -7'));
  assert.deepEqual(Array.from(translateX(pattern, 0).data), Array.from(pattern.data));
});

test('shear and rotate equal OpenCV warpAffine (bilinear, 1/32-pixel grid, fill 128)', () => {
  assert.deepEqual(Array.from(shearX(pattern, 0.21).data), expected('shearX 0.21'));
  assert.deepEqual(Array.from(shearY(pattern, -0.21).data), expected('shearY -0.21'));
  assert.deepEqual(Array.from(rotate(pattern, 21).data), expected('rotate 21'));
  assert.deepEqual(Array.from(rotate(pattern, -21).data), expected('rotate -21'));
  // A half-pixel shift blends neighbours equally: (a + b + 1) >> 1 in 15-bit fixed point.
  const row = grey(4, 1, [0, 100, 201, 50]);
  assert.deepEqual(Array.from(warpAffine(row, [1, 0, -0.5, 0, 1, 0], 128).data), [50, 151, 126, 89]);
});

test('equalize on a known histogram (PIL ImageOps.equalize gives 0, 91, 255)', () => {
  // 1000×0, 2000×100, 1096×200: step = ⌊3000/255⌋ = 11; table[100] = ⌊(5+1000)/11⌋ = 91; table[200] = ⌊3005/11⌋ → 255.
  const values = [...new Array<number>(1000).fill(0), ...new Array<number>(2000).fill(100), ...new Array<number>(1096).fill(200)];
  const out = equalize(grey(64, 64, values)).data;
  assert.deepEqual([out[0], out[1000], out[2999], out[3000], out[4095]], [0, 91, 91, 255, 255]);
  // step 0 (a nearly constant image) leaves it unchanged.
  const flat = grey(4, 1, [7, 7, 7, 9]);
  assert.deepEqual(Array.from(equalize(flat).data), [7, 7, 7, 9]);
});

test('autoContrast stretches [min, max] to [0, 255] per channel (PIL autocontrast: 0, 127, 255, 178)', () => {
  assert.deepEqual(Array.from(autoContrast(grey(2, 2, [50, 100, 150, 120])).data), [0, 127, 255, 178]);
  const rgb: Image = { data: Uint8Array.from([10, 7, 0, 20, 7, 255]), width: 2, height: 1, channels: 3, bitDepth: 8 };
  assert.deepEqual(Array.from(autoContrast(rgb).data), [0, 7, 0, 255, 7, 255]); // constant green channel unchanged
});

test('brightness lookup table v ↦ trunc(clip(v·1.36)) (NumPy float32: 0, 1, 68, 136, 254, 255, 255)', () => {
  const out = brightness(grey(7, 1, [0, 1, 50, 100, 187, 188, 255]), (7 / 10) * 1.8 + 0.1);
  assert.deepEqual(Array.from(out.data), [0, 1, 68, 136, 254, 255, 255]);
});

test('sharpness: blur equals cv2.filter2D; interior blur + 1.36·(v − blur); clip by default, wrap on request', () => {
  assert.deepEqual(Array.from(sharpness(pattern, 0).data), expected('blur'));
  // Bright centre among zeros: blur = round(250·5/13) = 96; 96 + 1.36·154 = 305.4 → 255 clipped, 305−256 = 49 wrapped.
  const bright = grey(3, 3, [0, 0, 0, 0, 250, 0, 0, 0, 0]);
  assert.equal(sharpness(bright, 1.36).data[4], 255);
  assert.equal(sharpness(bright, 1.36, { overflow: 'wrap' }).data[4], 49);
  // Dark centre among 200s: blur = round(1600/13) = 123; 123 − 1.36·123 = −44.3 → 0 clipped, 212 wrapped.
  const dark = grey(3, 3, [200, 200, 200, 200, 0, 200, 200, 200, 200]);
  assert.equal(sharpness(dark, 1.36).data[4], 0);
  assert.equal(sharpness(dark, 1.36, { overflow: 'wrap' }).data[4], 212);
  // The border keeps its values; in range, both modes agree: 77 + 1.36·123 = 244.3 → 244.
  const mild = grey(3, 3, [0, 0, 0, 0, 200, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(sharpness(mild, 1.36).data), [0, 0, 0, 0, 244, 0, 0, 0, 0]);
  assert.throws(() => sharpness(mild, 1.36, { overflow: 'saturate' as 'clip' }), RangeError);
});
