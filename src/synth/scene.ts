/**
 * One synthetic sample as data (`Scene`: anatomy, findings, seeds) and its rendering (`renderScene`): the
 * radiograph, the landmark masks and a mask per finding, all after the same pose warp.
 *
 * The random streams are split by purpose (anatomy, findings, texture, noise), so a scene rendered without
 * one of its findings differs from the original only where that finding was drawn.
 */
import { type Landmark, landmarkIndex } from '../vocabulary.ts';
import { Random } from '../util/random.ts';
import { type ChestGeometry, sampleGeometry } from './geometry.ts';
import {
  type Finding, type FindingKind, type FindingSamplingOptions, FINDING_KINDS, applyAnatomyChanges, describeFinding,
  sampleFindings,
} from './findings.ts';
import { drawFinding } from './lesions.ts';
import { LOCALISED_LANDMARKS, type LandmarkMasks, computeLandmarkMasks, warpLandmarks } from './landmarks.ts';
import { checkSize, composeLayers, exposeFilm, releaseLayers, renderAnatomy } from './phantom.ts';
import { type Pose, poseMap, scratch, warpMask } from './raster.ts';

export interface SceneOptions extends FindingSamplingOptions {
  /** image side in pixels (default 224) */
  size?: number;
  /** exactly these finding kinds instead of sampled ones (tests, demos) */
  findings?: readonly FindingKind[];
}

export interface Scene {
  seed: number;
  size: number;
  /** the anatomy before the findings change it */
  geometry: ChestGeometry;
  findings: Finding[];
  textureSeed: number;
  noiseSeed: number;
  reportSeed: number;
}

/**
 * The scene of a seed: anatomy, findings (sampled, or exactly `options.findings`) and the seeds of the texture,
 * noise and report streams.
 * @example const scene = sampleScene(7, { findings: ['effusion'] }); renderScene(scene).findings[0].mask;
 * @throws TypeError for a non-integer seed; RangeError for a bad size, an unknown or repeated finding kind
 */
export function sampleScene(seed: number, options: SceneOptions = {}): Scene {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new TypeError(`Expected integer for seed but received ${String(seed)} (${typeof seed})`);
  const size = checkSize(options.size ?? 224);
  const rng = new Random(seed);
  const geometry = sampleGeometry(rng.fork());
  const findingRng = rng.fork();
  let findings: Finding[];
  if (options.findings) {
    for (const kind of options.findings) {
      if (!(FINDING_KINDS as readonly string[]).includes(kind)) throw new RangeError(`Unknown finding kind "${kind}"; expected one of ${FINDING_KINDS.join(', ')}`);
    }
    if (new Set(options.findings).size !== options.findings.length) throw new RangeError(`Expected distinct finding kinds but received ${options.findings.join(', ')}`);
    findings = options.findings.map((kind) => describeFinding(kind, findingRng, false));
  } else {
    findings = sampleFindings(findingRng, options);
  }
  return { seed, size, geometry, findings, textureSeed: rng.nextUint32(), noiseSeed: rng.nextUint32(), reportSeed: rng.nextUint32() };
}

export interface RenderedFinding {
  finding: Finding;
  /** 0/1 mask aligned with the image */
  mask: Uint8Array;
  /** every localised landmark that contains the finding (≥ 90 % of its mask; devices: the tip) */
  landmarks: Landmark[];
  /** devices and fractures: the tip / break point in pixel coordinates (x, y) */
  tip?: [number, number];
}

export interface RenderedScene {
  size: number;
  /** H×W grey values in [0, 1] */
  image: Float32Array;
  anatomy: LandmarkMasks;
  findings: RenderedFinding[];
  /** the anatomy after the findings changed it */
  geometry: ChestGeometry;
}

/** Fraction of a finding's mask that a landmark must hold for the report to name that landmark. */
const CONTAINMENT = 0.9;

/** Draws a scene: the radiograph, its landmark masks, and each finding's mask and containing landmarks. */
export function renderScene(scene: Scene): RenderedScene {
  const { size } = scene;
  const geometry = applyAnatomyChanges(scene.geometry, scene.findings);
  const ribBreaks = scene.findings.flatMap((f) => (f.ribBreak ? [f.ribBreak] : []));
  const { layers, bones } = renderAnatomy(geometry, size, new Random(scene.textureSeed), ribBreaks);
  const landmarks = computeLandmarkMasks(geometry, size, bones);
  const drawn = scene.findings.map((f) => drawFinding(layers, geometry, landmarks, f));
  const map = poseMap(size, geometry.pose);
  const canonical = composeLayers(layers, geometry);
  const image = exposeFilm(canonical, geometry, map, new Random(scene.noiseSeed));
  releaseLayers(layers);
  scratch.give(canonical);
  const findings = scene.findings.map((finding, k): RenderedFinding => {
    const { mask, tip } = drawn[k];
    const rendered: RenderedFinding = { finding, mask: warpMask(mask, map), landmarks: [] };
    if (tip) {
      const [x, y] = toPixel(tip[0], tip[1], size, geometry.pose);
      rendered.tip = [x, y];
      const i = Math.round(tip[1] * size - 0.5) * size + Math.round(tip[0] * size - 0.5);
      rendered.landmarks = LOCALISED_LANDMARKS.filter((l) => landmarks.contains(l, i));
    } else {
      rendered.landmarks = containingLandmarks(landmarks, mask);
    }
    return rendered;
  });
  return { size, image, anatomy: warpLandmarks(landmarks, map), findings, geometry };
}

/** The landmarks that hold at least 90 % of a mask (canonical frame, where the masks are exact). */
function containingLandmarks(landmarks: LandmarkMasks, mask: Uint8Array): Landmark[] {
  const counts = new Float64Array(64);
  let total = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    total++;
    // visit only the set bits: lowest set bit = 31 − clz32(x & −x)
    for (let low = landmarks.low[i]; low !== 0; low &= low - 1) counts[31 - Math.clz32(low & -low)]++;
    for (let high = landmarks.high[i]; high !== 0; high &= high - 1) counts[63 - Math.clz32(high & -high)]++;
  }
  if (total === 0) return [];
  return LOCALISED_LANDMARKS.filter((l) => counts[landmarkIndex(l)] / total >= CONTAINMENT);
}

/** Canonical (u, v) to output pixel coordinates through the pose (the forward of `poseMap`). */
export function toPixel(u: number, v: number, size: number, pose: Pose): [number, number] {
  const cu = (u - 0.5) * pose.scale, cv = (v - 0.5) * pose.scale;
  const cos = Math.cos(pose.angle), sin = Math.sin(pose.angle);
  const x = cos * cu - sin * cv + 0.5 + pose.shiftU;
  const y = sin * cu + cos * cv + 0.5 + pose.shiftV;
  return [x * size - 0.5, y * size - 0.5];
}
