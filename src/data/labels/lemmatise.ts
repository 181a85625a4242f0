/**
 * A small lemmatiser for chest radiograph report vocabulary.
 *
 * The reference lemmatises RadGraph observation tokens with spaCy `en_core_web_sm` (REFERENCE.md §1.2), which is not
 * available to medslip. This replaces it with (1) a lookup table for the irregular and ambiguous words of radiology
 * reports, then (2) suffix rules for plurals (-ies, -es, -s), past participles (-ied, -ed) and gerunds (-ing) that
 * pick the stem found in a list of known lemmas, falling back to spelling heuristics. Like spaCy, a nominal form that
 * is itself a known lemma ("marking", "finding", "drainage") is kept. Differences from spaCy remain for rare words;
 * they only matter where the lemma decides the observation group, and the lookup table covers those.
 */
import { OBSERVATIONS } from '../../vocabulary.ts';

/** Irregular or ambiguous forms, mapped as spaCy maps them in radiology reports. */
const LOOKUP: Readonly<Record<string, string>> = Object.freeze({
  masses: 'masse', // spaCy's lemma; the reference's correction table turns it into "mass"
  pneumothoraces: 'pneumothorace',
  thoraces: 'thorax',
  hila: 'hilum',
  apices: 'apex',
  vertebrae: 'vertebra',
  diverticula: 'diverticulum',
  bronchi: 'bronchus',
  emboli: 'embolus',
  lower: 'low',
  lowest: 'low',
  larger: 'large',
  largest: 'large',
  smaller: 'small',
  smallest: 'small',
  greater: 'great',
  worse: 'bad',
  worst: 'bad',
  better: 'well',
  more: 'more',
  less: 'less',
  lying: 'lie',
  seen: 'see',
  shown: 'show',
  was: 'be',
  were: 'be',
  is: 'be',
  are: 'be',
  been: 'be',
  has: 'have',
  had: 'have',
  does: 'do',
  did: 'do',
  left: 'left',
  unchanged: 'unchanged',
  increased: 'increase',
  decreased: 'decrease',
  improved: 'improve',
  worsened: 'worsen',
  worsening: 'worsen',
  prior: 'prior',
  status: 'status',
  atelectasis: 'atelectasis',
  atelectases: 'atelectase',
  stenoses: 'stenosis',
  diagnoses: 'diagnosis',
  metastases: 'metastasis',
  bases: 'base',
  processes: 'process',
  abscesses: 'abscess',
  series: 'series',
  lines: 'line',
  tubes: 'tube',
  wires: 'wire',
  leads: 'lead',
  sharply: 'sharply',
  tortuous: 'tortuous',
  degenerative: 'degenerative',
  calcified: 'calcify',
  calcific: 'calcification',
  opacified: 'opacify',
  aerated: 'aerate',
  hyperaerated: 'hyperaerate',
  distended: 'distend',
  crowded: 'crowd',
  blunted: 'blunt',
  blunting: 'blunt',
  thickened: 'thicken',
  thickening: 'thicken',
  widened: 'widen',
  widening: 'widen',
  enlarged: 'enlarge',
  enlarging: 'enlarge',
  hyperinflated: 'hyperinflate',
  hyperinflation: 'hyperinflation',
  obscured: 'obscure',
  obscuring: 'obscure',
  expanded: 'expand',
  elevated: 'elevate',
  dilated: 'dilate',
  engorged: 'engorge',
  collapsed: 'collapse',
  consolidated: 'consolidate',
  herniated: 'herniate',
  deviated: 'deviate',
  shifted: 'shift',
  clipped: 'clip',
  scarring: 'scar',
  scarred: 'scar',
  marking: 'marking',
  markings: 'marking',
  finding: 'finding',
  findings: 'finding',
  drainage: 'drainage',
  crowding: 'crowd',
  bleeding: 'bleeding',
  imaging: 'imaging',
  underlying: 'underlie',
  tubing: 'tubing', // spaCy keeps the noun: oxygen or ventilator tubing is not a placed tube
  infiltrates: 'infiltrate',
  infiltrated: 'infiltrate',
  fractured: 'fracture',
  fractures: 'fracture',
  pacer: 'pacer',
  pacers: 'pacer',
  airspace: 'airspace',
  chf: 'chf',
  picc: 'picc',
  svc: 'svc',
  aicd: 'aicd',
  'x-ray': 'x-ray',
  diffuse: 'diffuse',
  focal: 'focal',
  mild: 'mild',
  mildly: 'mildly',
});

