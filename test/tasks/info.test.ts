// `medslip info`: the text and the JSON object say the same things, the CPU's bfloat16 among them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { runInfoCommand, type MedslipInfo } from '../../src/tasks/info.ts';

test('info prints the libtorch version, threads and what precision auto picks, as text and as JSON', async () => {
  const info = JSON.parse(await runInfoCommand({ json: true })) as MedslipInfo;
  assert.equal(info.threads, torch.getNumThreads());
  assert.equal(info.cpuBfloat16, torch.cpuHasNativeBfloat16());
  assert.match(info.libtorch.version, /^\d+\.\d+/);
  const text = await runInfoCommand();
  assert.ok(text.includes(`libtorch  ${info.libtorch.version}`));
  assert.match(text, info.cpuBfloat16 ? /bfloat16  native on this CPU: precision auto/ : /bfloat16  not native on this CPU: precision auto trains in float32/);
});
