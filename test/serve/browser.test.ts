// `medslip serve` in a real browser (Debian's Chromium, headless, through puppeteer-core): the page runs the model
// with ONNX Runtime Web and shows what `medslip predict --engine onnx` computes in Node, draws the selected
// finding's heatmap, decodes DICOM with medslip's own decoder, refuses bad files with a clear message while the
// server stays up, and works by keyboard and in a narrow window. A screenshot is kept in test-output/serve/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { runServe } from '../../src/tasks/serve.ts';
import { allPredicted, runPredict } from '../../src/tasks/predict.ts';
import { OnnxMedslip } from '../../src/export/index.ts';
import { readImage } from '../../src/io/image.ts';
import { testTransform } from '../../src/data/transforms/index.ts';
import { groundingHeatmap } from '../../src/models/grounding.ts';
import { OBSERVATIONS } from '../../src/vocabulary.ts';
import type { RunningServer } from '../../src/serve/server.ts';
import { compare, dataDir, repoRoot } from '../helpers.ts';
import { launchChromium } from './chromium.ts';
import { makeServedModel } from './model.ts';

const PNG = join(dataDir, 'nih-cxr14-sample', 'images', '00000075_000.png');
const DICOM = join(dataDir, 'dicom-samples', 'nih-dx-uncompressed.dcm');
const DICOM_JPEG = join(dataDir, 'dicom-samples', 'siim-cr-jpeg-baseline.dcm');
const DICOM_MONOCHROME1 = join(dataDir, 'dicom-samples', 'monochrome1-variant.dcm');
const outputDir = join(repoRoot, 'test-output', 'serve');

let dir: string;
let server: RunningServer & { model: string };
let browser: Browser;
/** One page for all tests (the model loads once), in test order. */
let page: Page;
const problems: string[] = [];

before(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'medslip-browser-'));
  const { modelFile } = await makeServedModel(dir, { size: 128, dModel: 64, layers: 2, seed: 3 });
  server = await runServe({ model: modelFile, port: 0 });
  mkdirSync(outputDir, { recursive: true });
  page = await browser.newPage();
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(server.url);
  await page.waitForFunction(() => ['ready', 'model-error'].includes(document.body.dataset.state ?? ''), { timeout: 60_000 });
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Picks a file in the page and waits until it is analysed or refused; returns the page's state. */
async function upload(file: string): Promise<string> {
  await page.evaluate(() => { document.body.dataset.state = 'uploading'; });
  await (await page.$('input#file') as ElementHandle<HTMLInputElement>).uploadFile(file);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 30_000 });
  return page.evaluate(() => document.body.dataset.state ?? '');
}

/** Observation → probability as the page lists them (full precision from data attributes), in list order. */
const shownProbabilities = (): Promise<[string, number][]> =>
  page.$$eval('#findings button', (buttons) => buttons.map((b): [string, number] => [b.dataset.observation!, Number(b.dataset.probability)]));

/** Opaque overlay pixels and a checksum of the overlay canvas. */
const overlayPixels = (): Promise<{ opaque: number; checksum: number; observation: string }> => page.$eval('#overlay', (canvas) => {
  const c = canvas as HTMLCanvasElement;
  const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let opaque = 0, checksum = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0) opaque++;
    checksum = (checksum * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) % 1_000_000_007;
  }
  return { opaque, checksum, observation: c.dataset.observation ?? '' };
});

/** Pixels of the finding's heatmap at or above `threshold` × max, upsampled to the canvas by the one heatmap rule (src/models/grounding.ts), from ONNX Runtime in Node. */
async function nodeOpaquePixels(image: string, observation: string, threshold: number, [width, height]: number[]): Promise<{ above: number; total: number }> {
  const session = await OnnxMedslip.open(server.model);
  try {
    const size = session.metadata.inputSize, [h, w] = session.metadata.heatmapSize;
    const out = await session.run(testTransform({ size })(await readImage(image, { channels: 1 })), 1);
    const k = OBSERVATIONS.indexOf(observation as (typeof OBSERVATIONS)[number]);
    const grid = out.heatmaps.subarray(k * h * w, (k + 1) * h * w);
    const heat = groundingHeatmap({ data: grid, width: w, height: h }, { width, height }, 'bilinear');
    return { above: heat.filter((v) => v >= threshold).length, total: width * height };
  } finally {
    await session.release();
  }
}

