/**
 * The word lists of the free-text extractor (`extract.ts`): anatomy words, observation words and their synonyms,
 * modifiers, negation and uncertainty cues. All entries are lower case; multi-word entries are space-separated
 * tokens as `spans.ts` tokenises them. Sources of facts (not of code): the CheXpert labeler's mention and
 * negation/uncertainty phrase lists, NegBio's patterns, and the wording of chest radiograph reports.
 */

// ---------------------------------------------------------------------------------------------------------------
// Anatomy
// ---------------------------------------------------------------------------------------------------------------

/** Words that can be the root of an anatomy phrase. Those the landmark rules do not know map to `other`. */
export const ANATOMY_HEADS: ReadonlySet<string> = new Set([
  'lung', 'lungs', 'lobe', 'lobes', 'base', 'bases', 'basilar', 'bibasilar', 'basal', 'bibasal', 'apex', 'apices',
  'apical', 'biapical', 'apicolateral', 'hilum', 'hila', 'hilar', 'perihilar', 'infrahilar', 'pleural', 'pleura',
  'heart', 'cardiac', 'mediastinum', 'mediastinal', 'cardiomediastinal', 'cardiomediastinum', 'silhouette',
  'silhouettes', 'contour', 'contours', 'border', 'borders', 'diaphragm', 'diaphragms', 'hemidiaphragm', 'hemidiaphragms',
  'costophrenic', 'angle', 'angles', 'retrocardiac', 'lingula', 'lingular', 'midlung', 'hemithorax', 'thorax',
  'trachea', 'tracheal', 'carina', 'spine', 'spinal', 'vertebra', 'vertebrae', 'vertebral', 'clavicle', 'clavicles',
  'rib', 'ribs', 'stomach', 'abdomen', 'abdominal', 'atrium', 'atrial', 'ventricle', 'ventricular', 'aorta', 'aortic',
  'knob', 'arch', 'svc', 'cavoatrial junction', 'left side', 'right side', 'interstitium', 'interstitial',
  'parenchyma', 'parenchymal', 'cardiopulmonary', 'pulmonary', 'vascular', 'vasculature', 'vascularity', 'volume',
  'volumes', 'chest', 'osseous', 'bony', 'bones', 'bone', 'structures', 'structure', 'tissues', 'tissue', 'zone', 'zones',
  'field', 'fields', 'region', 'cardiophrenic', 'sulcus', 'sulci', 'shoulder', 'shoulders', 'neck', 'jugular',
  'subclavian', 'axilla', 'axillary', 'sternum', 'sternal', 'humerus', 'humeral', 'scapula', 'esophagus', 'airway',
  'airways', 'bronchus', 'bronchi', 'paratracheal', 'subcutaneous', 'junction', 'paraspinal',
  'subpulmonic', 'fissure', 'thoracic', 'space', 'spaces', 'segment', 'segments', 'brachiocephalic', 'innominate', 'atria',
  // Structures real reports locate findings at; the landmark rules map them to `other` (or, with "pulmonary", to
  // pulmonary), as RadGraph anatomies.
  'subdiaphragmatic', 'intraperitoneal', 'pericardial', 'esophageal', 'quadrant', 'recess', 'recesses', 'stripe',
  'artery', 'arteries', 'vessel', 'vessels', 'vein', 'veins', 'wall', 'node', 'nodes', 'sinus',
]);

/** Words that only modify an anatomy root. */
export const ANATOMY_MODIFIERS: ReadonlySet<string> = new Set([
  'left', 'right', 'left-sided', 'right-sided', 'bilateral', 'both', 'upper', 'lower', 'middle', 'mid', 'hemi',
  'anterior', 'posterior', 'lateral', 'medial', 'inferior', 'size', 'descending', 'ascending', 'distal', 'proximal',
  'internal', 'external', 'soft', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth',
  'tenth', 'eleventh', 'twelfth', '1st', '2nd', '3rd', '4th', '5th', '6th', '7th', '8th', '9th', '10th', '11th',
  '12th', 'major', 'minor', 'main', 'mainstem', 'venous', 'arterial', 'central', 'superior', 'paramediastinal',
  'infrahilar', 'suprahilar', 'coronary', 'lymph',
]);

