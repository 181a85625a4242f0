/**
 * A pathology query's grounding map computed by hand from a MeDSLIP's weights, to check what the zero-shot tasks
 * read out of the model: in every decoder layer, the cross-attention probabilities softmax(q·k/√d) of each head
 * are computed from the layer's `in_proj_weight` / `in_proj_bias` in plain float64 loops, averaged over the heads,
 * and the layers' maps are then averaged. Each layer's input comes from the model's own norms, self-attention,
 * cross-attention output and feed-forward (eval mode: dropout is the identity), in the pre-norm order of
 * src/models/query-decoder.ts.
 */
import * as torch from '../../src/torch/index.ts';
import type { MeDSLIP } from '../../src/models/medslip.ts';

export interface HandAttention {
  /** [layer][image]: the head-averaged cross-attention of the query over the T image tokens. */
  perLayer: Float64Array[][];
  /** [image]: the mean of `perLayer` over the layers — the grounding map before upsampling. */
  mean: Float64Array[];
}

/**
 * @param images (B, 3, H, W), normalised
 * @param pathologyBook (Q, E): the books' pathology rows, with any prompt rows appended
 * @param query the row of `pathologyBook` whose map is wanted
 */
export function handAttention(model: MeDSLIP, images: torch.Tensor, pathologyBook: torch.Tensor, query: number): HandAttention {
  const { dModel, heads } = model.config;
  const perLayer: Float64Array[][] = [];
  torch.noGrad(() => torch.scope(() => {
    const memory = model.encodeImage(images).pathology; // (T, B, D)
    const [tokens, batch] = memory.shape;
    const memoryData = memory.contiguous().toFloat32Array();
    const projected = model.queryProjection.forward(pathologyBook); // (Q, D)
    let x = projected.unsqueeze(1).expand(projected.shape[0], batch, dModel); // (Q, B, D)
    for (const layer of model.decoderPathology.layers.items) {
      const normed1 = layer.norm1.forward(x);
      x = x.add(layer.selfAttn.forward(normed1, normed1, normed1).output);
      const normed2 = layer.norm2.forward(x); // what the cross-attention's queries are projected from
      perLayer.push(crossAttention(
        normed2.select(0, query).contiguous().toFloat32Array(), memoryData, layer.crossAttn.inProjWeight.toFloat32Array(),
        layer.crossAttn.inProjBias.toFloat32Array(), { batch, tokens, dModel, heads },
      ));
      x = x.add(layer.crossAttn.forward(normed2, memory, memory).output);
      x = x.add(layer.linear2.forward(layer.linear1.forward(layer.norm3.forward(x)).relu()));
    }
  }));
  const mean = perLayer[0].map((_, b) => Float64Array.from(perLayer[0][b], (_, t) => perLayer.reduce((s, maps) => s + maps[b][t], 0) / perLayer.length));
  return { perLayer, mean };
}

/**
 * One layer's head-averaged attention of one query: queryIn (B, D) after norm2, memory (T, B, D), the packed
 * projection weight (3D, D) and bias (3D) → [image] (T).
 */
function crossAttention(queryIn: Float32Array, memory: Float32Array, weight: Float32Array, bias: Float32Array,
  shape: { batch: number; tokens: number; dModel: number; heads: number }): Float64Array[] {
  const { batch, tokens, dModel: d, heads } = shape;
  const headDim = d / heads;
  // row r of the packed projection applied to a D-vector at `offset` of `input`
  const project = (row: number, input: Float32Array, offset: number): number => {
    let sum = bias[row];
    for (let i = 0; i < d; i++) sum += weight[row * d + i] * input[offset + i];
    return sum;
  };
  return Array.from({ length: batch }, (_, b) => {
    const q = Float64Array.from({ length: d }, (_, r) => project(r, queryIn, b * d)); // query rows 0 … D−1
    const k = Array.from({ length: tokens }, (_, t) => Float64Array.from({ length: d }, (_, r) => project(d + r, memory, (t * batch + b) * d))); // key rows D … 2D−1
    const map = new Float64Array(tokens);
    for (let h = 0; h < heads; h++) {
      const logits = k.map((key) => {
        let dot = 0;
        for (let i = h * headDim; i < (h + 1) * headDim; i++) dot += q[i] * key[i];
        return dot / Math.sqrt(headDim);
      });
      const max = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - max));
      const total = exp.reduce((s, e) => s + e, 0);
      exp.forEach((e, t) => { map[t] += e / total / heads; });
    }
    return map;
  });
}
