/**
 * Findings on the synthetic radiograph: which ones a sample has (`sampleFindings`, `describeFinding`) and how
 * they change the anatomy (`applyAnatomyChanges`: cardiomegaly, emphysema). How each is drawn, with its pixel
 * mask: ./lesions.ts (devices: ./devices.ts).
 */
import type { Landmark } from '../vocabulary.ts';
import { Random } from '../util/random.ts';
import { type ChestGeometry, type Side, SIDES, ellipse } from './geometry.ts';
import { type RibBreak } from './phantom.ts';
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
