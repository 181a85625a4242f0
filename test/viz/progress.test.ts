/** Progress reporting: periodic plain lines off a TTY, a cli-progress bar on one, nothing when silent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressBar } from '../../src/viz/index.ts';
import { formatDuration } from '../../src/viz/progress.ts';

function captureStream(isTTY: boolean): { stream: { write(text: string): boolean; isTTY: boolean; columns: number }; output: () => string } {
  let text = '';
  return { stream: { write: (chunk: string) => { text += chunk; return true; }, isTTY, columns: 120 }, output: () => text };
}

test('formatDuration', () => {
  assert.equal(formatDuration(12.4), '12s');
  assert.equal(formatDuration(187), '3m 07s');
  assert.equal(formatDuration(3720), '1h 02m');
  assert.equal(formatDuration(Number.NaN), '?');
});

test('off a TTY: one plain line per interval with count, loss, throughput, elapsed and ETA (the final state is not printed twice)', () => {
  const { stream, output } = captureStream(false);
  let clock = 1_000_000;
  const bar = progressBar({ total: 200, label: 'epoch 3', stream, intervalMs: 5000, now: () => clock });
  for (let i = 1; i <= 150; i++) {
    clock += 200; // 5 items per second
    bar.update(i, { loss: 2 / i });
  }
  bar.stop();
  bar.stop(); // idempotent
  const lines = output().trimEnd().split('\n');
  // 150 items × 200 ms = 30 s: a line every 5 s (6 lines), the last at item 150, so stop() adds nothing new.
  assert.equal(lines.length, 6);
  assert.equal(lines[0], 'epoch 3 25/200 (12.5%) | loss 0.0800 | 5.0 it/s | elapsed 5s | ETA 35s');
  assert.equal(lines[5], 'epoch 3 150/200 (75.0%) | loss 0.0133 | 5.0 it/s | elapsed 30s | ETA 10s');
});

test('caller-measured throughput is shown as images/s, and stop() prints the final state', () => {
  const { stream, output } = captureStream(false);
  let clock = 0;
  const bar = progressBar({ total: 10, label: 'eval', stream, intervalMs: 60_000, now: () => clock });
  clock = 4000;
  bar.update(4, { imagesPerSec: 123.45 });
  assert.equal(output(), '');
  bar.stop();
  assert.equal(output(), 'eval 4/10 (40.0%) | 123.5 images/s | elapsed 4s | ETA 6s\n');
  bar.update(5);
  assert.equal(output().split('\n').length, 2, 'updates after stop print nothing');
});

test('the whole run\'s ETA, when given, is shown beside the epoch\'s', () => {
  const { stream, output } = captureStream(false);
  let clock = 0;
  const bar = progressBar({ total: 10, label: 'epoch 2/5', stream, intervalMs: 60_000, now: () => clock });
  clock = 4000;
  bar.update(4, { loss: 0.5, runEtaSeconds: 3725 });
  bar.stop();
  assert.equal(output(), 'epoch 2/5 4/10 (40.0%) | loss 0.5000 | 1.0 it/s | elapsed 4s | ETA 6s | run ETA 1h 02m\n');
  const tty = captureStream(true);
  const ttyBar = progressBar({ total: 10, label: 'epoch 2/5', stream: tty.stream });
  ttyBar.update(5, { loss: 0.25, runEtaSeconds: 187 });
  ttyBar.stop();
  assert.match(tty.output(), /loss 0\.2500 \| run ETA 3m 07s/);
});

test('on a TTY: a cli-progress bar with label, percentage, ETA, throughput and loss', () => {
  const { stream, output } = captureStream(true);
  const bar = progressBar({ total: 10, label: 'pretrain', stream });
  bar.update(5, { loss: 0.25, imagesPerSec: 40 });
  bar.stop();
  const text = output();
  assert.match(text, /pretrain \[[█░]+\] 50% \| 5\/10 \| ETA \S+ \| 40\.0 images\/s \| loss 0\.2500/);
});

test('silent: nothing is written', () => {
  let writes = 0;
  const bar = progressBar({ total: 3, stream: { write: () => { writes++; }, isTTY: false }, silent: true, intervalMs: 0 });
  bar.update(1, { loss: 1 });
  bar.stop();
  assert.equal(writes, 0);
});

test('bad totals and intervals are rejected', () => {
  assert.throws(() => progressBar({ total: 0 }), { name: 'RangeError', message: /total/ });
  assert.throws(() => progressBar({ total: 2.5 }), { name: 'TypeError', message: 'Expected integer in [1, ∞) for total but received 2.5 (number)' });
  assert.throws(() => progressBar({ total: 2, intervalMs: -1 }), { name: 'RangeError', message: /intervalMs/ });
});
