import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractSentence, extractReport } from '../../../src/data/labels/extract.ts';
import { matrixValue, isValidLabelMatrix } from '../../../src/data/labels/matrix.ts';

/** The entities of a sentence as sorted "observation@landmark:status" strings. */
function read(sentence: string): string[] {
  return extractSentence(sentence).map((e) => `${e.observation}@${e.anatomy}:${e.status}`).sort();
}

// Hand-written sentences in the style of chest radiograph reports, with the entities a reader (and RadGraph's
// rules) would give them.
const CASES: [string, string[]][] = [
  // Normal statements
  ['The lungs are clear.', ['clear@lung_volumes:present']],
  ['Heart size is normal.', ['normal@heart_size:present']],
  ['Heart size normal.', ['normal@heart_size:present']],
  ['No acute cardiopulmonary process.', ['process@cardiopulmonary:absent']],
  ['Cardiomediastinal silhouette is unremarkable.', ['unremarkable@mediastinal:present']],
  ['Osseous structures are intact.', ['intact@other:present']],
  ['The cardiac and mediastinal contours are within normal limits.', ['normal@heart_size:present', 'normal@mediastinal:present']],
  ['Lungs are well expanded and clear.', ['clear@lung_volumes:present', 'expand@lung_volumes:present']],
  ['The costophrenic angles are sharp.', ['sharp@costophrenic_unspec:present']],
  ['Normal heart size.', ['normal@heart_size:present']],
  ['Heart size is top normal.', ['normal@heart_size:present']],
  ['The mediastinal and hilar contours are unchanged.', ['excluded_obs@hilar_unspec:present', 'excluded_obs@mediastinal:present']],
  ['Heart size is normal and unchanged.', ['excluded_obs@heart_size:present', 'normal@heart_size:present']],
  ['The left effusion is unchanged in size.', ['effusion@left_lung_unspec:present']],
  ['Heart size is increased.', ['enlarge@heart_size:present']],
  ['Interval increase in right pleural effusion.', ['effusion@right_pleural:present']],
  ['Interval increase in the size of the cardiac silhouette.', ['enlarge@heart_size:present']],
  ['The heart is borderline enlarged.', ['enlarge@heart_size:present']],
  ['Heart size is borderline.', ['borderline@heart_size:present']],
  ['Heart size and pulmonary vascularity appear within normal limits.', ['normal@heart_size:present', 'normal@pulmonary:present']],
  // Negation and its scope
  ['No pleural effusion or pneumothorax.', ['effusion@pleural_unspec:absent', 'pneumothorax@pleural_unspec:absent']],
  ['No focal consolidation, pleural effusion, or pneumothorax.',
    ['consolidation@unspecified:absent', 'effusion@pleural_unspec:absent', 'pneumothorax@pleural_unspec:absent']],
  ['No pneumothorax, but there is a small left effusion.', ['effusion@left_lung_unspec:present', 'pneumothorax@unspecified:absent']],
  ['No pneumothorax, small left effusion.', ['effusion@left_lung_unspec:present', 'pneumothorax@unspecified:absent']],
  ['No pneumothorax; however, there is a small right pleural effusion.', ['effusion@right_pleural:present', 'pneumothorax@unspecified:absent']],
  ['Cardiomegaly is present, but there is no pulmonary edema.', ['cardiomegaly@unspecified:present', 'edema@pulmonary:absent']],
  ['The heart is not enlarged.', ['enlarge@heart_size:absent']],
  ['No evidence of pneumonia.', ['pneumonia@unspecified:absent']],
  ['The lungs are free of consolidation.', ['consolidation@unspecified:absent']],
  ['The lungs are clear of consolidation.', ['clear@lung_volumes:present', 'consolidation@unspecified:absent']],
  ['Lungs are clear without focal consolidation, effusion, or pneumothorax.',
    ['clear@lung_volumes:present', 'consolidation@unspecified:absent', 'effusion@unspecified:absent', 'pneumothorax@unspecified:absent']],
  ['The left effusion has resolved.', ['effusion@left_lung_unspec:absent']],
  ['The previously seen right apical pneumothorax is no longer visualized.', ['pneumothorax@right_apical_lung:absent']],
  ['Pneumothorax is not seen.', ['pneumothorax@unspecified:absent']],
  ['Negative for acute fracture.', ['fracture@unspecified:absent']],
  ['Interval removal of the endotracheal tube.', ['tube@unspecified:absent']],
  ['No change in the moderate left pleural effusion.', ['effusion@left_pleural:present']],
  ['No effusion and the heart is enlarged.', ['effusion@unspecified:absent', 'enlarge@heart_size:present']],
  // Uncertainty
  ['Right lower lobe opacity may represent pneumonia.', ['opacity@lower_right_lobe:present', 'pneumonia@unspecified:uncertain']],
  ['Pneumonia cannot be excluded.', ['pneumonia@unspecified:uncertain']],
  ['Cannot exclude a small left pleural effusion.', ['effusion@left_pleural:uncertain']],
  ['Possible small right pleural effusion.', ['effusion@right_pleural:uncertain']],
  ['Atelectasis versus pneumonia in the left lower lobe.', ['atelectasis@lower_left_lobe:uncertain', 'pneumonia@lower_left_lobe:uncertain']],
  ['Hazy opacity at the right base concerning for pneumonia.', ['opacity@right_lower_lung:present', 'pneumonia@unspecified:uncertain']],
  ['Findings suggestive of mild pulmonary edema.', ['edema@pulmonary:uncertain', 'finding@unspecified:present']],
  // "likely X" asserts X (the CheXpert / MIMIC-CXR convention); "no definite X" denies it.
  ['Left basilar opacity, likely atelectasis.', ['atelectasis@left_lower_lung:present', 'opacity@left_lower_lung:present']],
  ['Infection is not excluded.', ['pneumonia@unspecified:uncertain']],
  ['Question of a nodule in the right upper lobe.', ['nodule@upper_right_lobe:uncertain']],
  ['Effusion is possible.', ['effusion@unspecified:uncertain']],
  ['Absence of pleural effusion.', ['effusion@pleural_unspec:absent']],
  ['Neither effusion nor pneumothorax.', ['effusion@unspecified:absent', 'pneumothorax@unspecified:absent']],
  ['No new consolidation.', ['consolidation@unspecified:absent']],
  ['Findings possibly reflect atelectasis.', ['atelectasis@unspecified:uncertain', 'finding@unspecified:present']],
  ['This suggests pneumonia.', ['pneumonia@unspecified:uncertain']],
  ['Pneumonia is likely.', ['pneumonia@unspecified:present']],
  ['Pneumonia is less likely.', ['pneumonia@unspecified:uncertain']],
  ['Pneumonia is a concern.', ['pneumonia@unspecified:uncertain']],
  ['There is a concern for pneumonia in the left lower lobe.', ['pneumonia@lower_left_lobe:uncertain']],
  ['There is no definite pneumothorax.', ['pneumothorax@unspecified:absent']],
  ['No pneumothorax, although small left effusion persists.', ['effusion@left_lung_unspec:present', 'pneumothorax@unspecified:absent']],
  ['Atelectasis or consolidation in the left lower lobe.', ['atelectasis@lower_left_lobe:uncertain', 'consolidation@lower_left_lobe:uncertain']],
  // Anatomy
  ['Enlarged cardiac silhouette.', ['enlarge@heart_size:present']],
  ['Moderate cardiomegaly.', ['cardiomegaly@unspecified:present']],
  ['There are low lung volumes with bibasilar atelectasis.', ['atelectasis@lung_bases:present', 'low@lung_volumes:present']],
  ['Blunting of the right costophrenic angle.', ['blunt@right_costophrenic:present']],
  ['Opacity in the left lower lobe.', ['opacity@lower_left_lobe:present']],
  ['Consolidative opacity at the left base.', ['opacity@left_lower_lung:present']],
  ['Nodular opacity in the lingula.', ['opacity@upper_left_lobe:present']],
  ['Right and left lower lobe opacities.', ['opacity@lower_left_lobe:present', 'opacity@lower_right_lobe:present']],
  ['Opacities in the right upper and left lower lobes.', ['opacity@lower_left_lobe:present', 'opacity@upper_right_lobe:present']],
  ['Retrocardiac opacity.', ['opacity@retrocardiac:present']],
  ['Elevated right hemidiaphragm.', ['elevation@right_diaphragm:present']],
  ['Widened mediastinum.', ['widen@mediastinal:present']],
  ['Mild pulmonary vascular congestion and interstitial edema.', ['congestion@pulmonary:present', 'edema@interstitium:present']],
  ['Patchy opacities in both lung bases.', ['opacity@lung_bases:present']],
  ['Multiple left rib fractures.', ['fracture@rib:present']],
  ['Degenerative changes of the thoracic spine.', ['degenerative@spine:present']],
  ['The aorta is tortuous and calcified.', ['calcification@aorta:present', 'tortuous@aorta:present']],
  ['Small bilateral pleural effusions.', ['effusion@pleural_unspec:present']],
  ['The lungs are hyperinflated.', ['hyperinflate@lung_volumes:present']],
  ['Opacity at the base of the left lung.', ['opacity@left_lower_lung:present']],
  ['Airspace disease in the right middle lobe.', ['disease@middle_right_lobe:present']],
  ['Air space opacity at the left base.', ['opacity@left_lower_lung:present']],
  ['Stable left perihilar mass.', ['mass@left_hilar:present']],
  // Devices and synonyms
  ['ET tube terminates 4 cm above the carina.', ['tube@other:present']],
  ['NG tube tip is in the stomach.', ['tip@stomach:present', 'tube@stomach:present']],
  ['Right PICC line terminates in the mid SVC.', ['picc@svc:present']],
  ['Left-sided pacer with leads in the right atrium and right ventricle.',
    ['lead@right_atrium:present', 'lead@right_ventricle:present', 'pacemaker@other:present']],
  ['Findings are consistent with CHF.', ['chf@unspecified:present', 'finding@unspecified:present']],
  ['Congestive heart failure.', ['chf@unspecified:present']],
  ['Right lower lobe infection.', ['pneumonia@lower_right_lobe:present']],
  ['Bilateral pneumothoraces.', ['pneumothorax@unspecified:present']],
  ['Small left apical pneumothorax.', ['pneumothorax@left_apical_lung:present']],
  ['A 1.5 cm nodule in the right upper lobe.', ['nodule@upper_right_lobe:present']],
  ['The trachea is midline.', ['tail_abnorm_obs@trachea:present']], // "midline" is not one of the 73 named observations
  ['Lungs are hyperexpanded with flattening of the diaphragms.',
    ['hyperinflate@lung_volumes:present', 'tail_abnorm_obs@diaphragm_unspec:present']],
  ['Right mid lung consolidation, consistent with pneumonia.',
    ['consolidation@right_mid_lung:present', 'pneumonia@right_mid_lung:present']],
  ['Bibasilar opacities, likely atelectasis, though infection cannot be excluded.',
    ['atelectasis@lung_bases:present', 'opacity@lung_bases:present', 'pneumonia@unspecified:uncertain']],
  ['There is mild blunting of the left costophrenic angle which may be due to a small effusion or pleural thickening.',
    ['blunt@left_costophrenic:present', 'effusion@unspecified:uncertain', 'thicken@pleural_unspec:uncertain']],
  ['The endotracheal tube is 3 cm above the carina and the nasogastric tube courses below the diaphragm.',
    ['tube@diaphragm_unspec:present', 'tube@other:present']],
  ['Moderate right and small left pleural effusions are similar.', ['effusion@left_pleural:present', 'effusion@right_pleural:present']],
  ['Tip of the right IJ line projects over the cavoatrial junction.',
    ['line@cavoatrial_junction:present', 'tip@cavoatrial_junction:present']],
  ['The catheter tip is at the cavoatrial junction.', ['catheter@cavoatrial_junction:present', 'tip@cavoatrial_junction:present']],
  ['Central line tip in the superior vena cava.', ['line@svc:present', 'tip@svc:present']],
  ['Blunting of the left CP angle.', ['blunt@left_costophrenic:present']],
  ['Small effusion on the left side.', ['effusion@left_lung_unspec:present']],
  ['Heart not enlarged.', ['enlarge@heart_size:absent']],
  ['Lungs and pleural spaces are clear.', ['clear@lung_volumes:present', 'clear@pleural_unspec:present']],
  ['The heart is enlarged, the lungs otherwise clear.', ['clear@lung_volumes:present', 'enlarge@heart_size:present']],
  ['Pulmonary oedema.', ['edema@pulmonary:present']],
  ['Mild thickening of the left pleura.', ['thicken@left_pleural:present']],
];

