/**
 * A frontal chest radiograph phantom: body outline, lungs with vascular markings, heart, mediastinum with
 * trachea and aortic knob, hila, hemidiaphragms and costophrenic angles, stomach bubble, spine, posterior and
 * anterior ribs, clavicles; then pose, blur, film exposure and noise. Radiograph polarity: dense tissue and
 * bone bright, air dark, values in [0, 1].
 *
 * The image is built in layers in the canonical frame so that findings (src/synth/findings.ts) can act on the
 * right one: soft tissue (`tissue`), lung markings (`markings`, shown only inside the lung fields), bone
 * (drawn over everything, as in a projection) and radiopaque devices.
 */
import { Random } from '../util/random.ts';
import {
  type ChestGeometry, type Side, SIDES, anteriorRib, bodyHalfWidthAt, clavicle, ellipse, ellipseMargin,
  HullGrid, heartMargin, lungHeight, mediastinumMargin, posteriorRib, sampleGeometry, sideSign,
} from './geometry.ts';
import { type BoneMasks, type LandmarkMasks, computeLandmarkMasks, warpLandmarks } from './landmarks.ts';
import {
  clamp01, gaussianBlur, pixelRange, poseMap, sampleCurve, scratch, smoothField, softEdge, strokePolyline, strokeSegment,
  warpBilinear, type PoseMap,
} from './raster.ts';

export interface Layers {
  size: number;
  tissue: Float32Array;
  markings: Float32Array;
  /** where lung markings show (the lung fields, soft-edged), in [0, 1] */
  lungAlpha: Float32Array;
  bone: Float32Array;
  devices: Float32Array;
  /** per broken rib (key `ribBreakKey`): the pixels where it differs from the intact rib */
  fractures: Map<string, Uint8Array>;
}

/** A gap in one posterior rib (a fracture): the distal fragment is shifted by `offset`. */
export interface RibBreak {
  side: Side;
  rib: number;
  /** position along the rib, 0 = spine, 1 = lateral end */
  at: number;
  gap: number;
  offset: number;
}

const AIR = 0.03;
const SOFT_TISSUE = 0.4;
const ABDOMEN = 0.17;
const MEDIASTINUM = 0.6;
const HEART = 0.64;

/** Cortical bone: the edges of a rib are brighter than its middle. */
const cortex = (t: number): number => 0.55 + 0.45 * t * t;

