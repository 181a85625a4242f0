/**
 * A task's command-line options as data: each entry names the task option it sets, its flag, kind, default and
 * help. The task owns its table (next to its defaults, so that a default is written once); `medslip --help`
 * and the command wiring in src/cli.ts are built from it. Values arrive parsed by kind; the task still checks
 * them (src/util/check.ts), as it does for library callers.
 */

/** `integers`: a comma-separated list of integers (`--batch 32,64`), parsed into a number[]. */
export type OptionKind = 'integer' | 'integers' | 'number' | 'string' | 'boolean';

export interface OptionEntry<Key extends string = string> {
  /** The task option it sets (camelCase; commander derives the same name from the flag). */
  key: Key;
  /** `--batch-size <n>`, or `--quiet` for a boolean (`--no-onnx` for one that is true unless given). */
  flag: string;
  kind: OptionKind;
  help: string;
  default?: number | string | boolean;
  /** The allowed values (of each element, for `integers`). */
  choices?: readonly (string | number)[];
  required?: boolean;
}

/** The table of a task's options type `T`: keys are checked against `T`. */
export type OptionTable<T> = readonly OptionEntry<Extract<keyof T, string>>[];

/** Whether `text` is a number (of the kind's sort): not empty, finite, whole for integer kinds. */
function isNumberText(text: string, integer: boolean): boolean {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && (!integer || Number.isInteger(value));
}

/**
 * Parses one command-line value by kind; a malformed number, or element of a list, is an error (the command line
 * adds the flag).
 */
export function parseOptionValue(entry: OptionEntry, text: string): number | string | number[] {
  if (entry.kind === 'string') return text;
  if (entry.kind === 'integers') {
    return text.split(',').map((element) => {
      if (!isNumberText(element, true)) throw new Error(`expected comma-separated integers but received "${element}" in "${text}"`);
      return Number(element);
    });
  }
  if (!isNumberText(text, entry.kind === 'integer')) {
    throw new Error(`expected ${entry.kind === 'integer' ? 'an integer' : 'a number'} but received "${text}"`);
  }
  return Number(text);
}

/**
 * The options a command line set, keyed as the task expects them (flags that were not given are absent). The
 * parser enforced the table's required entries and kinds, and the task checks every value again, so the result
 * is handed over as the task's options type: this is the one place where command-line values become typed.
 */
export function optionsFromTable<T>(table: OptionTable<T>, parsed: Readonly<Record<string, unknown>>): T {
  const out: Record<string, unknown> = {};
  for (const entry of table) if (parsed[entry.key] !== undefined) out[entry.key] = parsed[entry.key];
  return out as T;
}
