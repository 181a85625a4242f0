/** Writing CSV: one home for RFC 4180 quoting, used by every file medslip writes as CSV (reading: src/data/datasets/csv.ts). */

/** One CSV line without its newline: fields with a comma, quote or line break are quoted; a number is written in full precision, a non-finite one (and null, undefined) as an empty field. */
export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map((value) => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(',');
}

/** A CSV document: header + rows, newline-terminated. */
export function csvText(header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return [csvLine(header), ...rows.map(csvLine)].join('\n') + '\n';
}
