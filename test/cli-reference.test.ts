// docs/cli.md is generated from the command line's own tables (src/cli-reference.ts): it must be what they
// render now, and list every command, flag and pretrain setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CLI_REFERENCE_PATH, renderCliReference } from '../src/cli-reference.ts';
import { buildProgram } from '../src/cli.ts';
import { PRETRAIN_DEFAULTS } from '../src/tasks/pretrain/config.ts';
import { FINETUNE_CLASSIFY_OPTIONS } from '../src/tasks/finetune/table.ts';
import { BENCH_MODEL_OPTIONS, PREDICT_OPTIONS } from '../src/tasks/tables.ts';

test('docs/cli.md is what the command line\'s tables render now', () => {
  const rendered = renderCliReference();
  const written = readFileSync(CLI_REFERENCE_PATH, 'utf8');
  if (written === rendered) return;
  const [a, b] = [written.split('\n'), rendered.split('\n')];
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line < 0 ? a.length : line;
  assert.fail(`docs/cli.md is out of date: run \`npm run docs:cli\`\n(first difference, line ${at + 1}:\n  docs/cli.md: ${a[at] ?? '(end)'}\n  rendered:    ${b[at] ?? '(end)'})`);
});

test('the reference has a section for every command, a row for every flag and every pretrain setting', () => {
  const reference = renderCliReference();
  const walk = (command: ReturnType<typeof buildProgram>, path: string[]): void => {
    for (const sub of command.commands) {
      const name = [...path, sub.name()];
      assert.ok(reference.includes(`\n## \`medslip ${name.join(' ')}\`\n\n${sub.description().replace(/</g, '&lt;')}\n`), name.join(' '));
      for (const option of sub.options) assert.ok(reference.includes(`| \`${option.flags.replace(/\|/g, '\\|')}\` |`), `${name.join(' ')} ${option.flags}`);
      walk(sub, name);
    }
  };
  walk(buildProgram(), []);
  for (const key of Object.keys(PRETRAIN_DEFAULTS)) assert.match(reference, new RegExp(`\\n\\| \`${key}\` \\| `), key);
  // the tables' defaults and allowed values, as --help shows them
  assert.ok(reference.includes('| `--percent <p>` | `100` | percent of the training set (one of 1, 10, 100) |'));
  assert.ok(reference.includes(`| \`--engine <engine>\` | \`libtorch\` | ${PREDICT_OPTIONS.find((o) => o.key === 'engine')!.help} (one of libtorch, onnx) |`));
  assert.ok(reference.includes('| `--dataset <kind>` | required |'));
  assert.ok(FINETUNE_CLASSIFY_OPTIONS.every((o) => reference.includes(`| \`${o.flag}\` |`)));
  assert.ok(BENCH_MODEL_OPTIONS.every((o) => reference.includes(`| \`${o.flag}\` |`)));
  assert.ok(reference.includes('| `--resume <run\\|checkpoint>` |  |'));
  assert.ok(reference.includes('| `cropScale` | `0.2,1` | RandomResizedCrop area range, low,high | two numbers |'));
});
