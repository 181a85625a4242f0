/**
 * `medslip labels INPUT --out DIR`: reports → the reference's label files. INPUT is a CSV with `id` and `text`
 * columns (other names with --id-column/--text-column), a folder of .txt reports (id = file name without .txt), or
 * a RadGraph JSON (MIMIC-CXR_graphs.json layout). Writes `labels.npy` (N, 51, 75) float64 and `ids.json` (the
 * reference's landmark_observation_adj_mtx.npy and sids layout), and with --jsonl `labels.jsonl`: one line of
 * extracted entities per report. With --explain ID it prints why one report got its labels instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { prepareOutputFolder } from '../io/output-folder.ts';
import { basename, join } from 'node:path';
import { parseCsv } from '../data/datasets/csv.ts';
import { labelReports, radgraphLabels, type LabelledReports, type ReportInput } from '../data/labels/label-reports.ts';
import { explainReport, formatExplanation } from '../data/labels/explain.ts';
import { readRadGraphFile } from '../data/labels/radgraph.ts';
import { writeNpy } from '../io/npy.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { NUM_LANDMARKS, NUM_OBSERVATIONS } from '../vocabulary.ts';
import { LABELS_DEFAULTS } from './tables.ts';

export interface LabelsOptions {
  input: string;
  out: string;
  jsonl?: boolean;
  idColumn?: string;
  textColumn?: string;
  /** Report sections to read (default FINDINGS and IMPRESSION); 'all' reads everything. */
  sections?: string[] | 'all';
}

export interface LabelsSummary { reports: number; source: 'csv' | 'folder' | 'radgraph'; files: string[]; present: number; absent: number }

/** The free-text reports of a CSV or a folder of .txt files; undefined for a RadGraph JSON. */
function readReports(options: Pick<LabelsOptions, 'input' | 'idColumn' | 'textColumn'>): { inputs: ReportInput[]; source: 'csv' | 'folder' } | undefined {
  if (statSync(options.input).isDirectory()) {
    const files = readdirSync(options.input).filter((f) => f.endsWith('.txt')).sort();
    if (files.length === 0) throw new Error(`${options.input}: no .txt reports in this folder`);
    const inputs = files.map((f) => ({ id: basename(f, '.txt'), text: readFileSync(join(options.input, f), 'utf8') }));
    return { inputs, source: 'folder' };
  }
  if (options.input.endsWith('.json')) return undefined;
  const table = parseCsv(readFileSync(options.input), options.input);
  const idColumn = table.requireColumn([options.idColumn ?? LABELS_DEFAULTS.idColumn]);
  const textColumn = table.requireColumn([options.textColumn ?? LABELS_DEFAULTS.textColumn]);
  return { inputs: table.rows.map((row) => ({ id: row.values[idColumn], text: row.values[textColumn] })), source: 'csv' };
}

function readInput(options: LabelsOptions): { labelled: LabelledReports; source: LabelsSummary['source'] } {
  const reports = readReports(options);
  if (!reports) return { labelled: radgraphLabels(readRadGraphFile(options.input)), source: 'radgraph' };
  return { labelled: labelReports(reports.inputs, { sections: options.sections }), source: reports.source };
}

/**
 * `medslip labels INPUT --explain ID`: for one free-text report, each labelled sentence with the spans the
 * extractor matched, the scope of each cue and the resulting entries (see `data/labels/explain.ts`).
 * @throws Error naming the input when it is a RadGraph JSON or holds no report with that id
 */
export function explainLabels(options: Omit<LabelsOptions, 'out' | 'jsonl'> & { id: string }): string {
  const reports = readReports(options);
  if (!reports) throw new Error(`${options.input}: --explain reads free-text reports (a CSV or a folder of .txt files); a RadGraph JSON holds its annotations already`);
  const report = reports.inputs.find((r) => r.id === options.id);
  if (!report) {
    const some = reports.inputs.slice(0, 5).map((r) => JSON.stringify(r.id)).join(', ');
    throw new Error(`${options.input}: no report with id ${JSON.stringify(options.id)} (${reports.inputs.length} reports, e.g. ${some})`);
  }
  return formatExplanation(report.id, explainReport(report.text, { sections: options.sections }));
}

export function runLabels(options: LabelsOptions): LabelsSummary {
  prepareOutputFolder(options.out); // before reading: a bad --out fails now, not after extracting every report
  const { labelled, source } = readInput(options);
  const files = [join(options.out, 'labels.npy'), join(options.out, 'ids.json')];
  writeNpy(files[0], { dtype: 'float64', shape: [labelled.ids.length, NUM_LANDMARKS, NUM_OBSERVATIONS], data: labelled.matrices });
  writeFileAtomic(files[1], `${JSON.stringify(labelled.ids)}\n`);
  if (options.jsonl) {
    files.push(join(options.out, 'labels.jsonl'));
    writeFileAtomic(files[2], labelled.jsonl);
  }
  let present = 0, absent = 0;
  for (const v of labelled.matrices) {
    if (v === 1) present++;
    else if (v === 0) absent++;
  }
  return { reports: labelled.ids.length, source, files, present, absent };
}

/** `medslip labels`'s options: runLabels' or, with `explain`, explainLabels'; `allSections` reads every section. */
export interface LabelsCommandOptions extends Omit<LabelsOptions, 'out' | 'sections'> {
  out?: string;
  allSections?: boolean;
  /** A report id: print its explanation instead of writing labels. */
  explain?: string;
}

/**
 * `medslip labels`: the explanation of one report (with `explain`) or the labels written to `out`; returns the
 * text to print.
 * @throws Error when neither `out` nor `explain` is given; the errors of runLabels and explainLabels.
 */
export function labelsCommand(options: LabelsCommandOptions): string {
  const { input, idColumn, textColumn } = options;
  const sections = options.allSections === true ? 'all' : undefined;
  if (options.explain !== undefined) return explainLabels({ input, id: options.explain, idColumn, textColumn, sections });
  if (options.out === undefined) throw new Error("required option '--out <dir>' not specified (or use --explain <id>)");
  const summary = runLabels({ input, out: options.out, jsonl: options.jsonl, idColumn, textColumn, sections });
  return `${summary.reports} reports (${summary.source}): ${summary.present} present and ${summary.absent} negated-only entries; wrote ${summary.files.join(', ')}`;
}