async function nodeProbabilities(image: string): Promise<Record<string, number>> {
  const [prediction] = allPredicted(await runPredict({ engine: 'onnx', model: server.model, images: [image] }));
  return prediction.probabilities;
}

function compareWithNode(shown: [string, number][], node: Record<string, number>, what: string): number {
  assert.equal(shown.length, 74, 'every observation but excluded_obs is listed');
  return compare(shown.map(([, p]) => p), shown.map(([name]) => node[name]), 1e-4, 0, what);
}

test('a PNG: the findings equal the Node result within 1e-4; the heatmap is drawn and follows the selected finding', { timeout: 120_000 }, async () => {
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', `${await page.$eval('#error', (e) => e.textContent)} ${problems.join('; ')}`);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'COOP/COEP make the page cross-origin isolated (threads)');
  assert.match(await page.$eval('#privacy', (e) => e.textContent ?? ''), /never uploaded/);
  assert.equal(await upload(PNG), 'done', await page.$eval('#error', (e) => e.textContent ?? ''));

  const shown = await shownProbabilities();
  const error = compareWithNode(shown, await nodeProbabilities(PNG), 'PNG probabilities');
  console.log(`PNG: max |browser − Node| ${error.toExponential(2)}`);
  assert.deepEqual(shown.map(([, p]) => p), [...shown.map(([, p]) => p)].sort((a, b) => b - a), 'sorted by probability');

  const first = await overlayPixels();
  assert.equal(first.observation, shown[0][0], 'the top finding is selected at first');
  assert.ok(first.opaque > 0, 'the heatmap is drawn');
  // keyboard: the selected finding has focus-able tab stop; ArrowDown selects the next one
  await page.focus('#findings button[aria-pressed="true"]');
  await page.keyboard.press('ArrowDown');
  const second = await overlayPixels();
  assert.equal(second.observation, shown[1][0]);
  assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.observation), shown[1][0]);
  assert.notEqual(second.checksum, first.checksum, 'another finding, another heatmap');
  await page.click(`#findings button[data-observation="${shown[40][0]}"]`);
  assert.notEqual((await overlayPixels()).checksum, second.checksum);
  // the threshold leaves uncoloured the pixels below it: as many as the Node heatmap of that finding has
  const setThreshold = (value: string): Promise<void> => page.$eval('#threshold', (input, v) => {
    (input as HTMLInputElement).value = v;
    input.dispatchEvent(new Event('input'));
  }, value);
  await setThreshold('0');
  const all = await overlayPixels();
  await setThreshold('0.8');
  const cut = await overlayPixels();
  const expected = await nodeOpaquePixels(PNG, cut.observation, 0.8, await page.$eval('#overlay', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]));
  assert.equal(all.opaque, expected.total);
  assert.ok(cut.opaque < all.opaque, 'threshold 0.8 leaves part of the image uncoloured');
  assert.ok(Math.abs(cut.opaque - expected.above) <= expected.total * 0.002, `${cut.opaque} coloured pixels in the page, ${expected.above} in Node`);
  await page.screenshot({ path: join(outputDir, 'page.png'), fullPage: true });

  // downloads: JSON with all 75 + 51 probabilities, CSV with one row per observation and landmark
  await page.evaluate(() => {
    const created = URL.createObjectURL.bind(URL);
    const store = window as unknown as { downloads: Blob[] };
    store.downloads = [];
    URL.createObjectURL = (blob: Blob | MediaSource) => { store.downloads.push(blob as Blob); return created(blob); };
  });
  await page.click('#download-json');
  await page.click('#download-csv');
  await page.waitForFunction(() => (window as unknown as { downloads: Blob[] }).downloads.length === 2);
  const [json, csv] = await page.evaluate(() => Promise.all((window as unknown as { downloads: Blob[] }).downloads.map((b) => b.text())));
  const result = JSON.parse(json) as { image: string; probabilities: Record<string, number>; landmarks: Record<string, number> };
  assert.equal(result.image, '00000075_000.png');
  assert.equal(Object.keys(result.probabilities).length, 75);
  assert.equal(Object.keys(result.landmarks).length, 51);
  for (const [name, p] of shown) assert.equal(result.probabilities[name], p);
  const rows = csv.trim().split('\n');
  assert.equal(rows[0], 'kind,name,probability');
  assert.equal(rows.length, 1 + 75 + 51);
});

