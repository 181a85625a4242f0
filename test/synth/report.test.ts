import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANDMARKS, NUM_OBSERVATIONS, OBSERVATIONS, type Observation, landmarkIndex, observationIndex } from '../../src/vocabulary.ts';
import { landmarkOf } from '../../src/data/labels/landmarks.ts';
import { SYNTH_VERSION, generateSample } from '../../src/synth/dataset.ts';
import type { FindingKind } from '../../src/synth/findings.ts';
import { labelMatrix } from '../../src/synth/report.ts';

/** Observations a report may state positively for each finding. */
const OBSERVATIONS_OF: Record<FindingKind, readonly Observation[]> = {
  effusion: ['effusion', 'fluid', 'blunt'],
  pneumothorax: ['pneumothorax'],
  consolidation: ['consolidation', 'opacity', 'pneumonia'],
  atelectasis: ['atelectasis', 'opacity'],
  cardiomegaly: ['cardiomegaly', 'enlarge'],
  edema: ['edema', 'opacity', 'congestion'],
  nodule: ['nodule'],
  mass: ['mass'],
  endotracheal_tube: ['tube'],
  nasogastric_tube: ['tube'],
  central_line: ['line', 'catheter'],
  pacemaker: ['pacemaker', 'lead'],
  fracture: ['fracture'],
  emphysema: ['emphysema', 'hyperinflate'],
};
/** Words by which a reader finds each finding in the text. */
const WORDS_OF: Record<FindingKind, RegExp> = {
  effusion: /effusion|fluid/i, pneumothorax: /pneumothorax/i, consolidation: /consolidation|opacity|pneumonia/i,
  atelectasis: /atelectasis/i, cardiomegaly: /cardiomegaly|enlarge/i, edema: /edema/i, nodule: /nodule/i, mass: /mass\b/i,
  endotracheal_tube: /endotracheal tube/i, nasogastric_tube: /nasogastric tube|enteric tube/i,
  central_line: /central (venous )?(line|catheter)/i, pacemaker: /pacemaker/i, fracture: /fracture/i, emphysema: /emphysema|hyperinflated/i,
};
/** Positive observations a report may make with no finding: normal statements. */
const NORMAL_POSITIVES = new Set<Observation>(['normal', 'clear', 'sharp', 'intact', 'expand']);

const at = (matrix: Float64Array, l: string, o: string) => matrix[landmarkIndex(l) * NUM_OBSERVATIONS + observationIndex(o)];

test('labelMatrix follows the reference rule: present wins, negation only lifts −1 to 0, uncertainty changes nothing', () => {
  const m = labelMatrix([
    { landmark: 'left_pleural', observation: 'effusion', label: 'absent' },
    { landmark: 'left_pleural', observation: 'effusion', label: 'present' },
    { landmark: 'left_pleural', observation: 'effusion', label: 'absent' },
    { landmark: 'unspecified', observation: 'pneumothorax', label: 'absent' },
    { landmark: 'upper_right_lobe', observation: 'nodule', label: 'uncertain' },
  ]);
  assert.equal(at(m, 'left_pleural', 'effusion'), 1);
  assert.equal(at(m, 'unspecified', 'pneumothorax'), 0);
  assert.equal(at(m, 'upper_right_lobe', 'nodule'), -1);
  assert.equal(m.filter((v) => v !== -1).length, 2);
});

