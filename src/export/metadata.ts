/**
 * What a medslip ONNX file says about itself, in its metadata_props (string key → string value, JSON where the
 * value is structured), so that any runtime can prepare inputs and name outputs without medslip:
 *
 *   medslip_version  "0.1.0"
 *   input_size       "224"                 the model's input is (batch, 3, input_size, input_size)
 *   normalization    {"divisor":255,"mean":[…],"std":[…]}   input = (grey level / divisor − mean[c]) / std[c]
 *   resize           "bilinear-antialiased" (PIL's bilinear filter, as medslip's evaluation transform)
 *   observations     [75 names]            columns of `pathology` and rows of `heatmaps`
 *   landmarks        [51 names]            columns of `anatomy`
 *   heatmap_size     [h, w]                the token grid of `heatmaps` (14 × 14 for ResNet-50 at 224 px)
 *   model_config     {…}                   the MeDSLIP config the weights were trained with
 *   books            {"encoder":…,"dim":…,"maxLength":…}   the text vectors baked in as the queries
 *
 * This module imports nothing from Node so that the browser page can use it too.
 */
import { LANDMARKS, OBSERVATIONS } from '../vocabulary.ts';

export interface OnnxModelMetadata {
  medslipVersion: string;
  inputSize: number;
  normalization: { divisor: number; mean: [number, number, number]; std: [number, number, number] };
  resize: 'bilinear-antialiased';
  observations: string[];
  landmarks: string[];
  heatmapSize: [number, number];
  modelConfig: Record<string, unknown>;
  books: { encoder?: string; dim: number; maxLength?: number };
}

/** The metadata as ONNX metadata_props entries. */
export function metadataEntries(metadata: OnnxModelMetadata): Record<string, string> {
  return {
    medslip_version: metadata.medslipVersion,
    input_size: String(metadata.inputSize),
    normalization: JSON.stringify(metadata.normalization),
    resize: metadata.resize,
    observations: JSON.stringify(metadata.observations),
    landmarks: JSON.stringify(metadata.landmarks),
    heatmap_size: JSON.stringify(metadata.heatmapSize),
    model_config: JSON.stringify(metadata.modelConfig),
    books: JSON.stringify(metadata.books),
  };
}

/**
 * Reads and checks the metadata of a medslip ONNX file.
 * @throws Error naming `file` and the key when an entry is missing or malformed, or when the observation and
 *   landmark names are not medslip's (the outputs would be mislabelled).
 */
export function parseMetadata(entries: ReadonlyArray<{ key?: string | null; value?: string | null }>, file: string): OnnxModelMetadata {
  const props = new Map(entries.map((e) => [e.key ?? '', e.value ?? '']));
  const fail = (key: string, expected: string): Error =>
    new Error(`${file}: metadata "${key}" ${props.has(key) ? `is ${JSON.stringify(props.get(key)).slice(0, 80)}` : 'is missing'}; expected ${expected} (is this a model written by \`medslip export\`?)`);
  const json = (key: string, expected: string): unknown => {
    try {
      return JSON.parse(props.get(key) ?? '');
    } catch {
      throw fail(key, expected);
    }
  };
  const isNumbers = (value: unknown, length: number): value is number[] =>
    Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && Number.isFinite(v));

  const version = props.get('medslip_version');
  if (!version) throw fail('medslip_version', 'a version string');
  const inputSize = Number(props.get('input_size'));
  if (!Number.isInteger(inputSize) || inputSize < 1) throw fail('input_size', 'a positive integer');
  const normalization = json('normalization', '{"divisor", "mean", "std"}') as OnnxModelMetadata['normalization'];
  if (typeof normalization?.divisor !== 'number' || !isNumbers(normalization.mean, 3) || !isNumbers(normalization.std, 3)) {
    throw fail('normalization', '{"divisor": number, "mean": [3 numbers], "std": [3 numbers]}');
  }
  if (props.get('resize') !== 'bilinear-antialiased') throw fail('resize', '"bilinear-antialiased"');
  const names = (key: string, expected: readonly string[]): string[] => {
    const value = json(key, `the ${expected.length} medslip names`);
    if (!Array.isArray(value) || value.length !== expected.length || value.some((v, i) => v !== expected[i])) {
      throw fail(key, `the ${expected.length} medslip names in medslip's order`);
    }
    return value as string[];
  };
  const heatmapSize = json('heatmap_size', '[h, w]');
  if (!isNumbers(heatmapSize, 2) || !heatmapSize.every((v) => Number.isInteger(v) && v > 0)) throw fail('heatmap_size', '[h, w] of positive integers');
  const modelConfig = json('model_config', 'a JSON object');
  if (typeof modelConfig !== 'object' || modelConfig === null || Array.isArray(modelConfig)) throw fail('model_config', 'a JSON object');
  const books = json('books', '{"dim": number, …}') as OnnxModelMetadata['books'];
  if (typeof books?.dim !== 'number') throw fail('books', '{"dim": number, …}');
  return {
    medslipVersion: version, inputSize, normalization, resize: 'bilinear-antialiased',
    observations: names('observations', OBSERVATIONS), landmarks: names('landmarks', LANDMARKS),
    heatmapSize: heatmapSize as [number, number], modelConfig: modelConfig as Record<string, unknown>, books,
  };
}
