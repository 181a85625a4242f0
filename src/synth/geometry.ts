/**
 * The anatomy of one synthetic frontal (PA) chest radiograph, as numbers: lung outlines, heart, mediastinum,
 * diaphragm domes, ribs, clavicles, stomach bubble and patient pose. Everything is in the canonical frame
 * (u across, v down, in [0, 1], midline at u = 0.5) before the pose warp.
 *
 * Radiological convention: the patient's right is on the image's left. A `side` is always the patient's side,
 * so `sideSign('right')` is −1 (towards u = 0).
 */
import type { Random } from '../util/random.ts';
import type { Pose } from './raster.ts';

export type Side = 'left' | 'right';
export const SIDES: readonly Side[] = ['right', 'left'];

/** −1 for the patient's right (image left), +1 for the patient's left (image right). */
export function sideSign(side: Side): number {
  return side === 'right' ? -1 : 1;
}

/** One lung field, as distances `d` from the midline towards its own side. */
export interface LungGeometry {
  side: Side;
  /** top of the apex (v) and its distance from the midline */
  apexV: number;
  apexD: number;
  /** curvature of the rounded apex */
  apexCurvature: number;
  /** widest lateral extent (d) */
  lateralD: number;
  /** costophrenic angle height (v): the lowest point of the lung, at the lateral wall */
  costophrenicV: number;
  /** hemidiaphragm dome: highest point (v) and its distance from the midline */
  domeV: number;
  domeD: number;
  /** medial border (d) */
  medialD: number;
}

export interface Ellipse {
  cu: number;
  cv: number;
  rx: number;
  ry: number;
  /** radians, positive = clockwise on screen */
  angle: number;
  /** cached cos/sin of `angle` (hot loops evaluate ellipses per pixel) */
  cos?: number;
  sin?: number;
}

export function ellipse(cu: number, cv: number, rx: number, ry: number, angle: number): Ellipse {
  return { cu, cv, rx, ry, angle, cos: Math.cos(angle), sin: Math.sin(angle) };
}

export interface ChestGeometry {
  midline: number;
  lungs: Record<Side, LungGeometry>;
  heart: Ellipse;
  aorticKnob: { cu: number; cv: number; r: number };
  /** half-width of the upper mediastinum */
  mediastinumHalfWidth: number;
  trachea: { cu: number; halfWidth: number; carinaV: number };
  hila: Record<Side, { cu: number; cv: number }>;
  stomachBubble: Ellipse;
  /** v of the first posterior rib at the spine, and the spacing between ribs */
  ribStartV: number;
  ribSpacing: number;
  ribCount: number;
  ribHalfWidth: number;
  clavicleV: number;
  /** body half-width below the shoulders */
  bodyHalfWidth: number;
  pose: Pose;
  /** film look */
  exposure: {
    brightness: number;
    contrast: number;
    gamma: number;
    noiseStd: number;
    blurPx: number;
    lungDarkness: number;
    markingGain: number;
    boneGain: number;
  };
}

/** Half-widths of the heart relative to the chest for a normal heart (cardiothoracic ratio ≈ 0.40–0.47). */
const HEART_RX = 0.18;
const HEART_RY = 0.13;

