/** Report labels: free text or RadGraph JSON → 51 landmarks × 75 observations label matrices. */
export { landmarkOf } from './landmarks.ts';
export { observationOf } from './observations.ts';
export {
  emptyLabelMatrix, pathologyLabels, anatomyLabels, isValidLabelMatrix, matrixValue, type MentionStatus,
} from './matrix.ts';
export { splitSections, DEFAULT_LABEL_SECTIONS, type Section } from './sections.ts';
export {
  extractReport, reportSentences, type ReportEntity, type EntityStatus, type ExtractOptions, type ExtractedReport,
} from './extract.ts';
export {
  explainReport, formatExplanation, type Explanation, type ExplainedSentence, type ExplainedSpan, type ExplainedScope,
  type ExplainedEntry,
} from './explain.ts';
export {
  parseRadGraph, readRadGraphFile, type RadGraphStudy, type RadGraphTuple, type RadGraphReport, type RadGraphEntity,
  type RadGraphLabel,
} from './radgraph.ts';
export { labelReports, radgraphLabels, type ReportInput, type LabelledReports } from './label-reports.ts';
