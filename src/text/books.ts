/**
 * The two prompt books whose frozen text-encoder vectors become MeDSLIP's queries: one description per
 * observation (pathology stream) and one location prompt per landmark (anatomy stream), in the order of
 * `src/vocabulary.ts`.
 *
 * The anatomy prompts are the reference's exactly (Shef-AIRE/MeDSLIP `models/model_MeDSLIP.py`): "It is located at "
 * + the raw landmark name (underscores kept) + ". ", trailing space included, because a pretrained checkpoint's
 * queries were computed from those strings.
 *
 * The pathology descriptions are medslip's own, written for this project: what each term means on a chest
 * radiograph. The reference ships a different description file (`observation explanation.json`, no licence); a
 * user who has it, or wants their own wording, loads it with `loadPathologyBook`. Book vectors computed from
 * different descriptions differ, so a checkpoint pre-trained with one book should be used with that book.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LANDMARKS, NUM_OBSERVATIONS, OBSERVATIONS } from '../vocabulary.ts';

const PATHOLOGY_DESCRIPTIONS: Readonly<Record<(typeof OBSERVATIONS)[number], string>> = {
  normal: 'Normal means the structure in question shows no abnormality: lungs, heart, mediastinum, pleura and bones look as expected for the patient.',
  clear: 'Clear lungs are well aerated without focal opacity, consolidation, effusion or pneumothorax; the vascular markings are fine and taper toward the periphery.',
  sharp: 'A sharp margin is a crisp interface between air-filled lung and an adjacent soft-tissue structure, such as a well-defined hemidiaphragm or costophrenic angle, implying no neighboring airspace disease or fluid.',
  sharply: 'Sharply outlined contours mean the edges of the diaphragm, cardiac silhouette or mediastinum stand out distinctly, which argues against silhouetting by nearby consolidation, collapse or pleural fluid.',
  unremarkable: 'Unremarkable describes a structure with nothing worth reporting; the cardiomediastinal contour, hila or osseous structures appear within normal limits.',
  intact: 'Intact bones or devices are unbroken and continuous: ribs, clavicles and spine show no fracture line, and tubes or wires have no break or disconnection.',
  stable: 'Stable indicates no interval change compared with a prior examination; a finding that persists unchanged in size and appearance over time is usually less worrying.',
  free: 'Free gas or fluid lies unconfined in a body space: free intraperitoneal gas forms a lucent crescent beneath the diaphragm on an upright film, and a free-flowing effusion layers dependently.',
  effusion: 'Pleural effusion is a collection of fluid between the visceral and parietal pleura; upright films show a dependent water-density opacity with a concave upper edge that fills the lateral costophrenic recess.',
  opacity: 'An opacity is any region that appears whiter than expected because it absorbs more x-rays than aerated lung; the word is descriptive and may reflect fluid, pus, blood, cells or collapse.',
  pneumothorax: 'Pneumothorax is air in the pleural cavity that lets the lung recoil; look for a thin white visceral pleural line with no lung markings beyond it, most visible at the apex on an erect view.',
  edema: 'Pulmonary edema is excess water in the lung interstitium and alveoli, usually from heart failure; signs include perihilar haze, Kerley B lines, peribronchial cuffing and bilateral bat-wing airspace shadowing.',
  atelectasis: 'Atelectasis is incomplete expansion of part of the lung; it appears as a linear, platelike or wedge-shaped density with signs of volume loss such as displaced fissures or a raised hemidiaphragm.',
  tube: 'A tube is a medical device inserted into the body, such as an endotracheal, nasogastric or chest drain tube; its radiopaque course is traced to check that the end lies where intended.',
  consolidation: 'Consolidation is airspace filled with fluid, pus, blood or cells instead of air; the affected lung becomes homogeneously dense, often with air bronchograms, and effaces adjacent vessel and heart margins.',
  process: 'Process is a loose word for an ongoing disease affecting the lung, such as an infectious or inflammatory airspace process whose exact nature the image cannot settle.',
  abnormality: 'An abnormality is any departure from the expected appearance on the radiograph, named without committing to a specific diagnosis.',
  enlarge: 'Enlarged describes a structure bigger than its usual size, for example a broad cardiac silhouette, bulky hilar lymph nodes or a dilated pulmonary artery.',
  tip: 'The tip is the distal end of a tube, line or catheter; reports give its location, such as above the carina or at the cavoatrial junction, to confirm safe placement.',
  low: 'Low lung volumes mean a shallow inspiration: the diaphragm sits high, the bases look crowded and the heart may appear falsely large.',
  pneumonia: 'Pneumonia is infection of the lung parenchyma; it shows as patchy or lobar airspace opacity, sometimes with air bronchograms, in a patient with fever and cough.',
  line: 'A line can be a vascular catheter such as a central venous or PICC line, or a thin linear shadow in the lung such as a septal or platelike line.',
  congestion: 'Vascular congestion is engorgement of the pulmonary veins from raised left atrial pressure; upper-zone vessels become as large as lower-zone ones and the hila look hazy.',
  catheter: 'A catheter is a thin flexible tube placed in a vessel or cavity, for example a central venous, Swan-Ganz or dialysis catheter, whose path and end position are checked on the film.',
  cardiomegaly: 'Cardiomegaly is enlargement of the heart; on a posteroanterior view the cardiothoracic ratio exceeds about one half.',
  fracture: 'A fracture is a break in bone; on chest films it usually involves a rib, clavicle or vertebra and shows as a lucent line, a cortical step or callus from healing.',
  air: 'Air is gas, which appears black on a radiograph; it matters where it should not be, such as under the diaphragm, in the mediastinum, in the soft tissues or in the pleural space.',
  tortuous: 'A tortuous aorta is elongated and curving, a common age-related change that bulges the mediastinal outline without implying aneurysm.',
  lead: 'A lead is an insulated wire of a pacemaker or defibrillator that runs through the veins into the right atrium or ventricle; reports check its position and continuity.',
  disease: 'Disease refers to a pathological condition of the chest, for example airspace, interstitial or degenerative disease, usually qualified by its pattern or location.',
  calcification: 'Calcification is calcium deposited in tissue, as white as bone on the image; it is common in the aortic knob, granulomas, lymph nodes, costal cartilages and pleural plaques.',
  prominence: 'Prominence means a structure stands out more than usual, such as prominent hila, interstitial markings or pulmonary vessels, suggesting mild enlargement or congestion.',
  device: 'A device is any implanted or external medical equipment visible on the image: pacemakers, defibrillators, monitoring electrodes, prosthetic valves, ports and stimulators.',
  engorgement: 'Engorgement is distension of blood vessels with excess blood, typically of the pulmonary veins or the azygos vein in fluid overload or heart failure.',
  picc: 'A PICC is a peripherally inserted central catheter introduced through an arm vein; its end should sit in the lower superior vena cava near the right atrium.',
  clip: 'Surgical clips are small metallic markers left after an operation, for example in the axilla, the mediastinum or the upper abdomen after cholecystectomy.',
  elevation: 'Elevation usually refers to a hemidiaphragm that sits higher than expected, as from phrenic nerve palsy, lung volume loss or subphrenic pathology.',
  expand: 'Expanded lung is fully inflated; reports note whether a previously collapsed lung has re-expanded after drainage or treatment.',
  nodule: 'A nodule is a rounded opacity up to three centimeters across within the lung, which may be a granuloma, a benign lesion or an early cancer.',
  wire: 'Wires are thin radiopaque metal strands, most often median sternotomy wires closing the breastbone after cardiac surgery.',
  fluid: 'Fluid in the chest may lie in the pleural space, within fissures, in the alveoli or in the interstitium, producing water-density opacity.',
  degenerative: 'Degenerative change is age-related wear of the skeleton, such as spinal osteophytes, narrowed disc spaces and arthritis of the shoulder or acromioclavicular joints.',
  pacemaker: 'A pacemaker is a battery generator implanted under the skin of the upper chest, with electrodes passing through the veins into the heart to regulate its rhythm.',
  thicken: 'Thickening is increased width of a structure, such as pleural thickening along the chest wall or apex, or thickened interlobular septa and bronchial walls.',
  marking: 'Lung markings are the branching shadows of vessels and bronchi; they increase in interstitial disease or congestion and vanish beyond a pneumothorax edge.',
  scar: 'A scar is fibrous tissue left after earlier injury or infection, usually a linear or irregular density with some volume loss, often at the apices.',
  hyperinflate: 'Hyperinflated lungs hold too much air, as in emphysema or asthma: the diaphragms flatten, more than ten posterior ribs are visible and the retrosternal space widens.',
  blunt: 'Blunting of the costophrenic angle means the normally acute lateral corner where diaphragm meets chest wall becomes rounded, typically from a small effusion or pleural thickening.',
  loss: 'Loss refers to volume loss or loss of a normal contour: a shrunken lobe pulls fissures toward it, and a border disappears when the adjacent lung becomes airless.',
  widen: 'A widened mediastinum is broader than normal, which may reflect vascular unfolding, lymph node enlargement, hemorrhage or a mass.',
  collapse: 'Collapse is complete loss of air in a lobe or whole lung, which becomes a dense, shrunken shadow with shift of fissures, mediastinum or diaphragm toward it.',
  density: 'A density is a focus that looks whiter than the surrounding lung, a neutral descriptive word used before its cause is known.',
  emphysema: 'Emphysema is permanent destruction of alveolar walls with air trapping, giving hyperlucent lungs, sparse peripheral vessels, bullae and flat diaphragms; subcutaneous emphysema is gas in the soft tissues.',
  aerate: 'Aeration describes how much air a region holds; well-aerated lung is dark, whereas poorly aerated bases look hazy from atelectasis or fluid.',
  mass: 'A mass is a space-occupying lesion larger than three centimeters in the lung, mediastinum or hilum, which raises concern for malignancy.',
  crowd: 'Crowding of the bronchovascular markings happens when the lungs are not fully expanded, so vessels at the bases bunch together without true disease.',
  infiltrate: 'Infiltrate is an older, non-specific term for a hazy or patchy pulmonary opacity thought to represent infection, inflammation or fluid within lung tissue.',
  obscure: 'Obscured means a normal outline cannot be seen, for instance a hemidiaphragm or heart border hidden by neighboring consolidation, collapse or pleural fluid.',
  deformity: 'Deformity is an abnormal shape of a bone or structure, such as an old healed rib fracture, a chest wall deformity or scoliosis.',
  hernia: 'A hiatal hernia is part of the stomach pushed up through the diaphragm, often seen as a retrocardiac soft-tissue mass containing an air-fluid level.',
  drainage: 'Drainage refers to a drain, such as a pleural or mediastinal drain inserted to remove fluid or air, whose position is described on the film.',
  distention: 'Distention is abnormal expansion of a hollow organ with gas or fluid, for example a distended stomach beneath the left hemidiaphragm or dilated bowel loops.',
  shift: 'Shift is displacement of the mediastinum or trachea away from a large effusion or tension pneumothorax, or toward a collapsed lung.',
  stent: 'A stent is a metallic mesh tube placed in a vessel, airway or esophagus to keep it open, seen as a tubular lattice of radiopaque struts.',
  pressure: 'Pressure appears in reports about raised pulmonary venous or arterial pressure, inferred from vessel size and redistribution, or about positive airway pressure ventilation.',
  lesion: 'A lesion is any localized area of abnormal tissue, such as a nodule, mass, cavity or bone lesion, named when its nature is uncertain.',
  finding: "A finding is whatever the reader observes and records on the image; it may be normal or abnormal and is often qualified, as in 'no acute finding'.",
  borderline: 'Borderline means at the upper limit of normal, as with a borderline heart size that is neither clearly normal nor clearly enlarged.',
  hardware: 'Hardware is orthopedic or surgical metalwork, such as spinal fixation rods, screws, plates or shoulder prostheses, that projects over the chest.',
  dilation: 'Dilation is widening of a tube-shaped structure beyond its normal caliber, such as a dilated aorta, pulmonary artery, esophagus or bowel.',
  chf: 'CHF, congestive heart failure, shows cardiomegaly with vascular redistribution, interstitial edema, Kerley lines and often bilateral pleural effusions.',
  redistribution: 'Redistribution is cephalization of pulmonary blood flow, where upper-lobe vessels enlarge relative to lower-lobe vessels because of raised venous pressure.',
  aspiration: 'Aspiration is inhalation of gastric contents or foreign material into the airways, leading to opacity in dependent segments such as the right lower lobe.',
  tail_abnorm_obs: 'Another abnormal finding: an uncommon abnormality of the chest that is not one of the specific observations listed, grouped together as a rare finding.',
  excluded_obs: 'A non-specific word that is not a finding: a term from the report that carries no radiological meaning of its own, such as filler or procedural vocabulary.',
};

/** The 75 pathology descriptions, one per observation, in `OBSERVATIONS` order. */
export const PATHOLOGY_BOOK: readonly string[] = Object.freeze(OBSERVATIONS.map((name) => PATHOLOGY_DESCRIPTIONS[name]));