/** Draws a normal anatomy with the variation of a real population (size, lung height, heart size, pose, film). */
export function sampleGeometry(rng: Random): ChestGeometry {
  const lungHeight = rng.uniform(0.93, 1.07);
  const width = rng.uniform(0.95, 1.04);
  const heartScale = rng.uniform(0.9, 1.08);
  const apexV = rng.uniform(0.1, 0.13);
  const cpRight = apexV + 0.64 * lungHeight;
  const lung = (side: Side, cp: number, domeLift: number): LungGeometry => ({
    side,
    apexV: apexV + (side === 'left' ? -0.004 : 0) + rng.uniform(-0.005, 0.005),
    apexD: 0.16 * width,
    apexCurvature: rng.uniform(4.5, 6.5),
    lateralD: rng.uniform(0.385, 0.405) * width,
    costophrenicV: cp,
    domeV: cp - domeLift,
    domeD: rng.uniform(0.18, 0.22) * width,
    medialD: 0.045,
  });
  // the right hemidiaphragm sits higher than the left (the liver lies beneath it)
  const right = lung('right', cpRight, rng.uniform(0.085, 0.11));
  const left = lung('left', cpRight + rng.uniform(0.012, 0.03), rng.uniform(0.075, 0.1));
  right.domeV -= rng.uniform(0.012, 0.025);
  // the lower part of the heart hides in the diaphragm shadow, as on a real film
  const heartCv = left.domeV - HEART_RY * heartScale * 0.78;
  const tracheaCu = 0.5 + rng.uniform(-0.006, 0.006);
  const carinaV = apexV + 0.25 * lungHeight;
  return {
    midline: 0.5,
    lungs: { right, left },
    heart: ellipse(0.5 + 0.048 * width, heartCv, HEART_RX * heartScale * width, HEART_RY * heartScale, rng.uniform(0.12, 0.3)),
    aorticKnob: { cu: 0.5 + 0.06, cv: carinaV - 0.025, r: rng.uniform(0.03, 0.04) },
    mediastinumHalfWidth: rng.uniform(0.05, 0.06),
    trachea: { cu: tracheaCu, halfWidth: rng.uniform(0.016, 0.02), carinaV },
    hila: {
      right: { cu: 0.5 - 0.095 * width, cv: carinaV + 0.07 },
      left: { cu: 0.5 + 0.095 * width, cv: carinaV + 0.055 },
    },
    stomachBubble: ellipse(0.5 + 0.17 * width, left.domeV + 0.06, rng.uniform(0.045, 0.07), rng.uniform(0.03, 0.045),
      rng.uniform(-0.2, 0.2)),
    ribStartV: apexV - 0.01,
    ribSpacing: 0.064 * lungHeight,
    ribCount: 10,
    ribHalfWidth: 0.011,
    clavicleV: apexV + rng.uniform(0.03, 0.05),
    bodyHalfWidth: rng.uniform(0.455, 0.485) * width,
    pose: {
      angle: rng.uniform(-5, 5) * Math.PI / 180,
      scale: rng.uniform(0.94, 1.04),
      shiftU: rng.uniform(-0.02, 0.02),
      shiftV: rng.uniform(-0.02, 0.02),
    },
    exposure: {
      brightness: rng.uniform(-0.05, 0.05),
      contrast: rng.uniform(0.88, 1.15),
      gamma: rng.uniform(0.8, 1.25),
      noiseStd: rng.uniform(0.008, 0.02),
      blurPx: rng.uniform(0.45, 0.85),
      lungDarkness: rng.uniform(0.2, 0.25),
      markingGain: rng.uniform(0.8, 1.2),
      boneGain: rng.uniform(0.85, 1.15),
    },
  };
}

/** Height of a lung from apex to costophrenic angle. */
export function lungHeight(lung: LungGeometry): number {
  return lung.costophrenicV - lung.apexV;
}

/** The hemidiaphragm surface (v) at distance d from the midline: a dome that falls steeply into the CP angle. */
export function diaphragmV(lung: LungGeometry, d: number): number {
  if (d >= lung.domeD) {
    const t = (d - lung.domeD) / (lung.lateralD - lung.domeD);
    return lung.domeV + (lung.costophrenicV - lung.domeV) * t * t;
  }
  const t = (lung.domeD - d) / lung.domeD;
  return lung.domeV + 0.45 * (lung.costophrenicV - lung.domeV) * t * t;
}

