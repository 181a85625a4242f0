/** The `medslip` command line: commander wiring only; each command calls one task. */
import { Command } from 'commander';

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('medslip')
    .description('MeDSLIP — dual-stream (pathology + anatomy) vision-language pre-training for chest X-rays, on libtorch')
    .showHelpAfterError();

  program.command('info')
    .description('print versions, where libtorch came from, the BLAS in use, threads and devices')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const { collectInfo, formatInfo } = await import('./tasks/info.ts');
      const info = await collectInfo();
      console.log(options.json ? JSON.stringify(info, null, 2) : formatInfo(info));
    });

  program.command('smoke')
    .description('seconds-long check that libtorch trains through medslip: a small MLP must cut its loss 10×')
    .action(async () => {
      const { runSmoke } = await import('./tasks/smoke.ts');
      const { firstLoss, lastLoss } = runSmoke();
      const ok = lastLoss < firstLoss / 10;
      console.log(`loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(5)}: ${ok ? 'ok' : 'FAILED'}`);
      if (!ok) process.exitCode = 1;
    });

  program.command('pretrain')
    .description('pre-train MeDSLIP (default data: the built-in synthetic chest X-rays; or the reference split JSONs + .npy)')
    .argument('[overrides...]', 'settings as key=value, e.g. epochs=5 lr=1e-4 backbone=resnet18 (typed; unknown keys are errors)')
    .option('--config <file>', 'YAML config: medslip keys or the reference\'s Pretrain_MeDSLIP.yaml keys as they are')
    .option('--out <dir>', 'run folder (checkpoints, log.jsonl, loss.png, books)', 'runs/pretrain')
    .option('--resume <dir|file>', 'continue a run: its folder (uses last) or a checkpoint; same settings, lr and data order')
    .option('--device <device>', 'cpu, cuda or cuda:N')
    .option('--epochs <n>', 'epochs')
    .option('--batch-size <n>', 'images per step')
    .option('--workers <n>', 'data-loading workers')
    .option('--seed <n>', 'seed of data order, augmentation and init')
    .option('--text-encoder <dir>', 'a Hugging Face BERT folder for the books (default: offline encoder, no weights)')
    .option('--books <file>', 'precomputed books (.safetensors from `medslip books`)')
    .option('--quiet', 'no progress bars')
    .addHelpText('after', `
Examples:
  medslip pretrain epochs=2 backbone=resnet18 imageSize=128 syntheticSize=128 --out runs/try
  medslip pretrain --config PreTrain_MeDSLIP/configs/Pretrain_MeDSLIP.yaml --text-encoder Bio_ClinicalBERT --out runs/mimic
  medslip pretrain --resume runs/try epochs=4`)
    .action(async (overrides: string[], options: Record<string, string | boolean | undefined>) => {
      const { loadPretrainConfig, parseOverrides, applySettings, PRETRAIN_DEFAULTS } = await import('./tasks/pretrain/config.ts');
      const { runPretrain } = await import('./tasks/pretrain.ts');
      const flags: Record<string, string> = {};
      const flagKeys: Record<string, string> = { device: 'device', epochs: 'epochs', batchSize: 'batchSize', workers: 'workers', seed: 'seed', textEncoder: 'textEncoder', books: 'books' };
      for (const [option, key] of Object.entries(flagKeys)) if (typeof options[option] === 'string') flags[key] = options[option] as string;
      const allOverrides = [...overrides, ...Object.entries(flags).map(([k, v]) => `${k}=${v}`)];
      const config = loadPretrainConfig({ file: options.config as string | undefined, overrides: allOverrides });
      const explicit = applySettings({ ...PRETRAIN_DEFAULTS }, parseOverrides(allOverrides), 'command-line override');
      const resumeOverrides = Object.fromEntries(Object.keys(parseOverrides(allOverrides)).map((k) => [k, (explicit as unknown as Record<string, unknown>)[k]]));
      const result = await runPretrain({ config, out: options.out as string, resume: options.resume as string | undefined,
        resumeOverrides, quiet: options.quiet === true });
      console.log(`${result.interrupted ? 'stopped' : 'done'}: ${result.epochsDone} epoch(s), ${result.steps} steps in ${result.seconds.toFixed(0)} s; best validation loss ${result.bestValLoss.toFixed(4)}; run folder ${result.out}`);
    });

  program.command('labels')
    .description('reports → anatomy × observation label matrices (labels.npy (N, 51, 75) + ids.json, the reference layout)')
    .argument('<input>', 'a CSV with id,text columns, a folder of .txt reports, or a RadGraph JSON (MIMIC-CXR_graphs.json)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--jsonl', 'also write labels.jsonl: the extracted entities of each report')
    .option('--id-column <name>', 'CSV column of the report id', 'id')
    .option('--text-column <name>', 'CSV column of the report text', 'text')
    .option('--all-sections', 'read every section (default: FINDINGS and IMPRESSION only)')
    .addHelpText('after', `
Values: 1 = mentioned as present at that landmark, 0 = only negated, -1 = not mentioned or only uncertain.
Example:
  medslip labels reports.csv --out labels/ --jsonl`)
    .action(async (input: string, options: { out: string; jsonl?: boolean; idColumn: string; textColumn: string; allSections?: boolean }) => {
      const { runLabels } = await import('./tasks/labels.ts');
      const summary = runLabels({ input, out: options.out, jsonl: options.jsonl, idColumn: options.idColumn,
        textColumn: options.textColumn, sections: options.allSections ? 'all' : undefined });
      console.log(`${summary.reports} reports (${summary.source}): ${summary.present} present and ${summary.absent} negated-only entries; wrote ${summary.files.join(', ')}`);
    });

  program.command('synth')
    .description('generate synthetic chest radiographs with reports, masks and the reference file formats (the demo\'s data)')
    .requiredOption('--out <dir>', 'output folder (must not exist, or use --overwrite)')
    .option('--n <count>', 'number of images', (v) => Number.parseInt(v, 10), 2000)
    .option('--size <px>', 'image side in pixels', (v) => Number.parseInt(v, 10), 224)
    .option('--seed <n>', 'generator seed', (v) => Number.parseInt(v, 10), 1)
    .option('--held-out <count>', 'images kept out of pre-training for evaluation (default 20 %)', (v) => Number.parseInt(v, 10))
    .option('--overwrite', 'replace an existing folder')
    .addHelpText('after', `
Writes images/*.png, train.json / valid.json + labels.npy (pre-training), reports.csv, and for the held-out
images heldout_cxr14.csv, heldout_rsna.csv, heldout_siim.csv + masks/ — every reference format.
Example:
  medslip synth --out data/synth --n 2000 --size 224 --seed 1`)
    .action(async (options: { out: string; n: number; size: number; seed: number; heldOut?: number; overwrite?: boolean }) => {
      const { writeSyntheticDataset } = await import('./synth/dataset.ts');
      const started = Date.now();
      const manifest = await writeSyntheticDataset(options.out, { n: options.n, size: options.size, seed: options.seed,
        heldOut: options.heldOut, overwrite: options.overwrite });
      console.log(`${manifest.n} images of ${manifest.size} px in ${((Date.now() - started) / 1000).toFixed(1)} s → ${options.out} `
        + `(train ${manifest.splits.train}, valid ${manifest.splits.valid}, held out ${manifest.splits.heldOut})`);
    });

  program.command('books')
    .description('encode the pathology (75) and anatomy (51) books with a text encoder into a .safetensors file')
    .requiredOption('--out <file>', 'output .safetensors file (tensors pathology and anatomy, with metadata)')
    .option('--text-encoder <dir>', 'a Hugging Face BERT folder (config.json, vocab.txt, model.safetensors or pytorch_model.bin); default: the offline encoder')
    .option('--pathology-book <file>', 'a JSON object observation → description (75 entries, in order), e.g. the reference\'s "observation explanation.json"')
    .option('--max-length <n>', 'tokens per text (128 as the reference pre-training; its downstream scripts used 64)', (v) => Number.parseInt(v, 10), 128)
    .addHelpText('after', `
The offline encoder needs no weights but knows no medical language (structure only): zero-shot transfer to
unseen findings needs a real language model such as Bio_ClinicalBERT.
Example:
  medslip books --text-encoder models/Bio_ClinicalBERT --out books.safetensors`)
    .action(async (options: { out: string; textEncoder?: string; pathologyBook?: string; maxLength: number }) => {
      const { encodeBooksToFile } = await import('./text/encode-books.ts');
      const summary = encodeBooksToFile(options);
      for (const warning of summary.warnings) console.warn(`warning: ${warning}`);
      console.log(`books (${summary.pathologyRows} + ${summary.anatomyRows} × ${summary.dim}) encoded with ${summary.encoder} at max_length ${summary.maxLength} in ${summary.seconds.toFixed(1)} s → ${summary.out}`);
    });

  const bench = program.command('bench').description('benchmarks, each with a baseline measured in the same run');
  bench.command('engine')
    .description('matmul 1024³ and conv2d forward+backward against PyTorch on this machine (when python3-torch is installed)')
    .option('--threads <n>', 'intra-op threads (default: all cores)', (v) => Number.parseInt(v, 10))
    .option('--rounds <n>', 'alternating medslip/PyTorch rounds (median reported)', (v) => Number.parseInt(v, 10), 3)
    .option('--no-baseline', 'skip the PyTorch baseline')
    .option('--json', 'print one JSON object')
    .action(async (options: { threads?: number; rounds: number; baseline: boolean; json?: boolean }) => {
      const { runEngineBench, formatEngineBench } = await import('./tasks/bench-engine.ts');
      const result = runEngineBench(options);
      console.log(options.json ? JSON.stringify(result, null, 2) : formatEngineBench(result));
    });

  await program.parseAsync(argv);
}
