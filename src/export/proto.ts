/**
 * The ONNX protobuf schema: the official onnx.proto (ONNX 1.10.2, IR version 8) compiled for protobufjs, as the
 * npm package onnx-proto ships it. This is the only module that touches that package: the exporter builds plain
 * message objects and encodes them here, and readers decode here.
 */
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

export type { Onnx };
export const onnx = onnxProto.onnx;

/**
 * IR version 8 goes with opset 17 (ONNX 1.12): ONNX Runtime, and every runtime that supports opset 17, loads it.
 */
export const IR_VERSION = 8;
/** Opset 17: the first with LayerNormalization, so that each LayerNorm stays one node. */
export const OPSET = 17;

/** Serialises a model to the ONNX file format. */
export function encodeModel(model: Onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/**
 * Parses an ONNX file's bytes.
 * @throws Error naming `name` when the bytes are not an ONNX model.
 */
export function decodeModel(bytes: Uint8Array, name = '<buffer>'): Onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(`${name}: is not an ONNX model (${(error as Error).message})`);
  }
}