/** Draws the soft tissue, lung markings and bone of a normal chest in the canonical frame. */
export function renderAnatomy(g: ChestGeometry, size: number, rng: Random, ribBreaks: readonly RibBreak[] = []):
  { layers: Layers; bones: BoneMasks } {
  const n = size * size;
  const { trachea } = g;
  // soft tissue varies slowly away from a few edges that the film blurs anyway: drawn on a half-resolution grid
  // and interpolated, it costs a quarter
  const coarse = size >= 128 ? Math.ceil(size / 2) : size;
  const soft = drawSoftTissue(g, coarse, rng);
  const tissue = coarse === size ? soft.tissue : upsampleBilinear(soft.tissue, coarse, size);
  const lungAlpha = coarse === size ? soft.lungAlpha : upsampleBilinear(soft.lungAlpha, coarse, size);
  if (coarse !== size) scratch.give(soft.tissue, soft.lungAlpha);

  // main bronchi: short dark tubes from the carina towards each hilum
  const bronchi = scratch.take(n);
  for (const side of SIDES) {
    const hilum = g.hila[side];
    strokeSegment(bronchi, size, trachea.cu, trachea.carinaV - 0.01, hilum.cu - sideSign(side) * 0.03, hilum.cv - 0.02, 0.009, 0.1);
  }
  for (let i = 0; i < n; i++) tissue[i] -= bronchi[i];

  const markings = scratch.take(n);
  for (const side of SIDES) drawVesselTree(markings, size, g, side, rng);

  const fractures = new Map<string, Uint8Array>();
  const ribs = scratch.take(n);
  const intactRibs = scratch.take(n);
  const anterior = scratch.take(n);
  const clavicles = scratch.take(n);
  const spine = scratch.take(n);
  for (const side of SIDES) {
    for (let k = 0; k < g.ribCount; k++) {
      const breaks = ribBreaks.filter((b) => b.side === side && b.rib === k);
      // smooth curves need few points; a broken rib keeps fine ones so that its gap is placed to the pixel
      const points = sampleCurve(size, posteriorRib(g, side, k), breaks.length === 0 ? 3 : 1.5);
      if (breaks.length === 0) {
        strokePolyline(ribs, size, points, g.ribHalfWidth, g.ribHalfWidth * 0.9, 0.09, 0.075, cortex);
        continue;
      }
      const b = breaks[0];
      const cut = (t: number) => Math.round(t * (points.length - 1));
      const near = points.slice(0, Math.max(2, cut(b.at - b.gap / 2)));
      const far = points.slice(cut(b.at + b.gap / 2)).map(([u, v]) => [u, v + b.offset] as [number, number]);
      const broken = scratch.take(n), intact = scratch.take(n);
      strokePolyline(intact, size, points, g.ribHalfWidth, g.ribHalfWidth * 0.9, 0.09, 0.075, cortex);
      strokePolyline(broken, size, near, g.ribHalfWidth, g.ribHalfWidth * 0.95, 0.09, 0.082, cortex);
      if (far.length >= 2) strokePolyline(broken, size, far, g.ribHalfWidth * 0.95, g.ribHalfWidth * 0.9, 0.082, 0.075, cortex);
      // the landmark "rib" keeps the intact outline too, so the break lies inside it; the fracture's mask is
      // where the broken rib differs from the intact one
      const changed = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (broken[i] > ribs[i]) ribs[i] = broken[i];
        if (intact[i] > intactRibs[i]) intactRibs[i] = intact[i];
        if (Math.abs(broken[i] - intact[i]) > 0.012 && Math.max(broken[i], intact[i]) > 0.025) changed[i] = 1;
      }
      fractures.set(ribBreakKey(b), changed);
      scratch.give(broken, intact);
    }
    for (let k = 0; k < g.ribCount - 3; k++) {
      strokePolyline(anterior, size, sampleCurve(size, anteriorRib(g, side, k), 3), g.ribHalfWidth * 0.9, g.ribHalfWidth * 0.8, 0.04, 0.03, cortex);
    }
    strokePolyline(clavicles, size, sampleCurve(size, clavicle(g, side), 3), 0.014, 0.012, 0.15, 0.13, cortex);
  }
  drawSpine(spine, size, g);
  const bone = scratch.take(n);
  const bones: BoneMasks = { rib: new Uint8Array(n), clavicle: new Uint8Array(n), spine: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    bone[i] = ribs[i] + anterior[i] + clavicles[i] + spine[i];
    if (ribs[i] > 0.025 || intactRibs[i] > 0.025 || anterior[i] > 0.012) bones.rib[i] = 1;
    if (clavicles[i] > 0.04) bones.clavicle[i] = 1;
    if (spine[i] > 0.02) bones.spine[i] = 1;
  }
  drawHumeralHeads(bone, size, g);
  scratch.give(bronchi, ribs, intactRibs, anterior, clavicles, spine);
  return { layers: { size, tissue, markings, lungAlpha, bone, devices: scratch.take(n), fractures }, bones };
}

/** Returns the planes of a set of layers to the scratch pool (the layers must not be used afterwards). */
export function releaseLayers(layers: Layers): void {
  scratch.give(layers.tissue, layers.markings, layers.lungAlpha, layers.bone, layers.devices);
}

export function ribBreakKey(b: RibBreak): string {
  return `${b.side}:${b.rib}`;
}