test(`${CASES.length} report sentences: observations, anatomy and status`, () => {
  assert.ok(CASES.length >= 40);
  const failures: string[] = [];
  for (const [sentence, expected] of CASES) {
    const actual = read(sentence);
    if (JSON.stringify(actual) !== JSON.stringify([...expected].sort())) {
      failures.push(`${sentence}\n    expected ${expected.join(', ')}\n    received ${actual.join(', ')}`);
    }
  }
  assert.equal(failures.length, 0, `\n${failures.join('\n')}`);
});

const MIMIC_STYLE = `                                 FINAL REPORT
 EXAMINATION:  CHEST (PA AND LAT)

 INDICATION:  ___F with cough and fever, evaluate for pneumonia.

 TECHNIQUE:  Chest PA and lateral

 COMPARISON:  ___

 FINDINGS:

 There is a new left lower lobe consolidation.  No pleural effusion or
 pneumothorax is seen.  Heart size is normal.  Dr. ___ was notified of the
 findings at 1.5 hours after the study.

 IMPRESSION:

 1. Left lower lobe pneumonia.
 2. No pneumothorax.
`;

test('a headed report: FINDINGS and IMPRESSION are read, INDICATION and the rest are not (unless asked)', () => {
  const r = extractReport(MIMIC_STYLE);
  assert.deepEqual(r.sentences, [
    'There is a new left lower lobe consolidation.',
    'No pleural effusion or pneumothorax is seen.',
    'Heart size is normal.',
    'Dr. ___ was notified of the findings at 1.5 hours after the study.',
    'Left lower lobe pneumonia.',
    'No pneumothorax.',
  ]);
  assert.equal(matrixValue(r.matrix, 'lower_left_lobe', 'consolidation'), 1);
  assert.equal(matrixValue(r.matrix, 'lower_left_lobe', 'pneumonia'), 1);
  assert.equal(matrixValue(r.matrix, 'pleural_unspec', 'effusion'), 0);
  assert.equal(matrixValue(r.matrix, 'pleural_unspec', 'pneumothorax'), 0);
  assert.equal(matrixValue(r.matrix, 'unspecified', 'pneumothorax'), 0);
  assert.equal(matrixValue(r.matrix, 'heart_size', 'normal'), 1);
  // "evaluate for pneumonia" in the indication does not count.
  assert.equal(matrixValue(r.matrix, 'unspecified', 'pneumonia'), -1);
  assert.equal(Array.from(r.matrix).filter((v) => v !== -1).length, 7); // + finding@unspecified from sentence 4
  const all = extractReport(MIMIC_STYLE, { sections: 'all' });
  assert.ok(all.sentences.some((s) => s.includes('evaluate for pneumonia')));
  assert.ok(all.entities.some((e) => e.observation === 'pneumonia' && e.anatomy === 'unspecified' && e.status === 'uncertain'));
  const impressionOnly = extractReport(MIMIC_STYLE, { sections: ['impression'] });
  assert.deepEqual(impressionOnly.sentences, ['Left lower lobe pneumonia.', 'No pneumothorax.']);
});

