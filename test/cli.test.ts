// The command line as users run it: `medslip pretrain --help` shows every setting with its default (the table
// generated from src/tasks/pretrain/config.ts) and the run-folder options; the commands built from option tables
// list every flag with its default and refuse bad values by name (nothing here runs a task).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { settingsHelp } from '../src/tasks/pretrain/config.ts';
import { FINETUNE_CLASSIFY_OPTIONS, FINETUNE_SEGMENT_OPTIONS } from '../src/tasks/finetune/table.ts';
import { BENCH_MODEL_OPTIONS } from '../src/tasks/tables.ts';
import { parseOptionValue, type OptionEntry } from '../src/tasks/option-table.ts';
import { repoRoot } from './helpers.ts';

test('pretrain --help lists every setting with its default, and --resume / --overwrite', () => {
  const help = spawnSync(process.execPath, [join(repoRoot, 'bin', 'medslip.js'), 'pretrain', '--help'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.ok(help.stdout.includes(`Settings (key=value on the command line, or keys of the --config YAML):\n${settingsHelp()}\n`), help.stdout);
  assert.match(help.stdout, /--resume <run\|checkpoint> +continue a run in its own folder/);
  assert.match(help.stdout, /--overwrite +replace the earlier run in --out/);
  assert.match(help.stdout, /exits with 130 or 143/);
});

test('finetune --help is built from the task\'s option table: every flag with its default, and bad values refused by name', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'medslip.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  for (const [command, table] of [['classify', FINETUNE_CLASSIFY_OPTIONS], ['segment', FINETUNE_SEGMENT_OPTIONS]] as const) {
    const help = run('finetune', command, '--help');
    assert.equal(help.status, 0, help.stderr);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const entry of table) {
      assert.ok(text.includes(entry.flag), `${command}: ${entry.flag}`);
      if (entry.default !== undefined) assert.ok(text.includes(`(default: ${JSON.stringify(entry.default)})`) || text.includes(`(default: ${String(entry.default)})`), `${command}: default of ${entry.flag}`);
    }
  }
  assert.equal(run('finetune', 'segment', '--help').stdout.includes('--dataset'), false);
  const bad = run('finetune', 'classify', '--dataset', 'siim', '--train', 'a', '--valid', 'b', '--test', 'c', '--out', 'd', '--percent', '5');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /option '--percent <p>' argument '5' is invalid\. expected one of 1, 10, 100/);
  const notNumber = run('finetune', 'segment', '--train', 'a', '--valid', 'b', '--test', 'c', '--out', 'd', '--epochs', 'ten');
  assert.match(notNumber.stderr, /option '--epochs <n>' argument 'ten' is invalid\. expected an integer but received "ten"/);
});

test('parseOptionValue: numbers by kind, and a comma-separated integers list with the bad element named', () => {
  const entry = (kind: OptionEntry['kind']): OptionEntry => ({ key: 'x', flag: '--x <v>', kind, help: '' });
  assert.equal(parseOptionValue(entry('string'), '12'), '12');
  assert.equal(parseOptionValue(entry('integer'), '12'), 12);
  assert.equal(parseOptionValue(entry('number'), '0.5'), 0.5);
  assert.throws(() => parseOptionValue(entry('integer'), '0.5'), { message: 'expected an integer but received "0.5"' });
  assert.throws(() => parseOptionValue(entry('number'), ''), { message: 'expected a number but received ""' });
  assert.deepEqual(parseOptionValue(entry('integers'), '32'), [32]);
  assert.deepEqual(parseOptionValue(entry('integers'), '32,64'), [32, 64]);
  assert.throws(() => parseOptionValue(entry('integers'), '32,x'), { message: 'expected comma-separated integers but received "x" in "32,x"' });
  assert.throws(() => parseOptionValue(entry('integers'), '32,,64'), { message: 'expected comma-separated integers but received "" in "32,,64"' });
  assert.throws(() => parseOptionValue(entry('integers'), '8,1.5'), { message: 'expected comma-separated integers but received "1.5" in "8,1.5"' });
});

test('bench model --help is built from its option table, and bad --batch or --config values are refused by name', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'medslip.js'), 'bench', 'model', ...args], { cwd: repoRoot, encoding: 'utf8' });
  const help = run('--help');
  assert.equal(help.status, 0, help.stderr);
  const text = help.stdout.replace(/\s+/g, ' ');
  for (const entry of BENCH_MODEL_OPTIONS) {
    assert.ok(text.includes(`${entry.flag} ${entry.help}`), `${entry.flag} with its help`);
    if (entry.default !== undefined) assert.ok(text.includes(`(default: ${JSON.stringify(entry.default)})`) || text.includes(`(default: ${String(entry.default)})`), `default of ${entry.flag}`);
  }
  assert.match(text, /--runs <n> timed runs after warm-up \(median reported\) \(default: 5\)/);
  assert.match(text, /--config <name> which configuration: .* \(one of full, demo, all\) \(default: "all"\)/);
  assert.match(text, /--device <device> cpu, cuda or cuda:N: .* \(default: "cpu"\)/);
  assert.match(text, /--no-baseline skip the PyTorch baseline --no-onnx skip the ONNX Runtime row/);
  const badBatch = run('--batch', '32,x');
  assert.notEqual(badBatch.status, 0);
  assert.match(badBatch.stderr, /option '--batch <sizes>' argument '32,x' is invalid\. expected comma-separated integers but received "x" in "32,x"/);
  const badConfig = run('--config', 'large');
  assert.notEqual(badConfig.status, 0);
  assert.match(badConfig.stderr, /option '--config <name>' argument 'large' is invalid\. expected one of full, demo, all/);
});
