// The command line as users run it: `medslip pretrain --help` shows every setting with its default (the table
// generated from src/tasks/pretrain/config.ts) and the run-folder options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { settingsHelp } from '../src/tasks/pretrain/config.ts';
import { repoRoot } from './helpers.ts';

test('pretrain --help lists every setting with its default, and --resume / --overwrite', () => {
  const help = spawnSync(process.execPath, [join(repoRoot, 'bin', 'medslip.js'), 'pretrain', '--help'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.ok(help.stdout.includes(`Settings (key=value on the command line, or keys of the --config YAML):\n${settingsHelp()}\n`), help.stdout);
  assert.match(help.stdout, /--resume <run\|checkpoint> +continue a run in its own folder/);
  assert.match(help.stdout, /--overwrite +replace the earlier run in --out/);
  assert.match(help.stdout, /exits with 130 or 143/);
});
