/**
 * Training checkpoints. A checkpoint named PREFIX is three files:
 *   PREFIX.safetensors            the model's state dict (PyTorch names; loadable by any safetensors reader)
 *   PREFIX.optimizer.safetensors  AdamW moments, `<param>.exp_avg` / `<param>.exp_avg_sq` (when an optimizer is saved)
 *   PREFIX.json                   everything else: epoch, step, config, scheduler, optimizer steps, metrics
 * Each file is written atomically, and the JSON last: a checkpoint exists only once its JSON does, so a crash
 * mid-save leaves the previous checkpoint intact and never a half-written one.
 *
 * `readModelWeights` also reads the reference's PyTorch checkpoints (.pth/.bin, `{"model": …}`), so released
 * MeDSLIP weights and medslip's own load through one function.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as torch from '../torch/index.ts';
import type { Module } from '../nn/index.ts';
import type { AdamW } from '../optim/adamw.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { loadCheckpoint } from './pth.ts';
import type { RawTensor } from './raw-tensor.ts';

export const CHECKPOINT_FORMAT = 'medslip-checkpoint-1';

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  /** Model architecture (what rebuilds the module). */
  modelConfig: Record<string, unknown>;
  /** Everything else the caller wants back (epoch, step, run config, scheduler, best metric, …). */
  [key: string]: unknown;
}

const toRaw = (t: torch.Tensor): RawTensor => torch.toRaw(t) as RawTensor;

/** Saves model (+ optimizer) and state under `prefix` (see the file header for the layout). */
export function saveCheckpoint(prefix: string, parts: { model: Module; modelConfig: object; optimizer?: AdamW; state?: Record<string, unknown> }): void {
  const weights = new Map<string, RawTensor>();
  for (const [name, tensor] of parts.model.stateDict()) weights.set(name, toRaw(tensor));
  writeSafetensors(`${prefix}.safetensors`, weights, { format: 'pt', medslip: JSON.stringify(parts.modelConfig) });
  const optimizerSteps: Record<string, number> = {};
  if (parts.optimizer) {
    const moments = new Map<string, RawTensor>();
    for (const [name, s] of parts.optimizer.stateByName()) {
      moments.set(`${name}.exp_avg`, toRaw(s.expAvg));
      moments.set(`${name}.exp_avg_sq`, toRaw(s.expAvgSq));
      optimizerSteps[name] = s.step;
    }
    writeSafetensors(`${prefix}.optimizer.safetensors`, moments);
  }
  const state: CheckpointState = {
    ...parts.state,
    format: CHECKPOINT_FORMAT,
    modelConfig: { ...parts.modelConfig },
    optimizer: parts.optimizer ? { lr: parts.optimizer.lr, steps: optimizerSteps } : null,
  };
  writeFileAtomic(`${prefix}.json`, `${JSON.stringify(state, null, 1)}\n`);
}

export interface LoadedCheckpoint {
  state: CheckpointState;
  weights: Map<string, RawTensor>;
  /** Restores the optimizer's moments and step counts (call after building it for the same parameters). */
  restoreOptimizer(optimizer: AdamW): void;
}

/** The prefix of a checkpoint given as PREFIX, PREFIX.json or PREFIX.safetensors. */
export function checkpointPrefix(path: string): string {
  return path.replace(/\.(json|safetensors)$/, '');
}

/**
 * Reads a medslip checkpoint written by saveCheckpoint.
 * @throws Error naming the file when the JSON is missing, unreadable or of another format.
 */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const prefix = checkpointPrefix(path);
  const jsonPath = `${prefix}.json`;
  if (!existsSync(jsonPath)) throw new Error(`${jsonPath} does not exist: not a complete medslip checkpoint`);
  let state: CheckpointState;
  try {
    state = JSON.parse(readFileSync(jsonPath, 'utf8')) as CheckpointState;
  } catch (error) {
    throw new Error(`${jsonPath} is not valid JSON: ${(error as Error).message}`);
  }
  if (state.format !== CHECKPOINT_FORMAT) throw new Error(`${jsonPath}: expected format "${CHECKPOINT_FORMAT}" but found ${JSON.stringify(state.format)}`);
  const weights = readSafetensors(`${prefix}.safetensors`).tensors;
  return {
    state,
    weights,
    restoreOptimizer(optimizer: AdamW): void {
      const saved = state.optimizer as { steps: Record<string, number> } | null;
      if (!saved) return;
      const moments = readSafetensors(`${prefix}.optimizer.safetensors`).tensors;
      const restored = new Map<string, { step: number; expAvg: torch.Tensor; expAvgSq: torch.Tensor }>();
      torch.scope(() => {
        for (const [name, step] of Object.entries(saved.steps)) {
          const expAvg = moments.get(`${name}.exp_avg`), expAvgSq = moments.get(`${name}.exp_avg_sq`);
          if (!expAvg || !expAvgSq) throw new Error(`${prefix}.optimizer.safetensors lacks the moments of "${name}"`);
          restored.set(name, { step, expAvg: torch.fromRaw(expAvg), expAvgSq: torch.fromRaw(expAvgSq) });
        }
        optimizer.loadStateByName(restored);
      });
    },
  };
}

/**
 * Model weights from a medslip checkpoint (.json/.safetensors prefix), a bare .safetensors state dict, or a
 * PyTorch checkpoint (.pth/.bin/.pt: the reference's `{"model": state_dict, …}`, a bare state dict, a
 * `module.` prefix). Returns the weights and, when the file records it, the model config.
 */
export function readModelWeights(path: string): { weights: Map<string, RawTensor>; modelConfig?: Record<string, unknown>; source: string } {
  if (/\.(pth|pt|bin|ckpt)$/.test(path)) {
    const checkpoint = loadCheckpoint(path);
    const config = checkpoint.entries.config;
    return { weights: checkpoint.stateDict, modelConfig: typeof config === 'object' && config ? config as Record<string, unknown> : undefined, source: 'pytorch' };
  }
  const prefix = checkpointPrefix(path);
  if (existsSync(`${prefix}.json`)) {
    const loaded = readCheckpoint(prefix);
    return { weights: loaded.weights, modelConfig: loaded.state.modelConfig, source: 'medslip' };
  }
  const file = readSafetensors(path.endsWith('.safetensors') ? path : `${prefix}.safetensors`);
  const config = file.metadata.medslip ? JSON.parse(file.metadata.medslip) as Record<string, unknown> : undefined;
  return { weights: file.tensors, modelConfig: config, source: 'safetensors' };
}
