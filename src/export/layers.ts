/**
 * ONNX nodes for medslip's layers (src/nn) and ResNet blocks (src/models/resnet.ts), in inference semantics:
 * BatchNorm with its running statistics, Dropout as the identity. Each emitter mirrors its module's `forward`;
 * `emitModule` dispatches on the module's class and refuses, naming the module, a class it does not know, so
 * that a new layer type is never dropped from an export silently.
 */
import {
  AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Identity, LayerNorm, Linear, MaxPool2d, Module, ReLU, Sequential,
} from '../nn/index.ts';
import { BasicBlock, Bottleneck } from '../models/resnet.ts';
import type * as torch from '../torch/index.ts';
import { ExportError, float, int, ints, type GraphBuilder } from './graph.ts';

type Emitter<M> = (graph: GraphBuilder, x: string, module: M, path: string) => string;

/** (rows, cols) row-major → (cols, rows): a Linear weight (out, in) becomes the MatMul operand (in, out). */
export function transposed(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/**
 * y = x·Wᵀ + b over the last axis of x (any rank): MatMul with the weight stored transposed, then Add. `rows`
 * picks a block of the weight's rows (the query/key/value parts of a packed attention projection).
 */
export const emitLinear: Emitter<Linear> = (graph, x, linear, path) =>
  emitAffine(graph, x, { weight: linear.weight, bias: linear.bias, key: path }, path);

/**
 * The Linear arithmetic for a weight (out, in) and bias under state-dict prefix `key`; `rows` takes a block of
 * the rows (attention's packed query/key/value projection), stored under a suffix `tag`.
 */
export function emitAffine(
  graph: GraphBuilder, x: string, source: { weight: torch.Tensor; bias: torch.Tensor | null; key: string; weightName?: string; biasName?: string },
  label: string, rows?: { start: number; count: number; tag: string },
): string {
  const { weight, bias } = source;
  const [outFeatures, inFeatures] = weight.shape;
  const start = rows?.start ?? 0, count = rows?.count ?? outFeatures, tag = rows?.tag ?? '';
  const block = weight.toFloat32Array().subarray(start * inFeatures, (start + count) * inFeatures);
  const weightKey = `${source.key}.${source.weightName ?? 'weight'}`, biasKey = `${source.key}.${source.biasName ?? 'bias'}`;
  const wT = graph.parameter(weight, weightKey, { suffix: `${tag}.T`, values: transposed(block, count, inFeatures), dims: [inFeatures, count] });
  let y = graph.op('MatMul', [x, wT], label);
  if (bias) {
    const b = rows === undefined ? graph.parameter(bias, biasKey)
      : graph.parameter(bias, biasKey, { suffix: tag, values: bias.toFloat32Array().slice(start, start + count), dims: [count] });
    y = graph.op('Add', [y, b], label);
  }
  return y;
}

const pair = (value: number | [number, number] | undefined, fallback: number): [number, number] =>
  value === undefined ? [fallback, fallback] : Array.isArray(value) ? value : [value, value];

const emitConv2d: Emitter<Conv2d> = (graph, x, conv, path) => {
  const [, , kh, kw] = conv.weight.shape;
  const [ph, pw] = pair(conv.options.padding, 0);
  const inputs = [x, graph.parameter(conv.weight, `${path}.weight`)];
  if (conv.bias) inputs.push(graph.parameter(conv.bias, `${path}.bias`));
  return graph.op('Conv', inputs, path, {
    kernel_shape: ints([kh, kw]), strides: ints(pair(conv.options.stride, 1)), pads: ints([ph, pw, ph, pw]),
    dilations: ints(pair(conv.options.dilation, 1)), group: int(conv.options.groups ?? 1),
  });
};

const emitBatchNorm2d: Emitter<BatchNorm2d> = (graph, x, bn, path) => graph.op('BatchNormalization', [
  x, graph.parameter(bn.weight, `${path}.weight`), graph.parameter(bn.bias, `${path}.bias`),
  graph.parameter(bn.runningMean, `${path}.running_mean`), graph.parameter(bn.runningVar, `${path}.running_var`),
], path, { epsilon: float(bn.options.eps ?? 1e-5) });

export const emitLayerNorm: Emitter<LayerNorm> = (graph, x, norm, path) => graph.op('LayerNormalization', [
  x, graph.parameter(norm.weight, `${path}.weight`), graph.parameter(norm.bias, `${path}.bias`),
], path, { axis: int(-norm.normalizedShape.length), epsilon: float(norm.eps) });

const emitMaxPool2d: Emitter<MaxPool2d> = (graph, x, pool, path) => graph.op('MaxPool', [x], path, {
  kernel_shape: ints([pool.kernelSize, pool.kernelSize]), strides: ints([pool.stride, pool.stride]),
  pads: ints([pool.padding, pool.padding, pool.padding, pool.padding]),
});

const emitAdaptiveAvgPool2d: Emitter<AdaptiveAvgPool2d> = (graph, x, pool, path) => {
  const size = pool.outputSize;
  if (size !== 1 && !(Array.isArray(size) && size[0] === 1 && size[1] === 1)) {
    throw new ExportError(path, `AdaptiveAvgPool2d to ${JSON.stringify(size)} has no ONNX conversion (only output size 1 has: GlobalAveragePool)`);
  }
  return graph.op('GlobalAveragePool', [x], path);
};

const emitSequential: Emitter<Sequential> = (graph, x, sequential, path) =>
  sequential.layers.reduce((value, layer, i) => emitModule(graph, value, layer, path ? `${path}.${i}` : String(i)), x);

// torchvision's blocks (resnet.ts): relu(bn(conv(…))) chains, the shortcut through downsample when there is one.
const emitBasicBlock: Emitter<BasicBlock> = (graph, x, block, path) => {
  let out = graph.op('Relu', [emitModule(graph, emitModule(graph, x, block.conv1, `${path}.conv1`), block.bn1, `${path}.bn1`)], path);
  out = emitModule(graph, emitModule(graph, out, block.conv2, `${path}.conv2`), block.bn2, `${path}.bn2`);
  return graph.op('Relu', [graph.op('Add', [out, shortcut(graph, x, block.downsample, path)], path)], path);
};

const emitBottleneck: Emitter<Bottleneck> = (graph, x, block, path) => {
  let out = graph.op('Relu', [emitModule(graph, emitModule(graph, x, block.conv1, `${path}.conv1`), block.bn1, `${path}.bn1`)], path);
  out = graph.op('Relu', [emitModule(graph, emitModule(graph, out, block.conv2, `${path}.conv2`), block.bn2, `${path}.bn2`)], path);
  out = emitModule(graph, emitModule(graph, out, block.conv3, `${path}.conv3`), block.bn3, `${path}.bn3`);
  return graph.op('Relu', [graph.op('Add', [out, shortcut(graph, x, block.downsample, path)], path)], path);
};

const shortcut = (graph: GraphBuilder, x: string, downsample: Sequential | null, path: string): string =>
  (downsample ? emitSequential(graph, x, downsample, `${path}.downsample`) : x);

const passThrough: Emitter<Module> = (_graph, x) => x;

/** A module class: emitters are found by `module.constructor`. */
type ModuleClass = abstract new (...args: never[]) => Module;

/** Emitters by class; a subclass is not matched, since it may override `forward`. */
const EMITTERS = new Map<ModuleClass, Emitter<never>>([
  [Linear, emitLinear],
  [Conv2d, emitConv2d],
  [BatchNorm2d, emitBatchNorm2d],
  [LayerNorm, emitLayerNorm],
  [ReLU, (graph, x, _module, path) => graph.op('Relu', [x], path)],
  [MaxPool2d, emitMaxPool2d],
  [AdaptiveAvgPool2d, emitAdaptiveAvgPool2d],
  [Dropout, passThrough], // inference: the identity
  [Identity, passThrough],
  [Sequential, emitSequential],
  [BasicBlock, emitBasicBlock],
  [Bottleneck, emitBottleneck],
]);

/**
 * The nodes of a one-tensor-in, one-tensor-out module at state-dict prefix `path`.
 * @throws ExportError naming the module when its class has no conversion.
 */
export function emitModule(graph: GraphBuilder, x: string, module: Module, path: string): string {
  const emitter = EMITTERS.get(module.constructor as ModuleClass) as Emitter<Module> | undefined;
  if (emitter === undefined) {
    throw new ExportError(path || '(root)', `${module.constructor.name} has no ONNX conversion; add one to src/export/layers.ts`);
  }
  return emitter(graph, x, module, path);
}
