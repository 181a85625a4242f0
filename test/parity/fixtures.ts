/** Loading the reference fixtures (../shared/fixtures) as tensors. */
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { readSafetensors } from '../../src/io/safetensors.ts';
import { fixturesDir } from '../helpers.ts';

/** Every tensor of a fixture file, by name. */
export function loadFixture(...path: string[]): Map<string, torch.Tensor> {
  const file = readSafetensors(join(fixturesDir, ...path));
  const tensors = new Map<string, torch.Tensor>();
  for (const [name, raw] of file.tensors) tensors.set(name, torch.fromRaw(raw).keep());
  return tensors;
}

export function get(tensors: Map<string, torch.Tensor>, name: string): torch.Tensor {
  const t = tensors.get(name);
  if (!t) throw new Error(`fixture has no tensor ${name}`);
  return t;
}

/** max |a − b| and max |b|, in float64. */
export function errorOf(actual: torch.Tensor, expected: torch.Tensor): { maxAbs: number; maxRef: number } {
  return torch.scope(() => {
    const a = actual.detach().double().reshape(-1), e = expected.detach().double().reshape(-1);
    if (a.shape[0] !== e.shape[0]) throw new Error(`size ${a.shape[0]} != expected ${e.shape[0]}`);
    return { maxAbs: a.sub(e).abs().max().item(), maxRef: e.abs().max().item() };
  });
}