/** Modifiers that are an anatomy on their own ("effusion on the left"). */
export const STANDALONE_SIDES: ReadonlySet<string> = new Set(['left', 'right', 'left-sided', 'right-sided']);
export const SIDE_WORDS: ReadonlySet<string> = new Set(['left', 'right', 'left-sided', 'right-sided', 'bilateral', 'both']);
export const LEVEL_WORDS: ReadonlySet<string> = new Set(['upper', 'lower', 'middle', 'mid']);

/**
 * Multi-word anatomy names, rewritten into the single token the landmark rules expect, and a few spellings the
 * rules would not recognise ("pleura" is read as "pleural", so "left pleura" is the left pleural landmark).
 */
export const ANATOMY_PHRASES: ReadonlyMap<string, string> = new Map([
  ['pleura', 'pleural'],
  ['cavoatrial junction', 'cavoatrial junction'],
  ['cavo-atrial junction', 'cavoatrial junction'],
  ['superior vena cava', 'svc'],
  ['left side', 'left side'],
  ['right side', 'right side'],
  ['cp angle', 'costophrenic angle'],
  ['cp angles', 'costophrenic angles'],
  ['pleural-parenchymal', 'pleural'],
  ['pleuroparenchymal', 'pleural'],
  ['pleuro-parenchymal', 'pleural'],
  ['clavicular', 'clavicle'],
  ['low svc', 'svc'],
  // Lobe abbreviations.
  ['rul', 'right upper lobe'], ['rml', 'right middle lobe'], ['rll', 'right lower lobe'], ['lul', 'left upper lobe'],
  ['lll', 'left lower lobe'],
]);

/** Plural heads borrowed by an elided coordinate ("right and left lower lobes") become singular. */
export const SINGULAR_HEAD: Readonly<Record<string, string>> = Object.freeze({
  lobes: 'lobe', lungs: 'lung', bases: 'base', angles: 'angle', hemidiaphragms: 'hemidiaphragm', apices: 'apex',
  hila: 'hilum', ribs: 'rib', clavicles: 'clavicle', zones: 'zone', fields: 'field', diaphragms: 'diaphragm',
});

// ---------------------------------------------------------------------------------------------------------------
// Observations
// ---------------------------------------------------------------------------------------------------------------

/** Multi-word observation names → lemma (the lemma then goes through the correction table and grouping). */
export const OBSERVATION_PHRASES: ReadonlyMap<string, string> = new Map([
  ['congestive heart failure', 'chf'],
  ['heart failure', 'chf'],
  ['within normal limits', 'normal'],
  ['within normal limit', 'normal'],
  ['upper limits of normal', 'normal'],
  ['upper limit of normal', 'normal'],
  ['top normal', 'normal'],
  ['top-normal', 'normal'],
  ['high normal', 'normal'],
  ['volume loss', 'loss'],
  ['picc line', 'picc'],
  ['picc lines', 'picc'],
  ['not well seen', 'not well see'],
  ['not well visualized', 'not well visualize'],
  ['not well evaluated', 'not well evaluate'],
  ['not well assessed', 'not well assess'],
  ['poorly seen', 'poorly see'],
  ['poorly visualized', 'difficult to assess'],
  ['difficult to evaluate', 'difficult to evaluate'],
  ['difficult to assess', 'difficult to assess'],
  ['cannot be assessed', 'can not be assess'],
  ['cannot be evaluated', 'can not be evaluate'],
  ['can not be assessed', 'can not be assess'],
  ['can not be evaluated', 'can not be evaluate'],
  ['kerley b lines', 'kerley line'],
  ['kerley lines', 'kerley line'],
  ['air-fluid level', 'air-fluid level'],
  ['air fluid level', 'air-fluid level'],
  ['mass-like', 'mass'],
  ['infectious process', 'infectious process'],
  ['air bronchogram', 'bronchogram'],
  ['air bronchograms', 'bronchogram'],
  ['nipple shadow', 'nipple shadow'],
  ['nipple shadows', 'nipple shadow'],
  ['fat pad', 'fat pad'],
  ['fat pads', 'fat pad'],
  ['b lines', 'kerley line'],
  ['congestive failure', 'chf'],
  ['skin fold', 'skin fold'],
  ['skin folds', 'skin fold'],
]);

