/**
 * Drawing primitives for the synthetic radiograph: square float planes addressed in normalised coordinates
 * (u across, v down, both in [0, 1]; pixel x sits at u = (x + 0.5) / size), soft-edged strokes, separable blur,
 * a smooth random field, and the pose warp shared by the image and every mask.
 */
import type { Random } from '../util/random.ts';

/**
 * Reusable zeroed planes for the temporaries of a render. Allocating some twenty large typed arrays per image
 * makes V8 collect garbage more than once per image; taking them from here avoids most of that. A plane given
 * back must no longer be used by the giver.
 */
export class PlanePool {
  private readonly free = new Map<number, Float32Array[]>();

  /** A zero-filled plane of `length` values. */
  take(length: number): Float32Array {
    const plane = this.free.get(length)?.pop();
    if (!plane) return new Float32Array(length);
    plane.fill(0);
    return plane;
  }

  give(...planes: Float32Array[]): void {
    for (const plane of planes) {
      let list = this.free.get(plane.length);
      if (!list) this.free.set(plane.length, (list = []));
      if (list.length < 24 && !list.includes(plane)) list.push(plane);
    }
  }
}

/** The pool of this thread's renders. */
export const scratch = new PlanePool();

/** clamp(0.5 + margin / width): an anti-aliased edge for a signed margin (positive inside). */
export function softEdge(margin: number, width: number): number {
  const a = 0.5 + margin / width;
  return a <= 0 ? 0 : a >= 1 ? 1 : a;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Pixel index range [lo, hi] whose centres fall inside [a, b] (normalised), clipped to the plane. */
export function pixelRange(a: number, b: number, size: number): [number, number] {
  const lo = Math.max(0, Math.floor(a * size - 0.5));
  const hi = Math.min(size - 1, Math.ceil(b * size - 0.5));
  return [lo, hi];
}

/**
 * Strokes the segment a→b into `plane` with max compositing: value = peak at the centre line, falling to 0 at
 * `halfWidth` (normalised) with a one-pixel anti-aliased edge. `profile` shapes the cross-section (t = distance /
 * halfWidth in [0, 1]).
 */
export function strokeSegment(
  plane: Float32Array, size: number,
  au: number, av: number, bu: number, bv: number,
  halfWidth: number, peak: number, profile: (t: number) => number = () => 1,
): void {
  const px = 1 / size;
  const reach = halfWidth + px;
  const [x0, x1] = pixelRange(Math.min(au, bu) - reach, Math.max(au, bu) + reach, size);
  const [y0, y1] = pixelRange(Math.min(av, bv) - reach, Math.max(av, bv) + reach, size);
  const du = bu - au, dv = bv - av;
  const len2 = du * du + dv * dv;
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5) * px;
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5) * px;
      let t = len2 > 0 ? ((u - au) * du + (v - av) * dv) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const eu = u - (au + t * du), ev = v - (av + t * dv);
      const dist = Math.sqrt(eu * eu + ev * ev);
      if (dist >= reach) continue;
      const edge = softEdge(halfWidth - dist, px);
      const value = peak * edge * profile(Math.min(1, dist / halfWidth));
      const i = y * size + x;
      if (value > plane[i]) plane[i] = value;
    }
  }
}

/** Strokes a polyline (points as [u, v]) with a width and peak that may taper from start to end. */
export function strokePolyline(
  plane: Float32Array, size: number, points: ReadonlyArray<readonly [number, number]>,
  halfWidthStart: number, halfWidthEnd: number, peakStart: number, peakEnd: number,
  profile?: (t: number) => number,
): void {
  const n = points.length - 1;
  for (let k = 0; k < n; k++) {
    const f = n > 1 ? k / (n - 1) : 0;
    const [au, av] = points[k];
    const [bu, bv] = points[k + 1];
    strokeSegment(plane, size, au, av, bu, bv,
      halfWidthStart + (halfWidthEnd - halfWidthStart) * f, peakStart + (peakEnd - peakStart) * f, profile);
  }
}

/** Samples a curve u(t), v(t) for t in [0, 1] with a point every `spacingPx` pixels of arc length. */
export function sampleCurve(size: number, curve: (t: number) => readonly [number, number], spacingPx = 1.5): Array<[number, number]> {
  const coarse: Array<[number, number]> = [];
  for (let k = 0; k <= 16; k++) coarse.push([...curve(k / 16)] as [number, number]);
  let length = 0;
  for (let k = 1; k < coarse.length; k++) length += Math.hypot(coarse[k][0] - coarse[k - 1][0], coarse[k][1] - coarse[k - 1][1]);
  const steps = Math.max(4, Math.ceil(length * size / spacingPx));
  const points: Array<[number, number]> = [];
  for (let k = 0; k <= steps; k++) points.push([...curve(k / steps)] as [number, number]);
  return points;
}

