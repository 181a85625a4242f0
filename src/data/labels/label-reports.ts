/**
 * Batch labelling of free-text reports: what `medslip labels` writes (the N × 51 × 75 matrix for the `.npy` file,
 * the ids in the same order, and one JSON line of entities per report for inspection).
 */
import { extractReport, type ExtractOptions, type ReportEntity } from './extract.ts';
import { MATRIX_SIZE } from '../../vocabulary.ts';
import type { RadGraphStudy } from './radgraph.ts';
import { isArray } from '../../util/check.ts';

export interface ReportInput { id: string; text: string }

export interface LabelledReports {
  ids: string[];
  /** N · 51 · 75 values, report-major then row-major (landmark, observation), in {−1, 0, 1}. */
  matrices: Float64Array;
  /** One line per report: `{"id": ..., "entities": [...]}`, each line ending with "\n". */
  jsonl: string;
}

/**
 * Labels every report. Report text never makes this throw (see `extractReport`); only inputs of the wrong shape do.
 *
 * @example labelReports([{ id: 's1', text: 'IMPRESSION: Small left pleural effusion.' }]).matrices.length // 3825
 * @throws TypeError when inputs is not an array of { id: string, text: string }
 */
export function labelReports(inputs: readonly ReportInput[], options: ExtractOptions = {}): LabelledReports {
  if (!isArray(inputs)) throw new TypeError(`Expected an array of { id, text } for inputs but received ${typeof inputs}`);
  inputs.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) throw new TypeError(`Expected an object { id, text } for inputs[${i}] but received ${r === null ? 'null' : typeof r}`);
    if (typeof r.id !== 'string') throw new TypeError(`Expected a string for inputs[${i}].id but received ${typeof r.id}`);
    if (typeof r.text !== 'string') throw new TypeError(`Expected a string for inputs[${i}].text but received ${typeof r.text}`);
  });
  const matrices = new Float64Array(inputs.length * MATRIX_SIZE);
  const lines: string[] = [];
  inputs.forEach((r, i) => {
    const { entities, matrix } = extractReport(r.text, options);
    matrices.set(matrix, i * MATRIX_SIZE);
    lines.push(`${JSON.stringify({ id: r.id, entities: entities.map(compact) })}\n`);
  });
  return { ids: inputs.map((r) => r.id), matrices, jsonl: lines.join('') };
}

function compact(e: ReportEntity): ReportEntity {
  return { observation: e.observation, anatomy: e.anatomy, status: e.status, text: e.text, anatomyText: e.anatomyText, sentence: e.sentence };
}

/**
 * The same output for RadGraph-labelled reports (`parseRadGraph` / `readRadGraphFile`): ids are the RadGraph keys,
 * and each JSON line lists the report's (sentence, anatomy, landmark, observation, lemma, group, label) tuples.
 *
 * @example radgraphLabels(readRadGraphFile('MIMIC-CXR_graphs.json')).matrices // N · 3825 values
 */
export function radgraphLabels(studies: readonly RadGraphStudy[]): LabelledReports {
  const matrices = new Float64Array(studies.length * MATRIX_SIZE);
  const lines: string[] = [];
  studies.forEach((s, i) => {
    matrices.set(s.matrix, i * MATRIX_SIZE);
    lines.push(`${JSON.stringify({ id: s.id, tuples: s.tuples })}\n`);
  });
  return { ids: studies.map((s) => s.id), matrices, jsonl: lines.join('') };
}
