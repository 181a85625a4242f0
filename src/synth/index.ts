/** Synthetic chest radiographs with reports: the embedded default dataset of `medslip demo`. */
export {
  generateSample, writeSyntheticDataset, readSyntheticManifest, isCurrentSyntheticDataset, sampleSeed, SYNTH_VERSION,
  type SyntheticSample, type SyntheticFinding, type SampleOptions, type DatasetOptions, type SyntheticDatasetManifest,
} from './dataset.ts';
export {
  FINDING_KINDS, DEFAULT_PREVALENCE, sampleFindings, describeFinding, type Finding, type FindingKind,
  type FindingSamplingOptions, type Laterality, type Severity,
} from './findings.ts';
export { renderPhantom, type Phantom, type PhantomOptions } from './phantom.ts';
export { LandmarkMasks, LOCALISED_LANDMARKS } from './landmarks.ts';
export { writeReport, labelMatrix, type Report, type Sentence, type Statement, type StatementLabel, type ReportedFinding } from './report.ts';
export { sampleScene, renderScene, type Scene, type SceneOptions, type RenderedScene, type RenderedFinding } from './scene.ts';
