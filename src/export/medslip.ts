/**
 * MeDSLIP (src/models/medslip.ts) as one ONNX inference graph, with the books baked in as constants:
 *
 *   images (batch, 3, S, S), normalised  →  pathology (batch, 75)       P(present) of each observation
 *                                            anatomy   (batch, 51)       P(present) of each landmark
 *                                            heatmaps  (batch, 75, h, w) the grounding maps
 *
 * `heatmaps` is what `zeroshot ground` and `predict` compute before upsampling: each pathology query's
 * cross-attention over the h × w image tokens, averaged over heads (inside the attention) and then over the
 * decoder layers. Upsampling and the per-image normalisation stay with the caller, as in medslip.
 *
 * The export is driven by the model's config and modules: every config option must be listed below as
 * converted or as training-only, every module must have a conversion (./layers.ts), and every parameter that
 * inference uses must end up in the graph; anything else is refused with an error that names it, so that a new
 * model option is never exported wrongly.
 */
import * as torch from '../torch/index.ts';
import type { MeDSLIP, MedslipConfig } from '../models/medslip.ts';
import type { QueryDecoder } from '../models/query-decoder.ts';
import type { BooksMetadata } from '../text/encode-books.ts';
import { IMAGENET_MEAN, IMAGENET_STD } from '../data/transforms/normalize.ts';
import { LANDMARKS, NUM_LANDMARKS, NUM_OBSERVATIONS, OBSERVATIONS } from '../vocabulary.ts';
import { medslipVersion } from '../util/version.ts';
import { ExportError, GraphBuilder, int, ints } from './graph.ts';
import { emitLayerNorm, emitLinear, emitModule } from './layers.ts';
import { emitAttention } from './attention.ts';
import { metadataEntries, type OnnxModelMetadata } from './metadata.ts';
import { encodeModel } from './proto.ts';

/**
 * How the export treats each config option. The Record type makes a new option a compile error here until it
 * is classified; an option unknown at run time (a checkpoint from a newer medslip) is refused.
 */
const CONFIG_HANDLING: Readonly<Record<keyof MedslipConfig, string>> = Object.freeze({
  backbone: 'exported: the ResNet trunk, module by module',
  dModel: 'exported: stream and decoder width',
  heads: 'exported: attention heads',
  layers: 'exported: decoder layers',
  feedForward: 'exported: decoder feed-forward width',
  textDim: 'exported: the books\' width',
  dropout: 'inference: dropout is the identity',
  candidates: 'training only: ProtoCL candidates',
  init: 'training only: initialisation',
});

/** Modules that only the pre-training losses use (ProtoCL's projections to the text space). */
const TRAINING_ONLY_MODULES = ['cl_fc_pathology', 'cl_fc_anatomy'];

export interface BooksArrays {
  pathology: Float32Array; // (75, E) row-major
  anatomy: Float32Array; // (51, E)
  metadata: BooksMetadata;
}

export interface ExportOptions {
  /** Input side in pixels (default 224). */
  size?: number;
}

/**
 * The ONNX model (file bytes) of a MeDSLIP and its books; the model is read in inference semantics
 * (BatchNorm running statistics, no dropout) and left as it was.
 * @throws ExportError naming the config option, module or parameter that cannot be exported.
 */
