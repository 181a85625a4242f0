/**
 * How each finding is drawn into the synthetic radiograph's layers, with its pixel mask (`drawFinding`): every
 * lesion inside the mask of its `site` landmark, so a report that names that landmark points at the right pixels.
 * Devices (tubes, lines, pacemaker) are drawn by ./devices.ts; which findings a sample has is ./findings.ts.
 */
import type { Landmark } from '../vocabulary.ts';
import { Random } from '../util/random.ts';
import {
  type ChestGeometry, type Side, lungHeight, lungHullMargin, lungMargin, posteriorRib, sideSign,
} from './geometry.ts';
import type { LandmarkMasks } from './landmarks.ts';
import { type Layers, ribBreakKey } from './phantom.ts';
import { pixelRange, scratch, smoothField, softEdge, strokePolyline } from './raster.ts';
import { type Finding } from './findings.ts';
import { drawCentralLine, drawEndotrachealTube, drawNasogastricTube, drawPacemaker } from './devices.ts';

/** A drawn finding: its mask (canonical frame) and, for devices, the tip. */
export interface DrawnFinding {
  mask: Uint8Array;
  tip?: readonly [number, number];
}

/** Draws one finding into the layers (canonical frame). `landmarks` are the canonical landmark masks. */
export function drawFinding(layers: Layers, g: ChestGeometry, landmarks: LandmarkMasks, finding: Finding): DrawnFinding {
  const rng = new Random(finding.seed);
  const strength = finding.uncertain ? 0.65 : 1;
  switch (finding.kind) {
    case 'effusion': return drawEffusion(layers, g, landmarks, finding, rng);
    case 'pneumothorax': return drawPneumothorax(layers, g, landmarks, finding, rng);
    case 'consolidation': return drawConsolidation(layers, landmarks, finding, rng, strength);
    case 'atelectasis': return drawAtelectasis(layers, landmarks, finding, rng, strength);
    case 'edema': return drawEdema(layers, g, landmarks, finding, rng);
    case 'nodule':
    case 'mass': return drawRoundLesion(layers, landmarks, finding, rng, strength);
    case 'cardiomegaly': return { mask: landmarks.mask('heart_size') };
    case 'emphysema': return { mask: landmarks.mask('lung_volumes') };
    case 'endotracheal_tube': return drawEndotrachealTube(layers, g, rng);
    case 'nasogastric_tube': return drawNasogastricTube(layers, g, rng);
    case 'central_line': return drawCentralLine(layers, g, rng);
    case 'pacemaker': return drawPacemaker(layers, g, rng);
    case 'fracture': return drawFracture(layers, g, landmarks, finding);
  }
}

function sidesOf(f: Finding): Side[] {
  return f.laterality === 'bilateral' ? ['right', 'left'] : f.laterality === 'midline' ? [] : [f.laterality];
}

/** Fluid at a lung base: a meniscus that climbs the lateral wall, blunting the costophrenic angle. */
function drawEffusion(layers: Layers, g: ChestGeometry, landmarks: LandmarkMasks, f: Finding, rng: Random): DrawnFinding {
  const { size, tissue, markings } = layers;
  const px = 1 / size;
  const mask = new Uint8Array(size * size);
  const site = landmarks.mask(f.site);
  for (const side of sidesOf(f)) {
    const lung = g.lungs[side];
    const s = sideSign(side);
    const h = lungHeight(lung);
    // even a small effusion fills the costophrenic recess and a band above it (a fifth of the lung's height)
    const rise = { small: rng.uniform(0.2, 0.26), moderate: rng.uniform(0.3, 0.38), large: rng.uniform(0.42, 0.52) }[f.severity];
    const topV = lung.costophrenicV - rise * h;
    const meniscus = rng.uniform(0.05, 0.08);
    const [x0, x1] = pixelRange(g.midline + Math.min(s * lung.medialD, s * lung.lateralD), g.midline + Math.max(s * lung.medialD, s * lung.lateralD), size);
    const [y0, y1] = pixelRange(topV - 0.02, lung.costophrenicV + 0.01, size);
    for (let y = y0; y <= y1; y++) {
      const v = (y + 0.5) * px;
      for (let x = x0; x <= x1; x++) {
        const u = (x + 0.5) * px;
        const i = y * size + x;
        const margin = lungHullMargin(g, lung, u, v);
        if (margin <= -px) continue;
        const d = s * (u - g.midline);
        const lateral = Math.max(0, Math.min(1, (lung.lateralD - d) / (lung.lateralD - lung.medialD)));
        const surface = topV + meniscus * Math.pow(lateral, 0.6);
        // fluid thickens downwards, so the meniscus edge is soft from above
        const alpha = softEdge(v - surface, 0.025) * softEdge(margin, 1.2 * px);
        if (alpha <= 0) continue;
        const fluid = 0.58 + 0.06 * Math.min(1, (v - surface) / 0.1);
        tissue[i] += (fluid - tissue[i]) * alpha;
        markings[i] *= 1 - alpha;
        if (alpha > 0.15 && margin > 0 && site[i]) mask[i] = 1;
      }
    }
  }
  return { mask };
}

