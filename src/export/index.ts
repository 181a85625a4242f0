/** ONNX export of MeDSLIP (graphs written with the official onnx.proto) and ONNX Runtime inference in Node. */
export { exportMedslip, type BooksArrays, type ExportOptions } from './medslip.ts';
export { ExportError } from './graph.ts';
export { parseMetadata, metadataEntries, type OnnxModelMetadata } from './metadata.ts';
export { OnnxMedslip, type OnnxOutputs, type OnnxSessionOptions } from './session.ts';
export { readModelFile } from './model-file.ts';