/** Single words whose lemma the lemmatiser would not give the observation a reader means. */
export const OBSERVATION_SYNONYMS: Readonly<Record<string, string>> = Object.freeze({
  ett: 'tube', ngt: 'tube', ogt: 'tube', dobhoff: 'tube', picc: 'picc', piccs: 'picc',
  hyperexpanded: 'hyperinflate', hyperexpansion: 'hyperinflate', overinflated: 'hyperinflate',
  hyperaerated: 'hyperinflate', hyperinflation: 'hyperinflate', emphysematous: 'emphysema', edematous: 'edema',
  infiltration: 'infiltrate', infiltrative: 'infiltrate', herniation: 'hernia', calcific: 'calcification',
  calcifications: 'calcification', opacified: 'opacification', opacifications: 'opacification', congested: 'congestion',
  masslike: 'mass', aspirated: 'aspiration', cardiomegally: 'cardiomegaly', pneumothroax: 'pneumothorax',
  effussion: 'effusion', atelectsis: 'atelectasis', consolidaton: 'consolidation', opacites: 'opacity',
  pacemakers: 'pacemaker', pacers: 'pacer', expansion: 'expand', collapsed: 'collapse', scarring: 'scar',
  shifted: 'shift', atelectases: 'atelectasis', clear: 'clear', sharp: 'sharp', blunted: 'blunt',
  // British spellings and usage.
  oedema: 'edema', oedematous: 'edema', haemorrhage: 'hemorrhage', shadowing: 'opacity', shadowings: 'opacity',
  haziness: 'haziness',
  // Adjectival and noun forms of named observations.
  congestive: 'congestion', hyperlucent: 'hyperlucency', atherosclerotic: 'atherosclerosis', 're-expansion': 'expand',
  reexpansion: 'expand', 're-expanded': 'expand', reexpanded: 'expand', dextroscoliosis: 'scoliosis',
  levoscoliosis: 'scoliosis', pneumonitis: 'pneumonitis', silhouetted: 'silhouetted', hypoinflation: 'hypoinflation',
  // Device names that are catheters or devices.
  cath: 'catheter', cvc: 'catheter', 'port-a-cath': 'catheter', portacath: 'catheter', 'port-a-catheter': 'catheter',
  mediport: 'catheter', powerport: 'catheter', port: 'catheter', sheath: 'device', probe: 'device', pump: 'device',
  recorder: 'device', iabp: 'device', generator: 'pacemaker', cordis: 'device', osteopenic: 'osteopenia',
  granulomata: 'granuloma', fx: 'fracture', fxs: 'fracture', 'swan-ganz': 'catheter', hickman: 'catheter',
  pleurx: 'catheter', impella: 'device', 'picc-line': 'picc', 'g-tube': 'tube', 'j-tube': 'tube', 'ng-tube': 'tube',
  'og-tube': 'tube', 'et-tube': 'tube',
});

