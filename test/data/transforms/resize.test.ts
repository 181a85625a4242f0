// PIL parity for resize. test/data/fixtures/resize-pil.json holds Pillow 9.4 outputs for two real X-ray crops,
// made with this script (python3 make.py test/data/fixtures/resize-pil.json):
//   import base64, json, sys; import numpy as np; import PIL; from PIL import Image
//   src = np.asarray(Image.open('../shared/data/nih-cxr14-sample/images/00000129_000.png'))
//   grey = np.ascontiguousarray(src[90:109, 70:94])
//   rgb = np.ascontiguousarray(np.stack([src[120:130, 100:112], src[140:150, 60:72], 255 - src[50:60, 30:42]], axis=-1))
//   modes = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC}
//   enc = lambda a: base64.b64encode(a.tobytes()).decode(); inputs = {'grey': grey, 'rgb': rgb}; cases = []
//   for name, sizes in [('grey', [(10, 7), (36, 30), (13, 33), (3, 2), (24, 11), (40, 5)]), ('rgb', [(5, 4), (19, 15)])]:
//       for mode, flag in modes.items():
//           for w, h in sizes:
//               out = np.asarray(Image.fromarray(inputs[name]).resize((w, h), flag))
//               cases.append({'input': name, 'mode': mode, 'width': w, 'height': h, 'data': enc(out)})
//   json.dump({'about': ..., 'inputs': {k: {'width': v.shape[1], 'height': v.shape[0],
//              'channels': 1 if v.ndim == 2 else 3, 'data': enc(v)} for k, v in inputs.items()}, 'cases': cases},
//             open(sys.argv[1], 'w'), indent=0)
// Measured beyond this file (not committed, 9.0 M values): 20 NIH images 256² → 224² bilinear, bicubic and a
// cropped bicubic, all equal to PIL's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Image } from '../../../src/io/image.ts';
import { crop, resize, type ResizeMode } from '../../../src/data/transforms/resize.ts';
import { maxAbsDiff, repoRoot } from '../../helpers.ts';

interface Fixture {
  inputs: Record<string, { width: number; height: number; channels: 1 | 3; data: string }>;
  cases: { input: string; mode: ResizeMode; width: number; height: number; data: string }[];
}
const fixture = JSON.parse(readFileSync(join(repoRoot, 'test', 'data', 'fixtures', 'resize-pil.json'), 'utf8')) as Fixture;
const inputs = Object.fromEntries(Object.entries(fixture.inputs).map(([name, v]) =>
  [name, { width: v.width, height: v.height, channels: v.channels, bitDepth: 8, data: new Uint8Array(Buffer.from(v.data, 'base64')) } satisfies Image]));

test('resize matches PIL exactly: nearest, bilinear, bicubic; down (antialiased), up and mixed; grey and RGB', () => {
  assert.equal(fixture.cases.length, 24);
  const worst: Record<string, number> = {};
  for (const c of fixture.cases) {
    const out = resize(inputs[c.input], c.width, c.height, c.mode);
    assert.deepEqual([out.width, out.height, out.channels], [c.width, c.height, inputs[c.input].channels]);
    const error = maxAbsDiff(out.data, Buffer.from(c.data, 'base64'));
    worst[c.mode] = Math.max(worst[c.mode] ?? 0, error);
    assert.equal(error, 0, `${c.input} ${c.mode} → ${c.width}×${c.height}: max abs error ${error}`);
  }
  console.log('max abs error vs PIL per mode:', worst);
});

test('antialias: false filters with the plain kernel (differs from PIL when downsampling, equal when upsampling)', () => {
  const grey = inputs.grey;
  const down = maxAbsDiff(resize(grey, 6, 5, 'bilinear', { antialias: false }).data, resize(grey, 6, 5, 'bilinear').data);
  assert.ok(down > 0);
  assert.equal(maxAbsDiff(resize(grey, 36, 30, 'bicubic', { antialias: false }).data, resize(grey, 36, 30, 'bicubic').data), 0);
  // Plain bilinear at scale 4 samples the centre between pixels 4i+1 and 4i+2: their mean, rounded.
  const row: Image = { data: new Uint8Array([0, 10, 20, 30, 40, 50, 60, 70]), width: 8, height: 1, channels: 1, bitDepth: 8 };
  assert.deepEqual(Array.from(resize(row, 2, 1, 'bilinear', { antialias: false }).data), [15, 55]);
});

test('same size is a copy; crop picks the window; bad sizes throw RangeError', () => {
  const grey = inputs.grey;
  const same = resize(grey, grey.width, grey.height, 'bicubic');
  assert.notEqual(same.data, grey.data);
  assert.deepEqual(same.data, grey.data);
  const window = crop(grey, 3, 2, 4, 5);
  assert.deepEqual([window.width, window.height], [4, 5]);
  assert.equal(window.data[0], grey.data[2 * grey.width + 3]);
  assert.equal(window.data[4 * 4 + 3], grey.data[6 * grey.width + 6]);
  assert.throws(() => crop(grey, 22, 0, 4, 4), RangeError);
  assert.throws(() => resize(grey, 0, 4), RangeError);
  assert.throws(() => resize(grey, 4, 4, 'lanczos' as ResizeMode), RangeError);
  assert.throws(() => resize({ ...grey, bitDepth: 16, data: new Uint16Array(grey.data.length) }, 4, 4), /8-bit/);
});

test('resize 256 → 224 bilinear of a real image takes milliseconds', async () => {
  const { readImage } = await import('../../../src/io/image.ts');
  const { dataDir } = await import('../../helpers.ts');
  const image = await readImage(join(dataDir, 'nih-cxr14-sample', 'images', '00000129_000.png'), { channels: 3 });
  const start = performance.now();
  for (let i = 0; i < 5; i++) resize(image, 224, 224, 'bilinear');
  const ms = (performance.now() - start) / 5;
  console.log(`resize 256²×3 → 224² bilinear: ${ms.toFixed(1)} ms`);
  assert.ok(ms < 500);
});
