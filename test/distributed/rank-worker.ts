// One rank of the src/distributed tests (group.test.ts), joined through torchrun's variables (RANK, WORLD_SIZE,
// MASTER_ADDR, MASTER_PORT) like any medslip worker:
//   node --import tsx test/distributed/rank-worker.ts <scenario>
// Prints one JSON line with what the rank observed.
import * as torch from '../../src/torch/index.ts';
import { BatchNorm2d, Linear, Sequential } from '../../src/nn/index.ts';
import { DataParallel, DistributedGroup, distributedEnv } from '../../src/distributed/index.ts';

const scenario = process.argv[2];
const layout = distributedEnv()!;
// a generous start-up (a loaded machine may start the two processes far apart), then the test's timeout
const group = DistributedGroup.fromEnv(layout, { timeoutMs: 300_000 });
const result: Record<string, unknown> = { rank: group.rank };
const values = (t: torch.Tensor): number[] => Array.from(t.toArray() as Float32Array);

if (scenario === 'ddp') {
  torch.manualSeed(100 + group.rank); // different initial weights on each rank
  const model = new Sequential(new Linear(3, 4), new BatchNorm2d(4), new Linear(4, 2));
  const buffers = model.namedBuffers();
  buffers[0][1].fill_(group.rank + 5); // running_mean differs per rank
  // small buckets: the three parameter groups travel in several allreduces
  const parallel = new DataParallel(group, model, { bucketBytes: 40 });
  result.buckets = parallel.buckets.length;
  await parallel.broadcastState();
  result.parameters = model.parameters().map(values);
  result.runningMean = values(buffers[0][1]);
  model.parameters().forEach((p, i) => { p.grad = torch.full([...p.shape], (group.rank + 1) * (i + 1)); });
  await parallel.averageGradients('the test gradients');
  result.gradients = model.parameters().map((p) => values(p.grad!));
  result.validation = await group.sum([group.rank + 0.5, 1], 'a sum');
  result.anyStop = await group.any([group.rank === 1, false], 'the stop flags');
} else if (scenario === 'hang' || scenario === 'die') {
  const tensor = torch.tensor([1]);
  await group.allreduce(tensor, 'sum', 'the first sum');
  group.setTimeout(Number(process.env.TEST_TIMEOUT_MS));
  if (group.rank === 1) {
    if (scenario === 'die') process.kill(process.pid, 'SIGKILL');
    await new Promise(() => setInterval(() => {}, 1000)); // hangs, alive, never reaching the next collective
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  try {
    await group.allreduce(tensor, 'sum', 'the second sum');
  } catch (error) {
    result.error = (error as Error).message;
    result.errorName = (error as Error).name;
    result.blamed = (error as { blamed?: number[] }).blamed;
  }
  result.seconds = (Date.now() - started) / 1000;
}
console.log(JSON.stringify(result));
process.exit(0);
