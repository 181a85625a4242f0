// src/distributed across two real processes joined through torchrun's variables and a TCP store:
// DataParallel gives every rank rank 0's parameters and buffers and the mean of the gradients (over several
// buckets); sums and stop flags agree; and a rank that hangs or dies makes the other fail within the timeout with
// an error that names it — never a silent hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';
import { workerEnv } from '../../src/distributed/env.ts';
import { freePort } from '../../src/distributed/launch.ts';

/** A rank's JSON line (rank-worker.ts): the fields of the scenario it ran. */
interface RankResult {
  rank: number;
  buckets?: number;
  parameters?: number[][];
  runningMean?: number[];
  gradients?: number[][];
  validation?: number[];
  anyStop?: boolean[];
  error?: string;
  errorName?: string;
  blamed?: number[];
  seconds?: number;
}

interface RankRun { results: Promise<RankResult | undefined>[]; children: ChildProcess[] }

/** Starts `scenario` on two ranks; a rank that dies yields undefined instead of a result. */
async function startRanks(scenario: string, extraEnv: Record<string, string> = {}): Promise<RankRun> {
  const port = await freePort('127.0.0.1');
  const children: ChildProcess[] = [];
  const results = [0, 1].map((rank) => new Promise<RankResult | undefined>((resolve, reject) => {
    const env = { ...process.env, ...extraEnv, ...workerEnv({ rank, worldSize: 2, localRank: rank, localWorldSize: 2, masterAddr: '127.0.0.1', masterPort: port }) };
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'distributed', 'rank-worker.ts'), scenario],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '', err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('exit', (code, signal) => {
      if (signal !== null) resolve(undefined);
      else if (code !== 0) reject(new Error(`rank ${rank} exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as RankResult);
    });
  }));
  return { results, children };
}

test('DataParallel: rank 0\'s parameters and buffers everywhere, mean gradients over buckets, sums and flags agree', async () => {
  const { results } = await startRanks('ddp');
  const [rank0, rank1] = (await Promise.all(results)) as RankResult[];
  assert.ok(rank0.buckets! >= 3, `${rank0.buckets} buckets`);
  assert.deepEqual(rank1.parameters, rank0.parameters, 'parameters equal after the broadcast');
  for (const r of [rank0, rank1]) {
    assert.deepEqual(r.runningMean, [5, 5, 5, 5], `rank ${r.rank} holds rank 0's running mean`);
    // parameter i had gradient (rank + 1)·(i + 1) on each rank: the mean is 1.5·(i + 1)
    r.gradients!.forEach((grad, i) => assert.ok(grad.every((g) => g === 1.5 * (i + 1)), `rank ${r.rank} gradient ${i}: ${grad}`));
    assert.deepEqual(r.validation, [2, 2]);
    assert.deepEqual(r.anyStop, [true, false]);
  }
});

for (const [scenario, how] of [['hang', 'hangs'], ['die', 'is killed']] as const) {
  test(`a rank that ${how} makes the other fail within the timeout, naming it`, async () => {
    const { results, children } = await startRanks(scenario, { TEST_TIMEOUT_MS: '3000' });
    try {
      const rank0 = (await results[0])!;
      assert.equal(rank0.errorName, 'DistributedError');
      assert.deepEqual(rank0.blamed, [1]);
      assert.match(String(rank0.error), /^the second sum failed on rank 0 of 2 after \d+\.\d s: .+\. rank 1 has died or hung before it: its last collective was #1 \(the first sum\), this one is #2$/);
      assert.ok(rank0.seconds! < 3000 / 1000 + 3, `failed after ${rank0.seconds} s with a 3 s timeout`);
    } finally {
      children[1].kill('SIGKILL');
    }
  });
}