/** Lemmas that suffix stripping should land on (observations, their corrected forms, common report verbs). */
const KNOWN_LEMMAS: ReadonlySet<string> = new Set([
  ...OBSERVATIONS,
  'enlarge', 'increase', 'decrease', 'improve', 'worsen', 'change', 'engorge', 'opacify', 'opacification', 'calcify',
  'distend', 'dilate', 'elevate', 'deviate', 'elongate', 'ventilate', 'drain', 'consolidate', 'obscure', 'herniate',
  'displace', 'position', 'project', 'place', 'remove', 'resolve', 'compress', 'retract', 'flatten', 'blur', 'blunt',
  'terminate', 'extend', 'overlie', 'underlie', 'reposition', 'advance', 'withdraw', 'insert', 'demonstrate', 'note',
  'identify', 'visualize', 'evaluate', 'assess', 'suggest', 'represent', 'reflect', 'exclude', 'persist', 'remain',
  'appear', 'measure', 'involve', 'obscure', 'hyperinflate', 'hyperexpand', 'hyperaerate', 'aerate', 'expand', 'crowd',
  'thicken', 'widen', 'collapse', 'shift', 'clip', 'scar', 'lead', 'stent', 'fracture', 'infiltrate', 'opacity',
  'effusion', 'nodule', 'density', 'lesion', 'abnormality', 'deformity', 'hernia', 'catheter', 'device', 'pacemaker',
  'base', 'apex', 'lobe', 'lung', 'rib', 'clavicle', 'angle', 'border', 'contour', 'silhouette', 'structure', 'vessel',
  'volume', 'zone', 'field', 'space', 'tissue', 'bone', 'process', 'finding', 'marking', 'granuloma', 'opacity',
  'cavity', 'bulla', 'bleb', 'cyst', 'tumor', 'metastasis', 'lymph', 'node', 'hemidiaphragm', 'diaphragm', 'vertebra',
  'body', 'level', 'loop', 'tip', 'site', 'area', 'region', 'portion', 'segment', 'study', 'radiograph', 'view',
  'degenerate', 'calcification', 'dislocation', 'disease', 'emphysema', 'edema', 'congestion', 'engorgement',
  'consolidation', 'atelectasis', 'pneumonia', 'aspiration', 'infection', 'prominence', 'elevation', 'drainage',
  'distention', 'dilation', 'distension', 'tortuosity', 'redistribution', 'hardware', 'wire', 'line', 'tube', 'picc',
]);

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);
const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.has(c);

/** Stem of a past participle or gerund: the first candidate that is a known lemma, else spelling heuristics. */
function verbStem(word: string, suffix: 'ed' | 'ing'): string {
  const bare = word.slice(0, -suffix.length);
  const candidates = [bare, `${bare}e`];
  const last = bare[bare.length - 1];
  if (bare.length > 2 && last === bare[bare.length - 2] && !'lsz'.includes(last)) candidates.push(bare.slice(0, -1));
  for (const c of candidates) if (KNOWN_LEMMAS.has(c)) return c;
  // Doubled final consonant (clipped, scarring) → single; consonant-vowel-consonant-ish endings that take an "e".
  if (candidates.length === 3) return candidates[2];
  if (/(at|iz|is|ur|ar|rg|ag|ov|ud|bl|pl|tl|dl|gl|c|uc|as|ys)$/.test(bare)) return `${bare}e`;
  if (bare.length >= 2 && !isVowel(last) && isVowel(bare[bare.length - 2]) && !isVowel(bare[bare.length - 3])
    && bare.length <= 4) return `${bare}e`;
  return bare;
}

/** Singular of a plural noun. */
function singular(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is|ous|sis)$/.test(word)) return word;
  if (/(sses|shes|ches|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && word.length > 3) return word.slice(0, -1);
  return word;
}

/**
 * The lemma of one lower-cased word.
 *
 * @example lemmatiseWord('opacities') // 'opacity'
 * @example lemmatiseWord('thickening') // 'thicken'
 * @example lemmatiseWord('calcified') // 'calcify' (the reference's correction table then gives 'calcification')
 */
export function lemmatiseWord(word: string): string {
  const w = word.toLowerCase();
  const hit = LOOKUP[w];
  if (hit !== undefined) return hit;
  if (w.length <= 3 || !/^[a-z][a-z-]*$/.test(w)) return w;
  // A trailing hyphen ("opacities-") stays attached, as in spaCy's output that the correction table expects.
  if (w.endsWith('-')) return `${lemmatiseWord(w.slice(0, -1))}-`;
  if (KNOWN_LEMMAS.has(w)) return w;
  if (w.endsWith('ied') && w.length > 5) return `${w.slice(0, -3)}y`;
  if (w.endsWith('ed') && w.length > 4) return verbStem(w, 'ed');
  if (w.endsWith('ing') && w.length > 5) return verbStem(w, 'ing');
  if (w.endsWith('s')) return singular(w);
  return w;
}

/**
 * Splits a token string as spaCy's tokenizer would for the cases that matter here (punctuation other than a
 * hyphen becomes its own token), lemmatises every token and joins the lemmas with single spaces.
 *
 * @example lemmatisePhrase('Effusion;') // 'effusion ;'
 */
export function lemmatisePhrase(text: string): string {
  // spaCy splits "cannot" into "can not"; the correction table relies on it ("can not be assess").
  const tokens = text.toLowerCase().replace(/\bcannot\b/g, 'can not').match(/[a-z0-9][a-z0-9'/-]*|[^\sa-z0-9]/g) ?? [];
  return tokens.map((t) => (/^[a-z]/.test(t) ? lemmatiseWord(t) : t)).join(' ');
}
