/**
 * Support devices on the synthetic radiograph: endotracheal and nasogastric tubes, a central line and a
 * pacemaker, drawn as dense strokes whose tip lies at their landmark. Used by ./lesions.ts `drawFinding`.
 */
import { Random } from '../util/random.ts';
import { type ChestGeometry, diaphragmV, ellipse, ellipseMargin } from './geometry.ts';
import { type Layers } from './phantom.ts';
import { pixelRange, sampleCurve, scratch, softEdge, strokePolyline } from './raster.ts';
import type { DrawnFinding } from './lesions.ts';

/** Adds a radiopaque device stroke to the device layer and returns its mask. */
function drawDevice(layers: Layers, points: ReadonlyArray<readonly [number, number]>, halfWidth: number, peak: number): Uint8Array {
  const plane = scratch.take(layers.size * layers.size);
  strokePolyline(plane, layers.size, points, halfWidth, halfWidth, peak, peak, (t) => 1 - 0.3 * t * t);
  const mask = new Uint8Array(plane.length);
  for (let i = 0; i < plane.length; i++) {
    if (plane[i] <= 0) continue;
    if (plane[i] > layers.devices[i]) layers.devices[i] = plane[i];
    if (plane[i] > 0.1 * peak) mask[i] = 1;
  }
  scratch.give(plane);
  return mask;
}

function bezier(p0: readonly [number, number], p1: readonly [number, number], p2: readonly [number, number], p3: readonly [number, number]) {
  return (t: number): readonly [number, number] => {
    const a = (1 - t) ** 3, b = 3 * (1 - t) ** 2 * t, c = 3 * (1 - t) * t * t, d = t ** 3;
    return [a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]] as const;
  };
}

/** Endotracheal tube: down the trachea, tip a few centimetres above the carina. */
export function drawEndotrachealTube(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
  const u = g.trachea.cu + rng.uniform(-0.004, 0.004);
  const tip = [u, g.trachea.carinaV - rng.uniform(0.04, 0.08)] as const;
  const mask = drawDevice(layers, sampleCurve(layers.size, bezier([u - 0.01, -0.01], [u, 0.05], [u, 0.1], tip)), 0.0055, 0.3);
  return { mask, tip };
}

/** Nasogastric tube: down the oesophagus behind the heart, through the left hemidiaphragm into the stomach. */
export function drawNasogastricTube(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
  const bubble = g.stomachBubble;
  const tip = [bubble.cu + rng.uniform(-0.2, 0.2) * bubble.rx, bubble.cv + rng.uniform(0, 0.3) * bubble.ry] as const;
  const hiatus = [g.midline + 0.03, diaphragmV(g.lungs.left, 0.03) + 0.01] as const;
  const upper = sampleCurve(layers.size, bezier([g.midline + 0.004, -0.01], [g.midline + 0.01, 0.2], [g.midline + 0.02, 0.45], hiatus));
  const lower = sampleCurve(layers.size, bezier(hiatus, [hiatus[0] + 0.02, hiatus[1] + 0.06], [tip[0] - 0.06, tip[1] + 0.05], tip));
  const mask = drawDevice(layers, [...upper, ...lower.slice(1)], 0.0042, 0.26);
  return { mask, tip };
}

/** Right subclavian central venous line, tip in the superior vena cava. */
export function drawCentralLine(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
  const svcBottom = g.heart.cv - 0.45 * g.heart.ry;
  const tipU = g.midline - g.mediastinumHalfWidth * 0.55 - 0.01;
  const tip = [tipU, svcBottom - rng.uniform(0.03, 0.06)] as const;
  const entry = [g.midline - rng.uniform(0.3, 0.34), g.clavicleV + rng.uniform(0.02, 0.04)] as const;
  const points = sampleCurve(layers.size, bezier(entry, [g.midline - 0.15, g.clavicleV + 0.02], [tipU - 0.005, g.clavicleV + 0.02], tip));
  return { mask: drawDevice(layers, points, 0.0035, 0.26), tip };
}

/** Pacemaker generator in the upper left chest with leads into the right atrium and right ventricle. */
export function drawPacemaker(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
  const { size, devices } = layers;
  const px = 1 / size;
  const box = ellipse(g.midline + rng.uniform(0.24, 0.29), g.clavicleV + rng.uniform(0.05, 0.08), rng.uniform(0.036, 0.044), rng.uniform(0.026, 0.032), rng.uniform(-0.3, 0.3));
  const mask = new Uint8Array(size * size);
  const [x0, x1] = pixelRange(box.cu - 0.06, box.cu + 0.06, size);
  const [y0, y1] = pixelRange(box.cv - 0.06, box.cv + 0.06, size);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5) * px, v = (y + 0.5) * px;
      // a rounded can: an ellipse raised to a superellipse by scaling its margin
      const alpha = softEdge(ellipseMargin(box, u, v) * 1.6 + 0.004, px);
      if (alpha <= 0) continue;
      const i = y * size + x;
      devices[i] = Math.max(devices[i], 0.55 * alpha);
      if (alpha > 0.1) mask[i] = 1;
    }
  }
  const { heart } = g;
  const ra = [heart.cu - 0.6 * heart.rx, heart.cv - 0.1 * heart.ry] as const;
  const rv = [heart.cu + 0.1 * heart.rx, heart.cv + 0.55 * heart.ry] as const;
  const entry = [g.midline - 0.035, g.clavicleV + 0.08] as const;
  const vein = sampleCurve(size, bezier([box.cu - 0.03, box.cv], [g.midline + 0.1, g.clavicleV - 0.01], [g.midline - 0.04, g.clavicleV + 0.01], entry));
  const toRa = sampleCurve(size, bezier(entry, [entry[0] - 0.005, entry[1] + 0.08], [ra[0] + 0.01, ra[1] - 0.06], ra));
  const toRv = sampleCurve(size, bezier(entry, [entry[0] + 0.005, entry[1] + 0.12], [rv[0] - 0.08, rv[1] - 0.02], rv));
  const leads = [drawDevice(layers, [...vein, ...toRa.slice(1)], 0.0028, 0.3), drawDevice(layers, [...vein, ...toRv.slice(1)], 0.0028, 0.3)];
  for (const lead of leads) for (let i = 0; i < mask.length; i++) mask[i] |= lead[i];
  return { mask, tip: rv };
}