/** Tokens per book text when encoding (the reference pre-training's 128; its downstream scripts used 64). */
export const BOOK_MAX_LENGTH = 128;

/** The 51 anatomy prompts, one per landmark in `LANDMARKS` order: "It is located at left_lower_lung. ". */
export const ANATOMY_BOOK: readonly string[] = Object.freeze(LANDMARKS.map((name) => `It is located at ${name}. `));

export interface LoadPathologyBookOptions {
  /** Receives one message when key names differ from medslip's observation names. Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/**
 * Reads a user's pathology book: a JSON object mapping observation → description, 75 entries.
 *
 * Descriptions are taken in key ORDER, as the reference does with `observation explanation.json` (whose key 20 is
 * the misspelt "eumonia"); keys that differ from medslip's names are reported once through `onWarning`, not
 * rejected. Note that JavaScript orders integer-like keys ("0", "17") numerically, ahead of the others.
 *
 * @example
 *   const book = loadPathologyBook('observation explanation.json');
 * @throws Error naming the file when it cannot be read, is not a JSON object, has a count other than 75, or has a
 *   value that is not a non-empty string (the message names the key).
 */
export function loadPathologyBook(file: string, options: LoadPathologyBookOptions = {}): readonly string[] {
  if (typeof file !== 'string') throw new TypeError(`Expected a file path (string) for file but received ${typeof file}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read the pathology book (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file}: expected a JSON object mapping each of the ${NUM_OBSERVATIONS} observations to a description`);
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length !== NUM_OBSERVATIONS) {
    throw new Error(`${file}: expected ${NUM_OBSERVATIONS} observation descriptions but found ${entries.length}`);
  }
  const mismatches: string[] = [];
  const book = entries.map(([key, value], i) => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new Error(`${file}: the description of "${key}" (entry ${i}) must be a non-empty string but is ${JSON.stringify(value)}`);
    }
    if (key !== OBSERVATIONS[i]) mismatches.push(`entry ${i} "${key}" is used as "${OBSERVATIONS[i]}"`);
    return value;
  });
  if (mismatches.length > 0) {
    const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'MEDSLIP_BOOK_KEYS' }));
    warn(`${file}: ${mismatches.length} key(s) differ from medslip's observation names; descriptions are taken in key order: ${mismatches.join('; ')}`);
  }
  return Object.freeze(book);
}

/**
 * A SHA-256 (hex) of a book's texts and the encoder settings that turn them into vectors, for cache metadata: a
 * cached book is reused only when this hash matches.
 *
 * @throws TypeError when texts is not an array of strings, encoderName not a string or maxLength not an integer.
 */
export function bookHash(texts: readonly string[], encoderName: string, maxLength: number): string {
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
    throw new TypeError('Expected an array of strings for texts');
  }
  if (typeof encoderName !== 'string') throw new TypeError(`Expected a string for encoderName but received ${typeof encoderName}`);
  if (!Number.isInteger(maxLength)) throw new TypeError(`Expected an integer for maxLength but received ${String(maxLength)}`);
  // JSON framing keeps the fields unambiguous (no separator can be forged by a text).
  return createHash('sha256').update(JSON.stringify({ encoder: encoderName, maxLength, texts })).digest('hex');
}
