/**
 * Which query scores each dataset class. Provenance (REFERENCE.md §5.1–5.3): CXR14 classes map to their
 * observation queries (fibrosis → tail_abnorm_obs, pleural thickening → thicken), RSNA pneumonia → query 20
 * "pneumonia"; SIIM pneumothorax → query 10 "pneumothorax" and COVIDx pneumonia → 20 follow the same rule.
 * A class without an observation (COVID-19) is scored by a text prompt; a user prompt named after a class
 * replaces its observation query.
 */
import { CXR14_OBSERVATION_INDEX, type Cxr14Class } from '../../data/datasets/index.ts';
import { OBSERVATIONS, observationIndex } from '../../vocabulary.ts';
import type { ZeroshotDatasetKind } from './data.ts';

/** A query: one of the 75 observations, or a free-text prompt appended to the pathology book. */
export type Query = { kind: 'observation'; index: number } | { kind: 'prompt'; text: string };

export interface ClassTarget {
  /** The class as the dataset names it. */
  name: string;
  /** Its column in the dataset's label vectors. */
  column: number;
  query: Query;
}

/** The prompt used for COVID-19 when the caller gives none. */
export const DEFAULT_COVID_PROMPT =
  'COVID-19 pneumonia: patchy bilateral ground-glass opacities and consolidation, peripheral and lower zone predominant.';

/** Observation queries of the single-class datasets, and of COVIDx's pneumonia class. */
const OBSERVATION_OF: Readonly<Record<string, string>> = Object.freeze({
  pneumonia: 'pneumonia', // query 20
  pneumothorax: 'pneumothorax', // query 10
});

const key = (name: string): string => name.trim().toLowerCase().replace(/[\s_]+/g, ' ');

/** Validates prompts: a record of class name → non-empty text. */
export function checkPrompts(prompts: unknown): Readonly<Record<string, string>> {
  if (prompts === undefined) return {};
  if (prompts === null || typeof prompts !== 'object' || Array.isArray(prompts)) {
    throw new TypeError('Expected prompts as an object { className: "description" }');
  }
  for (const [name, text] of Object.entries(prompts)) {
    if (typeof text !== 'string' || text.trim() === '') throw new TypeError(`Expected a non-empty string for prompts["${name}"] but received ${JSON.stringify(text)}`);
  }
  return prompts as Record<string, string>;
}

/**
 * The query of every class of `pathologies` (a dataset's label names) for `kind`.
 * Classes with neither a mapping nor a prompt (COVIDx "normal") are returned in `unscored`.
 * @throws RangeError when a prompt names no class of the dataset.
 */
export function classTargets(kind: ZeroshotDatasetKind, pathologies: readonly string[], prompts: Readonly<Record<string, string>> = {}):
  { targets: ClassTarget[]; unscored: string[] } {
  const byKey = new Map(Object.entries(checkPrompts(prompts)).map(([name, text]) => [key(name), { name, text }]));
  for (const { name } of byKey.values()) {
    if (!pathologies.some((p) => key(p) === key(name))) {
      throw new RangeError(`Expected prompt names among the ${kind} classes (${pathologies.join(', ')}) but received "${name}"`);
    }
  }
  const targets: ClassTarget[] = [];
  const unscored: string[] = [];
  pathologies.forEach((name, column) => {
    const prompt = byKey.get(key(name));
    if (prompt) {
      targets.push({ name, column, query: { kind: 'prompt', text: prompt.text } });
      return;
    }
    const observation = kind === 'cxr14' ? CXR14_OBSERVATION_INDEX[name as Cxr14Class] : OBSERVATION_OF[key(name)] === undefined ? undefined
      : observationIndex(OBSERVATION_OF[key(name)]);
    if (observation !== undefined) {
      targets.push({ name, column, query: { kind: 'observation', index: observation } });
    } else if (key(name) === 'covid-19') {
      targets.push({ name, column, query: { kind: 'prompt', text: DEFAULT_COVID_PROMPT } });
    } else {
      unscored.push(name);
    }
  });
  return { targets, unscored };
}

/** How a query is shown in tables: `pneumonia (#20)` or `prompt "…"`. */
export function describeQuery(query: Query): string {
  if (query.kind === 'observation') return `${OBSERVATIONS[query.index]} (#${query.index})`;
  const text = query.text.length > 40 ? `${query.text.slice(0, 37)}...` : query.text;
  return `prompt "${text}"`;
}
