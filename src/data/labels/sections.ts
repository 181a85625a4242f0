/**
 * Report text → sections → sentences.
 *
 * Chest radiograph reports have headed sections (FINDINGS, IMPRESSION, INDICATION, ...). Labels come from the
 * sections that describe the image (FINDINGS and IMPRESSION by default): the others repeat the clinical question
 * ("History: evaluate for pneumonia"), which would otherwise be read as findings.
 */

/** Canonical section names, by the headers that introduce them. */
const HEADER_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  findings: 'findings', finding: 'findings', 'chest findings': 'findings', report: 'findings', description: 'findings',
  impression: 'impression', impressions: 'impression', conclusion: 'impression', conclusions: 'impression',
  opinion: 'impression', summary: 'impression', 'final impression': 'impression', diagnosis: 'impression',
  indication: 'indication', indications: 'indication', 'reason for exam': 'indication', 'reason for examination': 'indication',
  'reason for study': 'indication', 'clinical indication': 'indication', 'clinical information': 'history',
  history: 'history', 'clinical history': 'history', 'medical history': 'history',
  comparison: 'comparison', comparisons: 'comparison', technique: 'technique', procedure: 'technique',
  examination: 'examination', exam: 'examination', 'wet read': 'wet read', notification: 'notification',
  recommendation: 'recommendation', recommendations: 'recommendation', 'recommendation(s)': 'recommendation',
  addendum: 'addendum', 'final report': 'final report', views: 'technique', view: 'technique',
});

/** The sections used for labels unless the caller asks for others. */
export const DEFAULT_LABEL_SECTIONS: readonly string[] = Object.freeze(['findings', 'impression']);

export interface Section {
  /** Canonical name (`findings`, `impression`, ...), the lower-cased header when unknown, `''` before any header. */
  name: string;
  text: string;
}

// A header: a known name followed by a colon anywhere, or an upper-case line-initial label followed by a colon.
const KNOWN_HEADER = new RegExp(
  `(^|[\\s.;])(${Object.keys(HEADER_ALIASES).sort((a, b) => b.length - a.length)
    .map((h) => h.replace(/[()]/g, '\\$&')).join('|')})\\s*:`, 'gi');
const LINE_HEADER = /(^|\n)[ \t]*([A-Z][A-Z /&()-]{2,40}):/g;
// A known header alone on its line, without a colon ("FINDINGS\n...").
const BARE_HEADER = new RegExp(`(^|\\n)[ \\t]*(${Object.keys(HEADER_ALIASES).sort((a, b) => b.length - a.length)
  .map((h) => h.replace(/[()]/g, '\\$&')).join('|')})[ \\t]*(?=\\r?\\n)`, 'gi');

/**
 * Replaces bytes that are not text (control characters, replacement characters, lone surrogates) with spaces and
 * normalises Unicode to NFKC, so that later stages see ordinary words.
 */
export function cleanReportText(text: string): string {
  // Lone surrogates would make normalize() and JSON output unreliable.
  const wellFormed = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ' ');
  return wellFormed.normalize('NFKC').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\uFEFF]/g, ' ');
}

/** Splits a report into headed sections, in text order. Text before the first header gets the name `''`. */
export function splitSections(text: string): Section[] {
  const marks: { index: number; end: number; name: string }[] = [];
  for (const m of text.matchAll(KNOWN_HEADER)) {
    const start = (m.index ?? 0) + m[1].length;
    marks.push({ index: start, end: (m.index ?? 0) + m[0].length, name: HEADER_ALIASES[m[2].toLowerCase()] });
  }
  for (const m of text.matchAll(BARE_HEADER)) {
    const start = (m.index ?? 0) + m[1].length;
    marks.push({ index: start, end: (m.index ?? 0) + m[0].length, name: HEADER_ALIASES[m[2].toLowerCase()] });
  }
  const knownEnds = new Set(marks.map((k) => k.end));
  for (const m of text.matchAll(LINE_HEADER)) {
    const start = (m.index ?? 0) + m[1].length;
    if (knownEnds.has((m.index ?? 0) + m[0].length)) continue; // the same colon: already a known header
    const raw = m[2].trim().toLowerCase();
    marks.push({ index: start, end: (m.index ?? 0) + m[0].length, name: HEADER_ALIASES[raw] ?? raw });
  }
  marks.sort((a, b) => a.index - b.index);
  const sections: Section[] = [];
  let cursor = 0;
  let name = '';
  for (const mark of marks) {
    if (mark.index < cursor) continue;
    const body = text.slice(cursor, mark.index);
    if (body.trim() !== '' || cursor > 0) sections.push({ name, text: body });
    name = mark.name;
    cursor = mark.end;
  }
  sections.push({ name, text: text.slice(cursor) });
  return sections.filter((s, i) => s.text.trim() !== '' || (i > 0 && s.name !== ''));
}

