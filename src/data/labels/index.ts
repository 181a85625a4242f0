/** Report labels: free text or RadGraph JSON → 51 landmarks × 75 observations label matrices. */
export { landmarkOf, LANDMARK_RULES, type LandmarkRule, type LandmarkRuleType } from './landmarks.ts';
export {
  obsGroup, correctLemma, observationOf, isNormalObservation, lemmatiseWord, lemmatisePhrase, LEMMA_CORRECTIONS,
  EXCLUDED_OBS,
} from './observations.ts';
export {
  emptyLabelMatrix, applyMention, pathologyLabels, anatomyLabels, isValidLabelMatrix, matrixValue, MATRIX_SIZE,
  type MentionStatus,
} from './matrix.ts';
export { cleanReportText, splitSections, selectSections, splitSentences, DEFAULT_LABEL_SECTIONS, type Section } from './sections.ts';
export {
  extractReport, extractSentence, entitiesToMatrix, reportSentences, type ReportEntity, type EntityStatus,
  type ExtractOptions, type ExtractedReport,
} from './extract.ts';
export {
  explainReport, formatExplanation, type Explanation, type ExplainedSentence, type ExplainedSpan, type ExplainedScope,
  type ExplainedEntry,
} from './explain.ts';
export {
  parseRadGraph, readRadGraphFile, parseMimicKey, type RadGraphStudy, type RadGraphTuple, type RadGraphReport,
  type RadGraphEntity, type RadGraphLabel,
} from './radgraph.ts';
export { labelReports, radgraphLabels, type ReportInput, type LabelledReports } from './label-reports.ts';