/** Device nouns, and the words that can precede them inside the device's name ("nasogastric tube"). */
export const DEVICE_NOUNS: ReadonlySet<string> = new Set(['tube', 'tubes', 'line', 'lines', 'catheter', 'catheters',
  'wire', 'wires', 'lead', 'leads', 'drain', 'drains', 'stent', 'stents', 'clip', 'clips', 'pacemaker', 'pacer',
  'device', 'devices', 'ett', 'ngt', 'ogt', 'picc', 'hardware', 'cath', 'cvc', 'port-a-cath', 'portacath',
  'port-a-catheter', 'mediport', 'powerport', 'sheath', 'probe', 'recorder', 'iabp', 'cordis', 'swan-ganz', 'hickman',
  'dobhoff', 'pleurx', 'impella', 'picc-line', 'g-tube', 'j-tube', 'ng-tube', 'og-tube', 'et-tube']);

/** Device nouns that name a device only after one of these words ("chest wall port", "balloon pump"). */
export const QUALIFIED_DEVICE_NOUNS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['port', new Set(['chest', 'wall', 'power', 'infusion', 'implanted', 'subcutaneous', 'venous', 'access'])],
  ['pump', new Set(['balloon'])],
  ['generator', new Set(['pacemaker', 'pacer', 'aicd', 'icd', 'defibrillator'])],
]);

/** Words before "line(s)" that make it a line on the image, not a device ("pleural line", "septal lines"). */
export const NON_DEVICE_LINE_WORDS: ReadonlySet<string> = new Set(['pleural', 'pleura', 'septal', 'skin', 'fold',
  'junction', 'paraspinal', 'paratracheal', 'azygoesophageal', 'fissure', 'kerley', 'b', 'reticular', 'fibrotic',
  'linear', 'thin', 'visceral', 'diaphragmatic', 'midline', 'mach', 'air', 'fluid', 'midclavicular', 'axillary',
  'paravertebral', 'stripe']);
export const DEVICE_PREFIXES: ReadonlySet<string> = new Set(['endotracheal', 'et', 'enteric', 'feeding', 'nasogastric',
  'ng', 'og', 'orogastric', 'dobhoff', 'chest', 'tracheostomy', 'trach', 'central', 'venous', 'swan-ganz', 'swan',
  'ganz', 'pigtail', 'sternotomy', 'pacing', 'surgical', 'median', 'transvenous', 'dual-lead', 'dual-chamber',
  'single-lead', 'ij', 'dual-lumen', 'double-lumen', 'triple-lumen', 'port-a-cath', 'port', 'hemodialysis', 'dialysis',
  'temporary', 'permanent', 'cardiac', 'biventricular', 'vascular', 'metallic', 'orthopedic', 'fixation', 'epicardial',
  'intra-aortic', 'balloon', 'pump', 'iabp', 'gastric', 'nasoenteric', 'drainage', 'aicd', 'icd', 'loop', 'recorder',
  'introducer', 'temperature', 'fusion', 'peg', 'gastrostomy', 'jejunostomy', 'hickman', 'groshong',
  'tunneled', 'tunnelled', 'quinton', 'trialysis', 'impella', 'lvad', 'ecmo', 'cannula', 'pleurx', 'monitoring', 'ekg',
  'ecg', 'telemetry']);

/** Device observations look for their anatomy after themselves first ("catheter tip in the SVC"). */
export const DEVICE_OBSERVATIONS: ReadonlySet<string> = new Set(['tube', 'line', 'catheter', 'picc', 'pacemaker',
  'lead', 'wire', 'device', 'stent', 'clip', 'hardware', 'tip', 'drainage']);

