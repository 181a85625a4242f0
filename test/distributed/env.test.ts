// torchrun's environment contract: parsed with defaults where torchrun's own are, refused with the variable's
// name when missing or out of range; workerEnv is its inverse (what the launcher sets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distributedEnv, workerEnv } from '../../src/distributed/env.ts';

test('no WORLD_SIZE: a single-process run', () => {
  assert.equal(distributedEnv({}), undefined);
});

test('torchrun variables give the layout; LOCAL_* and MASTER_PORT default as torchrun would', () => {
  assert.deepEqual(distributedEnv({ RANK: '3', WORLD_SIZE: '4', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: 'node0', MASTER_PORT: '1234' }),
    { rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, masterAddr: 'node0', masterPort: 1234 });
  assert.deepEqual(distributedEnv({ RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: 'host' }),
    { rank: 1, worldSize: 2, localRank: 1, localWorldSize: 2, masterAddr: 'host', masterPort: 29500 });
  const layout = { rank: 5, worldSize: 8, localRank: 1, localWorldSize: 4, masterAddr: '10.0.0.1', masterPort: 29400 };
  assert.deepEqual(distributedEnv(workerEnv(layout)), layout);
});

test('a missing or out-of-range variable is an error naming it', () => {
  assert.throws(() => distributedEnv({ WORLD_SIZE: '2', MASTER_ADDR: 'h' }),
    { name: 'TypeError', message: 'Expected an integer in [0, 1] for environment variable RANK but received undefined (undefined)' });
  assert.throws(() => distributedEnv({ WORLD_SIZE: '2', RANK: '2', MASTER_ADDR: 'h' }),
    { name: 'RangeError', message: 'Expected an integer in [0, 1] for environment variable RANK but received 2 (string)' });
  assert.throws(() => distributedEnv({ WORLD_SIZE: 'two', RANK: '0' }),
    { name: 'TypeError', message: 'Expected an integer for environment variable WORLD_SIZE but received two (string)' });
  assert.throws(() => distributedEnv({ WORLD_SIZE: '2', RANK: '0' }),
    { name: 'TypeError', message: 'Expected the host name or address of rank 0 for environment variable MASTER_ADDR but received undefined (undefined)' });
});
