// MultiheadAttention with a query shared by the whole batch (batch 1 against keys of batch B): the same output,
// weights and gradients as the query expanded to batch B, in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { MultiheadAttention } from '../../src/nn/index.ts';

const maxAbsDiff = (a: torch.Tensor, b: torch.Tensor): number => torch.scope(() => a.sub(b).abs().max().item());

test('a shared query (batch 1) gives what the query expanded to every item gives: output, weights, gradients', () => {
  torch.manualSeed(3);
  const attention = new MultiheadAttention(16, 4).to('float64');
  const [queries, tokens, batch] = [5, 7, 3];
  const query = torch.randn([queries, 1, 16], { dtype: 'float64' }).mul(3).keep();
  const memory = torch.randn([tokens, batch, 16], { dtype: 'float64' }).keep();
  const run = (expand: boolean): { output: number[]; weights: number[]; grads: torch.Tensor[] } => torch.scope(() => {
    const q = query.detach().requiresGrad_(true), m = memory.detach().requiresGrad_(true);
    attention.zeroGrad();
    const { output, weights } = attention.forward(expand ? q.expand(queries, batch, 16) : q, m, m);
    assert.deepEqual(output.shape, [queries, batch, 16]);
    assert.deepEqual(weights.shape, [batch, queries, tokens]);
    // a loss that weighs every output and weight differently, so that each gradient path is checked
    output.mul(torch.arange(0, output.numel, 1, { dtype: 'float64' }).reshape(...output.shape).sin()).sum()
      .add(weights.mul(weights).sum()).backward();
    const grads = [q.grad!, m.grad!, attention.inProjWeight.grad!, attention.outProj.weight.grad!].map((g) => g.clone().keep());
    return { output: Array.from(output.toArray(), Number), weights: Array.from(weights.toArray(), Number), grads };
  });
  const shared = run(false), expanded = run(true);
  const largest = (a: number[], b: number[]): number => Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  assert.ok(largest(shared.output, expanded.output) < 1e-12, 'output');
  assert.ok(largest(shared.weights, expanded.weights) < 1e-12, 'weights');
  shared.grads.forEach((g, i) => assert.ok(maxAbsDiff(g, expanded.grads[i]) < 1e-12, `gradient ${i}`));
  // and the attention is not trivially uniform: the check above compares something that varies
  assert.ok(Math.max(...shared.weights) > 1.3 / tokens, `largest weight ${Math.max(...shared.weights)}`);
  for (const t of [query, memory, ...shared.grads, ...expanded.grads]) t.dispose();
  attention.dispose();
});

test('a query batch that is neither 1 nor the key batch is a RangeError naming both', () => {
  const attention = new MultiheadAttention(8, 2);
  torch.scope(() => {
    assert.throws(() => attention.forward(torch.zeros([3, 2, 8]), torch.zeros([4, 5, 8]), torch.zeros([4, 5, 8])),
      /Expected the query's batch to be 1 or the key's 5 but received 2/);
  });
  attention.dispose();
});