/**
 * The text to label: the chosen sections, or — when the report has none of them — its unheaded text (a report
 * without headers is all findings). `'all'` keeps every section.
 */
export function selectSections(sections: readonly Section[], include: readonly string[] | 'all'): string {
  if (include === 'all') return sections.map((s) => s.text).join('\n\n');
  const wanted = new Set(include.map((s) => s.toLowerCase()));
  const chosen = sections.filter((s) => wanted.has(s.name));
  if (chosen.length > 0) return chosen.map((s) => s.text).join('\n\n');
  return sections.filter((s) => s.name === '').map((s) => s.text).join('\n\n');
}

const ABBREVIATIONS = new Set(['dr', 'mr', 'mrs', 'ms', 'vs', 'e.g', 'i.e', 'approx', 'apprx', 'no', 'st', 'fig',
  'etc', 'cf', 'pt', 'prof', 'jr', 'sr', 'resp', 'ca', 'min', 'max', 'incl', 'est', 'dept', 'ap', 'pa', 'lat',
  'a.m', 'p.m', 'u.s']);

/**
 * Splits text into sentences: at `.`, `!`, `?` followed by white space (not after an abbreviation such as "Dr." or
 * "vs.", and never inside a number such as "1.5"), at blank lines, and before enumerators ("1.", "2)", "-", "•" at
 * the start of a line or after a sentence end). Enumerators are dropped; single line breaks are line wraps.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  // Blank lines and list items start a new sentence.
  const blocks = text.split(/\n[ \t]*\n|\n(?=[ \t]*(?:\d{1,2}[.)]\s|[-•*]\s))/).flatMap(splitUnpunctuatedLines);
  for (const block of blocks) {
    const flat = block.replace(/\s+/g, ' ').trim();
    if (flat === '') continue;
    let start = 0;
    // Candidate boundaries: terminal punctuation followed by a space or the end.
    const boundary = /[.!?]+(?=\s|$)/g;
    for (const m of flat.matchAll(boundary)) {
      const end = (m.index ?? 0) + m[0].length;
      const index = m.index ?? 0;
      // Only the last few characters matter; a bounded slice keeps this linear on text without spaces.
      const lastWord = /([A-Za-z.]+)$/.exec(flat.slice(Math.max(start, index - 12), index))?.[1]?.toLowerCase() ?? '';
      if (m[0] === '.' && ABBREVIATIONS.has(lastWord.replace(/\.$/, ''))) {
        // "No. 2" style or a title: not a boundary, except for "no." at the very end of a block.
        if (end < flat.length) continue;
      }
      // An enumerator such as "1." or "12." on its own is not a sentence.
      if (index - start <= 4 && /^\s*\d{1,2}$/.test(flat.slice(start, index))) { start = end; continue; }
      pushSentence(sentences, flat.slice(start, end));
      start = end;
    }
    pushSentence(sentences, flat.slice(start));
  }
  return sentences;
}

/** Words after which a line break continues the sentence even before a capital ("effusion or\nPneumothorax"). */
const CONTINUING_WORDS = new Set(['and', 'or', 'of', 'the', 'a', 'an', 'with', 'without', 'in', 'at', 'to', 'for', 'no',
  'is', 'are', 'was', 'were', 'by', 'from', 'on', 'than', 'as', 'dr', 'not']);

/**
 * Single line breaks are line wraps, except where a line without final punctuation is followed by a capitalised
 * line ("No effusion\nCardiomegaly"): a list of unpunctuated statements, each a sentence. A line that ends with a
 * word that cannot end a sentence ("effusion or\nPneumothorax") still continues.
 */
function splitUnpunctuatedLines(block: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of block.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (current === '') { current = trimmed; continue; }
    const tail = current.slice(-40);
    const lastWord = /([A-Za-z]+)$/.exec(tail)?.[1]?.toLowerCase();
    if (lastWord !== undefined && !CONTINUING_WORDS.has(lastWord) && /^[A-Z][a-z]/.test(trimmed)) {
      out.push(current);
      current = trimmed;
    } else {
      current = `${current} ${trimmed}`;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

function pushSentence(out: string[], raw: string): void {
  const s = raw.replace(/^\s*(?:\d{1,2}[.)]|[-•*])\s+/, '').trim();
  if (s !== '' && /[A-Za-z]/.test(s)) out.push(s);
}
