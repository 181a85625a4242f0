/** The `medslip` command line: commander wiring only; each command calls one task. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { settingsHelp } from './tasks/pretrain/config.ts';
import { optionsFromTable, parseOptionValue, type OptionTable } from './tasks/option-table.ts';
import { FINETUNE_CLASSIFY_OPTIONS, FINETUNE_SEGMENT_OPTIONS } from './tasks/finetune/table.ts';
import {
  BENCH_DISTRIBUTED_OPTIONS, BENCH_ENGINE_OPTIONS, BENCH_LEARNING_OPTIONS, BENCH_LEARNING_PARITY_OPTIONS, BENCH_MEMORY_OPTIONS, BENCH_MODEL_OPTIONS, BOOKS_OPTIONS,
  DEMO_OPTIONS, EXPORT_OPTIONS, INFO_OPTIONS, LABELS_OPTIONS, PREDICT_OPTIONS, PRETRAIN_OPTIONS, SERVE_OPTIONS, SYNTH_OPTIONS, ZEROSHOT_CLASSIFY_OPTIONS, ZEROSHOT_GROUND_OPTIONS,
} from './tasks/tables.ts';

/**
 * Adds a task's option table to a command: flags, parsers by kind, allowed values, defaults, required flags. A
 * boolean `--x` is absent unless given; a `--no-x` is true unless given (commander's negatable flag).
 */
function withOptions<T>(command: Command, table: OptionTable<T>): Command {
  for (const entry of table) {
    const choices = entry.choices === undefined ? '' : ` (one of ${entry.choices.join(', ')})`;
    const option = new Option(entry.flag, entry.help + choices);
    if (entry.kind !== 'boolean') {
      option.argParser((text: string) => {
        let value: number | string | number[];
        try {
          value = parseOptionValue(entry, text);
        } catch (error) {
          throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
        }
        const { choices: allowed } = entry;
        // of an `integers` list, each element must be allowed
        if (allowed !== undefined && (Array.isArray(value) ? value : [value]).some((v) => !allowed.includes(v))) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
        return value;
      });
    }
    if (entry.default !== undefined) option.default(entry.default);
    if (entry.required === true) option.makeOptionMandatory();
    command.addOption(option);
  }
  return command;
}

