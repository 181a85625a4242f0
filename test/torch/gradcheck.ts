/**
 * Finite-difference gradient check in float64: compares autograd's gradient of L = Σ w ⊙ f(inputs) (w fixed
 * random weights) with central differences, element by element.
 */
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';

export interface GradcheckOptions { eps?: number; atol?: number; rtol?: number; only?: number[] }

export function gradcheck(name: string, fn: (...inputs: torch.Tensor[]) => torch.Tensor, inputs: torch.Tensor[],
  options: GradcheckOptions = {}): number {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-6, rtol = options.rtol ?? 1e-5;
  const checked = options.only ?? inputs.map((_, i) => i);
  return torch.scope(() => {
    const leaves = inputs.map((x, i) => (checked.includes(i) ? x.detach().clone().requiresGrad_(true) : x));
    const output = fn(...leaves);
    const weights = torch.randn([...output.shape], { dtype: 'float64', generator: new torch.Generator(1234) });
    output.mul(weights).sum().backward();
    const loss = (xs: torch.Tensor[]): number => torch.noGrad(() => torch.scope(() => fn(...xs).mul(weights).sum().item()));
    let maxError = 0;
    for (const i of checked) {
      const analytic = leaves[i].grad!.toFloat64Array();
      const base = inputs[i].toFloat64Array();
      for (let j = 0; j < base.length; j++) {
        const shifted = (delta: number): number => {
          const values = base.slice();
          values[j] += delta;
          const xs = inputs.map((x, k) => (k === i ? torch.fromTypedArray(values, inputs[i].shape) : x));
          return loss(xs);
        };
        const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
        const error = Math.abs(numeric - analytic[j]);
        assert.ok(error <= atol + rtol * Math.abs(numeric),
          `${name}: d/d input${i}[${j}] autograd ${analytic[j]} vs finite difference ${numeric}`);
        maxError = Math.max(maxError, error);
      }
    }
    return maxError;
  });
}