/** Body, abdomen, lungs, hila, mediastinum, heart, trachea and stomach bubble on a size × size grid. */
function drawSoftTissue(g: ChestGeometry, size: number, rng: Random): { tissue: Float32Array; lungAlpha: Float32Array } {
  const n = size * size;
  const px = 1 / size;
  const tissue = scratch.take(n);
  const lungAlpha = scratch.take(n);
  const mottle = smoothField(rng, size, 7);
  const fine = smoothField(rng, size, 23);
  const reticular = smoothField(rng, size, Math.max(8, Math.round(size / 2.5)));
  const { heart, trachea } = g;

  const hullGrid = new HullGrid(g, size);
  // lungs are most lucent in the mid zones; the apices and bases carry more overlying soft tissue
  const lucency = (side: Side) => Float32Array.from({ length: size }, (_, y) => {
    const r = ((y + 0.5) * px - g.lungs[side].apexV) / lungHeight(g.lungs[side]);
    return 0.8 + 0.2 * Math.sin(Math.PI * Math.min(1, Math.max(0, r * 1.25))) - 0.1 * Math.max(0, r - 0.8) / 0.2;
  });
  const depthRight = lucency('right'), depthLeft = lucency('left');
  const armBottom = g.lungs.right.apexV + 0.3;
  // bounding boxes keep the per-pixel work to the shapes that can reach a pixel
  const heartReach = Math.max(heart.rx, heart.ry) + 2 * px;
  const bubble = g.stomachBubble;
  const bubbleReach = Math.max(bubble.rx, bubble.ry) + 2 * px;
  const mediastinumReach = g.mediastinumHalfWidth + 0.04;
  const knobReach = Math.abs(g.aorticKnob.cu - g.midline) + g.aorticKnob.r + 2 * px;
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) * px;
    const bodyHalf = bodyHalfWidthAt(g, v);
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) * px;
      const i = y * size + x;
      const du = u - g.midline;
      const d = Math.abs(du);
      const body = softEdge(bodyHalf - d, 2 * px);
      // thicker soft tissue towards the midline and the lower chest
      let value = AIR + body * (SOFT_TISSUE - AIR + 0.05 * (1 - d / 0.5) + 0.04 * v);
      // the upper arms beside the shoulders, thinner than the trunk
      if (body < 1 && v < armBottom) value += (1 - body) * 0.22 * softEdge(armBottom - v, 0.06) * softEdge(d - bodyHalf - 0.015, 3 * px);
      const side: Side = du < 0 ? 'right' : 'left';
      const lung = g.lungs[side];
      value += body * ABDOMEN * softEdge(v - hullGrid.bottom[x], 2 * px);
      const hull = d > lung.lateralD + 0.01 || v < lung.apexV - 0.01 || v > lung.costophrenicV + 0.01
        ? 0 : softEdge(hullGrid.margin(x, y), 1.2 * px);
      if (hull > 0) {
        const depth = du < 0 ? depthRight[y] : depthLeft[y];
        // breast and pectoral soft tissue over the lower lateral lung
        const bu = (d - 0.3) / 0.12, bv = (v - lung.costophrenicV + 0.1) / 0.1;
        const breast = 0.12 * Math.exp(-(bu * bu + bv * bv));
        value -= hull * g.exposure.lungDarkness * (depth - breast) * (1 + 0.08 * mottle[i] + 0.05 * fine[i] + 0.06 * reticular[i]);
      }
      const hilum = g.hila[side];
      const hx = (u - hilum.cu) / 0.035, hy = (v - hilum.cv) / 0.05;
      const h2 = hx * hx + hy * hy;
      if (h2 < 16) value += 0.11 * Math.exp(-h2);
      const mediastinum = d < Math.max(mediastinumReach, knobReach) ? softEdge(mediastinumMargin(g, u, v), 1.5 * px) : 0;
      value += (MEDIASTINUM - value) * mediastinum;
      const heartAlpha = Math.abs(u - heart.cu) < heartReach && Math.abs(v - heart.cv) < heartReach
        ? softEdge(heartMargin(g, u, v), 1.2 * px) : 0;
      value += (HEART + 0.03 * (v - heart.cv) / heart.ry - value) * heartAlpha;
      if (v < trachea.carinaV + 2 * px && Math.abs(u - trachea.cu) < trachea.halfWidth + 2 * px) {
        const airway = softEdge(trachea.halfWidth - Math.abs(u - trachea.cu), 1.5 * px) * softEdge(trachea.carinaV - v, 2 * px);
        value -= 0.15 * airway * body;
      }
      if (Math.abs(u - bubble.cu) < bubbleReach && Math.abs(v - bubble.cv) < bubbleReach) {
        value -= 0.26 * softEdge(ellipseMargin(bubble, u, v), 1.5 * px) * softEdge(bubble.cv + 0.3 * bubble.ry - v, 1.5 * px);
      }
      tissue[i] = value;
      lungAlpha[i] = hull * (1 - mediastinum) * (1 - heartAlpha);
    }
  }
  scratch.give(mottle, fine, reticular);
  return { tissue, lungAlpha };
}

/** Bilinear resampling of a square plane to another size (pixel centres aligned, edges clamped). */
function upsampleBilinear(plane: Float32Array, from: number, to: number): Float32Array {
  const out = scratch.take(to * to);
  const index = new Int32Array(to), weight = new Float32Array(to);
  for (let k = 0; k < to; k++) {
    const s = Math.min(from - 1, Math.max(0, ((k + 0.5) * from) / to - 0.5));
    index[k] = Math.min(from - 2, Math.floor(s));
    weight[k] = s - index[k];
  }
  for (let y = 0; y < to; y++) {
    const y0 = index[y] * from, fy = weight[y];
    for (let x = 0; x < to; x++) {
      const k = y0 + index[x], fx = weight[x];
      out[y * to + x] = (plane[k] * (1 - fx) + plane[k + 1] * fx) * (1 - fy) + (plane[k + from] * (1 - fx) + plane[k + from + 1] * fx) * fy;
    }
  }
  return out;
}