test('the anatomy words of the reports map to the landmarks the truth claims, under the reference rules', () => {
  // RadGraph-style anatomy (root first, then its modifiers) of every location phrase the writer uses
  const claims: Array<[string, string]> = [
    ['lobe|right|upper', 'upper_right_lobe'], ['lobe|right|middle', 'middle_right_lobe'], ['lobe|right|lower', 'lower_right_lobe'],
    ['lobe|left|upper', 'upper_left_lobe'], ['lobe|left|lower', 'lower_left_lobe'], ['lung|right|upper', 'right_upper_lung'],
    ['lung|left|upper', 'left_upper_lung'], ['lung|right|mid', 'right_mid_lung'], ['lung|left|mid', 'left_mid_lung'],
    ['midlung|left', 'left_mid_lung'], ['base|right', 'right_lower_lung'], ['base|left', 'left_lower_lung'],
    ['basilar|right', 'right_lower_lung'], ['basilar|left', 'left_lower_lung'], ['lung|right|base', 'right_lower_lung'],
    ['lung|left|lower', 'left_lower_lung'], ['apex|right', 'right_apical_lung'], ['apical|left', 'left_apical_lung'],
    ['right', 'right_lung_unspec'], ['left', 'left_lung_unspec'], ['lung|right', 'right_lung_unspec'], ['bibasilar', 'lung_bases'],
    ['bases|both', 'lung_bases'], ['bases|lung', 'lung_bases'], ['pleural|right', 'right_pleural'], ['pleural|left', 'left_pleural'],
    ['pleural', 'pleural_unspec'], ['pleural|bilateral', 'pleural_unspec'], ['angle|costophrenic|left', 'left_costophrenic'],
    ['angles|costophrenic', 'costophrenic_unspec'], ['heart', 'heart_size'], ['heart|size', 'heart_size'],
    ['silhouette|cardiac', 'heart_size'], ['silhouette|cardiomediastinal', 'mediastinal'], ['contours|mediastinal', 'mediastinal'],
    ['hila', 'hilar_unspec'], ['perihilar|bilateral', 'hilar_unspec'], ['pulmonary', 'pulmonary'], ['interstitial', 'interstitium'],
    ['lungs', 'lung_volumes'], ['cardiopulmonary', 'cardiopulmonary'], ['trachea', 'trachea'], ['stomach', 'stomach'],
    ['svc', 'svc'], ['atrium|right', 'right_atrium'], ['ventricle|right', 'right_ventricle'], ['rib|left|seventh', 'rib'],
    ['ribs', 'rib'], ['unspecified', 'unspecified'],
  ];
  for (const [anatomy, landmark] of claims) assert.equal(landmarkOf(anatomy), landmark, `"${anatomy}"`);
});

test('300 reports: sections, every finding in the text, and a matrix that states exactly what the text does', () => {
  const positives = new Map<string, number>();
  let uncertain = 0, negations = 0;
  for (let seed = 0; seed < 300; seed++) {
    const s = generateSample(seed, { size: 64 });
    assert.match(s.report, /^FINDINGS: \S.*\n\nIMPRESSION: \S/s, `seed ${seed}`);
    for (const sentence of s.sentences) assert.ok(s.report.includes(sentence.text), `seed ${seed}: "${sentence.text}" missing from the text`);
    assert.deepEqual(s.matrix, labelMatrix(s.sentences.flatMap((x) => x.statements)));
    const present = new Set(s.findings.map((f) => f.kind));
    for (const f of s.findings) {
      assert.match(s.report, WORDS_OF[f.kind], `seed ${seed}: ${f.kind} not in "${s.report}"`);
      const columns = OBSERVATIONS_OF[f.kind];
      const places = [...f.landmarks, 'unspecified'];
      const stated = columns.some((o) => places.some((l) => at(s.matrix, l, o) === 1));
      if (f.uncertain) {
        uncertain++;
        assert.match(s.report, /possible|questionable|likely/i);
        const main = columns[0];
        assert.ok(LANDMARKS.every((l) => at(s.matrix, l, main) !== 1), `seed ${seed}: uncertain ${f.kind} is marked present`);
      } else {
        assert.ok(stated, `seed ${seed}: ${f.kind} at ${f.landmarks.join(',')} has no positive entry\n${s.report}`);
      }
    }
    // no positive entry without a finding behind it, no negation of a finding that is there
    for (let k = 0; k < s.matrix.length; k++) {
      if (s.matrix[k] === -1) continue;
      const observation = OBSERVATIONS[k % NUM_OBSERVATIONS];
      const kinds = (Object.keys(OBSERVATIONS_OF) as FindingKind[]).filter((kind) => OBSERVATIONS_OF[kind].includes(observation));
      if (s.matrix[k] === 1) {
        const key = `${LANDMARKS[Math.floor(k / NUM_OBSERVATIONS)]}/${observation}`;
        positives.set(key, (positives.get(key) ?? 0) + 1);
        assert.ok(NORMAL_POSITIVES.has(observation) || kinds.some((kind) => present.has(kind)), `seed ${seed}: ${key} = 1 without a finding`);
      } else {
        negations++;
        // a finding that is there may be denied only where it is not: on the other side ("no left pleural effusion"
        // beside a right one), never without a place or at a landmark that contains it
        const landmark = LANDMARKS[Math.floor(k / NUM_OBSERVATIONS)];
        const contradicted = s.findings.filter((f) => kinds.includes(f.kind) && (landmark === 'unspecified' || f.landmarks.includes(landmark)));
        assert.equal(contradicted.length, 0, `seed ${seed}: ${observation} negated at ${landmark} although present there`);
      }
    }
  }
  const top = [...positives.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`300 reports: ${negations} negated entries, ${uncertain} uncertain findings; most frequent positives: ${top}`);
  assert.ok(uncertain > 5 && negations > 300);
});

