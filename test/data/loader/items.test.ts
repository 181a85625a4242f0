import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { test } from 'node:test';
import { transferListOf, type ClassificationItem } from '../../../src/data/loader/items.ts';
import { mixSeed } from '../../../src/data/loader/seeds.ts';

function receive<T>(message: T, transfer: ArrayBuffer[]): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise<T>((resolve) => {
    port2.once('message', (received: T) => {
      port1.close();
      port2.close();
      resolve(received);
    });
    port1.postMessage(message, transfer);
  });
}

test('items move between threads by transfer: the sender\'s buffers are detached, the receiver has the values', async () => {
  const image = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => i / 7);
  const labels = Float32Array.of(1, 0, Number.NaN);
  const item: ClassificationItem = { kind: 'classification', index: 9, image, imageShape: [3, 4, 4], labels };
  const transfer = transferListOf(item);
  assert.deepEqual(transfer, [image.buffer, labels.buffer]);
  const received = await receive(item, transfer);
  assert.equal(image.byteLength, 0, 'the image was transferred, not copied');
  assert.equal(labels.byteLength, 0);
  assert.deepEqual(Array.from(received.image), Array.from({ length: 48 }, (_, i) => Math.fround(i / 7)));
  assert.deepEqual(Array.from(received.labels), [1, 0, Number.NaN]);
  assert.equal(received.index, 9);
});

test('a field that views part of a larger buffer is copied first, so only its own bytes move', async () => {
  const shared = new Float32Array(100).fill(2);
  const item: ClassificationItem = {
    kind: 'classification', index: 0, image: shared.subarray(10, 58), imageShape: [3, 4, 4], labels: shared.subarray(0, 2),
  };
  const transfer = transferListOf(item);
  assert.equal(transfer.length, 2);
  assert.notEqual(item.image.buffer, shared.buffer);
  assert.equal(item.image.buffer.byteLength, 48 * 4);
  await receive(item, transfer);
  assert.equal(shared.length, 100, 'the larger buffer stays with its owner');
});

test('mixSeed: a pure function of its arguments, sensitive to each, with checked inputs', () => {
  assert.equal(mixSeed(1, 2, 3), mixSeed(1, 2, 3));
  const variants = new Set([mixSeed(1, 2, 3), mixSeed(1, 2, 4), mixSeed(1, 3, 3), mixSeed(2, 2, 3), mixSeed(1, 2, 3 + 2 ** 32)]);
  assert.equal(variants.size, 5);
  assert.throws(() => mixSeed(1, -1), { name: 'RangeError', message: 'Expected a non-negative integer for seed component 1 but received -1' });
  assert.throws(() => mixSeed(0.5), { name: 'TypeError' });
});
