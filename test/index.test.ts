// The public entry point loads and exposes each layer, and exactly the curated API: what src/index.ts exports is
// what users may rely on. A change to this list is a change of the public API, made on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as medslip from '../src/index.ts';

test('the public entry point exposes the engine, models, io, text, data, metrics and tasks', () => {
  assert.equal(typeof medslip.torch.tensor, 'function');
  assert.equal(typeof medslip.MeDSLIP, 'function');
  assert.equal(typeof medslip.loadMedslip, 'function');
  assert.equal(typeof medslip.readSafetensors, 'function');
  assert.equal(medslip.vocabulary.OBSERVATIONS.length, 75);
  assert.equal(medslip.vocabulary.LANDMARKS.length, 51);
  assert.equal(typeof medslip.text.loadTokenizer, 'function');
  assert.equal(typeof medslip.labels.extractReport, 'function');
  assert.equal(typeof medslip.labels.explainReport, 'function');
  assert.equal(typeof medslip.loader.BatchLoader, 'function');
  assert.equal(typeof medslip.distributed.DataParallel, 'function');
  assert.equal(typeof medslip.metrics.rocAuc, 'function');
  assert.equal(typeof medslip.runPretrain, 'function');
  assert.equal(medslip.metrics.rocAuc([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]), 1);
});

const TOP_LEVEL = ['AdamW', 'DEFAULT_CONFIG', 'MeDSLIP', 'ResNet', 'clipGradNorm', 'cosineSchedule',
  'cosineWithWarmup', 'groundingHeatmap', 'loadMedslip', 'loadPretrainConfig', 'medslipConfigFrom', 'readCheckpoint',
  'readImage', 'readModelWeights', 'readNpy', 'readPytorchCheckpoint', 'readPytorchStateDict', 'readSafetensors',
  'readTorchFile', 'referenceParamGroups', 'resolveCheckpoint', 'runDemo', 'runExport', 'runFinetuneClassify',
  'runFinetuneSegment', 'runLabels', 'runPredict', 'runPretrain', 'runZeroshotClassify', 'runZeroshotGround',
  'saveCheckpoint', 'writeNpy', 'writePng', 'writeSafetensors'];
