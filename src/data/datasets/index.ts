/** Datasets in the reference file formats, one file per format; all follow the contract in dataset.ts. */
export {
  type Dataset, type LabeledDataset, type LabeledSample, type ImageLoader, type ImageOptions, type Origin,
} from './dataset.ts';
export { readCsv, parseCsv, type CsvRow, type CsvOptions } from './csv.ts';
export { Cxr14Dataset, CXR14_CLASSES, CXR14_OBSERVATION_INDEX, type Cxr14Class, type Cxr14Sample, type Cxr14Options } from './cxr14.ts';
export { RsnaDataset, RSNA_PATHOLOGIES, boxMask, type Box, type RsnaSample, type RsnaOptions } from './rsna.ts';
export { SiimDataset, SIIM_PATHOLOGIES, type SiimSample, type SiimOptions } from './siim.ts';
export {
  CovidxDataset, COVIDX_BINARY_PATHOLOGIES, COVIDX_THREE_CLASS_PATHOLOGIES, type CovidxSample, type CovidxOptions,
} from './covidx.ts';
export { PROTOCL_CANDIDATES, sampleProtoclCandidates, type ProtoclCandidates } from './protocl.ts';
export { PretrainDataset, MatrixDataset, type PretrainSample, type PretrainOptions, type SamplingOptions } from './pretrain.ts';
export { ReportCsvDataset, type ReportCsvOptions, type ReportLabeller } from './generic.ts';
export { RelabeledDataset, relabel } from './relabel.ts';
export { subsetFraction, strataFromLabels, type SubsetOptions } from './split.ts';
export { NpyRows } from './npy-rows.ts';
