/**
 * The page's script: src/serve/app/main.ts and what it imports from medslip (DICOM decoding, the evaluation
 * transform, heatmap upsampling, the vocabulary: the same code as the CLI) bundled for the browser by esbuild.
 *
 * Two substitutions make medslip's Node modules load in a page:
 * - ./dicom-codecs.ts becomes ./dicom-codecs.browser.ts (the browser's JPEG decoder, codec .wasm from /codecs/);
 * - Node built-ins and sharp become a stub that throws when called. Modules such as io/image.ts import them at
 *   the top but the page calls only their pure functions (toGrey, imageFormat, …): a call that reaches a stub is
 *   a bug, and its error says which module it needed.
 */
import { build, type Plugin } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), 'app');

const NODE_ONLY = /^(node:.*|fs|path|crypto|module|zlib|url|os|worker_threads|child_process|sharp)$/;

const browserBindings: Plugin = {
  name: 'medslip-browser-bindings',
  setup(bundle) {
    bundle.onResolve({ filter: /\/dicom-codecs\.ts$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\.ts$/, '.browser.ts')) }));
    bundle.onResolve({ filter: NODE_ONLY }, (args) => ({ path: args.path, namespace: 'node-only' }));
    bundle.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      loader: 'js',
      contents: `const unavailable = (name) => () => { throw new Error(${JSON.stringify(args.path)} + '.' + String(name) + ' is not available in the browser page'); };
module.exports = new Proxy({}, { get: (_, name) => (name === '__esModule' ? false : unavailable(name)) });`,
    }));
  },
};

/** The bundled page script (ES module), built in memory. */
export async function bundleApp(): Promise<string> {
  const result = await build({
    entryPoints: [join(appDir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox111', 'safari16.4'],
    // onnxruntime-web's build that loads its WebAssembly glue from env.wasm.wasmPaths (/ort/) instead of inlining it
    conditions: ['onnxruntime-web-use-extern-wasm'],
    plugins: [browserBindings],
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The page's static files (index.html, style.css), read from src/serve/app. */
export const appFile = (name: 'index.html' | 'style.css'): string => join(appDir, name);