/** Pulmonary vessels: branching, tapering lines that fan out from the hilum towards the periphery. */
function drawVesselTree(plane: Float32Array, size: number, g: ChestGeometry, side: Side, rng: Random): void {
  const s = sideSign(side);
  const hilum = g.hila[side];
  const grow = (u: number, v: number, angle: number, length: number, width: number, peak: number, depth: number): void => {
    const points: Array<[number, number]> = [[u, v]];
    const steps = Math.max(3, Math.round(length * size / 3));
    let a = angle;
    for (let k = 1; k <= steps; k++) {
      a += rng.normal(0, 0.08);
      const [pu, pv] = points[points.length - 1];
      points.push([pu + s * Math.cos(a) * length / steps, pv + Math.sin(a) * length / steps]);
    }
    strokePolyline(plane, size, points, width, width * 0.45, peak, peak * 0.35);
    if (depth < 2) {
      const branches = rng.int(1, 2);
      for (let b = 0; b < branches; b++) {
        const at = points[rng.int(Math.floor(steps / 3), steps - 1)];
        grow(at[0], at[1], a + rng.uniform(-0.7, 0.7), length * rng.uniform(0.45, 0.7), width * 0.6, peak * 0.7, depth + 1);
      }
    }
  };
  const trunks = 9;
  for (let k = 0; k < trunks; k++) {
    // from pointing up-and-out (−1.4 rad) to down-and-out (+1.2 rad); the lower lobes carry the larger vessels
    const angle = -1.4 + (2.6 * (k + rng.uniform(0.2, 0.8))) / trunks;
    const lower = angle > 0 ? 1.15 : 0.9;
    grow(hilum.cu, hilum.cv, angle, rng.uniform(0.14, 0.24), 0.0045 * lower, 0.11 * lower * g.exposure.markingGain, 0);
  }
}

/** Vertebral bodies with end plates and pedicles down the midline. */
function drawSpine(plane: Float32Array, size: number, g: ChestGeometry): void {
  const px = 1 / size;
  const step = 0.047;
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) * px;
    const level = (v - 0.02) / step;
    const f = level - Math.floor(level);
    // f in [0, 0.12) is the disc space between two bodies
    const inBody = softEdge(Math.min(f - 0.12, 1 - f) * step, px);
    const endplate = Math.exp(-(((f - 0.15) / 0.05) ** 2)) + Math.exp(-(((f - 0.97) / 0.05) ** 2));
    const [x0, x1] = pixelRange(g.midline - 0.04, g.midline + 0.04, size);
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5) * px;
      const du = u - g.midline;
      const width = softEdge(0.034 - Math.abs(du), px);
      let value = width * (0.025 + 0.03 * inBody + 0.025 * endplate * inBody);
      const pv = (f - 0.45) / 0.18;
      const pl = (du + 0.024) / 0.008, pr = (du - 0.024) / 0.008;
      value += 0.03 * (Math.exp(-(pl * pl + pv * pv) * 1.5) + Math.exp(-(pr * pr + pv * pv) * 1.5));
      plane[y * size + x] = value;
    }
  }
}

/** The humeral heads at the top corners, beside the shoulders. */
function drawHumeralHeads(plane: Float32Array, size: number, g: ChestGeometry): void {
  const px = 1 / size;
  const cv = g.lungs.right.apexV + 0.01;
  for (const s of [-1, 1]) {
    const head = ellipse(g.midline + s * (g.bodyHalfWidth + 0.035), cv, 0.055, 0.065, 0);
    const [x0, x1] = pixelRange(head.cu - 0.07, head.cu + 0.07, size);
    const [y0, y1] = pixelRange(cv - 0.08, cv + 0.08, size);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const margin = ellipseMargin(head, (x + 0.5) * px, (y + 0.5) * px);
        const alpha = softEdge(margin, 1.5 * px);
        if (alpha > 0) plane[y * size + x] = Math.max(plane[y * size + x], alpha * (0.12 + 0.06 * Math.exp(-((margin / 0.006) ** 2))));
      }
    }
  }
}

/** Adds the layers into one canonical-frame image (before pose and film); the plane comes from `scratch`. */
export function composeLayers(layers: Layers, g: ChestGeometry): Float32Array {
  const { tissue, markings, lungAlpha, bone, devices } = layers;
  const out = scratch.take(tissue.length);
  for (let i = 0; i < out.length; i++) {
    // bone shows less through dense soft tissue (heart, abdomen): the film is already near its shoulder there
    const dense = tissue[i] < 0.42 ? 0 : tissue[i] > 0.62 ? 1 : (tissue[i] - 0.42) / 0.2;
    out[i] = tissue[i] + markings[i] * lungAlpha[i] + bone[i] * g.exposure.boneGain * (1 - 0.55 * dense) + devices[i];
  }
  return out;
}

