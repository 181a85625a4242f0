// The server of `medslip serve`: what it sends (page, script, model, runtimes, with cross-origin isolation and a
// CSP), what it refuses, and that it stays up whatever a client sends; and how `serve` finds its model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServe } from '../../src/tasks/serve.ts';
import type { RunningServer } from '../../src/serve/server.ts';
import { makeServedModel } from './model.ts';

let dir: string;
let server: RunningServer & { model: string };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medslip-serve-'));
  const { modelFile } = await makeServedModel(dir, { size: 64, dModel: 32, layers: 1 });
  server = await runServe({ model: modelFile, port: 0 });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One raw HTTP exchange over TCP: whatever bytes we like, the server's whole answer. */
function raw(bytes: string | Buffer, options: { endAfterMs?: number } = {}): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk.toString('latin1'); });
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.write(bytes);
    setTimeout(() => socket.end(), options.endAfterMs ?? 300);
  });
}

test('the page, its script, the model and the runtimes are sent cross-origin isolated, with a CSP', async () => {
  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.match(page.headers.get('content-security-policy')!, /connect-src 'self'/);
  assert.match(await page.text(), /never uploaded/);

  const script = await fetch(new URL('/app.js', server.url));
  assert.equal(script.status, 200);
  assert.match(await script.text(), /InferenceSession/);

  const description = await (await fetch(new URL('/model.json', server.url))).json() as { file: string; bytes: number; metadata: { inputSize: number } };
  assert.equal(description.file, 'model.onnx');
  assert.equal(description.metadata.inputSize, 64);

  const model = Buffer.from(await (await fetch(new URL('/model.onnx', server.url))).arrayBuffer());
  assert.ok(model.equals(readFileSync(server.model)), 'the model is sent byte for byte');
  assert.equal(description.bytes, model.length);
  const head = await fetch(new URL('/model.onnx', server.url), { method: 'HEAD' });
  assert.equal(head.headers.get('content-length'), String(model.length));

  const wasm = await fetch(new URL('/ort/ort-wasm-simd-threaded.wasm', server.url));
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(new URL('/codecs/openjpegwasm_decode.wasm', server.url))).status, 200);
});

test('it refuses what it does not serve: other paths, methods, hosts; nothing can be uploaded', async () => {
  assert.equal((await fetch(new URL('/package.json', server.url))).status, 404);
  assert.equal((await fetch(new URL('/ort/ort.min.js', server.url))).status, 404);
  const post = await fetch(server.url, { method: 'POST', body: 'x'.repeat(1000) });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.match(await raw('GET /../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 404/);
  assert.match(await raw('GET /%2e%2e/%2e%2e/package.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 404/);
  // a page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) gets nothing
  assert.match(await raw('GET /model.onnx HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 421/);
});

test('it stays up whatever a client sends', async () => {
  const answers = await Promise.all([
    raw(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a])), // binary garbage
    raw('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ' + 'a'.repeat(200_000) + '\r\n\r\n'), // headers beyond the limit
    raw('GET /model.onnx HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { endAfterMs: 5 }), // leaves in the middle of a download
    raw('BREW /pot HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    raw('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n\r\npartial body', { endAfterMs: 50 }),
    raw('GET http://[bad HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
  ]);
  assert.match(answers[0], /^HTTP\/1\.1 400/);
  assert.match(answers[1], /^HTTP\/1\.1 (400|431)/);
  assert.match(answers[3], /^HTTP\/1\.1 (400|405)/);
  const again = await fetch(server.url);
  assert.equal(again.status, 200, 'the server still answers after all that');
});

test('serve without a model says how to make one; with a checkpoint it exports once and reuses the file', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'medslip-serve-nodemo-'));
  const cwd = process.cwd();
  const cache = process.env.MEDSLIP_CACHE;
  try {
    process.chdir(empty);
    await assert.rejects(runServe({ port: 0 }), (error: Error) =>
      /No model to serve: there is no demo model in .*runs\/demo\/pretrain/.test(error.message) && /npm run demo/.test(error.message)
      && /medslip serve --model model\.onnx/.test(error.message));
    await assert.rejects(runServe({ model: 'missing.onnx', port: 0 }), /missing\.onnx does not exist; write one with `medslip export/);
    process.chdir(cwd);

    process.env.MEDSLIP_CACHE = join(empty, 'cache');
    const { checkpoint, books } = await makeServedModel(join(empty, 'run'), { size: 64, dModel: 32, layers: 1 });
    const lines: string[] = [];
    const first = await runServe({ checkpoint, books, size: 64, port: 0, log: (line) => lines.push(line) });
    await first.close();
    assert.ok(first.model.startsWith(join(empty, 'cache', 'onnx')), first.model);
    assert.ok(lines.some((l) => l.startsWith('exporting')), lines.join('\n'));
    const second = await runServe({ checkpoint, books, size: 64, port: 0, log: (line) => lines.push(line) });
    await second.close();
    assert.equal(second.model, first.model);
    assert.ok(lines.some((l) => l.startsWith(`using ${first.model}`)), lines.join('\n'));
  } finally {
    process.chdir(cwd);
    if (cache === undefined) delete process.env.MEDSLIP_CACHE;
    else process.env.MEDSLIP_CACHE = cache;
    rmSync(empty, { recursive: true, force: true });
  }
});
