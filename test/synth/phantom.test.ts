import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPhantom } from '../../src/synth/phantom.ts';
import { LOCALISED_LANDMARKS } from '../../src/synth/landmarks.ts';
import { fractionInside, maskArea } from '../../src/synth/raster.ts';
import type { Landmark } from '../../src/vocabulary.ts';

const SIZE = 128;

function meanOver(image: Float32Array, mask: Uint8Array): number {
  let sum = 0, n = 0;
  for (let i = 0; i < image.length; i++) if (mask[i]) { sum += image[i]; n++; }
  return sum / n;
}

function centroid(mask: Uint8Array, size: number): { x: number; y: number } {
  let sx = 0, sy = 0, n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) { sx += i % size; sy += Math.floor(i / size); n++; }
  return { x: sx / n, y: sy / n };
}

test('the same seed gives the same phantom, another seed another one', () => {
  const a = renderPhantom(11, { size: SIZE }), b = renderPhantom(11, { size: SIZE }), c = renderPhantom(12, { size: SIZE });
  assert.deepEqual(a.image, b.image);
  assert.deepEqual(a.anatomy.low, b.anatomy.low);
  assert.notDeepEqual(a.image, c.image);
  assert.equal(a.image.length, SIZE * SIZE);
  for (const v of a.image) assert.ok(v >= 0 && v <= 1, `pixel ${v} outside [0, 1]`);
});

test('radiograph polarity and anatomy: dark lungs, bright heart left of the patient midline, right hemidiaphragm higher', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const { image, anatomy } = renderPhantom(seed, { size: SIZE });
    const lungs = meanOver(image, anatomy.mask('lung_volumes'));
    const heart = meanOver(image, anatomy.mask('heart_size'));
    const spine = meanOver(image, anatomy.mask('spine'));
    assert.ok(heart - lungs > 0.25, `seed ${seed}: heart ${heart.toFixed(3)} should be much brighter than lungs ${lungs.toFixed(3)}`);
    assert.ok(spine > lungs + 0.2, `seed ${seed}: spine ${spine.toFixed(3)} vs lungs ${lungs.toFixed(3)}`);
    // the patient's left is the image's right
    assert.ok(centroid(anatomy.mask('heart_size'), SIZE).x > SIZE / 2, `seed ${seed}: heart centroid should be right of the image midline`);
    assert.ok(centroid(anatomy.mask('right_lung_unspec'), SIZE).x < SIZE / 2);
    assert.ok(centroid(anatomy.mask('left_lung_unspec'), SIZE).x > SIZE / 2);
    assert.ok(centroid(anatomy.mask('stomach'), SIZE).x > SIZE / 2);
    const right = centroid(anatomy.mask('right_diaphragm'), SIZE).y, left = centroid(anatomy.mask('left_diaphragm'), SIZE).y;
    assert.ok(right < left, `seed ${seed}: right hemidiaphragm (y ${right.toFixed(1)}) should sit above the left (y ${left.toFixed(1)})`);
    // apices above the bases, trachea above the heart
    assert.ok(centroid(anatomy.mask('lung_apices'), SIZE).y < centroid(anatomy.mask('lung_bases'), SIZE).y);
    assert.ok(centroid(anatomy.mask('trachea'), SIZE).y < centroid(anatomy.mask('heart_size'), SIZE).y);
  }
});

test('every localised landmark has a mask, and the nested ones lie inside their parents', () => {
  const nested: Array<[Landmark, Landmark]> = [
    ['upper_right_lobe', 'right_lung_unspec'], ['middle_right_lobe', 'right_lung_unspec'], ['lower_right_lobe', 'right_lung_unspec'],
    ['upper_left_lobe', 'left_lung_unspec'], ['lower_left_lobe', 'left_lung_unspec'], ['right_apical_lung', 'right_upper_lung'],
    ['left_apical_lung', 'left_upper_lung'], ['right_lower_lung', 'lung_bases'], ['left_lower_lung', 'lung_bases'],
    ['right_costophrenic', 'right_lung_unspec'], ['retrocardiac', 'heart_size'], ['right_atrium', 'heart_size'],
    ['right_ventricle', 'heart_size'], ['right_lung_unspec', 'right_pleural'], ['left_lung_unspec', 'left_pleural'],
    ['left_hilar', 'hilar_unspec'], ['lung_volumes', 'cardiopulmonary'],
  ];
  for (const seed of [21, 22, 23]) {
    const { anatomy } = renderPhantom(seed, { size: SIZE });
    for (const name of LOCALISED_LANDMARKS) assert.ok(maskArea(anatomy.mask(name)) > 0, `seed ${seed}: "${name}" is empty`);
    for (const [child, parent] of nested) {
      assert.equal(fractionInside(anatomy.mask(child), anatomy.mask(parent)), 1, `seed ${seed}: ${child} ⊄ ${parent}`);
    }
    assert.equal(maskArea(anatomy.mask('unspecified')), 0);
  }
});

test('bad sizes are rejected with the parameter named', () => {
  assert.throws(() => renderPhantom(1, { size: 10 }), { name: 'RangeError', message: 'Expected integer in [32, 2048] for size but received 10 (number)' });
  assert.throws(() => renderPhantom(1, { size: 64.5 }), RangeError);
  assert.throws(() => renderPhantom(1, { size: '64' as unknown as number }), TypeError);
});
