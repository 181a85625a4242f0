/**
 * Pixel masks of the MeDSLIP landmarks (src/vocabulary.ts LANDMARKS) for one synthetic anatomy, in the
 * canonical frame. They decide where findings are drawn, and the report names a finding's location only with
 * landmarks whose masks contain it. `unspecified` and `other` have no mask.
 *
 * Lobes on a frontal film overlap in projection; here they are disjoint bands (the right middle lobe is the
 * medial part of the right mid-to-lower zone, beside the right heart border; the lower lobe is the rest of
 * the lung below the upper lobe), so that "right lower lobe" and
 * "right middle lobe" are different places to learn.
 */
import { LANDMARKS, type Landmark, landmarkIndex } from '../vocabulary.ts';
import type { PoseMap } from './raster.ts';
import {
  type ChestGeometry, SIDES, heartMargin as heartMarginAt, diaphragmV, ellipseMargin, lungHeight, HullGrid,
  mediastinumMargin, sideSign,
} from './geometry.ts';

const BIT_OF = new Map<Landmark, number>(LANDMARKS.map((name, k) => [name, k]));

/**
 * Landmark membership of every pixel, packed as one bit per landmark (bit = index in LANDMARKS; bits 0–31 in
 * `low`, 32–50 in `high`), so that 49 overlapping masks cost two arrays and warp in two passes. `mask(name)`
 * unpacks one landmark as a 0/1 mask.
 */
export class LandmarkMasks {
  constructor(readonly size: number, readonly low: Uint32Array, readonly high: Uint32Array) {}

  static empty(size: number): LandmarkMasks {
    return new LandmarkMasks(size, new Uint32Array(size * size), new Uint32Array(size * size));
  }

  /** The 0/1 mask of one landmark (all zero for `unspecified` and `other`). */
  mask(name: Landmark): Uint8Array {
    const bit = landmarkIndex(name);
    const out = new Uint8Array(this.size * this.size);
    const words = bit < 32 ? this.low : this.high;
    const flag = (1 << (bit & 31)) >>> 0;
    for (let i = 0; i < out.length; i++) out[i] = (words[i] & flag) !== 0 ? 1 : 0;
    return out;
  }

  /** Whether pixel i belongs to the landmark (for a few lookups; loops should unpack `mask(name)` once). */
  contains(name: Landmark, i: number): boolean {
    const bit = BIT_OF.get(name) ?? landmarkIndex(name);
    return ((bit < 32 ? this.low : this.high)[i] & ((1 << (bit & 31)) >>> 0)) !== 0;
  }

  /** Adds every set pixel of `mask` to a landmark. */
  add(name: Landmark, mask: Uint8Array): void {
    const bit = landmarkIndex(name);
    const words = bit < 32 ? this.low : this.high;
    const flag = (1 << (bit & 31)) >>> 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) words[i] |= flag;
  }
}

/** Masks of the bones, which come from the rendered bone layer rather than from the geometry. */
export interface BoneMasks {
  rib: Uint8Array;
  clavicle: Uint8Array;
  spine: Uint8Array;
}

/** Every landmark this generator can localise: all but the two fallbacks, unspecified and other. */
export const LOCALISED_LANDMARKS: readonly Landmark[] = LANDMARKS.filter((l) => l !== 'unspecified' && l !== 'other');

/** Fractions of lung height (from the apex) that bound the zones and lobes. */
export const ZONES = Object.freeze({
  apicalEnd: 0.25,
  upperEnd: 1 / 3,
  midEnd: 2 / 3,
  rightUpperLobeEnd: 0.42,
  rightMiddleLobeEnd: 0.8,
  leftUpperLobeEnd: 0.55,
});

/** Radius of the costophrenic-angle region around the lowest lateral point of each lung. */
const COSTOPHRENIC_RADIUS = 0.075;

const L = Object.fromEntries(LANDMARKS.map((name, k) => [name, k])) as Record<Landmark, number>;

/**
 * Landmark masks of an anatomy on a size × size grid. The geometric regions are decided on a half-resolution
 * grid (each decision costs dozens of operations, and a region's edge may be a pixel off), the bones at full
 * resolution from their rendered layer.
 */