test('DICOM samples render, decoded by medslip\'s own DICOM code in the page', { timeout: 120_000 }, async () => {
  assert.equal(await upload(DICOM), 'done', await page.$eval('#error', (e) => e.textContent ?? ''));
  const error = compareWithNode(await shownProbabilities(), await nodeProbabilities(DICOM), 'DICOM probabilities');
  console.log(`uncompressed DICOM: max |browser − Node| ${error.toExponential(2)}`);
  assert.match(await page.$eval('#caption', (e) => e.textContent ?? ''), /nih-dx-uncompressed\.dcm, 1024×1024/);

  // JPEG-baseline DICOM (the browser's JPEG decoder inside dicom.ts) and its MONOCHROME1 twin, shown inverted
  const centre = (): Promise<number> => page.$eval('#image', (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(c.width / 2 - 8, c.height / 2 - 8, 16, 16).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i];
    return sum / (data.length / 4);
  });
  assert.equal(await upload(DICOM_JPEG), 'done', await page.$eval('#error', (e) => e.textContent ?? ''));
  const plain = await centre();
  assert.equal(await upload(DICOM_MONOCHROME1), 'done');
  const inverted = await centre();
  assert.ok(Math.abs(plain + inverted - 255) <= 3, `MONOCHROME1 displays inverted: centre ${plain} vs ${inverted}`);
  await page.screenshot({ path: join(outputDir, 'dicom.png'), fullPage: true });
});

test('bad files show a clear message in the page, and the server stays up', { timeout: 120_000 }, async () => {
  const text = join(dir, 'notes.png');
  writeFileSync(text, 'This is a text file, not a radiograph.\n');
  const truncated = join(dir, 'truncated.png');
  const png = readFileSync(PNG);
  writeFileSync(truncated, png.subarray(0, png.length >> 1));
  const huge = join(dir, 'huge.png');
  const big = Buffer.alloc(60 * 2 ** 20);
  png.copy(big);
  writeFileSync(huge, big);
  const cases: [string, RegExp][] = [
    [text, /^notes\.png: is not a PNG, JPEG or DICOM image/],
    [truncated, /^truncated\.png: cannot decode PNG image, the file is truncated or corrupt/],
    [huge, /^huge\.png is 60\.0 MB; this page reads images of up to 50 MB/],
  ];
  for (const [file, message] of cases) {
    assert.equal(await upload(file), 'error');
    assert.match(await page.$eval('#error', (e) => e.textContent ?? ''), message);
    assert.equal(await page.$$eval('#findings button', (b) => b.length), 0, 'no stale findings beside the message');
    assert.equal((await fetch(server.url)).status, 200, 'the server is up');
  }
  assert.equal(await upload(PNG), 'done', 'a good file after bad ones is analysed');
  assert.equal(await page.$eval('#error', (e) => (e as HTMLElement).hidden), true);
});

test('keyboard use and a narrow window', { timeout: 120_000 }, async () => {
  await page.setViewport({ width: 380, height: 800 });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // the file picker is reachable with Tab
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'file');
  }
  assert.ok(reached, 'Tab reaches the file picker');
  assert.equal(await upload(PNG), 'done');
  const layout = await page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    imageBottom: document.getElementById('image')!.getBoundingClientRect().bottom,
    findingsTop: document.getElementById('findings')!.getBoundingClientRect().top,
    imageWidth: document.getElementById('image')!.getBoundingClientRect().width,
  }));
  assert.ok(layout.overflow <= 0, `no sideways scrolling at 380 px (overflow ${layout.overflow} px)`);
  assert.ok(layout.findingsTop > layout.imageBottom, 'one column: the findings come below the image');
  assert.ok(layout.imageWidth > 300, 'the image uses the width');
  await page.keyboard.press('End'); // with focus outside the list, End scrolls; in the list it selects the last
  await page.focus('#findings button[aria-pressed="true"]');
  await page.keyboard.press('End');
  const last = await page.$$eval('#findings button', (b) => b[b.length - 1].getAttribute('aria-pressed'));
  assert.equal(last, 'true');
  await page.screenshot({ path: join(outputDir, 'narrow.png'), fullPage: true });
});
