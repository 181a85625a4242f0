/**
 * Findings on the synthetic radiograph: which ones a sample has (`sampleFindings`), how they change the anatomy
 * (`applyAnatomyChanges`: cardiomegaly, emphysema), and how each is drawn at its landmark with a pixel mask
 * (`drawFinding`). Every finding is drawn inside the mask of its `site` landmark (devices: their tip), so a
 * report that names that landmark points at the right pixels.
 */
import type { Landmark } from '../vocabulary.ts';
import { Random } from '../util/random.ts';
import {
  type ChestGeometry, type Side, SIDES, diaphragmV, ellipse, ellipseMargin, lungHeight, lungHullMargin, lungMargin,
  posteriorRib, sideSign,
} from './geometry.ts';
import type { LandmarkMasks } from './landmarks.ts';
import { type Layers, type RibBreak, ribBreakKey } from './phantom.ts';
import { pixelRange, sampleCurve, scratch, smoothField, softEdge, strokePolyline } from './raster.ts';
import { checkNumber } from '../util/check.ts';

export const FINDING_KINDS = [
  'effusion', 'pneumothorax', 'consolidation', 'atelectasis', 'cardiomegaly', 'edema', 'nodule', 'mass',
  'endotracheal_tube', 'nasogastric_tube', 'central_line', 'pacemaker', 'fracture', 'emphysema',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export type Laterality = Side | 'bilateral' | 'midline';
export type Severity = 'small' | 'moderate' | 'large';

export interface Finding {
  kind: FindingKind;
  laterality: Laterality;
  /** the landmark the finding is drawn in (for devices: where the tip lies) */
  site: Landmark;
  severity: Severity;
  /** reported with hedging ("possible …") and drawn fainter */
  uncertain: boolean;
  /** seed of the finding's own random stream (shape details), so a finding draws the same way every time */
  seed: number;
  /** nodules and masses: radius (normalised to the image width; the film is about 35 cm across) */
  radius?: number;
  /** fractures only: which posterior rib breaks, and where */
  ribBreak?: RibBreak;
}

/** Width of the synthetic film in millimetres, for sizes quoted in reports. */
export const FILM_WIDTH_MM = 350;

/** Relative frequency of each finding among abnormal samples. */
export const DEFAULT_PREVALENCE: Readonly<Record<FindingKind, number>> = Object.freeze({
  effusion: 1.3, pneumothorax: 1.0, consolidation: 1.3, atelectasis: 1.0, cardiomegaly: 1.1, edema: 0.8,
  nodule: 1.3, mass: 0.8, endotracheal_tube: 0.5, nasogastric_tube: 0.5, central_line: 0.6, pacemaker: 0.5,
  fracture: 0.5, emphysema: 0.7,
});

/** Findings that may be reported with uncertainty when subtle. */
const MAY_BE_UNCERTAIN: ReadonlySet<FindingKind> = new Set(['nodule', 'consolidation', 'atelectasis', 'fracture']);

export interface FindingSamplingOptions {
  /** fraction of samples with no finding (default 0.3) */
  normalFraction?: number;
  /** relative weights of the finding kinds (missing kinds keep their default; 0 disables a kind) */
  prevalence?: Partial<Record<FindingKind, number>>;
  /** most findings in one sample, 0–3 (default 3) */
  maxFindings?: number;
  /** probability that a finding that may be hedged is reported as uncertain (default 0.15) */
  uncertainFraction?: number;
}

const LOBES: readonly Landmark[] = ['upper_right_lobe', 'middle_right_lobe', 'lower_right_lobe', 'upper_left_lobe', 'lower_left_lobe'];

function lobeSide(lobe: Landmark): Side {
  return lobe.includes('right') ? 'right' : 'left';
}

/**
 * The findings of one sample: none with probability `normalFraction`, otherwise 1–3 distinct kinds drawn by
 * prevalence, each with its side, site, severity and certainty.
 * @throws RangeError for fractions outside [0, 1], maxFindings outside 0–3 or negative/unknown prevalences
 */
export function sampleFindings(rng: Random, options: FindingSamplingOptions = {}): Finding[] {
  const normalFraction = checkNumber('normalFraction', options.normalFraction ?? 0.3, 0, 1);
  const uncertainFraction = checkNumber('uncertainFraction', options.uncertainFraction ?? 0.15, 0, 1);
  const maxFindings = options.maxFindings ?? 3;
  if (!Number.isInteger(maxFindings) || maxFindings < 0 || maxFindings > 3) {
    throw new RangeError(`Expected integer in [0, 3] for maxFindings but received ${String(maxFindings)}`);
  }
  const weights = { ...DEFAULT_PREVALENCE };
  for (const [kind, w] of Object.entries(options.prevalence ?? {})) {
    if (!(kind in DEFAULT_PREVALENCE)) throw new RangeError(`Unknown finding kind "${kind}" in prevalence; expected one of ${FINDING_KINDS.join(', ')}`);
    if (typeof w !== 'number' || !(w >= 0)) throw new RangeError(`Expected a number ≥ 0 for prevalence.${kind} but received ${String(w)}`);
    weights[kind as FindingKind] = w;
  }
  if (maxFindings === 0 || rng.next() < normalFraction) return [];
  const u = rng.next();
  const count = Math.min(maxFindings, u < 0.5 ? 1 : u < 0.83 ? 2 : 3);
  const pool = FINDING_KINDS.filter((k) => weights[k] > 0);
  const kinds: FindingKind[] = [];
  while (kinds.length < count && pool.length > 0) {
    const total = pool.reduce((a, k) => a + weights[k], 0);
    let r = rng.next() * total;
    let pick = pool.length - 1;
    for (let k = 0; k < pool.length; k++) {
      r -= weights[pool[k]];
      if (r < 0) { pick = k; break; }
    }
    kinds.push(pool[pick]);
    pool.splice(pick, 1);
  }
  return kinds.map((kind) => describeFinding(kind, rng, MAY_BE_UNCERTAIN.has(kind) && rng.next() < uncertainFraction));
}

/** Side, site and severity of one finding of a given kind. */
export function describeFinding(kind: FindingKind, rng: Random, uncertain = false): Finding {
  const seed = rng.nextUint32();
  const side: Side = rng.next() < 0.5 ? 'right' : 'left';
  const severity = (weights: [number, number, number]): Severity => {
    const r = rng.next() * (weights[0] + weights[1] + weights[2]);
    return r < weights[0] ? 'small' : r < weights[0] + weights[1] ? 'moderate' : 'large';
  };
  const base = { kind, uncertain, seed };
  switch (kind) {
    case 'effusion': {
      const bilateral = rng.next() < 0.18;
      return { ...base, laterality: bilateral ? 'bilateral' : side, site: bilateral ? 'pleural_unspec' : `${side}_pleural`, severity: severity([0.45, 0.4, 0.15]) };
    }
    case 'pneumothorax': {
      const s = severity([0.4, 0.35, 0.25]);
      return { ...base, laterality: side, site: s === 'large' ? `${side}_lung_unspec` : `${side}_apical_lung`, severity: s };
    }
    case 'consolidation': {
      const lobe = rng.choice([...LOBES, 'lower_right_lobe', 'lower_left_lobe'] as Landmark[]);
      return { ...base, laterality: lobeSide(lobe), site: lobe, severity: uncertain ? 'small' : severity([0.35, 0.45, 0.2]) };
    }
    case 'mass': {
      const lobe = rng.choice(LOBES);
      const s = severity([0.4, 0.4, 0.2]);
      // 3.9–5 cm across: a mass is larger than 3 cm, and clearly larger than every nodule (at most 2.8 cm here)
      const radius = { small: rng.uniform(0.056, 0.062), moderate: rng.uniform(0.062, 0.068), large: rng.uniform(0.068, 0.072) }[s];
      return { ...base, laterality: lobeSide(lobe), site: lobe, severity: s, radius };
    }
    case 'nodule': {
      // 22–28 mm across (below the 3 cm of a mass): at the demo's 128 px a nodule spans 8–10 pixels, well above the
      // noise; the 8–13 mm nodules of the earlier generator (2–3 px) left the trunk nothing to see.
      const lobe = rng.choice(LOBES);
      return { ...base, laterality: lobeSide(lobe), site: lobe, severity: 'small', radius: rng.uniform(0.032, 0.04) };
    }
    case 'atelectasis': {
      const bilateral = !uncertain && rng.next() < 0.3;
      return { ...base, laterality: bilateral ? 'bilateral' : side, site: bilateral ? 'lung_bases' : `${side}_lower_lung`, severity: 'small' };
    }
    case 'cardiomegaly':
      return { ...base, laterality: 'midline', site: 'heart_size', severity: severity([0.35, 0.45, 0.2]) };
    case 'edema':
      return { ...base, laterality: 'bilateral', site: 'hilar_unspec', severity: severity([0.35, 0.45, 0.2]) };
    case 'emphysema':
      return { ...base, laterality: 'bilateral', site: 'lung_volumes', severity: severity([0.3, 0.5, 0.2]) };
    case 'endotracheal_tube':
      return { ...base, laterality: 'midline', site: 'trachea', severity: 'small' };
    case 'nasogastric_tube':
      return { ...base, laterality: 'midline', site: 'stomach', severity: 'small' };
    case 'central_line':
      return { ...base, laterality: 'right', site: 'svc', severity: 'small' };
    case 'pacemaker':
      return { ...base, laterality: 'left', site: 'right_ventricle', severity: 'small' };
    case 'fracture': {
      const ribBreak: RibBreak = {
        side, rib: rng.int(3, 7), at: rng.uniform(0.6, 0.85), gap: rng.uniform(0.03, 0.045), offset: rng.uniform(0.006, 0.011),
      };
      return { ...base, laterality: side, site: 'rib', severity: 'small', ribBreak };
    }
  }
}

/** The anatomy as the findings leave it: an enlarged heart; hyperinflated, flattened lungs. */
export function applyAnatomyChanges(g: ChestGeometry, findings: readonly Finding[]): ChestGeometry {
  const out: ChestGeometry = structuredClone(g);
  for (const f of findings) {
    const rng = new Random(f.seed ^ 0x51ed);
    if (f.kind === 'cardiomegaly') {
      const grow = { small: rng.uniform(1.25, 1.32), moderate: rng.uniform(1.32, 1.45), large: rng.uniform(1.45, 1.6) }[f.severity];
      const h = out.heart;
      const ry = h.ry * (1 + (grow - 1) * 0.45);
      // the heart grows up and out from where it sits on the diaphragm
      out.heart = ellipse(h.cu + (grow - 1) * 0.035, h.cv - (ry - h.ry) * 0.8, h.rx * grow, ry, h.angle);
    } else if (f.kind === 'emphysema') {
      const lower = { small: 0.03, moderate: 0.045, large: 0.06 }[f.severity];
      for (const side of SIDES) {
        const lung = out.lungs[side];
        lung.costophrenicV += lower;
        lung.domeV = lung.costophrenicV - rng.uniform(0.02, 0.035);
        lung.lateralD += 0.01;
      }
      out.exposure.lungDarkness *= 1.18;
      out.exposure.markingGain *= 0.55;
    }
  }
  return out;
}

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
function drawEndotrachealTube(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
  const u = g.trachea.cu + rng.uniform(-0.004, 0.004);
  const tip = [u, g.trachea.carinaV - rng.uniform(0.04, 0.08)] as const;
  const mask = drawDevice(layers, sampleCurve(layers.size, bezier([u - 0.01, -0.01], [u, 0.05], [u, 0.1], tip)), 0.0055, 0.3);
  return { mask, tip };
}

/** Nasogastric tube: down the oesophagus behind the heart, through the left hemidiaphragm into the stomach. */
function drawNasogastricTube(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
  const bubble = g.stomachBubble;
  const tip = [bubble.cu + rng.uniform(-0.2, 0.2) * bubble.rx, bubble.cv + rng.uniform(0, 0.3) * bubble.ry] as const;
  const hiatus = [g.midline + 0.03, diaphragmV(g.lungs.left, 0.03) + 0.01] as const;
  const upper = sampleCurve(layers.size, bezier([g.midline + 0.004, -0.01], [g.midline + 0.01, 0.2], [g.midline + 0.02, 0.45], hiatus));
  const lower = sampleCurve(layers.size, bezier(hiatus, [hiatus[0] + 0.02, hiatus[1] + 0.06], [tip[0] - 0.06, tip[1] + 0.05], tip));
  const mask = drawDevice(layers, [...upper, ...lower.slice(1)], 0.0042, 0.26);
  return { mask, tip };
}

/** Right subclavian central venous line, tip in the superior vena cava. */
function drawCentralLine(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
  const svcBottom = g.heart.cv - 0.45 * g.heart.ry;
  const tipU = g.midline - g.mediastinumHalfWidth * 0.55 - 0.01;
  const tip = [tipU, svcBottom - rng.uniform(0.03, 0.06)] as const;
  const entry = [g.midline - rng.uniform(0.3, 0.34), g.clavicleV + rng.uniform(0.02, 0.04)] as const;
  const points = sampleCurve(layers.size, bezier(entry, [g.midline - 0.15, g.clavicleV + 0.02], [tipU - 0.005, g.clavicleV + 0.02], tip));
  return { mask: drawDevice(layers, points, 0.0035, 0.26), tip };
}

/** Pacemaker generator in the upper left chest with leads into the right atrium and right ventricle. */
function drawPacemaker(layers: Layers, g: ChestGeometry, rng: Random): DrawnFinding {
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
