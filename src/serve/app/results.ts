/**
 * The page's results as files to download: JSON shaped like `medslip predict --json` (plus the landmarks and
 * the model that computed them) and CSV (one row per observation and landmark, highest probability first).
 */
import type { Analysis, ServedModel } from './model.ts';

export interface PageResult {
  image: string;
  width: number;
  height: number;
  analysis: Analysis;
}

const byProbability = (names: readonly string[], values: Float32Array): [string, number][] =>
  names.map((name, i): [string, number] => [name, values[i]]).sort((a, b) => b[1] - a[1]);

export function resultJson(result: PageResult, model: ServedModel): string {
  const { metadata } = model;
  const pathology = byProbability(metadata.observations, result.analysis.pathology);
  return JSON.stringify({
    image: result.image,
    imageSize: [result.width, result.height],
    probabilities: Object.fromEntries(metadata.observations.map((name, i) => [name, result.analysis.pathology[i]])),
    landmarks: Object.fromEntries(metadata.landmarks.map((name, i) => [name, result.analysis.anatomy[i]])),
    top: pathology.filter(([name]) => name !== 'excluded_obs').slice(0, 5).map(([observation, probability]) => ({ observation, probability })),
    model: { file: model.file, medslipVersion: metadata.medslipVersion, inputSize: metadata.inputSize, config: metadata.modelConfig },
    engine: 'onnxruntime-web (wasm), in the browser',
  }, null, 2);
}

export function resultCsv(result: PageResult, model: ServedModel): string {
  const rows = [
    ...byProbability(model.metadata.observations, result.analysis.pathology).map(([name, p]) => `observation,${name},${p}`),
    ...byProbability(model.metadata.landmarks, result.analysis.anatomy).map(([name, p]) => `landmark,${name},${p}`),
  ];
  return ['kind,name,probability', ...rows].join('\n') + '\n';
}
