// One rank of the c10d tests (test/torch/c10d.test.ts), run as its own process:
//   node --import tsx test/torch/c10d-worker.ts <scenario> <rank> <worldSize> <storeFile>
// Prints one JSON line with what the rank observed.
import * as torch from '../../src/torch/index.ts';
import { ProcessGroupGloo, Store } from '../../src/torch/c10d.ts';

const [scenario, rankText, worldText, storeFile] = process.argv.slice(2);
const rank = Number(rankText), worldSize = Number(worldText);
const store = Store.file(storeFile, worldSize);
const group = ProcessGroupGloo.create(store, { rank, worldSize, timeoutMs: 20_000 });
const values = (t: torch.Tensor): number[] => Array.from(t.toArray() as Float32Array);
const result: Record<string, unknown> = { rank };

if (scenario === 'collectives') {
  const summed = torch.tensor([rank + 1, 10 * (rank + 1)]);
  const maxed = torch.tensor([rank, -rank]);
  await Promise.all([group.allreduce(summed, 'sum').wait(10_000), group.allreduce(maxed, 'max').wait(10_000)]);
  result.sum = values(summed);
  result.max = values(maxed);
  const shared = torch.tensor([rank === 1 ? 7 : 0, rank === 1 ? 8 : 0]);
  await group.broadcast(shared, 1).wait(10_000);
  result.broadcast = values(shared);
  const gathered = Array.from({ length: worldSize }, () => torch.zeros([3]));
  await group.allgather(gathered, torch.tensor([rank, rank * 2, rank * 3])).wait(10_000);
  result.allgather = gathered.map(values);
  await group.barrier().wait(10_000);
  store.set(`done/${rank}`, 'yes');
  result.storeSeesBoth = (() => { store.get('done/0'); store.get('done/1'); return store.check(['done/0', 'done/1']); })();
  result.counter = store.add('counter', rank + 1);
} else if (scenario === 'timeout') {
  // rank 1 never joins the barrier: rank 0's wait must fail within its timeout instead of hanging.
  if (rank === 0) {
    const started = Date.now();
    try {
      await group.barrier().wait(1500);
      result.error = null;
    } catch (error) {
      result.error = (error as Error).message;
      result.errorName = (error as Error).name;
    }
    result.seconds = (Date.now() - started) / 1000;
    store.set('rank0-done', '1');
  } else {
    store.get('rank0-done'); // waits (up to the store timeout) until rank 0 has seen its timeout
  }
}
console.log(JSON.stringify(result));
process.exit(0); // a barrier left pending on rank 0 must not keep the process alive
