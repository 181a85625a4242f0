/**
 * `medslip serve`: the local web page (src/serve) for one model. The model is an ONNX file from `medslip export`,
 * or a checkpoint and its books exported on first use (kept in medslip's cache, reused while the checkpoint,
 * books and medslip version are unchanged), or, with neither, the demo's model (runs/demo/pretrain).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkpointImageSize } from '../io/checkpoint.ts';
import { resolveCheckpoint } from '../io/resolve-checkpoint.ts';
import { readModelFile, type OnnxModelMetadata } from '../export/index.ts';
import { startServer, type RunningServer } from '../serve/server.ts';
import { medslipVersion } from '../util/version.ts';
import { cacheDir } from './pretrain/data.ts';
import { runExport } from './export.ts';

export interface ServeTaskOptions {
  /** An ONNX model written by `medslip export`. */
  model?: string;
  /** A checkpoint and its books, exported on first use (instead of `model`). */
  checkpoint?: string;
  books?: string;
  /** Input side for that export (default: the size the checkpoint was trained at, else 224). */
  size?: number;
  /** Default 127.0.0.1 (this computer only). */
  host?: string;
  /** Default 8080. */
  port?: number;
  log?: (line: string) => void;
}

/** Where `medslip demo` leaves its pre-trained model. */
export const DEMO_CHECKPOINT = join('runs', 'demo', 'pretrain', 'best');
export const DEMO_BOOKS = join('runs', 'demo', 'pretrain', 'books.safetensors');

/**
 * Resolves the model to serve (exporting a checkpoint when needed) and starts the server.
 * @throws Error saying how to make a model when there is none, or naming the file that cannot be served.
 */
export async function runServe(options: ServeTaskOptions): Promise<RunningServer & { model: string; metadata: OnnxModelMetadata }> {
  const log = options.log ?? (() => {});
  const model = await modelToServe(options, log);
  const { metadata } = await readModelFile(model);
  const running = await startServer({ modelFile: model, metadata, host: options.host, port: options.port, log });
  return { ...running, model, metadata };
}

async function modelToServe(options: ServeTaskOptions, log: (line: string) => void): Promise<string> {
  if (options.model !== undefined) {
    if (options.checkpoint !== undefined || options.books !== undefined) throw new Error('serve takes --model or --checkpoint with --books, not both');
    if (!existsSync(options.model)) throw new Error(`${options.model} does not exist; write one with \`medslip export --checkpoint C --books B --out ${options.model}\``);
    return options.model;
  }
  let checkpoint = options.checkpoint, books = options.books;
  if (checkpoint === undefined && books === undefined) {
    if (!checkpointExists(DEMO_CHECKPOINT) || !existsSync(DEMO_BOOKS)) {
      throw new Error([
        `No model to serve: there is no demo model in ${resolve(dirname(DEMO_CHECKPOINT))}. Either`,
        '  npm run demo                                         (trains the demo model, 5–10 minutes), then medslip serve, or',
        '  medslip serve --model model.onnx                     (a file from `medslip export`), or',
        '  medslip serve --checkpoint RUN/best --books RUN/books.safetensors',
      ].join('\n'));
    }
    [checkpoint, books] = [DEMO_CHECKPOINT, DEMO_BOOKS];
    log(`serving the demo's model (${DEMO_CHECKPOINT})`);
  }
  if (checkpoint === undefined || books === undefined) throw new Error('serve needs both --checkpoint and --books (or --model FILE.onnx)');
  const size = options.size ?? checkpointImageSize(checkpoint) ?? 224;
  const file = exportedFile(checkpoint, books, size);
  if (existsSync(file)) {
    log(`using ${file} (exported earlier from ${checkpoint})`);
    return file;
  }
  mkdirSync(dirname(file), { recursive: true });
  log(`exporting ${checkpoint} to ${file} (first use) …`);
  await runExport({ checkpoint, books, out: file, size, verify: false, log });
  return file;
}

/** Whether `path` is a checkpoint in a form the resolver accepts. */
function checkpointExists(path: string): boolean {
  try {
    resolveCheckpoint(path);
    return true;
  } catch {
    return false;
  }
}

/** The cache file of an export: named by what it depends on, so a changed checkpoint or books exports anew. */
function exportedFile(checkpoint: string, books: string, size: number): string {
  const resolved = resolveCheckpoint(checkpoint);
  // a medslip checkpoint's manifest changes with every save (its files' names, sizes and hashes)
  const prefix = resolved.kind === 'medslip' ? resolved.prefix : resolved.path.replace(/\.[^./]+$/, '');
  const inputs = [resolved.kind === 'medslip' ? `${prefix}.json` : resolved.path, books]
    .map((f) => `${resolve(f)}:${statSync(f).size}:${statSync(f).mtimeMs}`);
  const key = createHash('sha256').update([...inputs, String(size), medslipVersion()].join('\n')).digest('hex').slice(0, 16);
  return join(cacheDir(), 'onnx', `${basename(prefix)}-${size}px-${key}.onnx`);
}
