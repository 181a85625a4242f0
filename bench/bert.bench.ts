// Book encoding with a BERT-base-sized encoder: medslip (libtorch from TypeScript) against PyTorch side by side.
//
//   node --import tsx bench/bert.bench.ts [--reps 3] [--python /usr/bin/python3]
//
// Both sides build a RANDOM BERT-base (12 layers, hidden 768, 12 heads, intermediate 3072; random weights time
// the same as trained ones) and encode the 126 book entries (75 pathology descriptions + 51 anatomy prompts),
// tokenised once at max_length 128 with the bert-tiny fixture's vocabulary, 16 texts per forward pass, keeping
// the [CLS] vector. medslip runs its real path (`encodeTextsWith`, the code behind `BertEncoder.encodeTexts`);
// PyTorch runs bench/bert.bench.py with plain torch.nn modules, the same ids and the same thread count. Each side
// is warmed up on one batch, then timed `reps` times; the medians and their ratio are printed. Run it on an
// otherwise idle machine (OpenMP threads slow down badly when another process holds a core).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/torch/index.ts';
import { ANATOMY_BOOK, BertModel, PATHOLOGY_BOOK, loadTokenizer, type BertConfig } from '../src/text/index.ts';
import { encodeTextsWith } from '../src/text/bert-loader.ts';

const here = dirname(fileURLToPath(import.meta.url));
const argument = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
};
const reps = Number(argument('reps', '3'));
const python = argument('python', '/usr/bin/python3');
const maxLength = 128;
const batchSize = 16;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const tokenizer = loadTokenizer(join(here, '..', '..', 'shared', 'fixtures', 'bert-tiny'));
const texts = [...PATHOLOGY_BOOK, ...ANATOMY_BOOK];
const config: BertConfig = {
  vocabSize: tokenizer.vocabSize, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072,
  maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};
const threads = torch.getNumThreads();
console.log(`BERT-base (random weights), ${texts.length} texts at max_length ${maxLength}, batch ${batchSize}, ${threads} threads, ${reps} repetitions`);
console.log(`load average at start: ${loadavg()[0].toFixed(2)}${loadavg()[0] > 1.5 ? ' (busy machine: times are inflated)' : ''}`);

// ---- medslip --------------------------------------------------------------------------------------------------
torch.manualSeed(0);
const model = new BertModel(config, { pooler: false });
encodeTextsWith(model, tokenizer, texts.slice(0, batchSize), { maxLength, batchSize }); // warm-up
const medslipSeconds: number[] = [];
for (let r = 0; r < reps; r++) {
  const start = performance.now();
  const { count, dim } = encodeTextsWith(model, tokenizer, texts, { maxLength, batchSize });
  medslipSeconds.push((performance.now() - start) / 1000);
  if (count !== texts.length || dim !== 768) throw new Error(`unexpected output ${count}×${dim}`);
}
model.dispose();

// ---- PyTorch ----------------------------------------------------------------------------------------------------
const { inputIds, attentionMask, length } = tokenizer.encode(texts, { maxLength });
const rows = (values: BigInt64Array): number[][] =>
  Array.from({ length: texts.length }, (_, r) => Array.from(values.subarray(r * length, (r + 1) * length), Number));
const work = mkdtempSync(join(tmpdir(), 'medslip-bert-bench-'));
let pytorch: { seconds: number[]; threads: number; torch: string; cls_shape: number[] };
try {
  const input = join(work, 'input.json');
  writeFileSync(input, JSON.stringify({
    threads, repetitions: reps, batch_size: batchSize, input_ids: rows(inputIds), attention_mask: rows(attentionMask),
    config: {
      vocab_size: config.vocabSize, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072,
      max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12,
    },
  }));
  const run = spawnSync(python, [join(here, 'bert.bench.py'), input], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) }, maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`${python} bench/bert.bench.py failed (status ${run.status}): ${run.stderr || run.error?.message}`);
  pytorch = JSON.parse(run.stdout.trim().split('\n').pop()!) as typeof pytorch;
} finally {
  rmSync(work, { recursive: true, force: true });
}

const medslipMedian = median(medslipSeconds), pytorchMedian = median(pytorch.seconds);
const format = (values: number[]): string => values.map((s) => s.toFixed(2)).join(', ');
const medslipBest = Math.min(...medslipSeconds), pytorchBest = Math.min(...pytorch.seconds);
console.log(`medslip : median ${medslipMedian.toFixed(2)} s, best ${medslipBest.toFixed(2)} s  (runs ${format(medslipSeconds)})`);
console.log(`PyTorch : median ${pytorchMedian.toFixed(2)} s, best ${pytorchBest.toFixed(2)} s  (runs ${format(pytorch.seconds)}; torch ${pytorch.torch}, ${pytorch.threads} threads)`);
// The best run is the least disturbed by other processes; on a shared machine it is the steadier ratio.
console.log(`ratio medslip / PyTorch: ${(medslipMedian / pytorchMedian).toFixed(2)} (medians), ${(medslipBest / pytorchBest).toFixed(2)} (best runs)`);
console.log(`load average at end: ${loadavg()[0].toFixed(2)}`);
