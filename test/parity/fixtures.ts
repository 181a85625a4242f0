/** Loading the reference fixtures (../shared/fixtures) as tensors, and the device the parity tests run on. */
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { readSafetensors } from '../../src/io/safetensors.ts';
import { fixturesDir } from '../helpers.ts';

/**
 * Where the parity tests compute: MEDSLIP_TEST_DEVICE (cpu, cuda or cuda:N; default cpu). scripts/gpu-check.sh
 * runs them with cuda. The fixtures load into host memory and the models and inputs move there. On a GPU, TF32
 * is switched off: the fixtures are IEEE float32 and float64, and TF32 convolutions (libtorch's default, 10-bit
 * mantissas) would measure TF32, not medslip (tolerances.ts).
 */
export const testDevice: torch.Device = torch.checkDevice(process.env.MEDSLIP_TEST_DEVICE || 'cpu');
if (testDevice !== 'cpu') torch.setTf32({ cudnn: false, cublas: false });

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

/** max |a − b| and max |b|, in float64, on the CPU (either may live on the test device). */
export function errorOf(actual: torch.Tensor, expected: torch.Tensor): { maxAbs: number; maxRef: number } {
  return torch.scope(() => {
    const a = actual.detach().double().cpu().reshape(-1), e = expected.detach().double().cpu().reshape(-1);
    if (a.shape[0] !== e.shape[0]) throw new Error(`size ${a.shape[0]} != expected ${e.shape[0]}`);
    return { maxAbs: a.sub(e).abs().max().item(), maxRef: e.abs().max().item() };
  });
}
