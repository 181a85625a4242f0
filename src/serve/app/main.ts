/// <reference lib="dom" />
/**
 * The page of `medslip serve`: pick or drop a radiograph, see the findings sorted by probability, select one to
 * see its heatmap over the image, download the results. Inference runs in this tab (./model.ts); nothing is
 * sent anywhere. `document.body.dataset.state` tells where the page is (loading-model, ready, reading,
 * analysing, done, error, model-error), for people with devtools and for the browser test.
 */
import type { Image } from '../../io/image.ts';
import { loadModel, type PageModel } from './model.ts';
import { readImageFile } from './read-image.ts';
import { heatmapOverlay } from './overlay.ts';
import { resultCsv, resultJson, type PageResult } from './results.ts';

/** The canvas shows the image at most this many pixels a side (sharp enough, fast to overlay). */
const DISPLAY_SIDE = 1024;

/** An element of index.html, which has every id below. */
const element = (id: string): HTMLElement => document.getElementById(id)!;
const ui = {
  file: element('file') as HTMLInputElement, drop: element('drop') as HTMLDivElement,
  status: element('status') as HTMLParagraphElement, error: element('error') as HTMLParagraphElement,
  modelInfo: element('model-info') as HTMLParagraphElement,
  viewer: element('viewer'), caption: element('caption'),
  image: element('image') as HTMLCanvasElement, overlay: element('overlay') as HTMLCanvasElement,
  controls: element('controls') as HTMLFieldSetElement,
  opacity: element('opacity') as HTMLInputElement, opacityValue: element('opacity-value') as HTMLOutputElement,
  threshold: element('threshold') as HTMLInputElement, thresholdValue: element('threshold-value') as HTMLOutputElement,
  findings: element('findings') as HTMLOListElement,
  downloadJson: element('download-json') as HTMLButtonElement, downloadCsv: element('download-csv') as HTMLButtonElement,
};

let result: PageResult | undefined;
let selected = -1;
let latestRequest = 0;

const setState = (state: string): void => { document.body.dataset.state = state; };
const say = (text: string): void => { ui.status.textContent = text; };
function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
}

const modelReady: Promise<PageModel> = loadModel();
modelReady.then((model) => {
  const { metadata, file, bytes } = model.served;
  const config = metadata.modelConfig as { backbone?: string; layers?: number };
  ui.modelInfo.textContent = `Model: ${file} (${(bytes / 2 ** 20).toFixed(1)} MB; MeDSLIP ${config.backbone ?? ''}, ${metadata.inputSize} px, `
    + `${config.layers ?? '?'}+${config.layers ?? '?'} decoder layers; medslip ${metadata.medslipVersion}) — ONNX Runtime Web, ${model.threads} thread${model.threads > 1 ? 's' : ''}.`;
  if (document.body.dataset.state === 'loading-model') {
    setState('ready');
    say('Ready: choose or drop a radiograph.');
  }
}, (error: unknown) => {
  setState('model-error');
  ui.modelInfo.textContent = 'The model could not be loaded.';
  showError(`The model could not be loaded: ${(error as Error).message ?? String(error)}`);
});

async function analyse(file: File): Promise<void> {
  const request = ++latestRequest;
  ui.error.hidden = true;
  clearResult();
  setState('reading');
  say(`Reading ${file.name}…`);
  try {
    const image = await readImageFile(file);
    if (request !== latestRequest) return;
    drawImage(image);
    ui.caption.textContent = `${file.name}, ${image.width}×${image.height}`;
    ui.viewer.hidden = false;
    setState('analysing');
    say(`Analysing ${file.name}…`);
    const model = await modelReady;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))); // let the status paint first
    const analysis = await model.analyse(image);
    if (request !== latestRequest) return;
    result = { image: file.name, width: image.width, height: image.height, analysis };
    showFindings(model);
    say(`${file.name}: analysed in ${(analysis.milliseconds / 1000).toFixed(2)} s in this tab.`);
    setState('done');
  } catch (error) {
    if (request !== latestRequest) return;
    clearResult();
    ui.viewer.hidden = true;
    say('');
    showError((error as Error).message ?? String(error));
    setState('error');
  }
}

function clearResult(): void {
  result = undefined;
  selected = -1;
  ui.findings.replaceChildren();
  ui.controls.disabled = true;
  ui.downloadJson.disabled = true;
  ui.downloadCsv.disabled = true;
  ui.overlay.getContext('2d')?.clearRect(0, 0, ui.overlay.width, ui.overlay.height);
}