test('a report without headers is read whole; entities carry their text', () => {
  const r = extractReport('Heart size normal. Lungs clear. XXXX XXXX. No pneumothorax.');
  assert.deepEqual(r.entities.map((e) => [e.observation, e.anatomy, e.status, e.text, e.anatomyText, e.sentence]), [
    ['normal', 'heart_size', 'present', 'normal', 'Heart size', 0],
    ['clear', 'lung_volumes', 'present', 'clear', 'Lungs', 1],
    ['pneumothorax', 'unspecified', 'absent', 'pneumothorax', '', 3],
  ]);
});

test('empty, de-identified and garbled text gives valid (possibly empty) matrices', () => {
  for (const text of ['', '   \n\n ', 'XXXX', '___', 'FINDINGS:', 'IMPRESSION: XXXX XXXX XXXX.', '\u0000\u0001\uD800\uFFFD',
    '😀 ✓ ŝ', '.....', '1. 2. 3.', 'no no no no', 'FINDINGS: FINDINGS: IMPRESSION:']) {
    const r = extractReport(text);
    assert.ok(isValidLabelMatrix(r.matrix), JSON.stringify(text));
    assert.equal(r.entities.length, 0, JSON.stringify(text));
  }
  assert.throws(() => extractReport(undefined as unknown as string), TypeError);
});
