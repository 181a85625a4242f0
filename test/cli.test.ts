// The command line as users run it: `medslip pretrain --help` shows every setting with its default (the table
// generated from src/tasks/pretrain/config.ts) and the run-folder options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { settingsHelp } from '../src/tasks/pretrain/config.ts';
import { FINETUNE_CLASSIFY_OPTIONS, FINETUNE_SEGMENT_OPTIONS } from '../src/tasks/finetune/table.ts';
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