export function exportMedslip(model: MeDSLIP, books: BooksArrays, options: ExportOptions = {}): { bytes: Uint8Array; metadata: OnnxModelMetadata } {
  const size = options.size ?? 224;
  if (!Number.isInteger(size) || size < 32) throw new RangeError(`Expected integer ≥ 32 for size but received ${String(size)}`);
  checkConfig(model.config);
  const { textDim } = model.config;
  for (const [name, values, rows] of [['pathology', books.pathology, NUM_OBSERVATIONS], ['anatomy', books.anatomy, NUM_LANDMARKS]] as const) {
    if (values.length !== rows * textDim) throw new RangeError(`Expected the ${name} book to be (${rows}, ${textDim}) for this model but it holds ${values.length} values`);
  }
  const [channels, height, width] = featureShape(model, size);

  const graph = new GraphBuilder();
  const images = graph.input('images', ['batch', 3, size, size]);

  // Image encoder: trunk → tokens → mask → the two streams (batch-first: (B, T, ·) where medslip uses (T, B, ·)).
  const feature = emitModule(graph, images, model.resFeatures, 'res_features'); // (B, C, h, w)
  const tokens = graph.op('Transpose', [graph.op('Reshape', [feature, graph.int64s([0, channels, -1])], 'tokens')], 'tokens', { perm: ints([0, 2, 1]) }); // (B, T, C), t = row·w + col
  const mask = emitLinear(graph, tokens, model.maskGenerator, 'mask_generator');
  const stream = (input: string, l1: typeof model.resL1Pathology, l2: typeof model.resL2Pathology, name: string): string =>
    emitLinear(graph, graph.op('Relu', [emitLinear(graph, input, l1, `res_l1_${name}`)], `res_l1_${name}`), l2, `res_l2_${name}`); // (B, T, D)
  const memoryPathology = stream(graph.op('Mul', [mask, tokens], 'pathology'), model.resL1Pathology, model.resL2Pathology, 'pathology');
  const memoryAnatomy = stream(graph.op('Mul', [graph.op('Sub', [graph.scalar(1), mask], 'anatomy'), tokens], 'anatomy'), model.resL1Anatomy, model.resL2Anatomy, 'anatomy');

  // Queries: the books through the shared projection, (1, Q, D); they broadcast against the batch.
  const queries = (values: Float32Array, rows: number, name: string): string => {
    const book = graph.constant(`book_${name}`, values, [rows, textDim]);
    const projected = emitLinear(graph, book, model.queryProjection, 'pathology_embedding_layer'); // (Q, D)
    return graph.op('Unsqueeze', [projected, graph.int64s([0])], `queries_${name}`);
  };
  const pathology = emitDecoder(graph, queries(books.pathology, NUM_OBSERVATIONS, 'pathology'), memoryPathology, model.decoderPathology, 'decoder_pathology');
  const anatomy = emitDecoder(graph, queries(books.anatomy, NUM_LANDMARKS, 'anatomy'), memoryAnatomy, model.decoderAnatomy, 'decoder_anatomy');

  // Heads: softmax class 1 of each query's two logits (MeDSLIP.presence); dropout is the identity.
  const presence = (features: string, classifier: typeof model.classifierPathology, name: string): string => {
    const logits = emitLinear(graph, features, classifier, name); // (B, Q, 2)
    return graph.op('Gather', [graph.op('Softmax', [logits], name, { axis: int(-1) }), graph.int64s([1])], name, { axis: int(-1) });
  };
  const squeezeLast = (x: string, label: string): string => graph.op('Squeeze', [x, graph.int64s([-1])], label);
  graph.output('pathology', squeezeLast(presence(pathology.output, model.classifierPathology, 'classifier_pathology'), 'pathology'), ['batch', NUM_OBSERVATIONS]);
  graph.output('anatomy', squeezeLast(presence(anatomy.output, model.classifierAnatomy, 'classifier_anatomy'), 'anatomy'), ['batch', NUM_LANDMARKS]);

  // Heatmaps: the layer mean of the head-averaged cross-attention, (B, 75, T) → (B, 75, h, w).
  const stacked = graph.op('Concat', pathology.weights.map((w) => graph.op('Unsqueeze', [w, graph.int64s([1])], 'heatmaps')), 'heatmaps', { axis: int(1) }); // (B, N, 75, T)
  const layerMean = graph.op('ReduceMean', [stacked], 'heatmaps', { axes: ints([1]), keepdims: int(0) }); // (B, 75, T)
  graph.output('heatmaps', graph.op('Reshape', [layerMean, graph.int64s([0, NUM_OBSERVATIONS, height, width])], 'heatmaps'), ['batch', NUM_OBSERVATIONS, height, width]);

  checkEveryParameterExported(model, graph);
  const metadata: OnnxModelMetadata = {
    medslipVersion: medslipVersion(), inputSize: size,
    normalization: { divisor: 255, mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] }, resize: 'bilinear-antialiased',
    observations: [...OBSERVATIONS], landmarks: [...LANDMARKS], heatmapSize: [height, width],
    modelConfig: { ...model.config },
    books: { encoder: books.metadata.encoder, dim: books.metadata.dim, maxLength: books.metadata.maxLength },
  };
  const bytes = encodeModel(graph.model({
    graphName: `medslip_${model.config.backbone}_${size}`, producerVersion: metadata.medslipVersion, metadata: metadataEntries(metadata),
    docString: `MeDSLIP (${model.config.backbone}, ${size} px, ${model.config.layers}+${model.config.layers} decoder layers) exported by medslip ${metadata.medslipVersion}. `
      + 'Input images: (batch, 3, S, S) float32, grey level/255 normalised with the ImageNet mean and std (metadata "normalization"). '
      + 'Outputs: pathology (batch, 75) and anatomy (batch, 51) probabilities of presence; heatmaps (batch, 75, h, w), '
      + 'the layer- and head-averaged cross-attention of each observation over the image tokens (upsample and divide by the maximum to display).',
  }));
  return { bytes, metadata };
}