/** Findings outside the 73 named observations that a report still states (grouped as tail_abnorm_obs). */
export const TAIL_FINDINGS: ReadonlySet<string> = new Set([
  'haziness', 'haze', 'kyphosis', 'kyphotic', 'fibrosis', 'fibrotic', 'scoliosis', 'granuloma', 'bronchiectasis',
  'cavitation', 'cavity', 'abscess', 'adenopathy', 'lymphadenopathy', 'lucency', 'hyperlucency', 'bleb', 'bulla',
  'cyst', 'tumor', 'neoplasm', 'malignancy', 'metastasis', 'cancer', 'carcinoma', 'osteopenia', 'hemorrhage',
  'contusion', 'dislocation', 'pneumomediastinum', 'pneumoperitoneum', 'hematoma', 'deviation', 'deviate',
  'elongation', 'thrombus', 'embolism', 'ards', 'bronchitis', 'bronchiolitis', 'aicd', 'icd', 'defibrillator',
  'kerley line', 'cephalization', 'bronchogram', 'air-fluid level', 'plaque', 'pneumopericardium', 'atherosclerosis',
  'spondylosis', 'osteophyte', 'sclerosis', 'splinting', 'difficult to assess', 'granulomatous', 'calcinosis',
  'pneumatocele', 'empyema', 'copd', 'midline', 'flatten', 'flattening', 'hydrothorax', 'hemothorax', 'cardiomyopathy',
  'hyperlucency', 'eventration', 'honeycombing', 'narrowing', 'syndrome', 'fullness', 'cap', 'ectatic', 'ectasia',
  'unfolding', 'unfold', 'honeycomb', 'narrow', 'indistinct', 'indistinctness', 'irregularity', 'silhouetted', 'hypertension', 'pneumonitis',
  'hypoinflation', 'nipple shadow', 'fat pad', 'staple', 'tracheostomy', 'tubing', 'bronchogram', 'lymphangitic',
  'arthroplasty', 'tuberculosis', 'tb', 'skin fold',
]);

/**
 * Adjectives that state a finding of their own when they modify another observation ("calcified granuloma" is a
 * calcification and a granuloma): kept, where other modifying observations are dropped, and located with the noun.
 */
export const FINDING_ADJECTIVES: ReadonlySet<string> = new Set(['calcified', 'calcific', 'densely-calcified',
  'partially-calcified']);

/** Change and status words that are observations only when nothing else carries the finding ("changes"). */
export const WEAK_HEADS: ReadonlySet<string> = new Set(['change', 'changes', 'appearance', 'component']);

/**
 * Modifiers: severity, extent, time, shape. They never make an observation of their own (the reference drops
 * RadGraph observations that only modify another), and they may stand between a cue and its observation.
 */
export const MODIFIERS: ReadonlySet<string> = new Set([
  'small', 'smaller', 'moderate', 'large', 'larger', 'mild', 'minimal', 'minor', 'tiny', 'trace', 'severe', 'extensive',
  'massive', 'marked', 'subtle', 'slight', 'new', 'newly', 'old', 'chronic', 'acute', 'subacute', 'focal', 'multifocal',
  'patchy', 'diffuse', 'hazy', 'streaky', 'linear', 'platelike', 'plate-like', 'bandlike', 'band-like', 'subsegmental',
  'segmental', 'lobar', 'multilobar', 'confluent', 'ill-defined', 'well-defined', 'rounded', 'round', 'residual',
  'persistent', 'persistently', 'recurrent', 'layering', 'loculated', 'mild-to-moderate', 'moderate-to-large',
  'small-to-moderate', 'moderate-to-severe', 'mild-moderate', 'very', 'somewhat', 'slightly', 'mildly', 'moderately',
  'markedly', 'minimally', 'severely', 'increased', 'increasing', 'decreased', 'decreasing', 'improved', 'improving',
  'worsened', 'worsening', 'unchanged', 'similar', 'prior', 'known', 'previously', 'previous', 'described', 'early',
  'developing', 'underlying', 'superimposed', 'additional', 'further', 'more', 'less', 'some', 'airspace', 'air-space',
  'ground-glass', 'ground', 'glass', 'reticular', 'reticulonodular', 'nodular-appearing', 'interval', 'significant',
  'appreciable', 'definite', 'overt', 'frank', 'gross', 'obvious', 'discrete', 'apparent', 'cm', 'mm', 'centimeter',
  'millimeter', 'approximately', 'about', 'up', 'greater', 'lesser', 'bulky', 'dense', 'faint', 'vague', 'mixed',
  'cystic', 'solid', 'calcified-appearing', 'widespread', 'scattered', 'multiple', 'numerous', 'several', 'few',
  'two', 'three', 'bilaterally', 'elsewhere', 'otherwise', 'relatively', 'overall', 'remote', 'healed', 'healing',
  'displaced', 'nondisplaced', 'non-displaced', 'minimally-displaced', 'compression', 'pathologic', 'stable-appearing',
  'right-greater-than-left', 'left-greater-than-right', 'postsurgical', 'post-surgical', 'postoperative',
  'post-operative', 'status', 'post', 's/p', 'bronchovascular', 'vascular-appearing', 'perihilar-predominant', 'and/or',
  'xxxx', 'tension', 'discoid', 'dependent', 'punctate', 'coarse', 'nonspecific', 'spiculated', 'lobulated',
  'bullous', 'centrilobular', 'paraseptal', 'cavitary', 'lytic', 'sclerotic', 'blastic', 'gaseous', 'dual-chamber',
  'moderate-sized', 'small-sized', 'large-sized', 'mid-to-lower', 'upper-to-mid', 'age-indeterminate', 'nonacute',
  'chronic-appearing', 'old-appearing', 'aortopulmonary', 'noncalcified', 'non-calcified', 'wedge', 'fluffy',
  'densely', 'partially', 'hiatal', 'hiatus', 'dual', 'single', 'triple',
]);

