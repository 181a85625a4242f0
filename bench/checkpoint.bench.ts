/**
 * What a checkpoint set costs: saving and loading the full-config model (ResNet-50, d 256, 4+4 layers) with its
 * AdamW moments as a set (tensors copied out of libtorch and serialised, SHA-256 of each file computed while
 * writing and checked when reading, manifest, one rename, directory fsync), against the floor of the same bytes
 * written as plain files (write, fsync, rename) and parsed back without checks, in alternating rounds; also the
 * SHA-256 of those bytes alone. Prints the medians and the ratios.
 *
 *   node --import tsx bench/checkpoint.bench.ts [--rounds 3] [--dir /tmp]
 *
 * Run it on an otherwise idle machine: the load average is printed with the results.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '../src/torch/index.ts';
import { MeDSLIP } from '../src/models/medslip.ts';
import { AdamW } from '../src/optim/adamw.ts';
import { saveCheckpoint } from '../src/io/checkpoint.ts';
import { openCheckpointSet } from '../src/io/checkpoint-set.ts';
import { readSafetensors } from '../src/io/safetensors.ts';
import { createHash } from 'node:crypto';
import { median } from '../src/util/stats.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, dir: { type: 'string', default: tmpdir() } } });
const rounds = Number(values.rounds);
const dir = mkdtempSync(join(values.dir, 'medslip-checkpoint-bench-'));

torch.manualSeed(0);
const model = new MeDSLIP({ backbone: 'resnet50', dModel: 256, heads: 4, layers: 4 });
const optimizer = new AdamW([{ params: model.parameters(), names: model.namedParameters().map(([name]) => name) }]);
for (const param of model.parameters()) param.grad = torch.zerosLike(param).keep();
optimizer.step(); // creates the moments that a checkpoint saves

/** The baseline: the same files' bytes, each written to a temp file, fsynced and renamed, without hashing. */
function writePlain(files: { name: string; bytes: Uint8Array }[]): void {
  for (const { name, bytes } of files) {
    const temp = join(dir, `.${name}.tmp`);
    const fd = openSync(temp, 'w');
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, join(dir, name));
  }
}

const prefix = join(dir, 'last');
saveCheckpoint(prefix, { model, modelConfig: model.config, optimizer, imageSize: 224 });
const manifest = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as { files: Record<string, { name: string; bytes: number }> };
const files = [...Object.values(manifest.files).map(({ name }) => ({ name: `plain-${name}`, bytes: readFileSync(join(dir, name)) })),
  { name: 'plain.json', bytes: readFileSync(`${prefix}.json`) }];
const megabytes = files.reduce((sum, f) => sum + f.bytes.byteLength, 0) / 2 ** 20;

const seconds = (run: () => void): number => {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
};
const times = { setSave: [] as number[], plainSave: [] as number[], hash: [] as number[], setLoad: [] as number[], plainLoad: [] as number[] };
for (let round = 0; round < rounds; round++) {
  times.plainSave.push(seconds(() => writePlain(files)));
  times.setSave.push(seconds(() => saveCheckpoint(prefix, { model, modelConfig: model.config, optimizer, imageSize: 224 })));
  times.hash.push(seconds(() => { for (const f of files) createHash('sha256').update(f.bytes).digest(); }));
  times.plainLoad.push(seconds(() => {
    for (const f of files.slice(0, -1)) readSafetensors(readFileSync(join(dir, f.name)));
  }));
  times.setLoad.push(seconds(() => {
    const set = openCheckpointSet(prefix);
    for (const role of Object.keys(manifest.files)) readSafetensors(set.read(role));
  }));
}
const [saveSet, savePlain, hash, loadSet, loadPlain] = [times.setSave, times.plainSave, times.hash, times.setLoad, times.plainLoad].map(median);
console.log(`checkpoint of ${megabytes.toFixed(0)} MB (ResNet-50 MeDSLIP + AdamW moments), median of ${rounds} rounds, load average ${loadavg()[0].toFixed(1)}`);
console.log(`save: set ${saveSet.toFixed(2)} s, plain write of the same bytes ${savePlain.toFixed(2)} s: ×${(saveSet / savePlain).toFixed(2)} (SHA-256 alone ${hash.toFixed(2)} s)`);
console.log(`load: set, checked ${loadSet.toFixed(2)} s, plain parse ${loadPlain.toFixed(2)} s: ×${(loadSet / loadPlain).toFixed(2)}`);
optimizer.dispose();
model.dispose();
rmSync(dir, { recursive: true, force: true });