/** Separable Gaussian blur in place (edge pixels replicated), truncated at 2σ. */
export function gaussianBlur(plane: Float32Array, size: number, sigmaPx: number): void {
  if (sigmaPx <= 0.05) return;
  const radius = Math.max(1, Math.ceil(sigmaPx * 2));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigmaPx * sigmaPx));
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  const tmp = scratch.take(plane.length);
  const clampAt = (k: number) => (k < 0 ? 0 : k >= size ? size - 1 : k);
  // rows: interior pixels without clamping, the few border pixels with it
  for (let y = 0; y < size; y++) {
    const row = y * size;
    for (let x = 0; x < size; x++) {
      let acc = 0;
      if (x >= radius && x < size - radius) {
        for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * plane[row + x + k];
      } else {
        for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * plane[row + clampAt(x + k)];
      }
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < size; y++) {
    const inner = y >= radius && y < size - radius;
    for (let x = 0; x < size; x++) {
      let acc = 0;
      if (inner) {
        for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * tmp[(y + k) * size + x];
      } else {
        for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * tmp[clampAt(y + k) * size + x];
      }
      plane[y * size + x] = acc;
    }
  }
  scratch.give(tmp);
}

/**
 * A smooth random field in about [−1, 1]: a (cells+1)² grid of uniform values, interpolated with smoothstep
 * weights. Cheap low-frequency texture for lung mottling and patchy opacities. The plane comes from `scratch`;
 * give it back when done.
 */
export function smoothField(rng: Random, size: number, cells: number): Float32Array {
  const g = cells + 1;
  const grid = new Float32Array(g * g);
  for (let k = 0; k < grid.length; k++) grid[k] = rng.uniform(-1, 1);
  const out = scratch.take(size * size);
  for (let y = 0; y < size; y++) {
    const gy = ((y + 0.5) / size) * cells;
    const iy = Math.min(cells - 1, Math.floor(gy));
    let fy = gy - iy;
    fy = fy * fy * (3 - 2 * fy);
    for (let x = 0; x < size; x++) {
      const gx = ((x + 0.5) / size) * cells;
      const ix = Math.min(cells - 1, Math.floor(gx));
      let fx = gx - ix;
      fx = fx * fx * (3 - 2 * fx);
      const a = grid[iy * g + ix], b = grid[iy * g + ix + 1];
      const c = grid[(iy + 1) * g + ix], d = grid[(iy + 1) * g + ix + 1];
      out[y * size + x] = (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
    }
  }
  return out;
}

/** Patient pose on the detector: rotation about the image centre, magnification and shift (normalised). */
export interface Pose {
  /** radians, positive = clockwise on screen */
  angle: number;
  scale: number;
  shiftU: number;
  shiftV: number;
}

/**
 * For every output pixel, the canonical-frame coordinates it shows. The image is resampled bilinearly through
 * it and every mask by nearest neighbour through `nearest`, so a finding mask stays inside its landmark mask
 * after the pose is applied exactly as before.
 */
export interface PoseMap {
  size: number;
  srcX: Float32Array;
  srcY: Float32Array;
  /** index of the nearest canonical pixel, or −1 where the output shows something outside the canonical frame */
  nearest: Int32Array;
}

export function poseMap(size: number, pose: Pose): PoseMap {
  const n = size * size;
  const srcX = new Float32Array(n), srcY = new Float32Array(n), nearest = new Int32Array(n);
  const cos = Math.cos(pose.angle), sin = Math.sin(pose.angle);
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size - 0.5 - pose.shiftV;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size - 0.5 - pose.shiftU;
      // inverse of: rotate by angle, then scale, then shift
      const cu = (cos * u + sin * v) / pose.scale + 0.5;
      const cv = (-sin * u + cos * v) / pose.scale + 0.5;
      const i = y * size + x;
      const sx = cu * size - 0.5, sy = cv * size - 0.5;
      srcX[i] = sx;
      srcY[i] = sy;
      const nx = Math.round(sx), ny = Math.round(sy);
      nearest[i] = nx >= 0 && nx < size && ny >= 0 && ny < size ? ny * size + nx : -1;
    }
  }
  return { size, srcX, srcY, nearest };
}

/**
 * Bilinear resampling through a pose map. Beyond the canonical frame the border pixels continue (the body goes on
 * past the film's edge), so a rotated image shows no empty corners.
 */
export function warpBilinear(plane: Float32Array, map: PoseMap): Float32Array {
  const { size, srcX, srcY } = map;
  const out = new Float32Array(size * size);
  for (let i = 0; i < out.length; i++) {
    const sx = Math.min(size - 1, Math.max(0, srcX[i])), sy = Math.min(size - 1, Math.max(0, srcY[i]));
    const x0 = Math.min(size - 2, Math.floor(sx)), y0 = Math.min(size - 2, Math.floor(sy));
    const fx = sx - x0, fy = sy - y0;
    const k = y0 * size + x0;
    out[i] = (plane[k] * (1 - fx) + plane[k + 1] * fx) * (1 - fy) + (plane[k + size] * (1 - fx) + plane[k + size + 1] * fx) * fy;
  }
  return out;
}

/** Nearest-neighbour resampling of a 0/1 mask through a pose map (0 beyond the canonical frame). */
export function warpMask(mask: Uint8Array, map: PoseMap): Uint8Array {
  const out = new Uint8Array(mask.length);
  const { nearest } = map;
  for (let i = 0; i < out.length; i++) {
    const k = nearest[i];
    out[i] = k >= 0 ? mask[k] : 0;
  }
  return out;
}

/** Number of set pixels. */
export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/** Fraction of `mask` that lies inside `region` (1 for an empty mask). */
export function fractionInside(mask: Uint8Array, region: Uint8Array): number {
  let inside = 0, total = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) { total++; if (region[i]) inside++; }
  }
  return total === 0 ? 1 : inside / total;
}