/** Air between the chest wall and a collapsed lung: lucent, without markings, edged by a thin pleural line. */
function drawPneumothorax(layers: Layers, g: ChestGeometry, landmarks: LandmarkMasks, f: Finding, rng: Random): DrawnFinding {
  const { size, tissue, markings } = layers;
  const px = 1 / size;
  const mask = new Uint8Array(size * size);
  const side = f.laterality as Side;
  const lung = g.lungs[side];
  const s = sideSign(side);
  const h = lungHeight(lung);
  const shrink = { small: rng.uniform(0.88, 0.92), moderate: rng.uniform(0.8, 0.86), large: rng.uniform(0.7, 0.78) }[f.severity];
  // the lung collapses towards its base and hilum, so the gap is widest at the apex
  const cu = g.midline + s * 0.17, cv = lung.costophrenicV;
  const site = landmarks.mask(f.site);
  const limitV = f.severity === 'large' ? lung.apexV + 0.75 * h : lung.apexV + 0.25 * h - px;
  const [y0, y1] = pixelRange(lung.apexV - 0.01, limitV, size);
  const [x0, x1] = pixelRange(g.midline + Math.min(s * lung.medialD, s * (lung.lateralD + 0.01)), g.midline + Math.max(s * lung.medialD, s * (lung.lateralD + 0.01)), size);
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5) * px;
    const fade = softEdge(limitV - v, 3 * px);
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5) * px;
      const i = y * size + x;
      if (!site[i] || lungMargin(g, lung, u, v) <= 0) continue;
      const collapsed = lungHullMargin(g, lung, cu + (u - cu) / shrink, cv + (v - cv) / shrink) * shrink;
      const line = Math.exp(-((collapsed / (0.8 * px)) ** 2)) * fade;
      const air = softEdge(-collapsed, px) * fade;
      if (air <= 0.01 && line <= 0.05) continue;
      // lucency and pleural line clearly above the exposure jitter (contrast 0.85–1.15, noise), so that a
      // pneumothorax is visible at 128 px
      tissue[i] -= 0.17 * air;
      tissue[i] += 0.2 * line;
      markings[i] *= 1 - air;
      if (air > 0.15 || line > 0.2) mask[i] = 1;
    }
  }
  return { mask };
}

/** A random pixel of a landmark around which a disc of radius r (normalised) fits inside it. */
function placeInside(landmarks: LandmarkMasks, site: Landmark, r: number, rng: Random): [number, number] {
  const size = landmarks.size;
  const candidates: number[] = [];
  const siteMask = landmarks.mask(site);
  for (let i = 0; i < siteMask.length; i++) if (siteMask[i]) candidates.push(i);
  if (candidates.length === 0) throw new Error(`The synthetic anatomy has an empty "${site}" region`);
  let radius = r;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (attempt > 0 && attempt % 40 === 0) radius *= 0.75;
    const i = rng.choice(candidates);
    const u = ((i % size) + 0.5) / size, v = (Math.floor(i / size) + 0.5) / size;
    let fits = true;
    for (let k = 0; k < 12 && fits; k++) {
      const a = (2 * Math.PI * k) / 12;
      const x = Math.round((u + radius * Math.cos(a)) * size - 0.5), y = Math.round((v + radius * Math.sin(a)) * size - 0.5);
      fits = x >= 0 && y >= 0 && x < size && y < size && siteMask[y * size + x] === 1;
    }
    if (fits) return [u, v];
  }
  const i = rng.choice(candidates);
  return [((i % size) + 0.5) / size, (Math.floor(i / size) + 0.5) / size];
}

