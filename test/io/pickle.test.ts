import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TorchTensorReference, unpickle, unpickleAt } from '../../src/io/pickle.ts';
import { repoRoot } from '../helpers.ts';

const fixtures = join(repoRoot, 'test', 'io', 'fixtures');
const pickles = JSON.parse(readFileSync(join(fixtures, 'plain-pickles.json'), 'utf8')) as Record<string, string>;
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

for (const protocol of ['0', '1', '2', '3', '4', '5']) {
  test(`plain values pickled by Python with protocol ${protocol}`, () => {
    const value = unpickle(Buffer.from(pickles[protocol], 'hex')) as Map<string, unknown>;
    assert.ok(value instanceof Map);
    assert.deepEqual(value.get('int'), [0, 1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31, 2n ** 53n, 2n ** 64n, -(2n ** 70n)]);
    assert.deepEqual(value.get('float'), [1.5, -0, 1e308]);
    assert.ok(Object.is((value.get('float') as number[])[1], -0));
    assert.deepEqual(value.get('str'), ['', 'é\u4e2d', "a'b\nc"]);
    assert.deepEqual(value.get('bytes'), Uint8Array.from([0, 255]));
    assert.equal(value.get('none'), null);
    assert.deepEqual(value.get('bool'), [true, false]);
    const tuple = value.get('tuple') as unknown[];
    assert.deepEqual(tuple, [1, [2, 3], []]);
    assert.ok(Object.isFrozen(tuple), 'tuples are frozen arrays');
    assert.deepEqual(value.get('set'), new Set([1, 2]));
    assert.deepEqual(value.get('frozen'), new Set(['x']));
    const shared = value.get('shared') as unknown[][];
    assert.equal(shared[0], shared[1], 'memoised objects keep their identity');
  });
}

test('refuses os.system (GLOBAL + REDUCE) and runs nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-pickle-'));
  const marker = join(dir, 'pwned');
  try {
    const payload = ascii(`cos\nsystem\n(S'touch ${marker}'\ntR.`);
    assert.throws(() => unpickle(payload, { name: 'evil.pkl' }),
      (error: Error) => error.message.includes('evil.pkl') && error.message.includes('refused to load global os.system'));
    assert.equal(existsSync(marker), false, 'the command must not have run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refuses other code-running globals, by GLOBAL and STACK_GLOBAL', () => {
  const cases: [Uint8Array, string][] = [
    [ascii("cposix\nsystem\n(S'id'\ntR."), 'posix.system'],
    [ascii("csubprocess\nPopen\n(S'id'\ntR."), 'subprocess.Popen'],
    // protocol 4: SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL, …
    [Uint8Array.from([0x80, 4, 0x8c, 8, ...ascii('builtins'), 0x8c, 4, ...ascii('eval'), 0x93, 0x8c, 1, 0x31, 0x85, 0x52, 0x2e]), 'builtins.eval'],
    [ascii('ctorch\nload\n.'), 'torch.load'],
  ];
  for (const [payload, global] of cases) {
    assert.throws(() => unpickle(payload), new RegExp(`refused to load global ${global.replace('.', '\\.')}`));
  }
});

test('tensor rebuilds produce references to what persistentLoad returned', () => {
  // ctorch._utils\n_rebuild_tensor_v2\n ( BINPERSID('storage-0') BININT1 2 (BININT1 3 t (BININT1 1 t NEWFALSE ) ) t R .
  const payload = Uint8Array.from([
    ...ascii('ctorch._utils\n_rebuild_tensor_v2\n('), 0x58, 9, 0, 0, 0, ...ascii('storage-0'), 0x51,
    0x4b, 2, 0x28, 0x4b, 3, 0x74, 0x28, 0x4b, 1, 0x74, 0x89, 0x29, 0x74, 0x52, 0x2e,
  ]);
  const seen: unknown[] = [];
  const value = unpickle(payload, { persistentLoad: (pid) => { seen.push(pid); return 'the storage'; } });
  assert.deepEqual(seen, ['storage-0']);
  assert.ok(value instanceof TorchTensorReference);
  assert.equal(value.storage, 'the storage');
  assert.equal(value.storageOffset, 2);
  assert.deepEqual(value.shape, [3]);
  assert.deepEqual(value.stride, [1]);
  assert.equal(value.requiresGrad, false);
  assert.throws(() => unpickle(payload), /persistent id was found but no persistentLoad was given/);
});

test('reports truncation, unknown opcodes and memo misses with the byte position', () => {
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x58, 10, 0, 0, 0, 0x61]), { name: 'cut.pkl' }),
    /cut\.pkl: truncated pickle: 10 more bytes needed \(pickle byte 7\)/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x4e, 0x82, 1])), /unsupported pickle opcode EXT1 \(pickle byte 3\)/);
  assert.throws(() => unpickle(Uint8Array.from([0x68, 5, 0x2e])), /memo entry 5 is not defined/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 6])), /unsupported pickle protocol 6/);
  assert.throws(() => unpickle(Uint8Array.from([0x2e])), /stack underflow/);
});

test('unpickleAt reads pickles back to back and returns where each ends', () => {
  const two = Uint8Array.from([0x80, 2, 0x4b, 7, 0x2e, 0x80, 2, 0x8c, 2, ...ascii('hi'), 0x2e]);
  const first = unpickleAt(two, 0);
  assert.deepEqual(first, { value: 7, end: 5 });
  assert.deepEqual(unpickleAt(two, first.end), { value: 'hi', end: two.length });
});
