/** Synthetic chest radiographs with reports: the embedded default dataset of `medslip demo`. */
export {
  generateSample, writeSyntheticDataset, readSyntheticManifest, isCurrentSyntheticDataset, SYNTH_VERSION,
  type SyntheticSample, type SyntheticFinding, type SampleOptions, type DatasetOptions, type SyntheticDatasetManifest,
} from './dataset.ts';
export {
  FINDING_KINDS, DEFAULT_PREVALENCE, describeFinding, type Finding, type FindingKind, type FindingSamplingOptions,
  type Laterality, type Severity,
} from './findings.ts';