/** Copulas: "<anatomy> is/are <observation>" attaches the predicate observation to the subject. */
export const COPULAS: ReadonlySet<string> = new Set(['is', 'are', 'was', 'were', 'be', 'been', 'being', 'appear',
  'appears', 'appeared', 'remain', 'remains', 'remained', 'seem', 'seems', 'look', 'looks', 'become', 'becomes',
  'became', 'has', 'have', 'had']);

/** Finite verbs and participles that make a comma-separated segment a clause of its own. */
export const VERBS: ReadonlySet<string> = new Set([...COPULAS, 'seen', 'noted', 'identified', 'visualized',
  'demonstrated', 'measures', 'measuring', 'shows', 'show', 'demonstrates', 'persists', 'persist', 'projects',
  'project', 'terminates', 'terminate', 'extends', 'extend', 'overlies', 'overlie', 'represents', 'represent',
  'reflects', 'reflect', 'suggests', 'suggest', 'present', 'evident', 'there']);

/** Words between an observation and a later anatomy that keep them in one phrase, as long as one is a preposition. */
export const PREPOSITIONS: ReadonlySet<string> = new Set(['in', 'at', 'of', 'within', 'involving', 'overlying',
  'over', 'along', 'throughout', 'from', 'into', 'near', 'adjacent', 'above', 'below', 'on', 'to', 'beneath', 'behind',
  'projecting', 'projects', 'overlies', 'terminates', 'terminating', 'extends', 'extending', 'through', 'via',
  'across', 'under', 'level', 'ends', 'ending', 'abutting', 'obscuring', 'silhouetting', 'by', 'overlie', 'project',
  'overlying', 'courses', 'coursing', 'passes', 'passing', 'toward', 'towards', 'between']);

export const DETERMINERS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'this', 'these', 'that', 'those', 'its',
  'their', 'any', 'each', 'which', 'there', 'it', 'he', 'she', 'patient']);

export const ADVERBS: ReadonlySet<string> = new Set(['not', 'otherwise', 'well', 'still', 'again', 'now', 'also', 'fully',
  'completely', 'partially', 'nearly', 'almost',
  'somewhat', 'top', 'stably', 'overall', 'essentially', 'grossly', 'probably', 'possibly', 'likely', 'slightly',
  'mildly', 'moderately', 'markedly', 'minimally', 'severely', 'borderline', 'normally', 'appropriately',
  'relatively', 'unchanged', 'stable', 'at', 'the', 'rather',
  'quite', 'very', 'fairly', 'largely', 'mostly', 'more', 'less', 'significantly', 'newly', 'previously', 'currently',
  'clearly', 'definitely']);