/** The `medslip` program with every command, not yet parsed (docs/cli.md is rendered from it: src/cli-reference.ts). */
export function buildProgram(): Command {
  const program = new Command()
    .name('medslip')
    .description('MeDSLIP — dual-stream (pathology + anatomy) vision-language pre-training for chest X-rays, on libtorch')
    .showHelpAfterError();

  withOptions(program.command('info'), INFO_OPTIONS)
    .description('print versions, where libtorch came from, the BLAS in use, threads, devices and whether the CPU multiplies bfloat16 natively')
    .action(async (options: Record<string, unknown>) => {
      const { runInfoCommand } = await import('./tasks/info.ts');
      console.log(await runInfoCommand(optionsFromTable(INFO_OPTIONS, options)));
    });

  withOptions(program.command('demo'), DEMO_OPTIONS)
    .description('the whole method on built-in synthetic chest X-rays: generate data, pre-train, evaluate zero-shot classification and grounding, write a report (5–10 min on 2 cores)')
    .action(async (options: Record<string, unknown>) => {
      const { runDemo } = await import('./tasks/demo.ts');
      await runDemo(optionsFromTable(DEMO_OPTIONS, options));
    });

  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  const parsePrompts = (items: string[]): Record<string, string> => Object.fromEntries(items.map((item) => {
    const at = item.indexOf('=');
    if (at < 1) throw new Error(`--prompt must look like name="description" but is ${JSON.stringify(item)}`);
    return [item.slice(0, at), item.slice(at + 1)];
  }));
  const promptEncoder = async (books: string, textEncoder: string | undefined) => {
    const { textEncoderForBooks } = await import('./tasks/zeroshot/books.ts');
    const bert = textEncoder ? (await import('./text/bert-loader.ts')).loadBertEncoder(textEncoder) : undefined;
    return textEncoderForBooks(books, bert);
  };
  /** The command-line-only part of the zero-shot commands: --prompt texts, encoded with the books' own encoder. */
  const promptOptions = async (options: { prompt: string[]; books: string; textEncoder?: string }, needsEncoder: boolean) => {
    const prompts = parsePrompts(options.prompt);
    const encodeText = Object.keys(prompts).length > 0 || needsEncoder ? await promptEncoder(options.books, options.textEncoder) : undefined;
    return { prompts, encodeText };
  };
  const zeroshot = program.command('zeroshot').description('zero-shot evaluation of a pre-trained model (no fine-tuning)');
  const promptFlags = (command: Command): Command => command
    .option('--prompt <name=description>', 'score class NAME with a text description (repeatable); needs the books\' text encoder', collect, [])
    .option('--text-encoder <dir>', 'the BERT folder that made the books (for --prompt; not needed for offline books)');
  promptFlags(withOptions(zeroshot.command('classify'), ZEROSHOT_CLASSIFY_OPTIONS))
    .description('AUC, max-F1 and ACC per class with bootstrap 95 % intervals; results.csv/json and roc.png')
    .addHelpText('after', `
Class → query as the reference: CXR14 columns → their observations (fibrosis → tail_abnorm_obs), RSNA → pneumonia,
SIIM → pneumothorax, COVIDx pneumonia → pneumonia and COVID-19 through a text prompt.
Examples:
  medslip zeroshot classify --checkpoint runs/demo/pretrain/best --books runs/demo/pretrain/books.safetensors \\
    --dataset cxr14 --csv ~/.cache/medslip/synthetic-n1200-s128-seed1/heldout_cxr14.csv --size 128 --out eval/cxr14
  medslip zeroshot classify --checkpoint MeDSLIP_resnet50.pth --books books.safetensors --dataset cxr14 --csv test.csv --out eval/`)
    .action(async (options: { prompt: string[]; books: string; textEncoder?: string; dataset: string }) => {
      const { runZeroshotClassify } = await import('./tasks/zeroshot-classify.ts');
      await runZeroshotClassify({ ...optionsFromTable(ZEROSHOT_CLASSIFY_OPTIONS, options), ...await promptOptions(options, options.dataset === 'covidx') });
    });
  promptFlags(withOptions(zeroshot.command('ground'), ZEROSHOT_GROUND_OPTIONS))
    .description('pointing game, IoU and Dice of the query\'s attention heatmap (threshold sweep), overlay PNGs')
    .addHelpText('after', `
Heatmap = the query's cross-attention averaged over decoder layers and heads, normalised per image (the reference
divided by the batch maximum). Scored on positive images only, as the reference.
Example:
  medslip zeroshot ground --checkpoint runs/demo/pretrain/best --books runs/demo/pretrain/books.safetensors \\
    --dataset rsna --csv ~/.cache/medslip/synthetic-n1200-s128-seed1/heldout_rsna.csv --size 128 --out eval/rsna`)
    .action(async (options: { prompt: string[]; books: string; textEncoder?: string }) => {
      const { runZeroshotGround } = await import('./tasks/zeroshot-ground.ts');
      await runZeroshotGround({ ...optionsFromTable(ZEROSHOT_GROUND_OPTIONS, options), ...await promptOptions(options, false) });
    });

  const finetune = program.command('finetune').description('fine-tune on 1 %, 10 % or 100 % of a labelled set; the epoch is selected on the validation set, the test set is read once at the end');
  withOptions(finetune.command('classify'), FINETUNE_CLASSIFY_OPTIONS)
    .description('ResNet classifier (reference ModelRes_ft): AUC, max-F1, ACC on the test set')
    .addHelpText('after', `
Example (synthetic SIIM-format data from \`medslip synth\`):
  medslip finetune classify --dataset siim --init runs/demo/pretrain/best --train train.csv --valid valid.csv --test test.csv \\
    --percent 10 --epochs 5 --backbone resnet18 --image-size 128 --out runs/ft-cls`)
    .action(async (options: Record<string, unknown>) => {
      const { runFinetuneClassify } = await import('./tasks/finetune-classify.ts');
      const { metrics, files } = await runFinetuneClassify(optionsFromTable(FINETUNE_CLASSIFY_OPTIONS, options));
      console.log(`test: mean AUC ${metrics.test.meanAuc?.toFixed(4)}, mean F1 ${metrics.test.meanF1?.toFixed(4)} (epoch ${metrics.selection.epoch} selected on validation); ${files.metrics}`);
    });
  withOptions(finetune.command('segment'), FINETUNE_SEGMENT_OPTIONS)
    .description('Res-UNet (reference ModelResUNet_ft) on SIIM-format images + masks: Dice and mIoU on the test set')
    .action(async (options: Record<string, unknown>) => {
      const { runFinetuneSegment } = await import('./tasks/finetune-segment.ts');
      const { metrics, files } = await runFinetuneSegment(optionsFromTable(FINETUNE_SEGMENT_OPTIONS, options));
      console.log(`test: Dice ${metrics.test.dice.toFixed(4)}, mIoU ${metrics.test.miou.toFixed(4)} (epoch ${metrics.selection.epoch} selected on validation); ${files.metrics}`);
    });

  withOptions(program.command('predict'), PREDICT_OPTIONS)
    .description('observation probabilities (and optional heatmaps) for chest X-ray images (PNG, JPEG or DICOM)')
    .argument('<images...>', 'image files')
    .option('--json', 'print all 75 probabilities per image as JSON')
    .addHelpText('after', `
An image that cannot be read is reported (with --json: {"image", "error"} in its place) and the others are still
scored; the exit code is then 1.
Examples:
  medslip predict --checkpoint runs/demo/pretrain --books runs/demo/pretrain/books.safetensors x.png
  medslip predict --engine onnx --model model.onnx x.png y.dcm --heatmaps heatmaps/`)
    .action(async (images: string[], options: Record<string, unknown>) => {
      const { runPredict } = await import('./tasks/predict.ts');
      const outcomes = await runPredict({ ...optionsFromTable(PREDICT_OPTIONS, options), images });
      if (options.json) console.log(JSON.stringify(outcomes, null, 2));
      for (const p of outcomes) {
        if ('error' in p) console.error(`medslip: ${p.error}`);
        else if (!options.json) console.log(`${p.image}: ${p.top.map((t) => `${t.observation} ${t.probability.toFixed(3)}`).join(', ')}`);
      }
      if (outcomes.some((p) => 'error' in p)) process.exitCode = 1;
    });

  withOptions(program.command('export'), EXPORT_OPTIONS)
    .description('write a checkpoint and its books as one ONNX model (opset 17, dynamic batch) for ONNX Runtime or any ONNX runtime')
    .addHelpText('after', `
Inputs: images (batch, 3, size, size) float32, grey level/255 normalised with the ImageNet mean and std.
Outputs: pathology (batch, 75) and anatomy (batch, 51) probabilities of presence; heatmaps (batch, 75, h, w),
each observation's cross-attention averaged over heads and decoder layers, before upsampling. Observation and
landmark names, input size, normalisation and the medslip version are in the model's metadata.
Example:
  medslip export --checkpoint runs/demo/pretrain/best --books runs/demo/pretrain/books.safetensors --size 128 --out demo.onnx`)
    .action(async (options: Record<string, unknown>) => {
      const { runExport } = await import('./tasks/export.ts');
      const summary = await runExport({ ...optionsFromTable(EXPORT_OPTIONS, options), log: (line) => console.error(line) });
      const check = summary.check
        ? `; ONNX Runtime vs libtorch, max |Δ|: pathology ${summary.check.pathology.toExponential(1)}, anatomy ${summary.check.anatomy.toExponential(1)}, heatmaps ${summary.check.heatmaps.toExponential(1)}`
        : '';
      console.log(`${summary.out}: ${(summary.bytes / 2 ** 20).toFixed(1)} MB, ${summary.metadata.inputSize} px input, heatmaps ${summary.metadata.heatmapSize.join('×')}, in ${summary.seconds.toFixed(1)} s${check}`);
    });

  withOptions(program.command('serve'), SERVE_OPTIONS)
    .description('a local web page that runs the model in the browser (ONNX Runtime Web): drop a radiograph, see findings and heatmaps; the image never leaves the machine')
    .addHelpText('after', `
The page reads PNG, JPEG and DICOM files (DICOM with medslip's own decoder), shows the findings sorted by
probability and, for the selected finding, its heatmap over the image; results download as JSON or CSV.
Examples:
  medslip serve                                           # the demo's model (after npm run demo)
  medslip serve --model model.onnx --port 8081
  medslip serve --checkpoint runs/mimic/best --books runs/mimic/books.safetensors`)
    .action(async (options: Record<string, unknown>) => {
      const { runServe } = await import('./tasks/serve.ts');
      const running = await runServe({ ...optionsFromTable(SERVE_OPTIONS, options), log: (line) => console.error(line) });
      console.log(`medslip serve: ${running.url} (model ${running.model}); Ctrl-C stops it`);
      const stop = (): void => { void running.close().then(() => process.exit(0)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program.command('smoke')
    .description('seconds-long check that libtorch trains through medslip: a small MLP must cut its loss 10×')
    .action(async () => {
      const { runSmoke } = await import('./tasks/smoke.ts');
      const { firstLoss, lastLoss, passed } = runSmoke();
      console.log(`loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(5)}: ${passed ? 'ok' : 'FAILED'}`);
      if (!passed) process.exitCode = 1;
    });

  withOptions(program.command('pretrain'), PRETRAIN_OPTIONS)
    .description('pre-train MeDSLIP (default data: the built-in synthetic chest X-rays; or the reference split JSONs + .npy)')
    .argument('[overrides...]', 'settings as key=value, e.g. epochs=5 lr=1e-4 backbone=resnet18 (all listed below; typed; unknown keys are errors)')
    .addHelpText('after', () => `
Settings (key=value on the command line, or keys of the --config YAML):
${settingsHelp()}

A checkpoint is saved at the end of every epoch (last, and best on a better validation loss). Ctrl-C or SIGTERM
saves one at the current step and exits with 130 or 143; --resume then continues bit for bit.

Data-parallel training (libtorch c10d, Gloo): --nproc-per-node N starts N workers with torchrun's variables
(RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT). A process started with those variables
already set (torchrun, srun, a Kubernetes operator) runs as that rank and ignores the launcher options.

Examples:
  medslip pretrain epochs=2 backbone=resnet18 imageSize=128 syntheticSize=128 --out runs/try
  medslip pretrain --nproc-per-node 2 batchSize=32 --out runs/ddp
  medslip pretrain --config PreTrain_MeDSLIP/configs/Pretrain_MeDSLIP.yaml --text-encoder Bio_ClinicalBERT --out runs/mimic
  medslip pretrain --resume runs/try epochs=4`)
    .action(async (overrides: string[], options: Record<string, unknown>) => {
      const { runPretrainCommand } = await import('./tasks/pretrain/command.ts');
      const { summary, exitCode } = await runPretrainCommand(overrides, optionsFromTable(PRETRAIN_OPTIONS, options));
      if (summary !== undefined) console.log(summary);
      if (exitCode !== undefined) process.exitCode = exitCode;
    });

  withOptions(program.command('labels'), LABELS_OPTIONS)
    .description('reports → anatomy × observation label matrices (labels.npy (N, 51, 75) + ids.json, the reference layout)')
    .argument('<input>', 'a CSV with id,text columns, a folder of .txt reports, or a RadGraph JSON (MIMIC-CXR_graphs.json)')
    .addHelpText('after', `
Values: 1 = mentioned as present at that landmark, 0 = only negated, -1 = not mentioned or only uncertain.
Examples:
  medslip labels reports.csv --out labels/ --jsonl
  medslip labels reports.csv --explain s50414267`)
    .action(async (input: string, options: Record<string, unknown>) => {
      const { labelsCommand } = await import('./tasks/labels.ts');
      console.log(labelsCommand({ ...optionsFromTable(LABELS_OPTIONS, options), input }));
    });

  withOptions(program.command('synth'), SYNTH_OPTIONS)
    .description('generate synthetic chest radiographs with reports, masks and the reference file formats (the demo\'s data)')
    .addHelpText('after', `
Writes images/*.png, train.json / valid.json + labels.npy (pre-training), reports.csv, and for the held-out
images heldout_cxr14.csv, heldout_rsna.csv, heldout_siim.csv + masks/ — every reference format.
Example:
  medslip synth --out data/synth --n 2000 --size 224 --seed 1`)
    .action(async (options: Record<string, unknown>) => {
      const { writeSyntheticDataset } = await import('./synth/dataset.ts');
      const started = Date.now();
      const { out, ...dataset } = optionsFromTable(SYNTH_OPTIONS, options);
      const manifest = await writeSyntheticDataset(out, dataset);
      console.log(`${manifest.n} images of ${manifest.size} px in ${((Date.now() - started) / 1000).toFixed(1)} s → ${out} `
        + `(train ${manifest.splits.train}, valid ${manifest.splits.valid}, held out ${manifest.splits.heldOut})`);
    });

  withOptions(program.command('books'), BOOKS_OPTIONS)
    .description('encode the pathology (75) and anatomy (51) books with a text encoder into a .safetensors file')
    .addHelpText('after', `
The offline encoder needs no weights but knows no medical language (structure only): zero-shot transfer to
unseen findings needs a real language model such as Bio_ClinicalBERT.
Example:
  medslip books --text-encoder models/Bio_ClinicalBERT --out books.safetensors`)
    .action(async (options: Record<string, unknown>) => {
      const { encodeBooksToFile } = await import('./text/encode-books.ts');
      const summary = encodeBooksToFile(optionsFromTable(BOOKS_OPTIONS, options));
      for (const warning of summary.warnings) console.warn(`warning: ${warning}`);
      console.log(`books (${summary.pathologyRows} + ${summary.anatomyRows} × ${summary.dim}) encoded with ${summary.encoder} at max_length ${summary.maxLength} in ${summary.seconds.toFixed(1)} s → ${summary.out}`);
    });

  const bench = program.command('bench').description('benchmarks, each with a baseline measured in the same run');
  withOptions(bench.command('model', { isDefault: true }), BENCH_MODEL_OPTIONS)
    .description('MeDSLIP training step and inference in the full configuration (ResNet-50, 224 px, 4+4 layers, batch 8) and the demo\'s (ResNet-18, 128 px, 2+2 layers, batch 32), inference also in ONNX Runtime; data-loader images/s, peak RSS; PyTorch baseline run alternately with medslip when python3-torch is installed (default)')
    .action(async (options: Record<string, unknown>) => {
      const { runBenchCommand } = await import('./tasks/bench.ts');
      // --json: one object on stdout (the profiles in it with --profile), no log lines
      const output = await runBenchCommand({ ...optionsFromTable(BENCH_MODEL_OPTIONS, options), log: options.json === true ? undefined : (line) => console.error(line) });
      console.log(typeof output === 'string' ? output : JSON.stringify(output, null, 2));
    });
  withOptions(bench.command('distributed'), BENCH_DISTRIBUTED_OPTIONS)
    .description('data-parallel pre-training with 1 and 2 processes (one thread each): steps/s, images/s, gradient-averaging time per step')
    .option('--json', 'print one JSON array')
    .action(async (options: Record<string, unknown>) => {
      const { runDistributedBench, formatDistributedBench } = await import('./tasks/bench-distributed.ts');
      const rows = await runDistributedBench({ ...optionsFromTable(BENCH_DISTRIBUTED_OPTIONS, options), log: options.json ? undefined : (line) => console.error(line) });
      console.log(options.json ? JSON.stringify(rows, null, 2) : formatDistributedBench(rows));
    });
  withOptions(bench.command('memory'), BENCH_MEMORY_OPTIONS)
    .description('a long training loop in child processes, one allocator setting each (glibc defaults; glibc with medslip\'s tuning; the same returning free pages every 60 s, as pre-training does; jemalloc when installed), alternating: ms per step as a ratio to glibc defaults, and RSS growth after warm-up')
    .option('--child <mode>', 'internal: run one soak in this process (plain | release) and print its JSON')
    .option('--json', 'print one JSON array')
    .action(async (options: Record<string, unknown>) => {
      const { runMemoryBench, formatMemoryBench, soak } = await import('./tasks/bench-memory.ts');
      const settings = optionsFromTable(BENCH_MEMORY_OPTIONS, options);
      if (options.child !== undefined) {
        console.log(JSON.stringify(await soak({ steps: settings.steps, size: settings.size, release: options.child === 'release' })));
        return;
      }
      const rows = await runMemoryBench({ ...settings, log: options.json ? undefined : (line) => console.error(line) });
      console.log(options.json ? JSON.stringify(rows, null, 2) : formatMemoryBench(rows));
    });
  withOptions(bench.command('engine'), BENCH_ENGINE_OPTIONS)
    .description('matmul 1024³ and conv2d forward+backward against PyTorch on this machine (when python3-torch is installed)')
    .option('--json', 'print one JSON object')
    .action(async (options: Record<string, unknown>) => {
      const { runEngineBench, formatEngineBench } = await import('./tasks/bench-engine.ts');
      const result = runEngineBench(optionsFromTable(BENCH_ENGINE_OPTIONS, options));
      console.log(options.json ? JSON.stringify(result, null, 2) : formatEngineBench(result));
    });
  withOptions(bench.command('learning'), BENCH_LEARNING_OPTIONS)
    .description('the supervised ceiling: ResNet to layer3 + pooling + linear trained on the demo\'s data with its labels; per-class held-out AUC to read MeDSLIP\'s zero-shot AUC against')
    .option('--json', 'print one JSON object (auc per class, meanAuc, steps, seconds, secondsPerStep, …) and nothing else')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Same trunk (ResNet stem to layer3), image size, batch and training augmentation as the demo's MeDSLIP; BCE with
logits, AdamW with a one-cycle schedule (30 % warm-up, then cosine). Per-class AUC on the held-out split.
Example:
  medslip bench learning --steps 250`)
    .action(async (options: Record<string, unknown>) => {
      const { runLearningBench } = await import('./tasks/bench-learning.ts');
      const { formatCeiling } = await import('./tasks/ceiling.ts');
      const json = options.json === true;
      // --json keeps stdout for the JSON object alone: no log lines, no progress bar
      const result = await runLearningBench({ ...optionsFromTable(BENCH_LEARNING_OPTIONS, options), quiet: options.quiet === true || json,
        log: json ? () => {} : console.error });
      const { losses: _losses, ...summary } = result;
      console.log(json ? JSON.stringify(summary, null, 2)
        : `supervised ceiling on ${result.dataDir} (${result.settings.steps} steps of ${result.settings.batchSize} at ${result.settings.imageSize} px, ${result.secondsPerStep.toFixed(2)} s per step):\n${formatCeiling(result)}`);
    });
  withOptions(bench.command('learning-parity'), BENCH_LEARNING_PARITY_OPTIONS)
    .description('medslip\'s MeDSLIP and PyTorch\'s (bench/medslip_pytorch.py) trained from the same weights on the same batches: both loss curves and their largest relative difference, against float32 noise growth (needs python3-torch)')
    .addHelpText('after', `
The demo's model and data with dropout 0 and no augmentation; AdamW with the reference's parameter groups and the
demo's warm-up + cosine over the steps. The distance between the two PyTorch runs is how far float32 noise alone
carries the curve: the medslip-PyTorch distance is read against it.
Example:
  medslip bench learning-parity --steps 100 --out runs/learning-parity`)
    .action(async (options: Record<string, unknown>) => {
      const { runLearningParity, formatLearningParity } = await import('./tasks/bench-learning-parity.ts');
      const result = await runLearningParity({ ...optionsFromTable(BENCH_LEARNING_PARITY_OPTIONS, options), log: console.error });
      console.log(formatLearningParity(result));
      console.log(`files: ${result.files.join(', ')}`);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