/** Lateral chest wall (d) at height v: widens quickly below the apex, then runs nearly vertical. */
export function lateralWallD(lung: LungGeometry, v: number): number {
  const t = Math.min(1, Math.max(0, (v - lung.apexV) / (0.8 * lungHeight(lung))));
  const s = 1 - (1 - t) * (1 - t) * (1 - 0.4 * t);
  return lung.apexD + 0.02 + (lung.lateralD - lung.apexD - 0.02) * s;
}

/**
 * Signed margin (positive inside) of the lung's outer hull: inside the chest wall, below the apex, above the
 * diaphragm and lateral to the spine. The heart and mediastinum are not cut out here (see `lungMargin`).
 */
export function lungHullMargin(g: ChestGeometry, lung: LungGeometry, u: number, v: number): number {
  const d = sideSign(lung.side) * (u - g.midline);
  const dd = d - lung.apexD;
  const top = v - (lung.apexV + lung.apexCurvature * dd * dd);
  const lateral = lateralWallD(lung, v) - d;
  const bottom = diaphragmV(lung, d) - v;
  const medial = d - lung.medialD;
  return Math.min(top, lateral, bottom, medial);
}

/**
 * `lungHullMargin` on a pixel grid, for the lung on each pixel's own side of the midline. Each term of the margin
 * depends on the column only (apex curve, diaphragm, medial border) or the row only (lateral wall), so they are
 * tabulated once and a pixel costs a few comparisons.
 */
export class HullGrid {
  readonly distance: Float32Array;
  readonly isLeft: Uint8Array;
  readonly top: Float32Array;
  readonly bottom: Float32Array;
  readonly medial: Float32Array;
  readonly lateral: Record<Side, Float32Array>;

  constructor(g: ChestGeometry, readonly size: number) {
    this.distance = new Float32Array(size);
    this.isLeft = new Uint8Array(size);
    this.top = new Float32Array(size);
    this.bottom = new Float32Array(size);
    this.medial = new Float32Array(size);
    for (let x = 0; x < size; x++) {
      const du = (x + 0.5) / size - g.midline;
      const lung = g.lungs[du < 0 ? 'right' : 'left'];
      const d = Math.abs(du);
      const dd = d - lung.apexD;
      this.distance[x] = d;
      this.isLeft[x] = du < 0 ? 0 : 1;
      this.top[x] = lung.apexV + lung.apexCurvature * dd * dd;
      this.bottom[x] = diaphragmV(lung, d);
      this.medial[x] = d - lung.medialD;
    }
    this.lateral = { right: new Float32Array(size), left: new Float32Array(size) };
    for (let y = 0; y < size; y++) {
      const v = (y + 0.5) / size;
      this.lateral.right[y] = lateralWallD(g.lungs.right, v);
      this.lateral.left[y] = lateralWallD(g.lungs.left, v);
    }
  }

  /** The hull margin of pixel (x, y) for the lung on its side; equals lungHullMargin at the pixel centre. */
  margin(x: number, y: number): number {
    const v = (y + 0.5) / this.size;
    const lateral = (this.isLeft[x] ? this.lateral.left[y] : this.lateral.right[y]) - this.distance[x];
    return Math.min(v - this.top[x], lateral, this.bottom[x] - v, this.medial[x]);
  }
}

/** Signed margin of an ellipse (approximately a distance near the boundary). */
export function ellipseMargin(e: Ellipse, u: number, v: number): number {
  const cos = e.cos ?? Math.cos(e.angle), sin = e.sin ?? Math.sin(e.angle);
  const du = u - e.cu, dv = v - e.cv;
  const x = (cos * du + sin * dv) / e.rx, y = (-sin * du + cos * dv) / e.ry;
  return (1 - Math.sqrt(x * x + y * y)) * Math.min(e.rx, e.ry);
}