/** Word-level coordinators inside a list of findings. */
export const COORDINATORS: ReadonlySet<string> = new Set(['and', 'or', 'nor', 'and/or', ',', '/']);

/** Words that end a clause (and with it the scope of negation and uncertainty). */
export const CLAUSE_BREAKS: readonly string[] = ['but', 'however', 'although', 'though', 'whereas', 'which', 'except',
  'aside from', 'apart from', 'other than', 'with the exception of', 'while', 'yet', 'since', 'because',
  'in addition', 'additionally', 'status post', 's/p'];

// ---------------------------------------------------------------------------------------------------------------
// Negation and uncertainty cues
// ---------------------------------------------------------------------------------------------------------------

/**
 * Direction of a cue: `pre` applies to observations after it, `post` to those before it, `both` to both, and
 * `flex` after it when an observation follows in the same scope, before it otherwise ("possible effusion",
 * "effusion is possible").
 */
export type CueDirection = 'pre' | 'post' | 'both' | 'flex';
export type CueKind = 'negation' | 'uncertainty' | 'pseudo';
export interface Cue { kind: CueKind; direction: CueDirection }

function cues(kind: CueKind, direction: CueDirection, phrases: string[]): [string, Cue][] {
  return phrases.map((p) => [p, { kind, direction }]);
}

function exclusionCues(): [string, Cue][] {
  const negs = ['cannot', 'can not', "can't", 'could not', "couldn't", 'not', 'may not', 'can', 'difficult to'];
  const adverbs = ['', 'entirely ', 'completely ', 'fully ', 'definitely ', 'totally ', 'confidently ', 'reliably '];
  const out: [string, Cue][] = [];
  for (const n of negs) {
    for (const a of adverbs) {
      for (const v of ['excluded', 'ruled out']) {
        out.push([`${n} be ${a}${v}`, { kind: 'uncertainty', direction: 'post' }]);
        out.push([`${n} ${a}${v}`.replace(/\s+/g, ' '), { kind: 'uncertainty', direction: 'post' }]);
      }
      for (const v of ['exclude', 'rule out']) {
        out.push([`${n} ${a}${v}`.replace(/\s+/g, ' '), { kind: 'uncertainty', direction: 'pre' }]);
      }
    }
  }
  return out.filter(([p]) => !p.startsWith('can ') || p.startsWith('can not'));
}