export function computeLandmarkMasks(g: ChestGeometry, size: number, bones: BoneMasks): LandmarkMasks {
  const coarse = size >= 128 ? Math.ceil(size / 2) : size;
  const masks = coarse === size ? geometricLandmarks(g, size) : upsampleNearest(geometricLandmarks(g, coarse), size);
  masks.add('rib', bones.rib);
  masks.add('clavicle', bones.clavicle);
  masks.add('spine', bones.spine);
  return masks;
}

function upsampleNearest(masks: LandmarkMasks, size: number): LandmarkMasks {
  const from = masks.size;
  const out = LandmarkMasks.empty(size);
  const index = Int32Array.from({ length: size }, (_, k) => Math.min(from - 1, Math.floor(((k + 0.5) * from) / size)));
  for (let y = 0; y < size; y++) {
    const row = index[y] * from;
    for (let x = 0; x < size; x++) {
      const k = row + index[x];
      out.low[y * size + x] = masks.low[k];
      out.high[y * size + x] = masks.high[k];
    }
  }
  return out;
}

function geometricLandmarks(g: ChestGeometry, size: number): LandmarkMasks {
  const masks = LandmarkMasks.empty(size);

  const { heart, trachea } = g;
  const sideBits = {
    right: {
      hilar: L.right_hilar, pleural: L.right_pleural, diaphragm: L.right_diaphragm, lower: L.right_lower_lung,
      mid: L.right_mid_lung, upper: L.right_upper_lung, apical: L.right_apical_lung, unspec: L.right_lung_unspec,
      costophrenic: L.right_costophrenic,
    },
    left: {
      hilar: L.left_hilar, pleural: L.left_pleural, diaphragm: L.left_diaphragm, lower: L.left_lower_lung,
      mid: L.left_mid_lung, upper: L.left_upper_lung, apical: L.left_apical_lung, unspec: L.left_lung_unspec,
      costophrenic: L.left_costophrenic,
    },
  };
  // where the heart meets each hemidiaphragm
  const sulci = SIDES.map((side) => {
    const lung = g.lungs[side];
    const u = side === 'right' ? heart.cu - 0.8 * heart.rx : heart.cu + 0.85 * heart.rx;
    const d = sideSign(side) * (u - g.midline);
    return { u, v: diaphragmV(lung, Math.max(0, d)) - 0.01 };
  });
  const svcU0 = g.midline - g.mediastinumHalfWidth - 0.02, svcU1 = g.midline - 0.012;
  const svcV0 = g.clavicleV + 0.02, svcV1 = heart.cv - 0.45 * heart.ry;
  const cavoatrial = { u: g.midline - g.mediastinumHalfWidth + 0.005, v: svcV1 };
  const knob = g.aorticKnob;
  const top = Math.min(g.lungs.left.apexV, g.lungs.right.apexV) - 0.01;
  const bottom = Math.max(g.lungs.left.costophrenicV, g.lungs.right.costophrenicV) + 0.02;
  const within = (du: number, dv: number, r: number): boolean => du * du + dv * dv < r * r;
  const hullGrid = new HullGrid(g, size);
  const heartReach = Math.max(heart.rx, heart.ry) + 0.02;
  const bubble = g.stomachBubble;
  const bubbleReach = Math.max(bubble.rx, bubble.ry) + 0.02;
  const mediastinumReach = Math.max(g.mediastinumHalfWidth + 0.03, Math.abs(g.aorticKnob.cu - g.midline) + g.aorticKnob.r + 0.01);

  // one closure for the whole loop (not one per pixel): it sets bits of the current pixel
  let low = 0, high = 0;
  const mark = (k: number): void => {
    if (k < 32) low |= 1 << k;
    else high |= 1 << (k - 32);
  };
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      low = 0;
      high = 0;
      const nearHeart = Math.abs(u - heart.cu) < heartReach && Math.abs(v - heart.cv) < heartReach;
      const heartMargin = nearHeart ? heartMarginAt(g, u, v) : -1;
      const inHeart = heartMargin > 0;
      if (inHeart) {
        mark(L.heart_size);
        if (u < heart.cu - 0.35 * heart.rx) mark(L.right_atrium);
        if (v > heart.cv && u >= heart.cu - 0.35 * heart.rx && u <= heart.cu + 0.5 * heart.rx) mark(L.right_ventricle);
      }
      if (Math.abs(heartMargin) < 0.012) mark(L.heart_border);
      const inMediastinum = Math.abs(u - g.midline) < mediastinumReach && mediastinumMargin(g, u, v) > 0;
      if (inMediastinum) mark(L.mediastinal);
      if (Math.abs(u - trachea.cu) < trachea.halfWidth + 0.012 && v < trachea.carinaV + 0.01) mark(L.trachea);
      if (Math.abs(u - bubble.cu) < bubbleReach && Math.abs(v - bubble.cv) < bubbleReach && ellipseMargin(bubble, u, v) > -0.012) mark(L.stomach);
      if (within(u - knob.cu, v - knob.cv, knob.r + 0.01)
        || (Math.abs(u - (g.midline + 0.045)) < 0.018 && v >= knob.cv && v <= heart.cv + 0.06)) mark(L.aorta);
      if (u >= svcU0 && u <= svcU1 && v >= svcV0 && v <= svcV1) mark(L.svc);
      if (within(u - cavoatrial.u, v - cavoatrial.v, 0.03)) mark(L.cavoatrial_junction);
      let inAnyLung = false;
      if (v >= top && v <= bottom) {
        for (let k = 0; k < 2; k++) {
          const side = SIDES[k];
          const lung = g.lungs[side];
          const bits = sideBits[side];
          const d = sideSign(side) * (u - g.midline);
          if (d < lung.medialD - 0.02 || d > lung.lateralD + 0.02) continue;
          const sulcus = sulci[k];
          const hull = hullGrid.margin(x, y) > 0;
          if (within(u - sulcus.u, v - sulcus.v, 0.04) && (hull || inHeart)) mark(L.cardiophrenic_sulcus);
          if (d > lung.medialD - 0.01 && d < lung.lateralD + 0.01 && Math.abs(v - hullGrid.bottom[x]) < 0.018) {
            mark(bits.diaphragm);
            mark(L.diaphragm_unspec);
          }
          if (!hull) continue;
          mark(bits.pleural);
          mark(L.pleural_unspec);
          if (side === 'left' && inHeart) mark(L.retrocardiac);
          // the lung field proper: the hull minus the heart and the mediastinum (as lungMargin, reusing the margins)
          if (heartMargin >= 0 || inMediastinum) continue;
          inAnyLung = true;
          const hilum = g.hila[side];
          const ex = (u - hilum.cu) / 0.1, ey = (v - hilum.cv) / 0.13;
          if (ex * ex + ey * ey < 1) { mark(bits.hilar); mark(L.hilar_unspec); }
          const r = (v - lung.apexV) / lungHeight(lung);
          mark(bits.unspec);
          if (r < ZONES.apicalEnd) { mark(bits.apical); mark(L.lung_apices); }
          if (r < ZONES.upperEnd) mark(bits.upper);
          else if (r < ZONES.midEnd) mark(bits.mid);
          else { mark(bits.lower); mark(L.lung_bases); }
          if (within(d - lung.lateralD, v - lung.costophrenicV, COSTOPHRENIC_RADIUS)) {
            mark(bits.costophrenic);
            mark(L.costophrenic_unspec);
          }
          if (side === 'right') {
            const middle = r >= ZONES.rightUpperLobeEnd && r < ZONES.rightMiddleLobeEnd
              && d < Math.abs(hilum.cu - g.midline) + 0.12;
            if (r < ZONES.rightUpperLobeEnd) mark(L.upper_right_lobe);
            else if (middle) mark(L.middle_right_lobe);
            else mark(L.lower_right_lobe);
          } else if (r < ZONES.leftUpperLobeEnd) mark(L.upper_left_lobe);
          else mark(L.lower_left_lobe);
        }
      }
      if (inAnyLung) {
        mark(L.interstitium);
        mark(L.parenchymal);
        mark(L.pulmonary);
        mark(L.lung_volumes);
      }
      if (inAnyLung || inHeart) mark(L.cardiopulmonary);
      const i = y * size + x;
      masks.low[i] |= low >>> 0;
      masks.high[i] |= high >>> 0;
    }
  }
  return masks;
}

/** The same landmark masks as seen through the pose (nearest neighbour, so containment is preserved). */
export function warpLandmarks(masks: LandmarkMasks, map: PoseMap): LandmarkMasks {
  const low = new Uint32Array(masks.low.length), high = new Uint32Array(masks.high.length);
  const { nearest } = map;
  for (let i = 0; i < low.length; i++) {
    const k = nearest[i];
    if (k >= 0) { low[i] = masks.low[k]; high[i] = masks.high[k]; }
  }
  return new LandmarkMasks(masks.size, low, high);
}