test('every observation the demo evaluates gets explicit negatives as well as positives', () => {
  const evaluated: Observation[] = ['effusion', 'pneumothorax', 'consolidation', 'pneumonia', 'atelectasis', 'cardiomegaly', 'edema', 'nodule', 'mass', 'emphysema'];
  const counts = new Map(evaluated.map((o) => [o, { positive: 0, negative: 0, unknown: 0 }]));
  const n = 300;
  for (let seed = 0; seed < n; seed++) {
    const { matrix } = generateSample(20_000 + seed, { size: 48 });
    for (const o of evaluated) {
      // the reference's existence label of an observation: 1 if positive anywhere, else 0 if negated anywhere, else −1
      const column = LANDMARKS.map((l) => at(matrix, l, o));
      const c = counts.get(o)!;
      if (column.includes(1)) c.positive++;
      else if (column.includes(0)) c.negative++;
      else c.unknown++;
    }
  }
  console.log([...counts.entries()].map(([o, c]) => `${o.padEnd(13)} positive ${c.positive}, negative ${c.negative}, unknown ${c.unknown}`).join('\n'));
  for (const [o, c] of counts) {
    assert.ok(c.positive >= 0.03 * n, `${o}: only ${c.positive} positive reports`);
    assert.ok(c.negative >= 0.2 * n, `${o}: only ${c.negative} negative reports`);
  }
});

test('the reports and matrices of seeds 0–199 are pinned: the same seed gives the same text, byte for byte', () => {
  // The demo's learning numbers rest on the exact synthetic data. A change that alters a report on purpose
  // bumps SYNTH_VERSION (so cached datasets are rebuilt) and these two hashes together.
  const text = createHash('sha256'), matrices = createHash('sha256');
  for (let seed = 0; seed < 200; seed++) {
    const s = generateSample(seed, { size: 64 });
    text.update(`${s.report}\0`);
    matrices.update(new Uint8Array(s.matrix.buffer, s.matrix.byteOffset, s.matrix.byteLength));
  }
  assert.equal(SYNTH_VERSION, 5);
  assert.equal(text.digest('hex'), 'c7e95f5f1ca0a196b1c382536d3ebc8acbc76f6bdbd901a79812b00e0f36c69c', 'report text changed');
  assert.equal(matrices.digest('hex'), '8c330ba73bb184fd305e910262b59cdfd6c55a1f366364fcbf44d79f0f68035b', 'label matrices changed');
});