/** The mediastinum (above the heart): a midline band that widens towards the heart, with the aortic knob. */
export function mediastinumMargin(g: ChestGeometry, u: number, v: number): number {
  const top = g.lungs.right.apexV - 0.02;
  const bottom = g.heart.cv;
  const widen = Math.max(0, (v - g.trachea.carinaV) / (bottom - g.trachea.carinaV + 1e-6));
  const halfWidth = g.mediastinumHalfWidth + 0.035 * Math.min(1, widen);
  const band = Math.min(halfWidth - Math.abs(u - g.midline), v - top, bottom + 0.05 - v);
  const ku = u - g.aorticKnob.cu, kv = v - g.aorticKnob.cv;
  const knob = g.aorticKnob.r - Math.sqrt(ku * ku + kv * kv);
  return Math.max(band, knob);
}

/** The cardiac silhouette: an ellipse cut off just below the diaphragm it sits on. */
export function heartMargin(g: ChestGeometry, u: number, v: number): number {
  const du = u - g.midline;
  const floor = diaphragmV(g.lungs[du < 0 ? 'right' : 'left'], Math.abs(du)) + 0.015;
  return Math.min(Math.max(ellipseMargin(g.heart, u, v), ellipseMargin(rightAtrium(g.heart), u, v)), floor - v);
}

/** The right atrium's bulge on the right heart border (image left), low on the cardiac silhouette. */
export function rightAtrium(heart: Ellipse): Ellipse {
  return ellipse(heart.cu - 0.68 * heart.rx, heart.cv + 0.15 * heart.ry, 0.32 * heart.rx, 0.6 * heart.ry, 0);
}

/** Margin of the lung field proper: the hull minus the heart and the mediastinum. */
export function lungMargin(g: ChestGeometry, lung: LungGeometry, u: number, v: number): number {
  return Math.min(lungHullMargin(g, lung, u, v), -heartMargin(g, u, v), -mediastinumMargin(g, u, v));
}

/** Half-width of the body silhouette at height v: neck, sloping shoulders, chest. */
export function bodyHalfWidthAt(g: ChestGeometry, v: number): number {
  const shoulderV = g.lungs.right.apexV + 0.02;
  if (v >= shoulderV) return g.bodyHalfWidth;
  const t = Math.max(0, (v - (shoulderV - 0.12)) / 0.12);
  return 0.085 + (g.bodyHalfWidth - 0.085) * Math.sqrt(t);
}

/** Posterior rib i on a side: from the spine, rising slightly then sweeping down to the lateral wall. */
export function posteriorRib(g: ChestGeometry, side: Side, i: number): (t: number) => readonly [number, number] {
  const lung = g.lungs[side];
  const s = sideSign(side);
  const v0 = g.ribStartV + i * g.ribSpacing;
  const reach = lung.lateralD + 0.02 - 0.035;
  return (t: number) => {
    const d = 0.035 + reach * t;
    const v = v0 + 0.02 * t - 0.045 * Math.sin(Math.PI * 0.85 * t) + 0.13 * t * t * t;
    return [g.midline + s * d, v] as const;
  };
}

/** Anterior rib i: from the lateral wall, sloping down towards the sternum; fainter than the posterior ribs. */
export function anteriorRib(g: ChestGeometry, side: Side, i: number): (t: number) => readonly [number, number] {
  const lung = g.lungs[side];
  const s = sideSign(side);
  const v0 = g.ribStartV + 0.1 + i * g.ribSpacing * 0.95;
  return (t: number) => {
    const d = lung.lateralD + 0.01 - (lung.lateralD - 0.13) * t;
    const v = v0 + 0.13 * t - 0.02 * Math.sin(Math.PI * t);
    return [g.midline + s * d, v] as const;
  };
}

/** A clavicle: from the sternoclavicular joint out and up to the shoulder, with a gentle S-curve. */
export function clavicle(g: ChestGeometry, side: Side): (t: number) => readonly [number, number] {
  const s = sideSign(side);
  return (t: number) => {
    const d = 0.035 + 0.31 * t;
    const v = g.clavicleV + 0.015 - 0.05 * t + 0.012 * Math.sin(2 * Math.PI * t);
    return [g.midline + s * d, v] as const;
  };
}
