/**
 * The HTTP server of `medslip serve`: static only. It sends the page, its script, the ONNX model and the
 * WebAssembly runtimes, and receives nothing: there is no upload route, so an image cannot reach it.
 *
 * - Bound to 127.0.0.1 unless told otherwise; on a loopback address it answers only requests whose Host is a
 *   loopback name (a web page elsewhere cannot reach it through DNS rebinding).
 * - Cross-origin isolated (COOP same-origin + COEP require-corp), which lets ONNX Runtime Web use threads; a
 *   Content-Security-Policy that allows connections to this server only.
 * - Stays up whatever a client sends: malformed requests get 400, unknown paths 404, other methods 405, every
 *   handler error 500, stream and socket errors are contained.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { OnnxModelMetadata } from '../export/metadata.ts';
import { appFile, bundleApp } from './bundle.ts';
import { SERVE_DEFAULTS } from './defaults.ts';

export interface ServeOptions {
  /** The ONNX model file (from `medslip export`). */
  modelFile: string;
  metadata: OnnxModelMetadata;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** One line per request that failed on the server's side (default: none). */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web')); // its dist/ folder

/** Files served beyond the page, by URL path: ONNX Runtime Web's WebAssembly build and the DICOM codecs' .wasm. */
const RUNTIME_FILES: Readonly<Record<string, string>> = {
  '/ort/ort-wasm-simd-threaded.mjs': join(ortDist, 'ort-wasm-simd-threaded.mjs'),
  '/ort/ort-wasm-simd-threaded.wasm': join(ortDist, 'ort-wasm-simd-threaded.wasm'),
  '/codecs/openjpegwasm_decode.wasm': require.resolve('@cornerstonejs/codec-openjpeg/decodewasm'),
  '/codecs/charlswasm_decode.wasm': require.resolve('@cornerstonejs/codec-charls/decodewasm'),
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8',
  '.onnx': 'application/octet-stream',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
    + "img-src 'self' blob: data:; connect-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Starts the server; resolves when it listens.
 * @throws Error when the page cannot be bundled or the port cannot be bound (named in the message).
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? SERVE_DEFAULTS.host;
  const listenPort = options.port ?? SERVE_DEFAULTS.port;
  const log = options.log ?? (() => {});
  const script = await bundleApp();
  const page = { html: readFileSync(appFile('index.html'), 'utf8'), css: readFileSync(appFile('style.css'), 'utf8') };
  const modelSize = statSync(options.modelFile).size;
  const modelJson = JSON.stringify({ file: basename(options.modelFile), bytes: modelSize, metadata: options.metadata });
  const loopbackOnly = host === '127.0.0.1' || host === 'localhost' || host === '::1';

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, request, 405, 'text/plain; charset=utf-8', 'Method not allowed: this server only sends files\n');
      return;
    }
    const hostName = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (loopbackOnly && !LOOPBACK_HOSTS.has(hostName)) {
      send(response, request, 421, 'text/plain; charset=utf-8', 'This server answers requests for localhost only\n');
      return;
    }
    let path: string;
    try {
      path = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      send(response, request, 400, 'text/plain; charset=utf-8', 'Bad request\n');
      return;
    }
    const runtime = Object.hasOwn(RUNTIME_FILES, path) ? RUNTIME_FILES[path] : undefined;
    if (path === '/' || path === '/index.html') send(response, request, 200, TYPES['.html'], page.html, 'no-store');
    else if (path === '/app.js') send(response, request, 200, TYPES['.js'], script, 'no-store');
    else if (path === '/style.css') send(response, request, 200, TYPES['.css'], page.css, 'no-store');
    else if (path === '/model.json') send(response, request, 200, TYPES['.json'], modelJson, 'no-store');
    else if (path === '/model.onnx') sendFile(response, request, options.modelFile, TYPES['.onnx'], log);
    else if (runtime) sendFile(response, request, runtime, TYPES[path.slice(path.lastIndexOf('.'))], log);
    else send(response, request, 404, 'text/plain; charset=utf-8', 'Not found\n');
  };

  const server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      log(`error answering ${request.method} ${request.url}: ${(error as Error).message}`);
      if (!response.headersSent) send(response, request, 500, 'text/plain; charset=utf-8', 'Internal error\n');
      else response.destroy();
    }
  });
  // Malformed HTTP (bad request line, oversized headers): answer 400 if the socket can still take it, never crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(
      error.code === 'EADDRINUSE' ? `port ${listenPort} on ${host} is in use; choose another with --port` : `cannot listen on ${host}:${listenPort} (${error.message})`,
    )));
    server.listen(listenPort, host, () => resolve());
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function send(response: ServerResponse, request: IncomingMessage, status: number, type: string, body: string, cache = 'no-cache'): void {
  const bytes = Buffer.from(body, 'utf8');
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length, 'Cache-Control': cache });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

function sendFile(response: ServerResponse, request: IncomingMessage, file: string, type: string, log: (line: string) => void): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    log(`cannot read ${file}: ${(error as Error).message}`);
    send(response, request, 500, 'text/plain; charset=utf-8', 'The server cannot read this file\n');
    return;
  }
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': size, 'Cache-Control': 'no-cache' });
  if (request.method === 'HEAD') return void response.end();
  const stream = createReadStream(file);
  stream.on('error', (error) => {
    log(`error sending ${file}: ${error.message}`);
    response.destroy();
  });
  response.on('close', () => stream.destroy()); // a client that leaves mid-download stops the read
  stream.pipe(response);
}
