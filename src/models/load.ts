/**
 * Building a MeDSLIP from saved weights: medslip checkpoints record their model config; the reference's
 * PyTorch checkpoints record theirs under reference names (res_base_model, d_model, H, N, dropout), which map here.
 */
import { readModelWeights } from '../io/checkpoint.ts';
import { DEFAULT_CONFIG, MeDSLIP, type MedslipConfig } from './medslip.ts';
import type { ResNetArch } from './resnet.ts';

/** A MeDSLIP config from a medslip config or the reference's YAML/checkpoint keys. */
export function medslipConfigFrom(saved: Record<string, unknown> | undefined): MedslipConfig {
  if (!saved) return { ...DEFAULT_CONFIG };
  if ('backbone' in saved) return { ...DEFAULT_CONFIG, ...(saved as Partial<MedslipConfig>) };
  const pick = <T>(key: string, fallback: T): T => (saved[key] === undefined ? fallback : saved[key] as T);
  return {
    ...DEFAULT_CONFIG,
    backbone: pick<ResNetArch>('res_base_model', DEFAULT_CONFIG.backbone),
    dModel: pick('d_model', DEFAULT_CONFIG.dModel),
    heads: pick('H', DEFAULT_CONFIG.heads),
    layers: pick('N', DEFAULT_CONFIG.layers),
    dropout: pick('dropout', DEFAULT_CONFIG.dropout),
  };
}

/**
 * Loads MeDSLIP weights from any checkpoint form (a run folder, a medslip checkpoint, a .safetensors state dict,
 * a reference .pth; see src/io/resolve-checkpoint.ts), strictly (every key must match), and returns the model in
 * eval mode with the image size it was trained at, when recorded.
 * @throws Error naming the file for a missing checkpoint, missing/unexpected keys or a shape mismatch.
 */
export function loadMedslip(path: string, overrides: Partial<MedslipConfig> = {}): { model: MeDSLIP; config: MedslipConfig; source: string; imageSize?: number } {
  const { weights, modelConfig, source, imageSize } = readModelWeights(path);
  const config = { ...medslipConfigFrom(modelConfig), ...overrides };
  const model = new MeDSLIP(config);
  try {
    model.loadStateDict(weights);
  } catch (error) {
    model.dispose();
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  return { model: model.eval(), config, source, imageSize };
}