/**
 * The detector: pose warp, slight blur, exposure (contrast, brightness, gamma) and quantum noise. `noiseRng`
 * is its own stream so that the same sample rendered with and without a finding differs only by the finding.
 */
export function exposeFilm(canonical: Float32Array, g: ChestGeometry, map: PoseMap, noiseRng: Random): Float32Array {
  const image = warpBilinear(canonical, map);
  gaussianBlur(image, map.size, g.exposure.blurPx);
  const { contrast, brightness, gamma, noiseStd } = g.exposure;
  const normals = normalTable();
  // a random odd stride through a fixed table of normal deviates: per-pixel Box–Muller costs more than the
  // whole rest of the film step, and the noise only has to look like noise
  let at = noiseRng.int(0, NORMAL_TABLE_SIZE - 1);
  const stride = 2 * noiseRng.int(1, NORMAL_TABLE_SIZE / 2 - 1) + 1;
  // the film curve through a lookup table: a power per pixel is the costliest step otherwise
  const curve = new Float32Array(CURVE_STEPS + 1);
  // the detector's response: mid-tones lifted, highlights compressed (soft tissue near white, lungs mid-grey)
  for (let k = 0; k <= CURVE_STEPS; k++) {
    const response = 1 - (1 - k / CURVE_STEPS) ** 1.7;
    curve[k] = clamp01(0.5 + contrast * (response - 0.5) + brightness) ** gamma;
  }
  for (let i = 0; i < image.length; i++) {
    const t = clamp01(image[i]) * CURVE_STEPS;
    const k = Math.min(CURVE_STEPS - 1, Math.floor(t));
    const exposed = curve[k] + (curve[k + 1] - curve[k]) * (t - k);
    image[i] = clamp01(exposed + noiseStd * normals[at]);
    at = (at + stride) & (NORMAL_TABLE_SIZE - 1);
  }
  return image;
}

const CURVE_STEPS = 1024;
const NORMAL_TABLE_SIZE = 1 << 16;
let cachedNormals: Float32Array | undefined;
function normalTable(): Float32Array {
  if (!cachedNormals) {
    const rng = new Random(0x5eed);
    cachedNormals = new Float32Array(NORMAL_TABLE_SIZE);
    for (let k = 0; k < NORMAL_TABLE_SIZE; k++) cachedNormals[k] = rng.normal();
  }
  return cachedNormals;
}

export interface PhantomOptions {
  /** image side in pixels (default 224) */
  size?: number;
  /** anatomy to draw; sampled from the seed when absent */
  geometry?: ChestGeometry;
}

export interface Phantom {
  size: number;
  geometry: ChestGeometry;
  /** H×W grey values in [0, 1], row-major */
  image: Float32Array;
  /** landmark masks aligned with `image` (after the pose) */
  anatomy: LandmarkMasks;
}

/**
 * A normal frontal chest radiograph and its landmark masks.
 * @example const { image, anatomy } = renderPhantom(7, { size: 224 }); // anatomy.heart_size is a 0/1 mask
 * @throws RangeError when size is not an integer in [32, 2048]
 */
export function renderPhantom(seed: number, options: PhantomOptions = {}): Phantom {
  const size = checkSize(options.size ?? 224);
  const rng = new Random(seed);
  const geometry = options.geometry ?? sampleGeometry(rng.fork());
  const textureRng = rng.fork();
  const noiseRng = rng.fork();
  const { layers, bones } = renderAnatomy(geometry, size, textureRng);
  const map = poseMap(size, geometry.pose);
  const canonical = composeLayers(layers, geometry);
  const image = exposeFilm(canonical, geometry, map, noiseRng);
  releaseLayers(layers);
  scratch.give(canonical);
  return { size, geometry, image, anatomy: warpLandmarks(computeLandmarkMasks(geometry, size, bones), map) };
}

export function checkSize(size: number): number {
  if (typeof size !== 'number') throw new TypeError(`Expected integer in [32, 2048] for size but received ${String(size)} (${typeof size})`);
  if (!Number.isInteger(size) || size < 32 || size > 2048) {
    throw new RangeError(`Expected integer in [32, 2048] for size but received ${size} (number)`);
  }
  return size;
}
