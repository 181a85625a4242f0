/**
 * MultiheadAttention (src/nn/attention.ts) as explicit MatMul → Softmax → MatMul nodes rather than a fused
 * attention operator: the grounding heatmap is the softmax weights averaged over heads, which a fused kernel
 * does not return. The layout is batch-first, (B, L, E), where the module is sequence-first, (L, B, E): the same
 * arithmetic per batch item. The query may have batch 1 while the memory has batch B (MatMul broadcasts), which
 * lets the first decoder layer's self-attention over the constant queries be folded once by the runtime.
 */
import type { MultiheadAttention } from '../nn/index.ts';
import { int, ints, type GraphBuilder } from './graph.ts';
import { emitAffine } from './layers.ts';

/**
 * Self-attention (`memory` null: query, key and value are `query`) or cross-attention to `memory`.
 * Returns the output (B, L, E) and the head-averaged weights (B, L, S).
 */
export function emitAttention(graph: GraphBuilder, query: string, memory: string | null, attention: MultiheadAttention, path: string): {
  output: string; weights: string;
} {
  const embed = attention.embedDim, heads = attention.numHeads, headDim = attention.headDim;
  const packed = { weight: attention.inProjWeight, bias: attention.inProjBias, key: path, weightName: 'in_proj_weight', biasName: 'in_proj_bias' };
  let q: string, k: string, v: string;
  if (memory === null) {
    // one projection with the packed (3E, E) weight, split into query, key and value (as the module does)
    [q, k, v] = graph.node('Split', [emitAffine(graph, query, packed, path)], path, { axis: int(-1) }, 3);
  } else {
    q = emitAffine(graph, query, packed, path, { start: 0, count: embed, tag: '[q]' });
    [k, v] = graph.node('Split', [emitAffine(graph, memory, packed, path, { start: embed, count: 2 * embed, tag: '[kv]' })], path, { axis: int(-1) }, 2);
  }
  const splitHeads = (x: string, perm: number[]): string =>
    graph.op('Transpose', [graph.op('Reshape', [x, graph.int64s([0, 0, heads, headDim])], path)], path, { perm: ints(perm) });
  const qh = graph.op('Div', [splitHeads(q, [0, 2, 1, 3]), graph.scalar(Math.sqrt(headDim))], path); // (B, H, L, hd)
  const kt = splitHeads(k, [0, 2, 3, 1]); // (B, H, hd, S)
  const vh = splitHeads(v, [0, 2, 1, 3]); // (B, H, S, hd)
  const probabilities = graph.op('Softmax', [graph.op('MatMul', [qh, kt], path)], path, { axis: int(-1) }); // (B, H, L, S)
  const attended = graph.op('Reshape', [ // (B, H, L, hd) → (B, L, H, hd) → (B, L, E)
    graph.op('Transpose', [graph.op('MatMul', [probabilities, vh], path)], path, { perm: ints([0, 2, 1, 3]) }),
    graph.int64s([0, 0, embed]),
  ], path);
  const output = emitAffine(graph, attended, { weight: attention.outProj.weight, bias: attention.outProj.bias, key: `${path}.out_proj` }, `${path}.out_proj`);
  const weights = graph.op('ReduceMean', [probabilities], path, { axes: ints([1]), keepdims: int(0) }); // (B, L, S)
  return { output, weights };
}