/** The pre-norm DETR decoder (src/models/query-decoder.ts): final features (B, Q, D), each layer's cross-attention (B, Q, T). */
function emitDecoder(graph: GraphBuilder, queries: string, memory: string, decoder: QueryDecoder, path: string): { output: string; weights: string[] } {
  let x = queries;
  const weights: string[] = [];
  decoder.layers.items.forEach((layer, i) => {
    const at = `${path}.layers.${i}`;
    const normed1 = emitLayerNorm(graph, x, layer.norm1, `${at}.norm1`);
    x = graph.op('Add', [x, emitAttention(graph, normed1, null, layer.selfAttn, `${at}.self_attn`).output], at);
    const cross = emitAttention(graph, emitLayerNorm(graph, x, layer.norm2, `${at}.norm2`), memory, layer.crossAttn, `${at}.multihead_attn`);
    x = graph.op('Add', [x, cross.output], at);
    const hidden = graph.op('Relu', [emitLinear(graph, emitLayerNorm(graph, x, layer.norm3, `${at}.norm3`), layer.linear1, `${at}.linear1`)], at);
    x = graph.op('Add', [x, emitLinear(graph, hidden, layer.linear2, `${at}.linear2`)], at);
    weights.push(cross.weights);
  });
  return { output: emitLayerNorm(graph, x, decoder.norm, `${path}.norm`), weights };
}

/** @throws ExportError naming each config option the exporter does not know. */
function checkConfig(config: MedslipConfig): void {
  const unknown = Object.keys(config).filter((key) => !(key in CONFIG_HANDLING));
  if (unknown.length > 0) {
    throw new ExportError('MeDSLIP', `config option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}" (${JSON.stringify((config as unknown as Record<string, unknown>)[k])})`).join(', ')} `
      + 'unknown to the ONNX exporter; classify each in CONFIG_HANDLING of src/export/medslip.ts (and convert what it changes)');
  }
}

/** (C, h, w) of the trunk's output at `size` px, from a probe through the trunk in eval mode. */
function featureShape(model: MeDSLIP, size: number): [number, number, number] {
  const training = model.resFeatures.training;
  model.resFeatures.eval();
  try {
    return torch.scope(() => torch.inferenceMode(() => {
      const [, c, h, w] = model.resFeatures.forward(torch.zeros([1, 3, size, size])).shape;
      return [c, h, w] as [number, number, number];
    }));
  } finally {
    model.resFeatures.train(training);
  }
}

/** @throws ExportError naming the module of an inference parameter that did not reach the graph. */
function checkEveryParameterExported(model: MeDSLIP, graph: GraphBuilder): void {
  const exported = graph.exportedTensors;
  const missed = [...model.stateDict()].filter(([key, tensor]) => !exported.has(tensor)
    && !key.endsWith('num_batches_tracked') && !TRAINING_ONLY_MODULES.some((m) => key.startsWith(`${m}.`)));
  if (missed.length > 0) {
    const [key] = missed[0];
    throw new ExportError(key.slice(0, key.lastIndexOf('.')), `its parameter ${key}${missed.length > 1 ? ` (and ${missed.length - 1} more)` : ''} `
      + 'is not used by the ONNX graph: src/export/medslip.ts does not convert this module');
  }
}
