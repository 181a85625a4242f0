/**
 * medslip's public API. Only what this file exports is public; everything else may change without notice.
 *
 *   import { torch, models, tasks } from 'medslip';
 *   const { model } = models.loadMedslip('runs/demo/pretrain/best');
 */
export * as torch from './torch/index.ts';
export * as nn from './nn/index.ts';
export * as vocabulary from './vocabulary.ts';

export { MeDSLIP, DEFAULT_CONFIG, type MedslipConfig, type Books, type PretrainBatch, type MedslipOutputs } from './models/medslip.ts';
export { ResNet, type ResNetArch } from './models/resnet.ts';
export { loadMedslip, medslipConfigFrom } from './models/load.ts';
export { groundingHeatmap, type Upsampling } from './models/grounding.ts';
export { AdamW, referenceParamGroups, clipGradNorm } from './optim/adamw.ts';
export { cosineSchedule, cosineWithWarmup } from './optim/schedule.ts';

export { readSafetensors, writeSafetensors } from './io/safetensors.ts';
export { readTorchFile, loadCheckpoint as readPytorchCheckpoint, loadStateDict as readPytorchStateDict } from './io/pth.ts';
export { readNpy, writeNpy } from './io/npy.ts';
export { readImage, writePng, type Image } from './io/image.ts';
export { saveCheckpoint, readCheckpoint, readModelWeights } from './io/checkpoint.ts';
export { resolveCheckpoint } from './io/resolve-checkpoint.ts';

export * as text from './text/index.ts';
export * as labels from './data/labels/index.ts';
export * as datasets from './data/datasets/index.ts';
export * as transforms from './data/transforms/index.ts';
export * as loader from './data/loader/index.ts';
export * as distributed from './distributed/index.ts';
export * as synth from './synth/index.ts';
export * as metrics from './eval/index.ts';
export * as viz from './viz/index.ts';
export * as onnx from './export/index.ts';

export { runPretrain } from './tasks/pretrain.ts';
export { loadPretrainConfig } from './tasks/pretrain/config.ts';
export { runZeroshotClassify } from './tasks/zeroshot-classify.ts';
export { runZeroshotGround } from './tasks/zeroshot-ground.ts';
export { runFinetuneClassify } from './tasks/finetune-classify.ts';
export { runFinetuneSegment } from './tasks/finetune-segment.ts';
export { runPredict } from './tasks/predict.ts';
export { runDemo } from './tasks/demo.ts';
export { runLabels } from './tasks/labels.ts';
export { runExport } from './tasks/export.ts';
