/**
 * MultiheadAttention as torch.nn.MultiheadAttention (sequence-first): one packed input projection
 * `in_proj_weight` (3·E × E: query, key, value rows) and `in_proj_bias`, an output projection `out_proj`, dropout
 * on the attention probabilities, and the attention weights averaged over heads as second output. The
 * returned weights are taken after attention dropout, as PyTorch 1.13 returns them in training mode.
 */
import * as torch from '../torch/index.ts';
import { Module } from './module.ts';
import { Linear } from './layers.ts';
import { xavierUniform_, zeros_ } from './init.ts';

const F = torch.nnf;

export class MultiheadAttention extends Module {
  readonly inProjWeight: torch.Tensor;
  readonly inProjBias: torch.Tensor;
  readonly outProj: Linear;
  readonly headDim: number;

  constructor(readonly embedDim: number, readonly numHeads: number, readonly dropout = 0) {
    super();
    if (embedDim % numHeads !== 0) throw new RangeError(`Expected embedDim divisible by numHeads but received ${embedDim} and ${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.inProjWeight = this.registerParameter('in_proj_weight', torch.empty([3 * embedDim, embedDim]));
    this.inProjBias = this.registerParameter('in_proj_bias', torch.zeros([3 * embedDim]));
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim));
    // PyTorch's _reset_parameters
    xavierUniform_(this.inProjWeight);
    zeros_(this.outProj.bias!);
  }

  /**
   * query (L, B, E), key and value (S, B, E) → output (L, B, E) and head-averaged weights (B, L, S).
   * Self-attention (query, key and value the same tensor) projects once and splits.
   * A query of batch 1 against keys of batch B is shared by every item (MeDSLIP's first decoder layer: the same
   * text queries for every image): it is projected once, and its logits against all B·S keys are one matrix
   * product per head instead of B·H small ones. The result equals that of the query expanded to batch B.
   */
  forward(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor): { output: torch.Tensor; weights: torch.Tensor } {
    const [targetLength, queryBatch, embed] = query.shape;
    const [sourceLength, batch] = key.shape;
    if (queryBatch !== batch && queryBatch !== 1) {
      throw new RangeError(`Expected the query's batch to be 1 or the key's ${batch} but received ${queryBatch}`);
    }
    const heads = this.numHeads, headDim = this.headDim;
    let q: torch.Tensor, k: torch.Tensor, v: torch.Tensor;
    if (query === key && key === value) {
      [q, k, v] = F.linear(query, this.inProjWeight, this.inProjBias).chunk(3, -1);
    } else {
      const [wq, wkv] = this.inProjWeight.split([embed, 2 * embed], 0);
      const [bq, bkv] = this.inProjBias.split([embed, 2 * embed], 0);
      q = F.linear(query, wq, bq);
      if (key === value) {
        [k, v] = F.linear(key, wkv, bkv).chunk(2, -1);
      } else {
        const [wk, wv] = wkv.chunk(2, 0), [bk, bv] = bkv.chunk(2, 0);
        k = F.linear(key, wk, bk);
        v = F.linear(value, wv, bv);
      }
    }
    // (L, B, E) → (B·H, L, hd): heads become part of the batch
    const heads3d = (x: torch.Tensor, length: number): torch.Tensor =>
      x.contiguous().view(length, batch * heads, headDim).transpose(0, 1);
    const vh = heads3d(v, sourceLength);
    const scale = Math.sqrt(headDim); // divided, as PyTorch does (the same rounding)
    let logits: torch.Tensor; // (B·H, L, S)
    if (queryBatch === batch) {
      logits = heads3d(q, targetLength).div(scale).bmm(heads3d(k, sourceLength).transpose(1, 2));
    } else {
      const qh = q.reshape(targetLength, heads, headDim).transpose(0, 1).div(scale); // (H, L, hd)
      const kh = k.reshape(sourceLength, batch, heads, headDim).permute(2, 3, 1, 0).reshape(heads, headDim, batch * sourceLength);
      logits = qh.bmm(kh).view(heads, targetLength, batch, sourceLength).permute(2, 0, 1, 3).reshape(batch * heads, targetLength, sourceLength);
    }
    let probabilities = logits.softmax(-1);
    if (this.training && this.dropout > 0) probabilities = F.dropout(probabilities, this.dropout, true);
    const attended = probabilities.bmm(vh) // (B·H, L, hd)
      .transpose(0, 1).contiguous().view(targetLength, batch, embed); // (L, B, E)
    const output = this.outProj.forward(attended);
    const weights = probabilities.view(batch, heads, targetLength, sourceLength).mean(1); // (B, L, S)
    return { output, weights };
  }
}
