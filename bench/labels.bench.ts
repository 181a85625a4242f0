/**
 * Report labels on hand-written report sentences: per-observation precision and recall of `extractReport` against
 * the expected (landmark, observation, value) triples of test/data/fixtures/label-sentences.jsonl, and, measured
 * in the same run, a keyword baseline (every word whose lemma is one of the 73 named observations, absent after
 * "no"/"not"/"without" anywhere before it, uncertain after a hedge anywhere before it, at `unspecified`), with the
 * ratio of the two F1 scores. Sentences per second of both are printed too.
 *
 *   npm run bench:labels [-- --corpus PATH] [-- --failures]
 */
import { parseArgs } from 'node:util';
import { extractReport } from '../src/data/labels/extract.ts';
import { correctLemma, lemmatiseWord, obsGroup } from '../src/data/labels/observations.ts';
import { OBSERVATION_SYNONYMS } from '../src/data/labels/lexicon.ts';
import {
  readLabelSentences, scoreLabelSentences, formatLabelScore, entityTriples, f1Of, type LabelTriple, type LabelSentence,
} from '../src/eval/label-sentences.ts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'test/data/fixtures/label-sentences.jsonl' },
    failures: { type: 'boolean', default: false },
  },
});

const NEGATIONS = new Set(['no', 'not', 'without', 'negative']);
const HEDGES = new Set(['may', 'might', 'could', 'possible', 'possibly', 'probable', 'questionable', 'suspected', 'versus']);

/** The keyword baseline: lexicon only, no scopes, no anatomy. */
function keywordTriples(text: string): LabelTriple[] {
  const out: LabelTriple[] = [];
  let negated = false, hedged = false;
  for (const word of text.toLowerCase().match(/[a-z][a-z-]*/g) ?? []) {
    if (NEGATIONS.has(word)) negated = true;
    if (HEDGES.has(word)) hedged = true;
    const observation = obsGroup(correctLemma(OBSERVATION_SYNONYMS[word] ?? lemmatiseWord(word)));
    if (observation === 'tail_abnorm_obs' || observation === 'excluded_obs') continue;
    out.push(['unspecified', observation, hedged ? -1 : negated ? 0 : 1]);
  }
  return out;
}

function timed(corpus: readonly LabelSentence[], read: (text: string) => LabelTriple[]) {
  const started = performance.now();
  const score = scoreLabelSentences(corpus, read);
  return { score, sentencesPerSecond: corpus.length / ((performance.now() - started) / 1000) };
}

const corpus = readLabelSentences(values.corpus);
timed(corpus, (text) => entityTriples(extractReport(text, { sections: 'all' }).entities)); // warm-up
const baseline = timed(corpus, keywordTriples);
const extractor = timed(corpus, (text) => entityTriples(extractReport(text, { sections: 'all' }).entities));

console.log(`report labels on ${corpus.length} sentences (${values.corpus})\n`);
console.log(formatLabelScore(extractor.score));
if (values.failures) {
  for (const f of extractor.score.failures) console.log(`\n${f.text}\n  missing ${f.missing.join(', ') || '-'}\n  extra   ${f.extra.join(', ') || '-'}`);
}
const f1 = f1Of(extractor.score.micro), baselineF1 = f1Of(baseline.score.micro);
console.log(`\nkeyword baseline: micro F1 ${baselineF1.toFixed(3)} (landmark ignored: ${f1Of(baseline.score.findings).toFixed(3)}), `
  + `${baseline.sentencesPerSecond.toFixed(0)} sentences/s`);
console.log(`extractor: micro F1 ${f1.toFixed(3)} (landmark ignored: ${f1Of(extractor.score.findings).toFixed(3)}), `
  + `${extractor.sentencesPerSecond.toFixed(0)} sentences/s; F1 ratio to the baseline ${(f1 / baselineF1).toFixed(2)}×`);
