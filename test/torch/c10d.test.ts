// The c10d bindings across two real processes meeting in a FileStore: allreduce (sum, max), broadcast,
// allgather, barrier and the store itself give the exact values, and a collective that a rank never joins fails
// within its timeout instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-c10d-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** A rank's JSON line (c10d-worker.ts): the fields of the scenario it ran. */
interface RankResult {
  rank: number;
  sum?: number[];
  max?: number[];
  broadcast?: number[];
  allgather?: number[][];
  storeSeesBoth?: boolean;
  counter?: number;
  error?: string | null;
  errorName?: string;
  seconds?: number;
}

/** Runs one scenario on `worldSize` processes; resolves with each rank's JSON line. */
function runRanks(scenario: string, worldSize: number): Promise<RankResult[]> {
  const storeFile = join(work, `${scenario}-store`);
  return Promise.all(Array.from({ length: worldSize }, (_, rank) => new Promise<RankResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'torch', 'c10d-worker.ts'), scenario, String(rank), String(worldSize), storeFile],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`rank ${rank} exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as RankResult);
    });
  })));
}

test('two processes: allreduce, broadcast, allgather, barrier and the store give exact values', async () => {
  const ranks = await runRanks('collectives', 2);
  for (const result of ranks) {
    assert.deepEqual(result.sum, [3, 30], `rank ${result.rank} sum`);
    assert.deepEqual(result.max, [1, 0], `rank ${result.rank} max`);
    assert.deepEqual(result.broadcast, [7, 8], `rank ${result.rank} broadcast from rank 1`);
    assert.deepEqual(result.allgather, [[0, 0, 0], [1, 2, 3]], `rank ${result.rank} allgather`);
    assert.equal(result.storeSeesBoth, true);
  }
  // add() is atomic across processes: the two increments (1 and 2) end at 3 whichever came first
  assert.deepEqual(ranks.map((r) => r.counter).sort(), ranks[0].counter === 1 || ranks[1].counter === 1 ? [1, 3] : [2, 3]);
});

test('a barrier that one rank never joins fails within the wait timeout, naming the collective', async () => {
  const [rank0] = await runRanks('timeout', 2);
  assert.equal(rank0.errorName, 'NativeError');
  assert.match(String(rank0.error), /^barrier: /);
  const seconds = rank0.seconds!;
  assert.ok(seconds >= 1.4 && seconds < 8, `failed after ${seconds} s (timeout 1.5 s)`);
});
