import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OBSERVATIONS } from '../../../src/vocabulary.ts';
import {
  obsGroup, correctLemma, observationOf, lemmatiseWord, lemmatisePhrase, LEMMA_CORRECTIONS, EXCLUDED_OBS,
} from '../../../src/data/labels/observations.ts';

test('every row of the lemma correction table', () => {
  const expected: [string, string][] = [
    ['enlargement', 'enlarge'], ['increase', 'enlarge'], ['engorge', 'engorgement'], ['opacification', 'opacity'],
    ['opacity-', 'opacity'], ['calcify', 'calcification'], ['effusion ;', 'effusion'], ['atelectatic', 'atelectasis'],
    ['atelectasis ;', 'atelectasis'], ['atelectase', 'atelectasis'], ['aeration', 'aerate'], ['distend', 'distention'],
    ['distension', 'distention'], ['wide', 'widen'], ['prominent', 'prominence'], ['haze', 'haziness'],
    ['masse', 'mass'], ['kyphotic', 'kyphosis'], ['degenerate', 'degenerative'], ['obscuration', 'obscure'],
    ['fibrotic', 'fibrosis'], ['nodular', 'nodule'], ['nodularity', 'nodule'], ['ventilate', 'ventilation'],
    ['tortuosity', 'tortuous'], ['elongate', 'elongation'], ['elevate', 'elevation'], ['drain', 'drainage'],
    ['deviate', 'deviation'], ['consolidative', 'consolidation'], ['consolidate', 'consolidation'],
    ['dilate', 'dilation'], ['dilatation', 'dilation'], ['hydropneumothorax', 'pneumothorax'],
    ['pneumothoraces', 'pneumothorax'], ['pneumothorace', 'pneumothorax'], ['improvement', 'improve'],
    ['improved', 'improve'], ['can not be assess', 'difficult to assess'], ['not well see', 'difficult to assess'],
    ['poorly see', 'difficult to assess'], ['pacer', 'pacemaker'], ['infection', 'pneumonia'],
    ['infectious', 'pneumonia'], ['infectious process', 'pneumonia'],
  ];
  for (const [input, output] of expected) assert.equal(correctLemma(input), output, input);
  assert.equal(LEMMA_CORRECTIONS.size, 51);
  // Whole-string matching only.
  assert.equal(correctLemma('small effusion ;'), 'small effusion ;');
  // No corrected lemma is corrected again, so obsGroup may apply the table to corrected input.
  for (const out of LEMMA_CORRECTIONS.values()) assert.equal(correctLemma(out), out);
});

test('grouping: named observations kept, excluded words, tail', () => {
  for (const o of OBSERVATIONS.slice(0, 73)) assert.equal(obsGroup(o), o);
  for (const e of EXCLUDED_OBS) assert.equal(obsGroup(e), 'excluded_obs');
  assert.equal(EXCLUDED_OBS.size, 25);
  assert.equal(obsGroup('fibrosis'), 'tail_abnorm_obs');
  assert.equal(obsGroup('haze'), 'tail_abnorm_obs');
  assert.equal(obsGroup('difficult to evaluate'), 'tail_abnorm_obs');
  assert.equal(obsGroup('None'), 'tail_abnorm_obs');
  assert.equal(obsGroup('calcify'), 'calcification');
  assert.equal(obsGroup('pacer'), 'pacemaker');
  assert.equal(obsGroup('increase'), 'enlarge');
  assert.throws(() => obsGroup(3 as unknown as string), TypeError);
});

test('the lemmatiser covers radiology inflections', () => {
  const cases: [string, string][] = [
    ['effusions', 'effusion'], ['opacities', 'opacity'], ['enlarged', 'enlarge'], ['tubes', 'tube'],
    ['thickening', 'thicken'], ['thickened', 'thicken'], ['hyperinflated', 'hyperinflate'], ['widened', 'widen'],
    ['widening', 'widen'], ['blunting', 'blunt'], ['blunted', 'blunt'], ['calcified', 'calcify'],
    ['nodules', 'nodule'], ['markings', 'marking'], ['findings', 'finding'], ['densities', 'density'],
    ['expanded', 'expand'], ['aerated', 'aerate'], ['crowding', 'crowd'], ['obscured', 'obscure'],
    ['elevated', 'elevate'], ['dilated', 'dilate'], ['distended', 'distend'], ['engorged', 'engorge'],
    ['clips', 'clip'], ['wires', 'wire'], ['leads', 'lead'], ['lines', 'line'], ['catheters', 'catheter'],
    ['stents', 'stent'], ['devices', 'device'], ['lesions', 'lesion'], ['deformities', 'deformity'],
    ['fractures', 'fracture'], ['hernias', 'hernia'], ['infiltrates', 'infiltrate'], ['consolidations', 'consolidation'],
    ['abnormalities', 'abnormality'], ['processes', 'process'], ['masses', 'masse'], ['atelectasis', 'atelectasis'],
    ['pneumothoraces', 'pneumothorace'], ['scarring', 'scar'], ['collapsed', 'collapse'], ['sharply', 'sharply'],
    ['tortuous', 'tortuous'], ['opacified', 'opacify'], ['herniated', 'herniate'], ['clipped', 'clip'],
    ['evaluated', 'evaluate'], ['visualized', 'visualize'], ['assessed', 'assess'], ['seen', 'see'],
    ['emphysema', 'emphysema'], ['edema', 'edema'], ['lower', 'low'],
  ];
  for (const [word, lemma] of cases) assert.equal(lemmatiseWord(word), lemma, word);
  assert.equal(lemmatisePhrase('Effusion;'), 'effusion ;');
  assert.equal(lemmatisePhrase('opacities-'), 'opacity-');
  assert.equal(lemmatisePhrase('cannot be assessed'), 'can not be assess');
  assert.equal(lemmatisePhrase('not well seen'), 'not well see');
});

test('observationOf: token string → lemma → group', () => {
  const cases: [string, string][] = [
    ['effusions', 'effusion'], ['Effusion;', 'effusion'], ['calcified', 'calcification'], ['masses', 'mass'],
    ['pneumothoraces', 'pneumothorax'], ['hydropneumothorax', 'pneumothorax'], ['enlargement', 'enlarge'],
    ['increased', 'enlarge'], ['pacer', 'pacemaker'], ['infection', 'pneumonia'], ['atelectatic', 'atelectasis'],
    ['nodular', 'nodule'], ['consolidative', 'consolidation'], ['elevated', 'elevation'], ['dilated', 'dilation'],
    ['distended', 'distention'], ['prominent', 'prominence'], ['aeration', 'aerate'], ['engorged', 'engorgement'],
    ['improved', 'excluded_obs'], ['unchanged', 'excluded_obs'], ['small', 'excluded_obs'], ['haziness', 'tail_abnorm_obs'],
    ['not well seen', 'tail_abnorm_obs'], ['thickening', 'thicken'], ['hyperinflated', 'hyperinflate'],
    ['blunting', 'blunt'], ['widening', 'widen'], ['opacities', 'opacity'], ['CHF', 'chf'],
  ];
  for (const [tokens, group] of cases) assert.equal(observationOf(tokens).observation, group, tokens);
  assert.equal(observationOf('not well seen').lemma, 'difficult to assess');
});