/** Patchy airspace opacity filling part of a lobe (clipped at the lobe's edges, as by a fissure). */
function drawConsolidation(layers: Layers, landmarks: LandmarkMasks, f: Finding, rng: Random, strength: number): DrawnFinding {
  const { size, tissue, markings } = layers;
  const px = 1 / size;
  const mask = new Uint8Array(size * size);
  // airspace disease fills a good part of its lobe (6–12 % of the film across), patchy and irregular: larger and
  // less compact than a mass, so that the two look different at 128 px
  const radius = { small: rng.uniform(0.06, 0.075), moderate: rng.uniform(0.075, 0.095), large: rng.uniform(0.095, 0.12) }[f.severity];
  const [cu, cv] = placeInside(landmarks, f.site, radius * 0.6, rng);
  const blobs = Array.from({ length: rng.int(4, 7) }, () => {
    const a = rng.uniform(0, 2 * Math.PI), r = rng.uniform(0, radius * 0.6);
    return { u: cu + r * Math.cos(a), v: cv + r * Math.sin(a), s: radius * rng.uniform(0.45, 0.7) };
  });
  const texture = smoothField(rng, size, 28);
  const site = landmarks.mask(f.site);
  const peak = 0.32 * strength;
  const [x0, x1] = pixelRange(cu - 1.8 * radius, cu + 1.8 * radius, size);
  const [y0, y1] = pixelRange(cv - 1.8 * radius, cv + 1.8 * radius, size);
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5) * px;
    for (let x = x0; x <= x1; x++) {
      const i = y * size + x;
      if (!site[i]) continue;
      const u = (x + 0.5) * px;
      let field = 0;
      for (const b of blobs) {
        const du = (u - b.u) / b.s, dv = (v - b.v) / b.s;
        field += Math.exp(-(du * du + dv * dv));
      }
      const alpha = Math.max(0, Math.min(1, (field + 0.35 * texture[i] - 0.35) / 0.45));
      if (alpha <= 0) continue;
      tissue[i] += peak * alpha * (0.85 + 0.3 * texture[i]);
      markings[i] *= 1 - 0.6 * alpha;
      if (alpha > 0.15) mask[i] = 1;
    }
  }
  scratch.give(texture);
  return { mask };
}

/** Plate-like atelectasis: a thin, nearly horizontal band of opacity at a lung base. */
function drawAtelectasis(layers: Layers, landmarks: LandmarkMasks, f: Finding, rng: Random, strength: number): DrawnFinding {
  const { size, tissue } = layers;
  const mask = new Uint8Array(size * size);
  const sites: Landmark[] = f.laterality === 'bilateral' ? ['right_lower_lung', 'left_lower_lung'] : [f.site];
  for (const site of sites) {
    // a band 3–4 px thick and 13–20 px long at 128 px (thinner bands vanish in the demo's downsampled images)
    const length = rng.uniform(0.1, 0.15);
    const half = rng.uniform(0.011, 0.016);
    const [cu, cv] = placeInside(landmarks, site, length * 0.45, rng);
    const angle = rng.uniform(-0.3, 0.3);
    const du = Math.cos(angle) * length / 2, dv = Math.sin(angle) * length / 2;
    const band = scratch.take(size * size);
    strokePolyline(band, size, [[cu - du, cv - dv], [cu + du, cv + dv]], half, half * 0.8, 0.3 * strength, 0.3 * strength, (t) => 1 - 0.5 * t * t);
    const inSite = landmarks.mask(site);
    for (let i = 0; i < band.length; i++) {
      if (band[i] <= 0 || !inSite[i]) continue;
      tissue[i] += band[i];
      if (band[i] > 0.15 * 0.3 * strength) mask[i] = 1;
    }
    scratch.give(band);
  }
  return { mask };
}

