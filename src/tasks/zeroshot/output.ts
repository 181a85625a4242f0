/** Writing a zero-shot run's outputs: CSV text, a plain-text table, and atomic files in the output folder. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.ts';
export { csvLine, csvText } from '../../util/csv.ts';


/** A monospace table with a rule under the header; the first column is left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `0.8123` or `n/a`. */
export const fixed = (value: number | undefined, digits = 3): string =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);

/** Writes files (name → content) into `dir`, creating it; each file atomically. Returns the written paths. */
export function writeOutputs(dir: string, files: Readonly<Record<string, string | Uint8Array>>): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileAtomic(path, content);
    return path;
  });
}

/** `count` positions spread evenly over 0 … length − 1 (all of them when count ≥ length). */
export function spread(length: number, count: number): number[] {
  if (count <= 0 || length === 0) return [];
  if (count >= length) return Array.from({ length }, (_, i) => i);
  if (count === 1) return [0];
  return [...new Set(Array.from({ length: count }, (_, k) => Math.round((k * (length - 1)) / (count - 1))))];
}
