/**
 * Why a report got its labels: for each labelled sentence, the spans the extractor matched (observations with
 * their lemma and group, anatomy phrases with their landmark, negation/uncertainty cues, clause breaks), the scope
 * of each cue, and the resulting entries with the rule that placed each one. `medslip labels --explain ID` prints it.
 */
import { NUM_OBSERVATIONS, LANDMARKS, OBSERVATIONS } from '../../vocabulary.ts';
import { mentionValue } from './matrix.ts';
import { readSentence, reportSentences, entitiesToMatrix, type ExtractOptions, type ReportEntity } from './extract.ts';

export interface ExplainedSpan {
  kind: 'observation' | 'anatomy' | 'cue' | 'break';
  text: string;
  /** What the span became: "lemma calcification → calcification", "→ lower_left_lobe", "negation, forward". */
  detail: string;
}

export interface ExplainedScope {
  /** The cue as written, or "alternatives" for findings joined by "or", "versus", "and/or". */
  cue: string;
  kind: 'negation' | 'uncertainty';
  /** The observations (as written) the cue reaches. */
  reaches: string[];
}

export interface ExplainedEntry {
  entity: ReportEntity;
  /** Why it has its status and its anatomy: "absent: 'no'; anatomy: pre-modifier 'pleural'". */
  reason: string;
}

export interface ExplainedSentence {
  index: number;
  text: string;
  spans: ExplainedSpan[];
  scopes: ExplainedScope[];
  entries: ExplainedEntry[];
}

export interface Explanation {
  sentences: ExplainedSentence[];
  /** The matrix entries the report sets (1 or 0), after the matrix rule (present wins). */
  matrixEntries: { landmark: string; observation: string; value: number }[];
}

const DIRECTION_WORDS: Readonly<Record<string, string>> = Object.freeze({
  pre: 'forward', post: 'backward', both: 'both ways', flex: 'forward, else backward',
});

/**
 * Explains the labels of one report (the same sections and sentences as `extractReport`).
 *
 * @example explainReport('IMPRESSION: No pleural effusion.').sentences[0].scopes
 *   // [{ cue: 'No', kind: 'negation', reaches: ['effusion'] }]
 * @throws TypeError when text is not a string
 */
export function explainReport(text: string, options: ExtractOptions = {}): Explanation {
  const sentences = reportSentences(text, options).map((sentence, index) => explainSentence(sentence, index));
  const matrix = entitiesToMatrix(sentences.flatMap((s) => s.entries.map((e) => e.entity)));
  const matrixEntries: Explanation['matrixEntries'] = [];
  matrix.forEach((value, i) => {
    if (value !== -1) {
      const landmark = LANDMARKS[Math.floor(i / NUM_OBSERVATIONS)];
      matrixEntries.push({ landmark, observation: OBSERVATIONS[i % NUM_OBSERVATIONS], value });
    }
  });
  return { sentences, matrixEntries };
}

function explainSentence(sentence: string, index: number): ExplainedSentence {
  const { analysis: a, scopes, attachments, entities, sources } = readSentence(sentence, index);
  const textOf = (s: number, e: number): string => sentence.slice(a.tokens[s].start, a.tokens[e - 1].end);
  const spans: (ExplainedSpan & { start: number })[] = [];
  const observationText = (k: number): string => textOf(a.observations[k].start, a.observations[k].end);
  a.observations.forEach((o, k) => {
    let detail = `lemma ${o.lemma} → ${o.observation}`;
    if (o.dropped) detail += ' (dropped: it only modifies another observation)';
    else if (o.modifies >= 0) detail += ` (a finding of its own, located with "${observationText(o.modifies)}")`;
    else if (attachments[k].dropped) detail += ' (dropped: a predicate of another observation)';
    spans.push({ start: o.start, kind: 'observation', text: observationText(k), detail });
  });
  for (const s of a.anatomies) {
    const detail = `${s.tokens.join('|')} → ${s.landmark}`;
    spans.push({ start: s.start, kind: 'anatomy', text: textOf(s.start, s.end), detail });
  }
  for (const c of a.cues) {
    const detail = c.cue.kind === 'pseudo' ? 'no effect on the status (a hedge that asserts, or not a cue here)'
      : `${c.cue.kind}, ${DIRECTION_WORDS[c.cue.direction]}`;
    spans.push({ start: c.start, kind: 'cue', text: textOf(c.start, c.end), detail });
  }
  a.roles.forEach((role, t) => {
    // Word breaks ("but", "which"); punctuation breaks are visible in the sentence itself.
    if (role === 'break' && /^[a-z]/.test(a.tokens[t].word)) {
      spans.push({ start: t, kind: 'break', text: textOf(t, t + 1), detail: 'ends the clause' });
    }
  });
  spans.sort((x, y) => x.start - y.start);

  const scopeList: ExplainedScope[] = [];
  a.cues.forEach((c, ci) => {
    if (c.cue.kind === 'pseudo') return;
    const reaches = a.observations.flatMap((_, k) => (scopes.cues[k].includes(ci) ? [observationText(k)] : []));
    scopeList.push({ cue: textOf(c.start, c.end), kind: c.cue.kind, reaches });
  });
  const alternatives = a.observations.flatMap((_, k) => (scopes.alternative[k] ? [observationText(k)] : []));
  if (alternatives.length > 0) scopeList.push({ cue: 'alternatives', kind: 'uncertainty', reaches: alternatives });

  const entries = entities.map((entity, i): ExplainedEntry => {
    const k = sources[i];
    const cueWords = scopes.cues[k].map((ci) => a.cues[ci]).filter((c) => c.cue.kind !== 'pseudo')
      .map((c) => `"${textOf(c.start, c.end)}"`);
    if (scopes.alternative[k]) cueWords.push('an alternative');
    const rule = attachments[k].rule === 'none' ? 'no anatomy found' : `anatomy by ${attachments[k].rule}`;
    return { entity, reason: `${entity.status}${cueWords.length ? ` (${cueWords.join(', ')})` : ''}; ${rule}` };
  });
  return {
    index, text: sentence, spans: spans.map(({ start: _, ...s }) => s), scopes: scopeList.filter((s) => s.reaches.length > 0),
    entries,
  };
}

/** The explanation as text, one block per sentence. */
export function formatExplanation(id: string, explanation: Explanation): string {
  const lines = [`report ${id}: ${explanation.sentences.length} labelled sentence(s)`];
  for (const s of explanation.sentences) {
    lines.push('', `[${s.index + 1}] ${s.text}`);
    if (s.spans.length === 0) lines.push('  no spans');
    for (const span of s.spans) lines.push(`  ${span.kind.padEnd(11)} ${JSON.stringify(span.text).padEnd(28)} ${span.detail}`);
    for (const scope of s.scopes) {
      const reaches = scope.reaches.map((r) => JSON.stringify(r)).join(', ');
      lines.push(`  scope       ${JSON.stringify(scope.cue)} (${scope.kind}) reaches ${reaches}`);
    }
    for (const { entity, reason } of s.entries) {
      const anatomyText = entity.anatomyText ? ` "${entity.anatomyText}"` : '';
      lines.push(`  → ${entity.observation} @ ${entity.anatomy} = ${mentionValue(entity.status)}   ${reason}${anatomyText}`);
    }
  }
  lines.push('', `matrix: ${explanation.matrixEntries.length} entries set (all others −1)`);
  for (const m of explanation.matrixEntries) lines.push(`  ${m.landmark} × ${m.observation} = ${m.value}`);
  return lines.join('\n');
}