/** Bilateral perihilar ("bat-wing") haze. */
function drawEdema(layers: Layers, g: ChestGeometry, landmarks: LandmarkMasks, f: Finding, rng: Random): DrawnFinding {
  const { size, tissue, markings } = layers;
  const px = 1 / size;
  const mask = new Uint8Array(size * size);
  const peak = { small: 0.2, moderate: 0.25, large: 0.3 }[f.severity];
  const texture = smoothField(rng, size, 16);
  const site = landmarks.mask(f.site);
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) * px;
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (!site[i]) continue;
      const u = (x + 0.5) * px;
      const hilum = g.hila[u < g.midline ? 'right' : 'left'];
      const du = (u - hilum.cu) / 0.065, dv = (v - hilum.cv) / 0.085;
      const alpha = Math.exp(-(du * du + dv * dv)) * (0.8 + 0.35 * texture[i]);
      tissue[i] += peak * alpha;
      markings[i] *= 1 - 0.5 * alpha;
      if (alpha > 0.15) mask[i] = 1;
    }
  }
  scratch.give(texture);
  return { mask };
}

/** A nodule (small, round) or a mass (larger, lobulated). */
function drawRoundLesion(layers: Layers, landmarks: LandmarkMasks, f: Finding, rng: Random, strength: number): DrawnFinding {
  const { size, tissue } = layers;
  const px = 1 / size;
  const mask = new Uint8Array(size * size);
  const isMass = f.kind === 'mass';
  const r = f.radius ?? (isMass ? 0.05 : 0.03);
  const [cu, cv] = placeInside(landmarks, f.site, r + 0.008, rng);
  const lobes = isMass ? [rng.uniform(0.06, 0.12), rng.uniform(0, 6.28), rng.uniform(0.04, 0.08), rng.uniform(0, 6.28)] : [0, 0, 0, 0];
  // a nodule is small but dense (often partly calcified); a mass is large
  const peak = (isMass ? 0.34 : 0.45) * strength;
  const site = landmarks.mask(f.site);
  const [x0, x1] = pixelRange(cu - 1.3 * r - 2 * px, cu + 1.3 * r + 2 * px, size);
  const [y0, y1] = pixelRange(cv - 1.3 * r - 2 * px, cv + 1.3 * r + 2 * px, size);
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5) * px;
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5) * px;
      const i = y * size + x;
      const du = u - cu, dv = v - cv;
      const a = Math.atan2(dv, du);
      const edge = r * (1 + lobes[0] * Math.sin(3 * a + lobes[1]) + lobes[2] * Math.sin(5 * a + lobes[3]));
      const dist = Math.sqrt(du * du + dv * dv);
      const alpha = softEdge(edge - dist, 1.5 * px);
      if (alpha <= 0 || !site[i]) continue;
      // a sphere is densest through its middle
      tissue[i] += peak * alpha * (0.75 + 0.25 * Math.sqrt(Math.max(0, 1 - (dist / edge) ** 2)));
      if (alpha > 0.15) mask[i] = 1;
    }
  }
  return { mask };
}

/** The fractured rib itself is drawn by the anatomy (a gap and a step); the mask is the break and its fragments. */
function drawFracture(layers: Layers, g: ChestGeometry, landmarks: LandmarkMasks, f: Finding): DrawnFinding {
  const b = f.ribBreak;
  if (!b) throw new Error('A fracture finding needs ribBreak');
  const changed = layers.fractures.get(ribBreakKey(b));
  if (!changed) throw new Error(`The anatomy was drawn without the break of the ${b.side} rib ${b.rib}`);
  const mask = new Uint8Array(changed.length);
  const rib = landmarks.mask('rib');
  for (let i = 0; i < mask.length; i++) if (changed[i] && rib[i]) mask[i] = 1;
  const [bu, bv] = posteriorRib(g, b.side, b.rib)(b.at);
  return { mask, tip: [bu, bv] };
}