/** Every cue phrase; the extractor matches the longest phrase at each position. */
export const CUE_PHRASES: ReadonlyMap<string, Cue> = new Map([
  ...cues('pseudo', 'pre', ['no change', 'no significant change', 'no interval change', 'no appreciable change',
    'no substantial change', 'no significant interval change', 'no change in', 'not changed', 'no increase',
    'no decrease', 'no significant increase', 'no significant decrease', 'without change', 'without interval change',
    'not only', 'no further', 'without significant change', 'no other', 'gram negative', 'not significantly changed']),
  // Hedges that still assert the finding: the CheXpert labeler (and the MIMIC-CXR labels made with it) reads
  // "likely X" and "probably X" as positive, unlike "possible", "probable" or "may".
  ...cues('pseudo', 'pre', ['likely', 'most likely', 'more likely', 'probably', 'most probably', 'likely due to',
    'is likely', 'are likely', 'is most likely', 'is probably', 'are probably', 'likely represents', 'likely reflects']),
  // Words that would otherwise open a scope but do not here: "no X to suggest Y" keeps the negation on Y, "ensure
  // resolution of X" says X is there, "age indeterminate" is not about the finding.
  ...cues('pseudo', 'pre', ['to suggest', 'to indicate', 'to explain', 'age indeterminate', 'of indeterminate age',
    'ensure resolution of', 'document resolution of', 'demonstrate resolution of', 'confirm resolution of',
    'to resolution', 'until resolution', 'not resolved', 'not completely resolved', 'not fully resolved',
    'has not resolved', 'has not completely resolved', 'have not resolved', 'not entirely resolved',
    'incompletely resolved', 'as clinically suspected', 'as suspected clinically', 'as suspected']),
  ...cues('negation', 'pre', ['no', 'not', 'without', 'free of', 'negative for', 'absence of', 'resolution of',
    'removal of', 'interval removal of', 'interval resolution of', 'neither', 'nor', 'never', 'denies',
    'rather than', 'clearance of', 'clearing of', 'interval clearing of', 'no evidence of', 'no signs of', 'no sign of', 'no findings of',
    'no radiographic evidence of', 'without evidence of', 'not demonstrate', 'does not demonstrate']),
  ...cues('negation', 'post', ['not seen', 'not identified', 'not visualized', 'not appreciated', 'not demonstrated',
    'not present', 'not evident', 'not detected', 'not noted', 'not visible', 'not apparent', 'not observed',
    'is absent', 'are absent', 'has resolved', 'have resolved', 'has been removed', 'have been removed',
    'has cleared', 'have cleared', 'is gone', 'are gone', 'have been resolved', 'has been resolved',
    'is resolved', 'are resolved', 'nearly resolved', 'largely resolved', 'essentially resolved', 'completely resolved']),
  ...cues('negation', 'flex', ['resolved', 'removed', 'removal', 'absent', 'no longer', 'no longer seen', 'no longer present',
    'no longer visualized', 'no longer evident', 'no longer identified', 'no longer visible']),
  ...exclusionCues(),
  ...cues('uncertainty', 'pre', ['suggest', 'suggests', 'suggesting', 'suggestive of', 'suggestive', 'question of',
    'concerning for', 'concern for', 'is a concern for', 'suspicious for', 'worrisome for', 'may represent', 'could represent',
    'might represent', 'may reflect', 'could reflect', 'might reflect', 'may be due to', 'could be due to',
    'presumably', 'presumed', 'differential includes', 'differential diagnosis includes', 'consider', 'considered',
    'rule out', 'r/o', 'evaluate for', 'assess for', 'to exclude', 'not definitely', 'not clearly', 'cannot determine',
    'indeterminate for', 'raising the possibility of', 'raises the possibility of', 'possibility of',
    'in keeping with possible', 'equivocal for', 'questionable for', 'could be', 'may be', 'might be',
    'can be', 'could indicate', 'may indicate', 'might indicate', 'favored to represent', 'evaluation for', 'eval for',
    'assessment for', 'screening for', 'concern of', 'correlation for',
    'correlate for', 'correlate clinically for', 'clinical correlation for', 'history of', 'query',
    'differential considerations include', 'differential considerations', 'differential diagnosis would include']),
  ...cues('uncertainty', 'post', ['is possible', 'are possible', 'is suspected', 'are suspected', 'is questioned',
    'are questioned', 'is a possibility', 'is considered', 'is not excluded', 'are not excluded', 'is questionable',
    'are questionable', 'is probable', 'are probable', 'is favored', 'is not entirely excluded', 'if present', 'if any',
    'is a consideration', 'are a consideration', 'a consideration', 'is a concern', 'are a concern', 'is less likely', 'is considered less likely',
    'may be present', 'could be present', 'might be present', 'is difficult to exclude', 'difficult to exclude',
    'is uncertain', 'is equivocal']),
  // "X versus Y" is read like "X or Y" (`scopes.ts`): both alternatives are uncertain, not the whole phrase.
  ...cues('uncertainty', 'both', ['or less likely']),
  ...cues('uncertainty', 'flex', ['may', 'might', 'could', 'possible', 'possibly', 'probable', 'questionable',
    'suspected', 'suspect', 'equivocal', 'perhaps', 'potential', 'potentially', 'presumptive', 'borderline for',
    'cannot exclude', 'indeterminate', 'uncertain', 'unclear', 'less likely', 'unlikely']),
]);