const NAMESPACES: Record<string, string[]> = {
  datasets: ['COVIDX_BINARY_PATHOLOGIES', 'COVIDX_THREE_CLASS_PATHOLOGIES', 'CXR14_CLASSES',
    'CXR14_OBSERVATION_INDEX', 'CovidxDataset', 'Cxr14Dataset', 'MatrixDataset', 'NpyRows', 'PROTOCL_CANDIDATES',
    'PretrainDataset', 'RSNA_PATHOLOGIES', 'RelabeledDataset', 'ReportCsvDataset', 'RsnaDataset', 'SIIM_PATHOLOGIES',
    'SiimDataset', 'boxMask', 'parseCsv', 'readCsv', 'relabel', 'sampleProtoclCandidates', 'strataFromLabels',
    'subsetFraction'],
  distributed: ['DEFAULT_BUCKET_BYTES', 'DEFAULT_MASTER_PORT', 'DataParallel', 'DistributedError', 'DistributedGroup',
    'distributedEnv', 'launchWorkers', 'samplesPerRank', 'shardOf'],
  labels: ['DEFAULT_LABEL_SECTIONS', 'anatomyLabels', 'emptyLabelMatrix', 'explainReport', 'extractReport',
    'formatExplanation', 'isValidLabelMatrix', 'labelReports', 'landmarkOf', 'matrixValue', 'observationOf',
    'parseRadGraph', 'pathologyLabels', 'radgraphLabels', 'readRadGraphFile', 'reportSentences', 'splitSections'],
  loader: ['BatchLoader', 'SOURCE_KINDS', 'disposeBatch', 'measureLoaderThroughput'],
  metrics: ['accuracyAbove', 'bootstrapCi', 'classificationReport', 'dice', 'groundingScores', 'iou', 'maxF1',
    'normalizeByMax', 'pointingGame', 'precisionRecallCurve', 'rocAuc', 'rocCurve', 'segmentationDice',
    'segmentationIou', 'segmentationScores', 'summarizeGrounding'],
  nn: ['AdaptiveAvgPool2d', 'BatchNorm2d', 'Conv2d', 'ConvTranspose2d', 'Dropout', 'Identity', 'LayerNorm', 'Linear',
    'MaxPool2d', 'Module', 'ModuleList', 'MultiheadAttention', 'ReLU', 'Sequential', 'init'],
  onnx: ['ExportError', 'OnnxMedslip', 'exportMedslip', 'metadataEntries', 'parseMetadata', 'readModelFile'],
  synth: ['DEFAULT_PREVALENCE', 'FINDING_KINDS', 'SYNTH_VERSION', 'describeFinding', 'generateSample',
    'isCurrentSyntheticDataset', 'readSyntheticManifest', 'writeSyntheticDataset'],
  text: ['ANATOMY_BOOK', 'BertModel', 'OFFLINE_ENCODER_NAME', 'PATHOLOGY_BOOK', 'encodeBooks', 'encodeBooksToFile',
    'encodeOffline', 'loadBertEncoder', 'loadBooks', 'loadPathologyBook', 'loadTokenizer', 'readBooks', 'saveBooks'],
  torch: ['DTYPES', 'Generator', 'NativeError', 'PRECISIONS', 'PRECISION_CHOICES', 'Tensor', 'arange', 'aten', 'autocast', 'availableDevices',
    'backward', 'cat', 'checkDevice', 'counters', 'cpuHasNativeBfloat16', 'empty', 'enableGrad', 'eye', 'fromRaw', 'fromTypedArray', 'full', 'fullLike',
    'getNumThreads', 'getRngState', 'inferenceMode', 'isFloatingPoint', 'isGradEnabled', 'isInferenceMode', 'keep',
    'libtorchInfo', 'linspace', 'manualSeed', 'nnf', 'noGrad', 'ones', 'onesLike', 'profile', 'rand', 'randint', 'randn',
    'randnLike', 'releaseFreeMemory', 'releaseFreeMemoryEvery', 'resolvePrecision', 'schemaOf', 'scope', 'scopeDepth', 'setNumThreads', 'setRngState', 'setTf32',
    'stack', 'summarizeTrace', 'synchronize', 'tensor', 'tf32', 'toDeviceAsync', 'toRaw', 'where', 'zeros', 'zerosLike'],
  transforms: ['IMAGENET_MEAN', 'IMAGENET_STD', 'equalizeHistogram', 'horizontalFlip', 'normalize', 'randAugment',
    'randomResizedCrop', 'resize', 'segmentationTestTransform', 'segmentationTrainTransform', 'testTransform',
    'trainTransform'],
  viz: ['heatmapFigurePng', 'heatmapOverlayPng', 'heatmapOverlayRgb', 'jet', 'lossCurvePng', 'lossCurveSvg',
    'progressBar', 'rocCurvesPng', 'rocCurvesSvg'],
  vocabulary: ['LANDMARKS', 'MATRIX_SIZE', 'NORMAL_OBSERVATION_COUNT', 'NUM_LANDMARKS', 'NUM_OBSERVATIONS',
    'OBSERVATIONS', 'landmarkIndex', 'observationIndex'],
};


test('the public API is exactly the curated list (top level and each namespace)', () => {
  const namespaces = Object.fromEntries(Object.entries(medslip)
    .filter(([, value]) => typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Module')
    .map(([name, value]) => [name, Object.keys(value as object).sort()]));
  const topLevel = Object.keys(medslip).filter((name) => !(name in namespaces)).sort();
  assert.deepEqual(topLevel, TOP_LEVEL);
  assert.deepEqual(namespaces, NAMESPACES);
});