function drawImage(image: Image): void {
  const scale = Math.min(1, DISPLAY_SIDE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale)), height = Math.max(1, Math.round(image.height * scale));
  const full = new OffscreenCanvas(image.width, image.height);
  const rgba = new ImageData(image.width, image.height);
  for (let p = 0; p < image.width * image.height; p++) {
    const v = image.data[p * image.channels];
    rgba.data[4 * p] = v; rgba.data[4 * p + 1] = v; rgba.data[4 * p + 2] = v; rgba.data[4 * p + 3] = 255;
  }
  full.getContext('2d')!.putImageData(rgba, 0, 0);
  for (const canvas of [ui.image, ui.overlay]) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = ui.image.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(full, 0, 0, width, height);
}

function showFindings(model: PageModel): void {
  if (!result) return;
  const { observations } = model.served.metadata;
  const probabilities = result.analysis.pathology;
  const order = observations.map((_, i) => i).filter((i) => observations[i] !== 'excluded_obs')
    .sort((a, b) => probabilities[b] - probabilities[a]);
  ui.findings.replaceChildren(...order.map((index) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.index = String(index);
    button.dataset.observation = observations[index];
    button.dataset.probability = String(probabilities[index]);
    button.setAttribute('aria-pressed', 'false');
    button.tabIndex = -1;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = observations[index].replace(/_/g, ' ');
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.setAttribute('aria-hidden', 'true');
    const fill = document.createElement('span');
    fill.style.width = `${(probabilities[index] * 100).toFixed(1)}%`;
    bar.append(fill);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = `${(probabilities[index] * 100).toFixed(1)} %`;
    button.append(name, bar, value);
    item.append(button);
    return item;
  }));
  ui.controls.disabled = false;
  ui.downloadJson.disabled = false;
  ui.downloadCsv.disabled = false;
  select(order[0], false);
}

function findingButtons(): HTMLButtonElement[] {
  return [...ui.findings.querySelectorAll('button')];
}

function select(index: number, focus: boolean): void {
  selected = index;
  for (const button of findingButtons()) {
    const on = Number(button.dataset.index) === index;
    button.setAttribute('aria-pressed', String(on));
    button.tabIndex = on ? 0 : -1; // one tab stop for the list; arrows move inside it
    if (on && focus) button.focus();
  }
  drawOverlay();
}

function drawOverlay(): void {
  if (!result || selected < 0) return;
  const [h, w] = result.analysis.heatmapSize;
  const grid = result.analysis.heatmaps.subarray(selected * h * w, (selected + 1) * h * w);
  const { width, height } = ui.overlay;
  const rgba = heatmapOverlay(grid, [h, w], width, height, Number(ui.threshold.value));
  ui.overlay.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
  ui.overlay.style.opacity = ui.opacity.value;
  const name = result ? ui.findings.querySelector<HTMLElement>(`button[data-index="${selected}"]`)?.dataset.observation : '';
  ui.overlay.dataset.observation = name ?? '';
}

function download(text: string, type: string, extension: string): void {
  if (!result) return;
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${result.image.replace(/\.[^.]*$/, '')}.medslip.${extension}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- wiring ----

ui.file.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  if (file) void analyse(file);
  ui.file.value = ''; // choosing the same file again analyses it again
});

for (const type of ['dragenter', 'dragover'] as const) {
  document.addEventListener(type, (event) => {
    event.preventDefault();
    ui.drop.classList.add('over');
  });
}
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) ui.drop.classList.remove('over');
});
document.addEventListener('drop', (event) => {
  event.preventDefault(); // never let the browser navigate to the dropped file
  ui.drop.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file) void analyse(file);
});

ui.findings.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('button');
  if (button) select(Number(button.dataset.index), true);
});
ui.findings.addEventListener('keydown', (event) => {
  const buttons = findingButtons();
  const at = buttons.findIndex((b) => Number(b.dataset.index) === selected);
  const target = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
  if (target === undefined || buttons.length === 0) return;
  event.preventDefault();
  select(Number(buttons[Math.max(0, Math.min(buttons.length - 1, target))].dataset.index), true);
});

ui.opacity.addEventListener('input', () => {
  ui.opacityValue.textContent = `${Math.round(Number(ui.opacity.value) * 100)} %`;
  ui.overlay.style.opacity = ui.opacity.value;
});
ui.threshold.addEventListener('input', () => {
  ui.thresholdValue.textContent = `${Number(ui.threshold.value).toFixed(2)} × max`;
  drawOverlay();
});

/** Downloads the result shown now, with the served model's description (loaded by the time a result shows). */
function downloadResult(format: 'json' | 'csv'): void {
  const shown = result;
  if (!shown) return;
  void modelReady.then(({ served }) => {
    if (format === 'json') download(resultJson(shown, served), 'application/json', 'json');
    else download(resultCsv(shown, served), 'text/csv', 'csv');
  });
}
ui.downloadJson.addEventListener('click', () => downloadResult('json'));
ui.downloadCsv.addEventListener('click', () => downloadResult('csv'));
